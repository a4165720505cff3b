//! Day 6: a REST resource done right (solution).
//!
//! `/todos` with every status code a client expects: 201 + Location, 200, 204, 304, 404, 409,
//! 412 and 422, PUT (replace) versus PATCH (merge), and ETags for caching and for optimistic
//! concurrency control.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

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
    Router::new()
        .route("/todos", get(list_todos).post(create_todo))
        .route(
            "/todos/{id}",
            get(get_todo)
                .put(replace_todo)
                .patch(update_todo)
                .delete(delete_todo),
        )
        .with_state(state)
}

/// Whether a conditional header (`If-Match`, `If-None-Match`) names `etag`: its value is `*`
/// (any version) or a comma-separated list of entity tags, one of which is `etag`.
pub fn etag_matches(header_value: &str, etag: &str) -> bool {
    let header_value = header_value.trim();
    header_value == "*" || header_value.split(',').any(|tag| tag.trim() == etag)
}

/// `Err(PreconditionFailed)` if the request has an `If-Match` that does not name `entry`'s
/// current ETag. No `If-Match` at all means "do it unconditionally".
pub fn check_if_match(headers: &HeaderMap, entry: &Entry) -> Result<(), ApiError> {
    match headers.get(header::IF_MATCH) {
        None => Ok(()),
        Some(value) => match value.to_str() {
            Ok(value) if etag_matches(value, &entry.etag()) => Ok(()),
            _ => Err(ApiError::PreconditionFailed),
        },
    }
}

/// `GET /todos`: every todo, by id.
pub async fn list_todos(State(state): State<AppState>) -> Json<Vec<Todo>> {
    let store = state
        .store
        .lock()
        .expect("the store lock is never poisoned");
    Json(store.entries.values().map(|e| e.todo.clone()).collect())
}

/// `POST /todos`: `201 Created` with `Location: /todos/{id}`, the `ETag` and the todo.
pub async fn create_todo(
    State(state): State<AppState>,
    Json(new): Json<NewTodo>,
) -> Result<Response, ApiError> {
    let title = clean_title(&new.title)?;
    let mut store = state
        .store
        .lock()
        .expect("the store lock is never poisoned");
    if store.title_taken(&title, None) {
        return Err(ApiError::DuplicateTitle);
    }
    store.last_id += 1;
    let id = store.last_id;
    let entry = Entry {
        todo: Todo {
            id,
            title,
            done: new.done,
        },
        version: 1,
    };
    let mut response = todo_response(StatusCode::CREATED, &entry);
    store.entries.insert(id, entry);
    let location = format!("/todos/{id}")
        .parse()
        .expect("a path is a valid header value");
    response.headers_mut().insert(header::LOCATION, location);
    Ok(response)
}

/// `GET /todos/{id}`: the todo with its `ETag`; `304 Not Modified` (with the `ETag`, without a
/// body) when `If-None-Match` names the current version: the client's copy is still good.
pub async fn get_todo(
    State(state): State<AppState>,
    Path(id): Path<u64>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let store = state
        .store
        .lock()
        .expect("the store lock is never poisoned");
    let entry = store.entries.get(&id).ok_or(ApiError::NotFound)?;
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| etag_matches(value, &entry.etag()));
    if unchanged {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, entry.etag())]).into_response());
    }
    Ok(todo_response(StatusCode::OK, entry))
}

/// `PUT /todos/{id}`: replaces the todo with the body (every field required), `200` with the
/// new state. Checks, in order: 404, 412 (`If-Match`), 422, 409.
pub async fn replace_todo(
    State(state): State<AppState>,
    Path(id): Path<u64>,
    headers: HeaderMap,
    Json(body): Json<ReplaceTodo>,
) -> Result<Response, ApiError> {
    let mut store = state
        .store
        .lock()
        .expect("the store lock is never poisoned");
    let entry = store.entries.get(&id).ok_or(ApiError::NotFound)?;
    check_if_match(&headers, entry)?;
    let title = clean_title(&body.title)?;
    if store.title_taken(&title, Some(id)) {
        return Err(ApiError::DuplicateTitle);
    }
    let entry = store.entries.get_mut(&id).expect("checked above");
    entry.todo.title = title;
    entry.todo.done = body.done;
    entry.version += 1;
    Ok(todo_response(StatusCode::OK, entry))
}

/// `PATCH /todos/{id}`: changes only the fields present in the body, `200` with the new state.
/// Same checks as `PUT`.
pub async fn update_todo(
    State(state): State<AppState>,
    Path(id): Path<u64>,
    headers: HeaderMap,
    Json(patch): Json<PatchTodo>,
) -> Result<Response, ApiError> {
    let mut store = state
        .store
        .lock()
        .expect("the store lock is never poisoned");
    let entry = store.entries.get(&id).ok_or(ApiError::NotFound)?;
    check_if_match(&headers, entry)?;
    let title = patch.title.as_deref().map(clean_title).transpose()?;
    if let Some(title) = &title
        && store.title_taken(title, Some(id))
    {
        return Err(ApiError::DuplicateTitle);
    }
    let entry = store.entries.get_mut(&id).expect("checked above");
    if let Some(title) = title {
        entry.todo.title = title;
    }
    if let Some(done) = patch.done {
        entry.todo.done = done;
    }
    entry.version += 1;
    Ok(todo_response(StatusCode::OK, entry))
}

/// `DELETE /todos/{id}`: `204 No Content`. Checks 404, then 412 (`If-Match`).
pub async fn delete_todo(
    State(state): State<AppState>,
    Path(id): Path<u64>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let mut store = state
        .store
        .lock()
        .expect("the store lock is never poisoned");
    let entry = store.entries.get(&id).ok_or(ApiError::NotFound)?;
    check_if_match(&headers, entry)?;
    store.entries.remove(&id);
    Ok(StatusCode::NO_CONTENT)
}
