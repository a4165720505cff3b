//! Day 6: a REST resource done right.
//!
//! `/todos` with every status code a client expects: 201 + Location, 200, 204, 304, 404, 409,
//! 412 and 422, PUT (replace) versus PATCH (merge), and ETags for caching and for optimistic
//! concurrency control. Read `README.md` first.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

// For `app` you will want `axum::routing::get`.

/// The most characters a title may have.
pub const MAX_TITLE_CHARS: usize = 200;

/// A todo, as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Todo {
    pub id: u64,
    pub title: String,
    pub done: bool,
}

/// `POST /todos`: the title is required, `done` defaults to false.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTodo {
    pub title: String,
    #[serde(default)]
    pub done: bool,
}

/// `PUT /todos/{id}`: a complete new state, so every field is required.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplaceTodo {
    pub title: String,
    pub done: bool,
}

/// `PATCH /todos/{id}`: only the fields to change.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatchTodo {
    pub title: Option<String>,
    pub done: Option<bool>,
}

/// A stored todo and its version, which goes up by one on every change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub todo: Todo,
    pub version: u64,
}

impl Entry {
    /// The entity tag of the current version: a quoted string that changes whenever the todo
    /// does, e.g. `"3.1"`. Ids are never reused, so an ETag never comes back.
    pub fn etag(&self) -> String {
        format!("\"{}.{}\"", self.todo.id, self.version)
    }
}

/// All todos, by id.
#[derive(Debug, Default)]
pub struct Store {
    pub entries: BTreeMap<u64, Entry>,
    /// The last id handed out.
    pub last_id: u64,
}

impl Store {
    /// Whether another todo (not `except`) already has this title, ignoring case.
    pub fn title_taken(&self, title: &str, except: Option<u64>) -> bool {
        self.entries.values().any(|e| {
            Some(e.todo.id) != except && e.todo.title.to_lowercase() == title.to_lowercase()
        })
    }
}

/// The state every handler shares.
#[derive(Debug, Clone, Default)]
pub struct AppState {
    pub store: Arc<Mutex<Store>>,
}

/// Errors, sent as RFC 9457 problem details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// 404: no todo with this id.
    NotFound,
    /// 409: another todo has this title.
    DuplicateTitle,
    /// 412: `If-Match` names a version that is not the current one.
    PreconditionFailed,
    /// 422: the input breaks a rule.
    Invalid(String),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, detail) = match self {
            ApiError::NotFound => (StatusCode::NOT_FOUND, "no todo with this id".to_string()),
            ApiError::DuplicateTitle => (
                StatusCode::CONFLICT,
                "another todo has this title".to_string(),
            ),
            ApiError::PreconditionFailed => (
                StatusCode::PRECONDITION_FAILED,
                "the todo changed since you read it: fetch it again".to_string(),
            ),
            ApiError::Invalid(why) => (StatusCode::UNPROCESSABLE_ENTITY, why),
        };
        let body = serde_json::json!({
            "type": "about:blank",
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": detail,
        });
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body.to_string(),
        )
            .into_response()
    }
}

/// A title trimmed and checked: 1 to `MAX_TITLE_CHARS` characters.
pub fn clean_title(title: &str) -> Result<String, ApiError> {
    let title = title.trim();
    let chars = title.chars().count();
    if chars == 0 || chars > MAX_TITLE_CHARS {
        return Err(ApiError::Invalid(format!(
            "title must be 1 to {MAX_TITLE_CHARS} characters"
        )));
    }
    Ok(title.to_string())
}

/// `status`, the entry's `ETag` header, and the todo as JSON.
pub fn todo_response(status: StatusCode, entry: &Entry) -> Response {
    (
        status,
        [(header::ETAG, entry.etag())],
        Json(entry.todo.clone()),
    )
        .into_response()
}

/// The routes:
///
/// | route | handler |
/// | --- | --- |
/// | `GET /todos`, `POST /todos` | `list_todos`, `create_todo` |
/// | `GET`, `PUT`, `PATCH`, `DELETE /todos/{id}` | `get_todo`, `replace_todo`, `update_todo`, `delete_todo` |
pub fn app(state: AppState) -> Router {
    // TODO: two routes: `/todos` with GET and POST, `/todos/{id}` with GET, PUT, PATCH and
    // DELETE (the methods of one path chain), then give the router its state.
    let _ = state;
    todo!("build the router")
}

/// Whether a conditional header (`If-Match`, `If-None-Match`) names `etag`: its value is `*`
/// (any version) or a comma-separated list of entity tags, one of which is `etag`.
pub fn etag_matches(header_value: &str, etag: &str) -> bool {
    // TODO: trim the header value; `*` matches anything; otherwise split it on ',' and compare
    // each trimmed part with `etag`.
    let _ = (header_value, etag);
    todo!("compare an ETag with a conditional header")
}

/// `Err(PreconditionFailed)` if the request has an `If-Match` that does not name `entry`'s
/// current ETag. No `If-Match` at all means "do it unconditionally".
pub fn check_if_match(headers: &HeaderMap, entry: &Entry) -> Result<(), ApiError> {
    // TODO: no `header::IF_MATCH` in `headers`: Ok. Otherwise its value (`.to_str()`) must
    // `etag_matches` the entry's `etag()`, else `ApiError::PreconditionFailed`.
    let _ = (headers, entry);
    todo!("check If-Match")
}

/// `GET /todos`: every todo, by id.
pub async fn list_todos(State(state): State<AppState>) -> Json<Vec<Todo>> {
    // TODO: lock the store and collect a clone of every entry's todo.
    let _ = state;
    todo!("list the todos")
}

/// `POST /todos`: `201 Created` with `Location: /todos/{id}`, the `ETag` and the todo.
pub async fn create_todo(
    State(state): State<AppState>,
    Json(new): Json<NewTodo>,
) -> Result<Response, ApiError> {
    // TODO: `clean_title` (422), lock, `title_taken` (409), take the next id, store an `Entry`
    // at version 1, and answer with `todo_response` plus a `Location` header.
    let _ = (state, new);
    todo!("create a todo")
}

/// `GET /todos/{id}`: the todo with its `ETag`; `304 Not Modified` (with the `ETag`, without a
/// body) when `If-None-Match` names the current version: the client's copy is still good.
pub async fn get_todo(
    State(state): State<AppState>,
    Path(id): Path<u64>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // TODO: find the entry (404). When `If-None-Match` names its ETag, answer 304 with the
    // ETag and no body; otherwise the todo, with `todo_response`.
    let _ = (state, id, headers);
    todo!("show a todo")
}

/// `PUT /todos/{id}`: replaces the todo with the body (every field required), `200` with the
/// new state. Checks, in order: 404, 412 (`If-Match`), 422, 409.
pub async fn replace_todo(
    State(state): State<AppState>,
    Path(id): Path<u64>,
    headers: HeaderMap,
    Json(body): Json<ReplaceTodo>,
) -> Result<Response, ApiError> {
    // TODO: under one lock: find the entry (404), `check_if_match` (412), `clean_title` (422),
    // `title_taken(.., Some(id))` (409); then set both fields, add one to `version`, and answer
    // `todo_response(StatusCode::OK, entry)`. (Borrowing tip: check with `entries.get`, then
    // change with `entries.get_mut`.)
    let _ = (state, id, headers, body);
    todo!("replace a todo")
}

/// `PATCH /todos/{id}`: changes only the fields present in the body, `200` with the new state.
/// Same checks as `PUT`.
pub async fn update_todo(
    State(state): State<AppState>,
    Path(id): Path<u64>,
    headers: HeaderMap,
    Json(patch): Json<PatchTodo>,
) -> Result<Response, ApiError> {
    // TODO: like `replace_todo`, but only for the fields that are `Some`; a title that is
    // present is cleaned and checked for duplicates. The version goes up.
    let _ = (state, id, headers, patch);
    todo!("patch a todo")
}

/// `DELETE /todos/{id}`: `204 No Content`. Checks 404, then 412 (`If-Match`).
pub async fn delete_todo(
    State(state): State<AppState>,
    Path(id): Path<u64>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    // TODO: find the entry (404), `check_if_match` (412), remove it, `StatusCode::NO_CONTENT`.
    let _ = (state, id, headers);
    todo!("delete a todo")
}
