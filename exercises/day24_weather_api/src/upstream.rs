//! The upstream weather service's client, written for you (day 22 built a fuller one, with
//! retries). One attempt per call, bounded by a timeout, and every failure sorted into one of
//! three kinds that the API maps to a status code.

use std::time::Duration;

use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

/// The current weather in one city, as the upstream service sends it (metric units).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub city: String,
    pub temperature_c: f64,
    pub wind_kph: f64,
    pub humidity: u8,
    pub condition: String,
}

/// What can go wrong upstream, from the point of view of our API.
#[derive(Debug, Clone, PartialEq)]
pub enum UpstreamError {
    /// The upstream answered 404: it does not know the city.
    NotFound,
    /// No answer within the timeout.
    Timeout,
    /// Anything else: a 5xx, a refused connection, a body we could not read. The text is for
    /// logs only, never for our clients.
    Failed(String),
}

/// Calls `GET {base_url}/v1/current?city=NAME` on the upstream service.
#[derive(Debug, Clone)]
pub struct UpstreamClient {
    http: reqwest::Client,
    base_url: String,
}

impl UpstreamClient {
    pub fn new(base_url: impl Into<String>, timeout: Duration) -> Self {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .expect("a client without TLS or proxies always builds");
        Self {
            http,
            base_url: base_url.into(),
        }
    }

    /// The current weather in `city`, in one attempt.
    pub async fn current(&self, city: &str) -> Result<Observation, UpstreamError> {
        let url = format!("{}/v1/current", self.base_url.trim_end_matches('/'));
        let response = self
            .http
            .get(url)
            .query(&[("city", city)])
            .send()
            .await
            .map_err(classify)?;
        match response.status() {
            StatusCode::NOT_FOUND => Err(UpstreamError::NotFound),
            status if !status.is_success() => {
                Err(UpstreamError::Failed(format!("upstream status {status}")))
            }
            _ => response.json::<Observation>().await.map_err(classify),
        }
    }
}

fn classify(error: reqwest::Error) -> UpstreamError {
    if error.is_timeout() {
        UpstreamError::Timeout
    } else {
        UpstreamError::Failed(error.to_string())
    }
}
