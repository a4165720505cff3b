//! Notes: each belongs to its author; admins may read and delete any.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::Body;
use crate::app::AppState;
use crate::error::ApiError;
use crate::session::Session;
use crate::store::{Note, Role, User};

const MAX_TITLE_CHARS: usize = 200;
const MAX_BODY_CHARS: usize = 10_000;

#[derive(Deserialize)]
pub struct NewNote {
    title: String,
    body: String,
}

/// Whether `user` may read or delete `note`. Everyone else is told it does not exist: a 403
/// would confirm that the id is someone's note.
fn may_access(user: &User, note: &Note) -> bool {
    note.owner_id == user.id || user.role == Role::Admin
}

/// The note with the id in the path, if the caller may access it; `NotFound` otherwise.
fn accessible(state: &AppState, session: &Session, id: &str) -> Result<Note, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    state
        .store
        .note(id)?
        .filter(|note| may_access(&session.user, note))
        .ok_or(ApiError::NotFound)
}

/// `POST /notes`: 201 with the note and its `Location`.
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    Body(new): Body<NewNote>,
) -> Result<Response, ApiError> {
    let title_chars = new.title.trim().chars().count();
    if title_chars == 0
        || title_chars > MAX_TITLE_CHARS
        || new.body.chars().count() > MAX_BODY_CHARS
    {
        return Err(ApiError::InvalidNote);
    }
    let note = state
        .store
        .create_note(session.user.id, &new.title, &new.body)?;
    let location = format!("/notes/{}", note.id);
    Ok((StatusCode::CREATED, [(LOCATION, location)], Json(note)).into_response())
}

/// `GET /notes`: the caller's own notes.
pub async fn list(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Value>, ApiError> {
    let notes = state.store.notes_of(session.user.id)?;
    Ok(Json(json!({ "notes": notes })))
}

/// `GET /notes/{id}`.
pub async fn read(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Json<Note>, ApiError> {
    accessible(&state, &session, &id).map(Json)
}

/// `DELETE /notes/{id}`: 204.
pub async fn delete(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let note = accessible(&state, &session, &id)?;
    state.store.delete_note(note.id)?;
    Ok(StatusCode::NO_CONTENT)
}
