//! Day 12: the blog API.
//!
//! The blog store goes on the web with axum: JSON in and out, status codes that tell clients
//! exactly what happened (201, 404, 409, 422), RFC 9457 problem details for errors, and a list
//! endpoint with keyset pagination and filters. The router, the shared state and the store are
//! written; you write the error mapping, the handlers and (in `store.rs`) the list query. Read
//! `README.md` first.

pub mod store;

use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use crate::store::{Author, Post, Store, StoreError};

/// The store shared by every request. A rusqlite `Connection` may move between threads but
/// not be used by two at once, hence the `Mutex`.
pub type SharedStore = Arc<Mutex<Store>>;

/// How many posts a page holds when the client does not say.
pub const DEFAULT_LIMIT: u32 = 10;
/// The largest page a client may ask for.
pub const MAX_LIMIT: u32 = 50;

/// The application: every route, with the store as shared state.
pub fn app(store: Store) -> Router {
    let state: SharedStore = Arc::new(Mutex::new(store));
    Router::new()
        .route("/authors", post(create_author))
        .route("/posts", post(create_post).get(list_posts))
        .route("/posts/{slug}", get(get_post))
        .with_state(state)
}

/// Runs `f` on the store in tokio's blocking thread pool and maps its error to an `ApiError`.
///
/// SQLite calls block the thread they run on; doing them on the async worker threads would
/// stall every other request served by that thread. `spawn_blocking` moves them aside.
pub async fn run_blocking<T, F>(store: &SharedStore, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    T: Send + 'static,
{
    let store = Arc::clone(store);
    tokio::task::spawn_blocking(move || {
        // A panic while holding the lock poisons it; the connection itself is still fine.
        let mut store = store.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut store)
    })
    .await
    .map_err(|_| ApiError::Internal)?
    .map_err(ApiError::from)
}

/// Every error a handler can answer with. Each becomes an `application/problem+json` response
/// (RFC 9457) with the matching status.
#[derive(Debug)]
pub enum ApiError {
    /// 404: the thing asked for does not exist.
    NotFound(String),
    /// 409: the request is valid but clashes with the current state (a taken email or slug).
    Conflict(String),
    /// 422: the request is well-formed JSON but breaks a rule; the text says which.
    Unprocessable(String),
    /// 500: something broke on our side; the client learns nothing more.
    Internal,
}

impl From<StoreError> for ApiError {
    /// A taken email or slug is a conflict (409), an unknown author a broken rule (422), and a
    /// database error is internal (500): log it, tell the client nothing about it.
    fn from(error: StoreError) -> Self {
        // TODO: match on the four `StoreError` variants; `error.to_string()` is a fine detail.
        let _ = error;
        todo!("map store errors to API errors")
    }
}

impl IntoResponse for ApiError {
    /// The status, the header `Content-Type: application/problem+json`, and a JSON body with
    /// `type` ("about:blank"), `title` (the status's reason phrase), `status` and `detail`.
    fn into_response(self) -> Response {
        // TODO: pick the status and detail for each variant, build the body with
        // `serde_json::json!`, and return `(status, [(axum::http::header::CONTENT_TYPE,
        // "application/problem+json")], body.to_string()).into_response()`.
        todo!("turn the error into a problem+json response")
    }
}

/// The body of `POST /authors`.
#[derive(Debug, Deserialize)]
pub struct NewAuthor {
    pub name: String,
    pub email: String,
}

/// The body of `POST /posts`.
#[derive(Debug, Deserialize)]
pub struct NewPost {
    pub author_id: i64,
    pub slug: String,
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// The query string of `GET /posts`. Everything arrives as text so that the handler, not the
/// extractor, decides what a bad value means (422 with a reason).
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    pub limit: Option<String>,
    pub after: Option<String>,
    pub tag: Option<String>,
    pub author: Option<String>,
}

/// One page of `GET /posts`: the posts, and the cursor of the next page (`None` on the last).
#[derive(Debug, Serialize)]
pub struct Page {
    pub items: Vec<Post>,
    pub next: Option<String>,
}

/// Is `slug` lowercase ASCII words joined by single dashes, like `hello-world-2`?
pub fn is_valid_slug(slug: &str) -> bool {
    // TODO: not empty, and every part of `slug.split('-')` is non-empty lowercase ASCII letters
    // and digits.
    let _ = slug;
    todo!("check the slug's shape")
}

/// `POST /authors`: 201 with the author; 409 for a taken email; 422 for an empty name or an
/// email without `@`.
async fn create_author(
    State(store): State<SharedStore>,
    Json(new): Json<NewAuthor>,
) -> Result<(StatusCode, Json<Author>), ApiError> {
    // TODO: trim the name and lowercase the email; an empty name or an email without '@' is
    // `ApiError::Unprocessable`. Then `run_blocking(&store, move |s| s.create_author(..))`
    // and answer `(StatusCode::CREATED, Json(author))`.
    let _ = (store, new);
    todo!("create an author")
}

/// `POST /posts`: 201 with the post and `Location: /posts/{slug}`; 409 for a taken slug; 422
/// for an empty title, a malformed slug, an empty tag or an unknown author.
async fn create_post(
    State(store): State<SharedStore>,
    Json(new): Json<NewPost>,
) -> Result<Response, ApiError> {
    // TODO: validate (a non-empty trimmed title, `is_valid_slug`, tags trimmed, lowercased,
    // non-empty, sorted and deduplicated), store it with `run_blocking`, and answer 201 with a
    // `Location: /posts/{slug}` header and the post as JSON.
    let _ = (store, new);
    todo!("create a post")
}

/// `GET /posts/{slug}`: 200 with the post, or 404.
async fn get_post(
    State(store): State<SharedStore>,
    Path(slug): Path<String>,
) -> Result<Json<Post>, ApiError> {
    // TODO: `post_by_slug` through `run_blocking`; `None` becomes `ApiError::NotFound`.
    let _ = (store, slug);
    todo!("read one post")
}

/// `GET /posts?limit=&after=&tag=&author=`: one page, newest first.
async fn list_posts(
    State(store): State<SharedStore>,
    Query(params): Query<ListParams>,
) -> Result<Json<Page>, ApiError> {
    // TODO: parse `limit` (default DEFAULT_LIMIT, 1..=MAX_LIMIT), `after` (a positive id) and
    // `author` (an id); any bad value is `ApiError::Unprocessable`. Ask the store for
    // `limit + 1` posts: if you get more than `limit`, cut the extra one and the last post's id
    // is `next`; otherwise `next` is `None`. The filter is a `store::PostFilter`.
    let _ = (store, params);
    todo!("list one page of posts")
}
