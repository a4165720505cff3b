//! Every error the API answers with, and how it becomes an RFC 9457 problem+json response.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::upstream::UpstreamError;

/// When the upstream rate limits us without saying for how long.
const DEFAULT_RETRY_AFTER_SECS: u64 = 60;

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// 400: the query has no `city`.
    MissingCity,
    /// 422: a parameter is there but unacceptable; the text says which and why.
    Invalid(String),
    /// 404: the upstream does not know the city.
    UnknownCity,
    /// 503: the upstream rate limits us; come back after this many seconds.
    RateLimited(u64),
    /// 504: the upstream did not answer in time.
    Timeout,
    /// 502: the upstream failed in any other way.
    BadGateway,
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::MissingCity => StatusCode::BAD_REQUEST,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::UnknownCity => StatusCode::NOT_FOUND,
            ApiError::RateLimited(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Timeout => StatusCode::GATEWAY_TIMEOUT,
            ApiError::BadGateway => StatusCode::BAD_GATEWAY,
        }
    }

    /// A sentence for the client. It never repeats what the upstream said.
    pub fn detail(&self) -> String {
        match self {
            ApiError::MissingCity => "the query parameter `city` is required".to_string(),
            ApiError::Invalid(why) => why.clone(),
            ApiError::UnknownCity => "no weather is known for this city".to_string(),
            ApiError::RateLimited(_) => "the weather service is busy; try again later".to_string(),
            ApiError::Timeout => "the weather service did not answer in time".to_string(),
            ApiError::BadGateway => "the weather service failed; try again later".to_string(),
        }
    }
}

impl From<UpstreamError> for ApiError {
    fn from(error: UpstreamError) -> Self {
        match error {
            UpstreamError::NotFound => ApiError::UnknownCity,
            UpstreamError::RateLimited { retry_after } => {
                ApiError::RateLimited(retry_after.unwrap_or(DEFAULT_RETRY_AFTER_SECS))
            }
            UpstreamError::Timeout => ApiError::Timeout,
            UpstreamError::Failed(_) => ApiError::BadGateway,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = serde_json::json!({
            "type": "about:blank",
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": self.detail(),
        });
        let mut response = (status, body.to_string()).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        // An error is about this moment: no cache should keep it.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let ApiError::RateLimited(seconds) = self {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
