//! Day 22: a client for an upstream weather service (solution).
//!
//! Every call goes out with a timeout. Failures that may go away by themselves (a 5xx, a
//! timeout, a refused connection) are retried with exponential backoff; failures that will not
//! (404, other 4xx, a body that is not the JSON we expect) are returned at once. Every failure
//! becomes one `WeatherError` variant, so callers never have to look inside `reqwest::Error`.

use std::time::Duration;

use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

/// The current weather in one city, exactly as the upstream service sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub city: String,
    pub temperature_c: f64,
    pub wind_kph: f64,
    pub humidity: u8,
    pub condition: String,
}

/// Everything that can go wrong when asking the upstream service.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WeatherError {
    /// The service answered 404: it does not know this city.
    #[error("no such city: {0}")]
    CityNotFound(String),
    /// No complete answer arrived within the configured timeout.
    #[error("the weather service did not answer in time")]
    Timeout,
    /// The service answered with a 5xx status (after every retry).
    #[error("the weather service failed with status {status}")]
    Unavailable { status: u16 },
    /// The service answered with a 4xx status other than 404: our request was wrong.
    #[error("the weather service rejected the request with status {status}")]
    Rejected { status: u16 },
    /// The status was 2xx but the body was not the JSON we expect.
    #[error("the weather service sent an invalid response: {0}")]
    InvalidResponse(String),
    /// The request never got an answer: connection refused, reset, DNS failure...
    #[error("could not reach the weather service: {0}")]
    Network(String),
}

impl WeatherError {
    /// Whether trying the same request again may succeed.
    pub fn is_retryable(&self) -> bool {
        // A 5xx, a timeout or a network error says "not now"; a 404, a 4xx or a malformed body
        // will be the same on every attempt, so retrying only adds load.
        matches!(
            self,
            Self::Timeout | Self::Unavailable { .. } | Self::Network(_)
        )
    }
}

/// Exponential backoff: how long to wait before each retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait before the first retry.
    pub base: Duration,
    /// No wait is ever longer than this.
    pub max: Duration,
}

impl Backoff {
    /// The wait before retry number `retry` (0 for the first retry): `base * 2^retry`, never
    /// more than `max`, and no overflow however large `retry` gets.
    pub fn delay(&self, retry: u32) -> Duration {
        let factor = 2u32.checked_pow(retry).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.max)
    }
}

/// How to reach the upstream service and how patient to be with it.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// For example `http://127.0.0.1:4000` (no trailing slash needed).
    pub base_url: String,
    /// Sent in the `X-Api-Key` header of every request.
    pub api_key: String,
    /// The longest one attempt may take, from sending the request to the end of the body.
    pub timeout: Duration,
    /// How many times a retryable failure is tried again (0: a single attempt).
    pub max_retries: u32,
    /// The waits between attempts.
    pub backoff: Backoff,
}

/// A client for the upstream weather service's `GET /v1/current?city=NAME`.
#[derive(Debug, Clone)]
pub struct WeatherClient {
    http: reqwest::Client,
    config: ClientConfig,
}

impl WeatherClient {
    /// Builds the client. The timeout is set once, on the `reqwest::Client`, so no request can
    /// forget it.
    pub fn new(config: ClientConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(config.timeout).build()?;
        Ok(Self { http, config })
    }

    /// The current weather in `city`, retrying retryable failures with backoff.
    pub async fn current(&self, city: &str) -> Result<Observation, WeatherError> {
        let mut retry = 0;
        loop {
            match self.fetch_once(city).await {
                Err(error) if error.is_retryable() && retry < self.config.max_retries => {
                    tokio::time::sleep(self.config.backoff.delay(retry)).await;
                    retry += 1;
                }
                result => return result,
            }
        }
    }

    /// One attempt, no retries: sends the request and turns the answer into a result.
    pub async fn fetch_once(&self, city: &str) -> Result<Observation, WeatherError> {
        let url = format!("{}/v1/current", self.config.base_url.trim_end_matches('/'));
        let response = self
            .http
            .get(url)
            // `query` percent-encodes the value: "São Paulo" becomes `S%C3%A3o%20Paulo`.
            .query(&[("city", city)])
            .header("x-api-key", &self.config.api_key)
            .send()
            .await
            .map_err(transport_error)?;

        let status = response.status();
        if status == StatusCode::NOT_FOUND {
            return Err(WeatherError::CityNotFound(city.to_string()));
        }
        if status.is_server_error() {
            return Err(WeatherError::Unavailable {
                status: status.as_u16(),
            });
        }
        if !status.is_success() {
            return Err(WeatherError::Rejected {
                status: status.as_u16(),
            });
        }

        // The body arrives after the status line, so reading it can still time out.
        response.json::<Observation>().await.map_err(|error| {
            if error.is_decode() {
                WeatherError::InvalidResponse(error.to_string())
            } else {
                transport_error(error)
            }
        })
    }
}

/// Maps an error that happened while talking to the service (not one it answered with).
fn transport_error(error: reqwest::Error) -> WeatherError {
    if error.is_timeout() {
        WeatherError::Timeout
    } else {
        WeatherError::Network(error.to_string())
    }
}
