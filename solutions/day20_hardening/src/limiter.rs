//! The rate limit as middleware: who the client is, and what it is told when its bucket is empty.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Json;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::bucket::{Decision, RateLimiter};

/// The header that identifies an API client.
pub const API_KEY_HEADER: &str = "x-api-key";

/// Whose bucket a request spends: `key:<api key>` when it carries one, else `ip:<address>`.
///
/// Only the TCP peer address is trusted. `X-Forwarded-For` is whatever the client wrote, so a
/// limiter keyed on it is bypassed by changing the header on every request (behind your own
/// proxy, read the entry that proxy appended instead).
pub fn client_key(request: &Request) -> String {
    if let Some(key) = request
        .headers()
        .get(API_KEY_HEADER)
        .and_then(|value| value.to_str().ok())
    {
        return format!("key:{key}");
    }
    match request.extensions().get::<ConnectInfo<SocketAddr>>() {
        Some(ConnectInfo(addr)) => format!("ip:{}", addr.ip()),
        None => "ip:unknown".to_string(),
    }
}

/// Middleware: spend a token, then either run the handler (adding the limit headers) or answer
/// 429 with `Retry-After`.
pub async fn rate_limit(
    State(limiter): State<Arc<RateLimiter>>,
    request: Request,
    next: Next,
) -> Response {
    match limiter.check(&client_key(&request)) {
        Decision::Allowed { remaining } => {
            let mut response = next.run(request).await;
            let headers = response.headers_mut();
            headers.insert("x-ratelimit-limit", HeaderValue::from(limiter.capacity()));
            headers.insert("x-ratelimit-remaining", HeaderValue::from(remaining));
            response
        }
        Decision::Limited { retry_after } => {
            // Retry-After is in whole seconds: round up, or the client comes back too early
            // and is refused again.
            let secs = retry_after.as_secs_f64().ceil().max(1.0) as u64;
            let body = Json(json!({ "error": "too many requests", "retry_after_secs": secs }));
            let mut response = (StatusCode::TOO_MANY_REQUESTS, body).into_response();
            let headers = response.headers_mut();
            headers.insert("retry-after", HeaderValue::from(secs));
            headers.insert("x-ratelimit-limit", HeaderValue::from(limiter.capacity()));
            headers.insert("x-ratelimit-remaining", HeaderValue::from(0));
            response
        }
    }
}
