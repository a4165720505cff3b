//! `POST /posts/{slug}/comments` and `GET /posts/{slug}/comments`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::json::JsonBody;
use super::{Shared, run_blocking};
use crate::error::ApiError;
use crate::model::Comment;
use crate::rules;

#[derive(Debug, Deserialize)]
pub struct NewCommentBody {
    author_name: String,
    body: String,
}

#[derive(Debug, Serialize)]
pub struct Comments {
    items: Vec<Comment>,
}

/// 201 with the comment; 409 on a draft.
pub async fn create(
    State(store): State<Shared>,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<NewCommentBody>,
) -> Result<(StatusCode, Json<Comment>), ApiError> {
    let new = rules::comment(&body.author_name, &body.body)?;
    let comment = run_blocking(&store, move |s| s.add_comment(&slug, &new)).await?;
    Ok((StatusCode::CREATED, Json(comment)))
}

/// The post's comments, oldest first.
pub async fn list(
    State(store): State<Shared>,
    Path(slug): Path<String>,
) -> Result<Json<Comments>, ApiError> {
    let items = run_blocking(&store, move |s| s.comments(&slug)).await?;
    Ok(Json(Comments { items }))
}
