//! Day 7: middleware.
//!
//! Code that runs around every handler: a request id, a structured log line per request with
//! its duration, a timeout, and panics turned into a plain 500 that leaks nothing. Read
//! `README.md` first.

use std::any::Any;
use std::time::Duration;

use axum::extract::{Extension, Request};
use axum::middleware::Next;
use axum::response::Response;
use axum::{Json, Router};
use serde_json::json;

// You will also want: `std::time::Instant`, `axum::http::{HeaderValue, StatusCode, header}`,
// `axum::middleware`, `axum::response::IntoResponse`, `axum::routing::get`,
// `tower::ServiceBuilder`, `tower_http::catch_panic::CatchPanicLayer` and
// `tower_http::timeout::TimeoutLayer`.

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
    // TODO: a `Router` with GET /hello, /slow and /panic (the handlers below), then ONE layer:
    // a `ServiceBuilder` holding the four middlewares in the order given above. The panic
    // catcher calls `panic_response`; the timeout answers 503 after `config.timeout`.
    let _ = config;
    todo!("routes and the middleware stack")
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
    // TODO: check the length, then every byte (`is_ascii_alphanumeric`, `-`, `_`).
    let _ = id;
    todo!("decide whether a client's request id can be trusted")
}

/// Middleware: gives the request an id (the client's `x-request-id` if it is valid, else a new
/// UUID), stores it in the request's extensions, and sends it back in the response's
/// `x-request-id` header.
pub async fn request_id(request: Request, next: Next) -> Response {
    // TODO: keep the client's `REQUEST_ID_HEADER` if it is readable and `is_valid_request_id`,
    // else make a new UUID (v4). Put `RequestId(id)` into the request's extensions (the
    // parameter must become `mut request`), run the rest of the stack, then set the header on
    // the response and return it.
    let _ = (request, next);
    todo!("give every request an id")
}

/// Middleware: after each request, one structured log event `request finished` at INFO level
/// with the fields `request_id`, `method`, `path` (without the query string, which may hold
/// secrets), `status` (a number) and `duration_ms` (a number).
pub async fn log_requests(request: Request, next: Next) -> Response {
    // TODO: note the start time, the method, the path and the `RequestId` extension BEFORE
    // running the rest of the stack (that takes the request). After it, emit the one event
    // described above: `status` as a number, `duration_ms` as milliseconds in an f64. Return
    // the response.
    let _ = (request, next);
    todo!("log every request")
}

/// What a client gets when a handler panics: `500` with a generic problem body. The panic's
/// message goes to the log (at ERROR level), where the people who run the service can read it.
pub fn panic_response(payload: Box<dyn Any + Send + 'static>) -> Response {
    // TODO: get the message out of the payload (it is a `&str` or a `String`), log it at
    // ERROR level, and answer 500 with
    // `content-type: application/problem+json` and a problem body (`type`, `title`, `status`,
    // `detail`) whose detail says nothing about the panic.
    let _ = payload;
    todo!("turn a panic into a 500")
}
