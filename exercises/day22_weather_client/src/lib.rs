//! Day 22: a client for an upstream weather service.
//!
//! Your backend depends on someone else's service, and that service is sometimes slow, sometimes
//! down, sometimes plain wrong. Today you write the client that copes: every call has a timeout,
//! failures that may pass are retried with exponential backoff, and every failure becomes one
//! clear `WeatherError`. Read `README.md` first.

use std::time::Duration;

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
        // TODO: `Timeout`, `Unavailable` and `Network` may pass by themselves; the others will
        // fail the same way every time. `matches!` makes this one expression.
        todo!("decide which errors are worth a retry")
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
        // TODO: compute 2^retry without overflowing (`u32::checked_pow`), multiply the base by
        // it (`Duration::saturating_mul`) and cap the result at `self.max`.
        let _ = retry;
        todo!("compute the exponential backoff")
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
    /// Builds the client. Set the timeout once, on the `reqwest::Client`, so that no request can
    /// forget it.
    pub fn new(config: ClientConfig) -> Result<Self, reqwest::Error> {
        // TODO: `reqwest::Client::builder().timeout(...).build()?`, then keep the config.
        let _ = config;
        todo!("build the reqwest client with a timeout")
    }

    /// The current weather in `city`, retrying retryable failures with backoff.
    pub async fn current(&self, city: &str) -> Result<Observation, WeatherError> {
        // TODO: call `fetch_once` in a loop. On a retryable error, while fewer than
        // `max_retries` retries were made, sleep `backoff.delay(retry)` (`tokio::time::sleep`)
        // and try again; otherwise return the result as it is.
        let _ = city;
        todo!("retry with backoff")
    }

    /// One attempt, no retries: sends the request and turns the answer into a result.
    pub async fn fetch_once(&self, city: &str) -> Result<Observation, WeatherError> {
        // TODO: GET `{base_url}/v1/current` with the query `city=...` (`.query(&[("city", city)])`
        // encodes it for you) and the header `x-api-key`. Map what comes back:
        //   send failed: timeout -> `Timeout` (`error.is_timeout()`), otherwise `Network`;
        //   404 -> `CityNotFound`; 5xx -> `Unavailable`; any other non-2xx -> `Rejected`;
        //   2xx -> `response.json::<Observation>()`, where a decode error is `InvalidResponse`.
        let _ = (&self.http, &self.config, city);
        todo!("make one request and map the answer")
    }
}
