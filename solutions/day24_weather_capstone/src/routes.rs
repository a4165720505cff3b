//! The API: `/health`, `/weather/current` and `/weather/forecast`. Each weather handler is the
//! same pipeline: validate, ask the cache (which asks the upstream on a miss), then answer with
//! the value and the headers that say how old it is.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::json;

use crate::cache::{Cache, Cached, Failed, Source};
use crate::config::Config;
use crate::problem::ApiError;
use crate::upstream::{Current, Forecast, Upstream, UpstreamError};
use crate::validate;

/// What the handlers share: one client, and one cache per upstream route.
#[derive(Clone)]
pub struct AppState {
    upstream: Arc<Upstream>,
    /// By lower-cased city.
    current: Arc<Cache<String, Current, UpstreamError>>,
    /// By lower-cased city and number of days.
    forecasts: Arc<Cache<(String, u8), Forecast, UpstreamError>>,
}

impl AppState {
    pub fn new(config: &Config, upstream: Upstream) -> AppState {
        let (ttl, stale) = (config.cache_ttl, config.stale_if_error);
        AppState {
            upstream: Arc::new(upstream),
            current: Arc::new(Cache::new(ttl, stale)),
            forecasts: Arc::new(Cache::new(ttl, stale)),
        }
    }
}

pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/weather/current", get(current))
        .route("/weather/forecast", get(forecast))
        .with_state(state)
}

/// Liveness only: it never asks the upstream, so a broken upstream does not make this
/// service look dead.
async fn health() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

async fn current(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let city = validate::city(&query)?;
    let key = city.to_lowercase();
    let answer = state
        .current
        .get(key, || state.upstream.current(&city))
        .await;
    respond(answer, state.current.ttl())
}

async fn forecast(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let city = validate::city(&query)?;
    let days = validate::days(&query)?;
    let key = (city.to_lowercase(), days);
    let answer = state
        .forecasts
        .get(key, || state.upstream.forecast(&city, days))
        .await;
    respond(answer, state.forecasts.ttl())
}

/// The value with its cache headers, a stale value if the upstream failed and one may stand
/// in, or the error the failure maps to.
fn respond<V: Serialize>(
    answer: Result<Cached<V>, Failed<V, UpstreamError>>,
    ttl: Duration,
) -> Result<Response, ApiError> {
    let cached = match answer {
        Ok(cached) => cached,
        Err(Failed { error, stale }) => {
            eprintln!("upstream failure: {error}");
            match (error, stale) {
                // "No such city" is an answer, not a failure: an old copy does not overrule it.
                (UpstreamError::NotFound, _) => return Err(ApiError::UnknownCity),
                (_, Some(stale)) => stale,
                (error, None) => return Err(error.into()),
            }
        }
    };
    let age = match cached.source {
        Source::Miss => 0,
        Source::Hit | Source::Stale => cached.fetched_at.elapsed().as_secs(),
    };
    let (cache_control, x_cache) = match cached.source {
        Source::Hit => (fresh_for(ttl, age), "hit"),
        Source::Miss => (fresh_for(ttl, age), "miss"),
        Source::Stale => ("max-age=0".to_string(), "stale"),
    };
    let mut response = Json(cached.value).into_response();
    let headers = response.headers_mut();
    headers.insert(header::AGE, HeaderValue::from(age));
    if let Ok(value) = HeaderValue::from_str(&cache_control) {
        headers.insert(header::CACHE_CONTROL, value);
    }
    headers.insert("x-cache", HeaderValue::from_static(x_cache));
    Ok(response)
}

/// `Cache-Control` for a fresh answer: downstream caches may keep it for what is left of our TTL.
fn fresh_for(ttl: Duration, age: u64) -> String {
    format!("public, max-age={}", ttl.as_secs().saturating_sub(age))
}
