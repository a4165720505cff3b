//! The client of the upstream weather service (day 22's, grown a forecast): every attempt
//! bounded by a timeout, a 5xx retried with doubling waits, and every other outcome sorted into
//! one `UpstreamError` the API can map to a status.

use std::time::Duration;

use reqwest::{Response, StatusCode, header};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::config::Config;

/// The current weather in one city, as the upstream sends it and as the API serves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Current {
    pub city: String,
    pub temperature_c: f64,
    pub wind_kph: f64,
    pub humidity: u8,
    pub condition: String,
}

/// A forecast: one entry per day, from tomorrow on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    pub city: String,
    pub days: Vec<ForecastDay>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastDay {
    pub date: String,
    pub min_c: f64,
    pub max_c: f64,
    pub condition: String,
}

/// What can go wrong upstream, sorted by what the API does about it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UpstreamError {
    #[error("the upstream does not know this city")]
    NotFound,
    /// 429: the upstream wants us to slow down, for this many seconds if it said.
    #[error("the upstream is rate limiting us")]
    RateLimited { retry_after: Option<u64> },
    #[error("the upstream did not answer in time")]
    Timeout,
    /// A 5xx after every retry, another 4xx, no connection, or a body we cannot read. The text
    /// is for our logs only.
    #[error("the upstream failed: {0}")]
    Failed(String),
}

/// A client for `GET /v1/current` and `GET /v1/forecast`.
#[derive(Debug, Clone)]
pub struct Upstream {
    http: reqwest::Client,
    base_url: String,
    retries: u32,
    backoff: Duration,
}

impl Upstream {
    pub fn new(config: &Config) -> Result<Upstream, reqwest::Error> {
        // The timeout is set on the client, so no request can forget it.
        let http = reqwest::Client::builder()
            .timeout(config.upstream_timeout)
            .build()?;
        Ok(Upstream {
            http,
            base_url: config.upstream_url.trim_end_matches('/').to_string(),
            retries: config.upstream_retries,
            backoff: config.upstream_backoff,
        })
    }

    pub async fn current(&self, city: &str) -> Result<Current, UpstreamError> {
        self.get("/v1/current", &[("city", city.to_string())]).await
    }

    pub async fn forecast(&self, city: &str, days: u8) -> Result<Forecast, UpstreamError> {
        let query = [("city", city.to_string()), ("days", days.to_string())];
        self.get("/v1/forecast", &query).await
    }

    /// `GET path?query`, retrying a 5xx (and only a 5xx) with doubling waits.
    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, UpstreamError> {
        let mut wait = self.backoff;
        for _ in 0..self.retries {
            match self.attempt(path, query).await {
                Err(Attempt::ServerError(status)) => {
                    eprintln!("upstream {path} answered {status}; retrying in {wait:?}");
                    tokio::time::sleep(wait).await;
                    wait = wait.saturating_mul(2);
                }
                other => return finish(other).await,
            }
        }
        finish(self.attempt(path, query).await).await
    }

    /// One request. A response with a good status is returned unread.
    async fn attempt(&self, path: &str, query: &[(&str, String)]) -> Result<Response, Attempt> {
        let url = format!("{}{path}", self.base_url);
        // `query` percent-encodes: "São Paulo" travels as `S%C3%A3o+Paulo`.
        let sent = self.http.get(url).query(query).send().await;
        let response = sent.map_err(|e| Attempt::Failed(transport(e)))?;
        let status = response.status();
        if status.is_server_error() {
            return Err(Attempt::ServerError(status));
        }
        if status == StatusCode::NOT_FOUND {
            return Err(Attempt::Failed(UpstreamError::NotFound));
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            let retry_after = response
                .headers()
                .get(header::RETRY_AFTER)
                .and_then(|value| value.to_str().ok()?.trim().parse().ok());
            return Err(Attempt::Failed(UpstreamError::RateLimited { retry_after }));
        }
        if !status.is_success() {
            let why = format!("upstream answered {status}");
            return Err(Attempt::Failed(UpstreamError::Failed(why)));
        }
        Ok(response)
    }
}

/// The outcome of one failed attempt: worth retrying, or final.
enum Attempt {
    ServerError(StatusCode),
    Failed(UpstreamError),
}

/// Reads the body of the last attempt, or says why there is none.
async fn finish<T: DeserializeOwned>(
    attempt: Result<Response, Attempt>,
) -> Result<T, UpstreamError> {
    match attempt {
        // The body arrives after the status line, so reading it can still time out.
        Ok(response) => response.json().await.map_err(transport),
        Err(Attempt::ServerError(status)) => {
            Err(UpstreamError::Failed(format!("upstream answered {status}")))
        }
        Err(Attempt::Failed(error)) => Err(error),
    }
}

fn transport(error: reqwest::Error) -> UpstreamError {
    if error.is_timeout() {
        UpstreamError::Timeout
    } else {
        UpstreamError::Failed(error.to_string())
    }
}
