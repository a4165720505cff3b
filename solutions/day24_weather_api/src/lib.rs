//! Day 24: the public weather API (solution).
//!
//! `GET /weather?city=Oslo&units=imperial` validates its input, serves the weather from a cache
//! when it can and from the upstream service when it must, converts units, and maps every
//! upstream failure to the status code that tells the client what happened: 404, 502 or 504.

pub mod cache;
pub mod upstream;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
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
        match raw {
            None | Some("metric") => Ok(Units::Metric),
            Some("imperial") => Ok(Units::Imperial),
            Some(other) => Err(ApiError::InvalidUnits(other.to_string())),
        }
    }
}

/// Checks a city name and returns it trimmed: not blank, at most `MAX_CITY_CHARS` characters,
/// and only letters (any alphabet), spaces, hyphens, apostrophes and dots.
pub fn validate_city(raw: &str) -> Result<String, ApiError> {
    let city = raw.trim();
    if city.is_empty() {
        return Err(ApiError::InvalidCity("city must not be blank".to_string()));
    }
    if city.chars().count() > MAX_CITY_CHARS {
        return Err(ApiError::InvalidCity(format!(
            "city must be at most {MAX_CITY_CHARS} characters"
        )));
    }
    let allowed = |c: char| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '.');
    if !city.chars().all(allowed) {
        return Err(ApiError::InvalidCity(
            "city may contain only letters, spaces, hyphens, apostrophes and dots".to_string(),
        ));
    }
    Ok(city.to_string())
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
        let (temperature, temperature_unit, wind_speed, wind_speed_unit) = match units {
            Units::Metric => (
                observation.temperature_c,
                "°C",
                observation.wind_kph,
                "km/h",
            ),
            Units::Imperial => (
                observation.temperature_c * 9.0 / 5.0 + 32.0,
                "°F",
                observation.wind_kph / 1.609_344,
                "mph",
            ),
        };
        Self {
            city: observation.city.clone(),
            condition: observation.condition.clone(),
            units,
            temperature: round1(temperature),
            temperature_unit,
            wind_speed: round1(wind_speed),
            wind_speed_unit,
            humidity: observation.humidity,
        }
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
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
        match self {
            ApiError::MissingCity => StatusCode::BAD_REQUEST,
            ApiError::InvalidCity(_) | ApiError::InvalidUnits(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::CityNotFound => StatusCode::NOT_FOUND,
            ApiError::BadGateway => StatusCode::BAD_GATEWAY,
            ApiError::GatewayTimeout => StatusCode::GATEWAY_TIMEOUT,
        }
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
        match error {
            UpstreamError::NotFound => ApiError::CityNotFound,
            UpstreamError::Timeout => ApiError::GatewayTimeout,
            // The message is for our logs; the client only learns that upstream failed.
            UpstreamError::Failed(_) => ApiError::BadGateway,
        }
    }
}

impl IntoResponse for ApiError {
    /// An RFC 9457 problem details body.
    fn into_response(self) -> Response {
        let status = self.status();
        let body = serde_json::json!({
            "type": "about:blank",
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": self.detail(),
        });
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body.to_string(),
        )
            .into_response()
    }
}

/// `GET /weather?city=NAME&units=metric|imperial`.
pub async fn get_weather(
    State(state): State<AppState>,
    Query(query): Query<WeatherQuery>,
) -> Result<Response, ApiError> {
    // Validate everything before spending an upstream call on it.
    let city = validate_city(query.city.as_deref().ok_or(ApiError::MissingCity)?)?;
    let units = Units::parse(query.units.as_deref())?;

    // One cache entry per city whatever the spelling or the units: conversion happens after.
    let key = city.to_lowercase();
    let mut loaded = false;
    let observation = state
        .cache
        .get_or_load(key, || {
            loaded = true;
            state.upstream.current(&city)
        })
        .await
        .inspect_err(|error| eprintln!("weather for {city:?} failed upstream: {error:?}"))?;

    let x_cache = HeaderValue::from_static(if loaded { "miss" } else { "hit" });
    let report = WeatherReport::new(&observation, units);
    Ok(([("x-cache", x_cache)], axum::Json(report)).into_response())
}

/// The API's router.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/weather", get(get_weather))
        .with_state(state)
}
