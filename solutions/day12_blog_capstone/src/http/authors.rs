//! `POST /authors` and `GET /authors/{id}`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::json::JsonBody;
use super::{Shared, run_blocking};
use crate::error::ApiError;
use crate::model::Author;
use crate::rules;

#[derive(Debug, Deserialize)]
pub struct NewAuthorBody {
    name: String,
    email: String,
}

/// 201 with the author (without the email) and its `Location`.
pub async fn create(
    State(store): State<Shared>,
    JsonBody(body): JsonBody<NewAuthorBody>,
) -> Result<Response, ApiError> {
    let new = rules::author(&body.name, &body.email)?;
    let author = run_blocking(&store, move |s| s.create_author(&new)).await?;
    let location = format!("/authors/{}", author.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(author),
    )
        .into_response())
}

pub async fn read(
    State(store): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<Author>, ApiError> {
    let missing = || ApiError::not_found(format!("there is no author {id:?}"));
    let number: i64 = id.parse().map_err(|_| missing())?;
    run_blocking(&store, move |s| s.author(number))
        .await?
        .map(Json)
        .ok_or_else(missing)
}
