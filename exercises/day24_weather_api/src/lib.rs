//! Day 24: the public weather API.
//!
//! `GET /weather?city=Oslo&units=imperial` validates its input, serves the weather from a cache
//! when it can and from the upstream service when it must, converts units, and maps every
//! upstream failure to the status code that tells the client what happened: 404, 502 or 504.
//! The upstream client (`upstream.rs`) and the cache (`cache.rs`) are written for you. The API
//! is yours: read `README.md` first; the contracts below and the tests are your spec.

pub mod cache;
pub mod upstream;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;

use crate::cache::Clock;
use crate::upstream::UpstreamClient;

/// What the handlers share: the upstream client, and a cache in front of it.
#[derive(Clone)]
pub struct AppState {
    // Your fields here.
}

impl AppState {
    /// A state that asks `upstream` on a cache miss and keeps what it got for `ttl`, measured
    /// by `clock`.
    pub fn new(upstream: UpstreamClient, ttl: Duration, clock: Arc<dyn Clock>) -> Self {
        let _ = (upstream, ttl, clock);
        todo!()
    }
}

/// The API: `GET /weather?city=NAME&units=metric|imperial`.
///
/// - 200 with `{"city", "condition", "units", "temperature", "temperature_unit", "wind_speed",
///   "wind_speed_unit", "humidity"}`. Metric (the default) is °C and km/h, as the upstream
///   sends them; imperial is °F and mph. Both numbers are rounded to one decimal.
/// - Every 200 has an `x-cache` header: `miss` when the upstream was asked, `hit` when the
///   cache answered. One cache entry serves a city in any letter case and in both unit systems, so
///   `Oslo` in metric and `oslo` in imperial make one upstream call.
/// - Validation happens before any upstream call. No `city` parameter: 400. A city that is
///   blank, longer than 64 characters (not bytes) or has anything but letters of any alphabet,
///   spaces, hyphens, apostrophes and dots: 422. `units` other than `metric` or `imperial`: 422.
/// - The upstream's 404: 404. Its failure (a 5xx, a refused connection, a bad body): 502.
///   Its timeout: 504. Failures are never cached.
/// - Every error is an RFC 9457 problem, `Content-Type: application/problem+json`, with
///   `type`, `title`, `status` and a `detail` that never repeats what the upstream said.
pub fn app(state: AppState) -> Router {
    let _ = state;
    todo!()
}
