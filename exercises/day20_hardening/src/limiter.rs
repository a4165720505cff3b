//! The rate limit as middleware: who the client is, and what it is told when its bucket is empty.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::json;

use crate::bucket::RateLimiter;

/// The header that identifies an API client.
pub const API_KEY_HEADER: &str = "x-api-key";

/// Whose bucket a request spends: `key:<api key>` when it carries one, else `ip:<address>`.
///
/// Only the TCP peer address is trusted. `X-Forwarded-For` is whatever the client wrote, so a
/// limiter keyed on it is bypassed by changing the header on every request (behind your own
/// proxy, read the entry that proxy appended instead).
pub fn client_key(request: &Request) -> String {
    // TODO: the key the doc comment describes; `ip:unknown` when the peer address is not
    // known either.
    let _ = request;
    todo!("who is this client?")
}

/// Middleware: spend a token, then either run the handler (adding the limit headers) or answer
/// 429 with `Retry-After`.
pub async fn rate_limit(
    State(limiter): State<Arc<RateLimiter>>,
    request: Request,
    next: Next,
) -> Response {
    // TODO: spend one token of this client's bucket. Allowed: the handler's response, with
    // `x-ratelimit-limit` (the capacity) and `x-ratelimit-remaining` added. Limited: the
    // handler never runs; the answer is 429 with a JSON body, `x-ratelimit-remaining: 0` and
    // `retry-after` in whole seconds, never less than the real wait and never 0.
    let _ = (
        limiter,
        request,
        next,
        json!({}),
        HeaderValue::from(0),
        StatusCode::TOO_MANY_REQUESTS,
    );
    todo!("let the request through or answer 429")
}
