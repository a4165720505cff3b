//! Day 7: middleware (solution).
//!
//! Code that runs around every handler: a request id, a structured log line per request with
//! its duration, a timeout, and panics turned into a plain 500 that leaks nothing.

use std::any::Any;
use std::time::{Duration, Instant};

use axum::extract::{Extension, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

/// The header that carries the request id, both ways.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The longest request id accepted from a client.
pub const MAX_REQUEST_ID_LEN: usize = 64;

/// The id of the current request, put in the request's extensions by the `request_id`
/// middleware. Handlers read it with `Extension<RequestId>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

/// Settings for the app.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// How long a handler may take before the client gets a 503.
    pub timeout: Duration,
}

/// The routes, wrapped in the middleware stack.
///
/// From the outside in: `request_id` (so every response, even a 500, carries the id, and the
/// log line below can use it), `log_requests` (so it sees the final status of every request,
/// failures included), catching panics, and the timeout closest to the handler.
pub fn app(config: Config) -> Router {
    Router::new()
        .route("/hello", get(hello))
        .route("/slow", get(slow))
        .route("/panic", get(boom))
        .layer(
            // `ServiceBuilder` lists layers from the outermost to the innermost.
            ServiceBuilder::new()
                .layer(middleware::from_fn(request_id))
                .layer(middleware::from_fn(log_requests))
                .layer(CatchPanicLayer::custom(panic_response))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::SERVICE_UNAVAILABLE,
                    config.timeout,
                )),
        )
}

/// `GET /hello`: `{"message": "hello", "requestId": "<the id>"}`.
pub async fn hello(Extension(RequestId(id)): Extension<RequestId>) -> Json<serde_json::Value> {
    Json(json!({ "message": "hello", "requestId": id }))
}

/// `GET /slow`: never finishes, like a handler stuck on a dead database connection.
pub async fn slow() -> &'static str {
    std::future::pending().await
}

/// `GET /panic`: a bug. The message holds a secret that must never reach a client.
pub async fn boom() -> &'static str {
    let secret = "hunter2";
    panic!("lost the database connection (password {secret})");
}

/// Whether a client-supplied request id is safe to reuse: 1 to `MAX_REQUEST_ID_LEN` ASCII
/// letters, digits, `-` and `_`. Anything else could forge or break log lines.
pub fn is_valid_request_id(id: &str) -> bool {
    (1..=MAX_REQUEST_ID_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Middleware: gives the request an id (the client's `x-request-id` if it is valid, else a new
/// UUID), stores it in the request's extensions, and sends it back in the response's
/// `x-request-id` header.
pub async fn request_id(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|id| is_valid_request_id(id))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());

    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(request).await;
    let value = HeaderValue::from_str(&id).expect("a valid request id is a valid header value");
    response.headers_mut().insert(REQUEST_ID_HEADER, value);
    response
}

/// Middleware: after each request, one structured log event `request finished` at INFO level
/// with the fields `request_id`, `method`, `path` (without the query string, which may hold
/// secrets), `status` (a number) and `duration_ms` (a number).
pub async fn log_requests(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let id = request
        .extensions()
        .get::<RequestId>()
        .map(|RequestId(id)| id.clone())
        .unwrap_or_default();

    let response = next.run(request).await;

    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    // Fields, not a formatted sentence: a log system can filter on `status >= 500` or chart
    // `duration_ms` without parsing text.
    tracing::info!(
        request_id = %id,
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        duration_ms,
        "request finished"
    );
    response
}

/// What a client gets when a handler panics: `500` with a generic problem body. The panic's
/// message goes to the log (at ERROR level), where the people who run the service can read it.
pub fn panic_response(payload: Box<dyn Any + Send + 'static>) -> Response {
    // `panic!("literal")` carries a `&str`, `panic!("{x}")` a `String`.
    let message = if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_string()
    };
    tracing::error!(panic = %message, "a handler panicked");

    let body = json!({
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
        "detail": "Something went wrong on our side. Quote the x-request-id header if you report it.",
    });
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}
