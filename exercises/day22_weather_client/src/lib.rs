//! Day 22: a client for an upstream weather service.
//!
//! Your backend depends on someone else's service, and that service is sometimes slow, sometimes
//! down, sometimes plain wrong. Today you write the client that copes: every call has a timeout,
//! failures that may pass are retried with exponential backoff, and every failure becomes one
//! clear `WeatherError`. Read `README.md` first: the contracts below and the tests are your
//! spec; the fields and helpers are yours to design.

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
        let _ = retry;
        todo!()
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
    // Your fields here.
}

impl WeatherClient {
    /// A client for the service `config` describes, whose every attempt is bounded by
    /// `config.timeout`. Fails only if the HTTP client cannot be built.
    pub fn new(config: ClientConfig) -> Result<Self, reqwest::Error> {
        let _ = config;
        todo!()
    }

    /// The current weather in `city`.
    ///
    /// Each attempt is one `GET {base_url}/v1/current?city=<city>` (the name percent-encoded)
    /// with the `x-api-key` header, and ends as one of:
    ///
    /// - 2xx with an `Observation` body: `Ok`; with any other body: `InvalidResponse`;
    /// - 404: `CityNotFound(city)`; another 4xx: `Rejected`; a 5xx: `Unavailable`;
    /// - no complete answer within the timeout: `Timeout`; no connection at all: `Network`.
    ///
    /// `Timeout`, `Unavailable` and `Network` may pass by themselves, so they are tried again,
    /// at most `max_retries` times, after waiting `backoff.delay(n)` before retry `n`; the
    /// others are returned at once. After the last retry, its error is the result.
    pub async fn current(&self, city: &str) -> Result<Observation, WeatherError> {
        let _ = city;
        todo!()
    }
}
