//! Every error a client can get, answered as an RFC 9457 problem (`application/problem+json`).

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::rules::Invalid;
use crate::store::StoreError;

/// An error response: its status and the detail a client can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub detail: String,
}

impl ApiError {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> ApiError {
        ApiError {
            status,
            detail: detail.into(),
        }
    }

    pub fn not_found(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, detail)
    }

    /// A 500 that tells the client nothing; the cause goes to the server's log.
    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        eprintln!("internal error: {cause}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "something went wrong on our side",
        )
    }
}

impl From<Invalid> for ApiError {
    fn from(Invalid(why): Invalid) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, why)
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        let status = match &error {
            StoreError::EmailTaken | StoreError::SlugTaken(_) | StoreError::NotPublished(_) => {
                StatusCode::CONFLICT
            }
            StoreError::UnknownAuthor(_) => StatusCode::UNPROCESSABLE_ENTITY,
            StoreError::PostNotFound(_) => StatusCode::NOT_FOUND,
            StoreError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            StoreError::Stale => StatusCode::PRECONDITION_FAILED,
            StoreError::Sqlite(e) => return ApiError::internal(e),
        };
        ApiError::new(status, error.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "type": "about:blank",
            "title": self.status.canonical_reason().unwrap_or("Error"),
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body.to_string(),
        )
            .into_response()
    }
}
