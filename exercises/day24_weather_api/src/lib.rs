//! Day 24: the public weather API.
//!
//! `GET /weather?city=Oslo&units=imperial` validates its input, serves the weather from a cache
//! when it can and from the upstream service when it must, converts units, and maps every
//! upstream failure to the status code that tells the client what happened: 404, 502 or 504.
//! The upstream client (`upstream.rs`) and the cache (`cache.rs`) are written for you; you write
//! the API in this file. Read `README.md` first.

pub mod cache;
pub mod upstream;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::cache::{Clock, LoadingCache};
use crate::upstream::{Observation, UpstreamClient, UpstreamError};

/// The longest city name we accept, in characters.
pub const MAX_CITY_CHARS: usize = 64;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub upstream: Arc<UpstreamClient>,
    /// Observations by lower-cased city name.
    pub cache: Arc<LoadingCache<String, Observation, UpstreamError>>,
}

impl AppState {
    pub fn new(upstream: UpstreamClient, ttl: Duration, clock: Arc<dyn Clock>) -> Self {
        Self {
            upstream: Arc::new(upstream),
            cache: Arc::new(LoadingCache::new(ttl, clock)),
        }
    }
}

/// The query string of `GET /weather`. Both fields are optional here so that a missing city
/// reaches our own validation (and our own error body) instead of axum's default rejection.
#[derive(Debug, Deserialize)]
pub struct WeatherQuery {
    pub city: Option<String>,
    pub units: Option<String>,
}

/// The unit systems a client can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Units {
    Metric,
    Imperial,
}

impl Units {
    /// `None` (no `units` parameter) means metric; otherwise exactly `metric` or `imperial`.
    pub fn parse(raw: Option<&str>) -> Result<Units, ApiError> {
        // TODO: match on `raw`: `None` and `Some("metric")` are metric, `Some("imperial")` is
        // imperial, anything else is `ApiError::InvalidUnits` with the value given.
        let _ = raw;
        todo!("parse the units parameter")
    }
}

/// Checks a city name and returns it trimmed: not blank, at most `MAX_CITY_CHARS` characters,
/// and only letters (any alphabet), spaces, hyphens, apostrophes and dots.
pub fn validate_city(raw: &str) -> Result<String, ApiError> {
    // TODO: trim; then return `ApiError::InvalidCity(reason)` if the name is empty, longer than
    // `MAX_CITY_CHARS` characters (`chars().count()`, not `len()`), or has a character that is
    // not `char::is_alphabetic` nor one of ' ', '-', '\'', '.'. Otherwise the trimmed name.
    let _ = raw;
    todo!("validate the city name")
}

/// The body of a successful answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeatherReport {
    pub city: String,
    pub condition: String,
    pub units: Units,
    pub temperature: f64,
    pub temperature_unit: &'static str,
    pub wind_speed: f64,
    pub wind_speed_unit: &'static str,
    pub humidity: u8,
}

impl WeatherReport {
    /// Converts an upstream observation (always metric) to the units asked for, rounding the
    /// numbers to one decimal.
    pub fn new(observation: &Observation, units: Units) -> Self {
        // TODO: metric: the numbers as they are, "°C" and "km/h". Imperial: F = C * 9 / 5 + 32
        // and mph = km/h / 1.609344, "°F" and "mph". Round both numbers to one decimal
        // (`(x * 10.0).round() / 10.0`).
        let _ = (observation, units);
        todo!("build the report in the requested units")
    }
}

/// Every way a request can fail, each with its status code.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// 400: no `city` parameter at all.
    MissingCity,
    /// 422: a `city` parameter that is not an acceptable name (the reason).
    InvalidCity(String),
    /// 422: a `units` parameter other than `metric` or `imperial` (the value given).
    InvalidUnits(String),
    /// 404: the upstream does not know the city.
    CityNotFound,
    /// 502: the upstream failed.
    BadGateway,
    /// 504: the upstream did not answer in time.
    GatewayTimeout,
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        // TODO: one `StatusCode` per variant, as the comments on the variants say.
        todo!("map each error to its status code")
    }

    /// A human explanation for the client. It never repeats upstream internals.
    pub fn detail(&self) -> String {
        match self {
            ApiError::MissingCity => "the query parameter `city` is required".to_string(),
            ApiError::InvalidCity(reason) => reason.clone(),
            ApiError::InvalidUnits(units) => {
                format!("units must be `metric` or `imperial`, not `{units}`")
            }
            ApiError::CityNotFound => "no weather is known for this city".to_string(),
            ApiError::BadGateway => "the weather service failed; try again later".to_string(),
            ApiError::GatewayTimeout => {
                "the weather service did not answer in time; try again later".to_string()
            }
        }
    }
}

impl From<UpstreamError> for ApiError {
    fn from(error: UpstreamError) -> Self {
        // TODO: `NotFound` -> `CityNotFound`, `Timeout` -> `GatewayTimeout`, `Failed(_)` ->
        // `BadGateway` (its text is for our logs, never for clients).
        let _ = error;
        todo!("map upstream errors to API errors")
    }
}

impl IntoResponse for ApiError {
    /// An RFC 9457 problem details body.
    fn into_response(self) -> Response {
        // TODO: answer with a `(status, headers, body)` tuple. The one header is
        // `axum::http::header::CONTENT_TYPE` set to "application/problem+json"; the body is the
        // JSON `{"type": "about:blank", "title": ..., "status": ..., "detail": ...}` as a string
        // (`serde_json::json!(..).to_string()`). The title can be `status.canonical_reason()`.
        todo!("turn the error into a problem+json response")
    }
}

/// `GET /weather?city=NAME&units=metric|imperial`.
pub async fn get_weather(
    State(state): State<AppState>,
    Query(query): Query<WeatherQuery>,
) -> Result<Response, ApiError> {
    // TODO:
    //  1. Validate: no `city` is `ApiError::MissingCity`; then `validate_city` and
    //     `Units::parse`. All of this before any upstream call.
    //  2. Cache-aside: `state.cache.get_or_load(key, || { ... state.upstream.current(&city) })`
    //     with the lower-cased city as the key, so "Oslo" and "oslo" share one entry. Set a
    //     `loaded` flag inside the closure: it only runs on a miss. `?` converts the
    //     `UpstreamError` with your `From` impl (log it with `eprintln!` first if you like).
    //  3. Answer `([("x-cache", "miss" or "hit")], axum::Json(WeatherReport::new(..)))`.
    let _ = (state, query);
    todo!("validate, load through the cache, convert, answer")
}

/// The API's router.
pub fn app(state: AppState) -> Router {
    // TODO: a `Router` with `GET /weather` handled by `get_weather` (`axum::routing::get`),
    // and the state.
    let _ = state;
    todo!("build the router")
}
