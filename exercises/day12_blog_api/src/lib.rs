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
        // TODO: the mapping above, one arm per `StoreError` variant.
        let _ = error;
        todo!("map store errors to API errors")
    }
}

impl IntoResponse for ApiError {
    /// The status, the header `Content-Type: application/problem+json`, and a JSON body with
    /// `type` ("about:blank"), `title` (the status's reason phrase), `status` and `detail`.
    fn into_response(self) -> Response {
        // TODO: the problem response described above, for every variant.
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
    // TODO: true exactly for slugs of that shape.
    let _ = slug;
    todo!("check the slug's shape")
}

/// `POST /authors`: 201 with the author; 409 for a taken email; 422 for an empty name or an
/// email without `@`. The name is stored trimmed, the email trimmed and lowercased.
async fn create_author(
    State(store): State<SharedStore>,
    Json(new): Json<NewAuthor>,
) -> Result<(StatusCode, Json<Author>), ApiError> {
    // TODO: the rules above; the store creates the author.
    let _ = (store, new);
    todo!("create an author")
}

/// `POST /posts`: 201 with the post and `Location: /posts/{slug}`; 409 for a taken slug; 422
/// for an empty title, a malformed slug (see `is_valid_slug`), an empty tag or an unknown
/// author. The title is stored trimmed; tags trimmed, lowercased, sorted, without duplicates.
async fn create_post(
    State(store): State<SharedStore>,
    Json(new): Json<NewPost>,
) -> Result<Response, ApiError> {
    // TODO: the rules above; the store creates the post.
    let _ = (store, new);
    todo!("create a post")
}

/// `GET /posts/{slug}`: 200 with the post, or 404.
async fn get_post(
    State(store): State<SharedStore>,
    Path(slug): Path<String>,
) -> Result<Json<Post>, ApiError> {
    // TODO: the post with this slug, or a 404.
    let _ = (store, slug);
    todo!("read one post")
}

/// `GET /posts?limit=&after=&tag=&author=`: one page, newest first.
///
/// - `limit`: posts per page, 1 to `MAX_LIMIT`, `DEFAULT_LIMIT` when absent;
/// - `after`: the `next` of the previous page, a positive post id; only older posts follow;
/// - `author`: an author id; `tag`: a tag, compared trimmed and lowercased;
/// - a value that breaks these rules is a 422 that says which;
/// - `next` is the id of the page's last post when older posts matching the filters exist,
///   else `None`.
async fn list_posts(
    State(store): State<SharedStore>,
    Query(params): Query<ListParams>,
) -> Result<Json<Page>, ApiError> {
    // TODO: the rules above; the store's `list_posts` finds the posts.
    let _ = (store, params);
    todo!("list one page of posts")
}
