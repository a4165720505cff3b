//! Every refusal the API gives, and the one JSON shape they all have:
//! `{"error": "<code>", "message": "<for people>"}`.

use std::time::Duration;

use axum::Json;
use axum::http::StatusCode;
use axum::http::header::RETRY_AFTER;
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("the body is not the JSON this route expects")]
    InvalidJson,
    #[error("the request body is too large")]
    PayloadTooLarge,
    #[error("that is not an email address")]
    InvalidEmail,
    #[error("a password has 12 to 128 characters")]
    WeakPassword,
    #[error("an account with this email address exists")]
    EmailTaken,
    #[error("invalid email or password")]
    InvalidCredentials,
    #[error("log in first")]
    Unauthenticated,
    #[error("the current password is wrong")]
    WrongPassword,
    #[error("you may not do this")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("this path does not take that method")]
    MethodNotAllowed,
    #[error("a note has a title of 1 to 200 characters and a body of at most 10000")]
    InvalidNote,
    #[error("too many attempts for this address; try again later")]
    TooManyAttempts { retry_after: Duration },
    /// The cause goes to the log, never to the client.
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::InvalidJson => (StatusCode::BAD_REQUEST, "invalid_json"),
            ApiError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::InvalidEmail => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_email"),
            ApiError::WeakPassword => (StatusCode::UNPROCESSABLE_ENTITY, "weak_password"),
            ApiError::EmailTaken => (StatusCode::CONFLICT, "email_taken"),
            ApiError::InvalidCredentials => (StatusCode::UNAUTHORIZED, "invalid_credentials"),
            ApiError::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            ApiError::WrongPassword => (StatusCode::FORBIDDEN, "wrong_password"),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ApiError::InvalidNote => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_note"),
            ApiError::TooManyAttempts { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
            }
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            // The chain names the failing step; it never holds a request's secrets, because no
            // error in this program is built from a password, a token or a hash.
            eprintln!("error: {cause:#}");
        }
        let (status, code) = self.status_and_code();
        let body = Json(json!({ "error": code, "message": self.to_string() }));
        let mut response = (status, body).into_response();
        if let ApiError::TooManyAttempts { retry_after } = self {
            // Whole seconds, rounded up: a client told to come back too early is refused again.
            let secs = retry_after.as_secs_f64().ceil().max(1.0) as u64;
            response.headers_mut().insert(RETRY_AFTER, secs.into());
        }
        response
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::Internal(e.into())
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        ApiError::Internal(e.into())
    }
}
