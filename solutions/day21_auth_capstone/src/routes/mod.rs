//! The handlers, one file per part of the API, and the JSON body they all read.

pub mod accounts;
pub mod admin;
pub mod notes;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON request body whose refusals have the API's error shape (axum's own `Json` answers
/// in plain text).
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes =
            Bytes::from_request(request, state)
                .await
                .map_err(|rejection| match rejection.status() {
                    StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
                    _ => ApiError::InvalidJson,
                })?;
        serde_json::from_slice(&bytes)
            .map(Body)
            .map_err(|_| ApiError::InvalidJson)
    }
}
