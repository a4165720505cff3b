//! Day 20: rate limiting.
//!
//! A token bucket per client, applied as axum middleware: over the limit, a client gets
//! `429 Too Many Requests` with a `Retry-After` header instead of reaching the handler.
//! Read `README.md` first.

mod bucket;
mod clock;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::json;

pub use bucket::{Decision, RateLimiter, TokenBucket};
pub use clock::{Clock, ManualClock, SystemClock};

/// The header that identifies an API client.
pub const API_KEY_HEADER: &str = "x-api-key";

/// Whose bucket a request spends: `key:<api key>` when it carries one, else `ip:<address>`.
///
/// Only the TCP peer address is trusted. `X-Forwarded-For` is whatever the client wrote, so a
/// limiter keyed on it is bypassed by changing the header on every request (behind your own
/// proxy, read the entry that proxy appended instead).
pub fn client_key(request: &Request) -> String {
    // TODO: the `API_KEY_HEADER` header as text -> `format!("key:{key}")`. Otherwise the
    // extension `axum::extract::ConnectInfo<std::net::SocketAddr>`
    // (`request.extensions().get::<..>()`) ->
    // `format!("ip:{}", addr.ip())`, or "ip:unknown" without one.
    let _ = (request, API_KEY_HEADER);
    todo!("who is this client?")
}

/// Middleware: spend a token, then either run the handler (adding the limit headers) or answer
/// 429 with `Retry-After`.
pub async fn rate_limit(
    State(limiter): State<Arc<RateLimiter>>,
    request: Request,
    next: Next,
) -> Response {
    // TODO: `limiter.check(&client_key(&request))`.
    // - `Allowed { remaining }`: `next.run(request).await`, then add the headers
    //   `x-ratelimit-limit` (`limiter.capacity()`) and `x-ratelimit-remaining`
    //   (`HeaderValue::from(n)`) to the response.
    // - `Limited { retry_after }`: 429 with a JSON body and `retry-after` in whole seconds,
    //   rounded UP (`as_secs_f64().ceil()`), at least 1; `x-ratelimit-remaining: 0` too.
    //   `(StatusCode::TOO_MANY_REQUESTS, axum::Json(..)).into_response()` (trait
    //   `axum::response::IntoResponse`), then `headers_mut().insert(..)`.
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

/// `GET /hello` behind the limiter, and `GET /health` outside it: load balancers poll health
/// checks often, and a limited health check would take a healthy server out of rotation.
///
/// Serve it with `into_make_service_with_connect_info::<SocketAddr>()` so the middleware can
/// see client addresses.
pub fn app(limiter: Arc<RateLimiter>) -> Router {
    // TODO: a Router with `/hello` (`axum::routing::get(|| async { "hello\n" })`) and
    // `.route_layer(axum::middleware::from_fn_with_state(limiter, rate_limit))`, merged
    // (`Router::merge`) into a Router with `/health` (answering "ok\n") that the layer does
    // not cover.
    let _ = limiter;
    todo!("put the limiter in front of /hello")
}
