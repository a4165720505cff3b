//! Day 12: the blog API (solution).
//!
//! The blog store goes on the web with axum: JSON in and out, status codes that tell clients
//! exactly what happened (201, 404, 409, 422), RFC 9457 problem details for errors, and a list
//! endpoint with keyset pagination and filters.

pub mod store;

use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::store::{Author, Post, PostFilter, Store, StoreError};

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
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::DuplicateEmail(_) | StoreError::SlugTaken(_) => {
                ApiError::Conflict(error.to_string())
            }
            StoreError::UnknownAuthor(_) => ApiError::Unprocessable(error.to_string()),
            StoreError::Sqlite(e) => {
                eprintln!("database error: {e}");
                ApiError::Internal
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, detail) = match self {
            ApiError::NotFound(detail) => (StatusCode::NOT_FOUND, detail),
            ApiError::Conflict(detail) => (StatusCode::CONFLICT, detail),
            ApiError::Unprocessable(detail) => (StatusCode::UNPROCESSABLE_ENTITY, detail),
            ApiError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "something went wrong on our side".to_string(),
            ),
        };
        let body = json!({
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
    !slug.is_empty()
        && slug.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// `POST /authors`: 201 with the author; 409 for a taken email; 422 for an empty name or an
/// email without `@`.
async fn create_author(
    State(store): State<SharedStore>,
    Json(new): Json<NewAuthor>,
) -> Result<(StatusCode, Json<Author>), ApiError> {
    let name = new.name.trim().to_string();
    let email = new.email.trim().to_lowercase();
    if name.is_empty() {
        return Err(ApiError::Unprocessable("name must not be empty".into()));
    }
    if !email.contains('@') {
        return Err(ApiError::Unprocessable("email must contain '@'".into()));
    }
    let author = run_blocking(&store, move |s| s.create_author(&name, &email)).await?;
    Ok((StatusCode::CREATED, Json(author)))
}

/// `POST /posts`: 201 with the post and `Location: /posts/{slug}`; 409 for a taken slug; 422
/// for an empty title, a malformed slug, an empty tag or an unknown author.
async fn create_post(
    State(store): State<SharedStore>,
    Json(new): Json<NewPost>,
) -> Result<Response, ApiError> {
    let title = new.title.trim().to_string();
    if title.is_empty() {
        return Err(ApiError::Unprocessable("title must not be empty".into()));
    }
    if !is_valid_slug(&new.slug) {
        return Err(ApiError::Unprocessable(
            "slug must be lowercase letters and digits separated by single dashes".into(),
        ));
    }
    let mut tags = Vec::with_capacity(new.tags.len());
    for tag in &new.tags {
        let tag = tag.trim().to_lowercase();
        if tag.is_empty() {
            return Err(ApiError::Unprocessable("tags must not be empty".into()));
        }
        tags.push(tag);
    }
    tags.sort();
    tags.dedup();

    let post = run_blocking(&store, move |s| {
        s.create_post(new.author_id, &new.slug, &title, &new.body, &tags)
    })
    .await?;
    let location = format!("/posts/{}", post.slug);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(post),
    )
        .into_response())
}

/// `GET /posts/{slug}`: 200 with the post, or 404.
async fn get_post(
    State(store): State<SharedStore>,
    Path(slug): Path<String>,
) -> Result<Json<Post>, ApiError> {
    let wanted = slug.clone();
    run_blocking(&store, move |s| s.post_by_slug(&wanted))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("no post has the slug {slug:?}")))
}

/// `GET /posts?limit=&after=&tag=&author=`: one page, newest first.
async fn list_posts(
    State(store): State<SharedStore>,
    Query(params): Query<ListParams>,
) -> Result<Json<Page>, ApiError> {
    let limit = match params.limit.as_deref() {
        None => DEFAULT_LIMIT,
        Some(text) => text
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                ApiError::Unprocessable(format!("limit must be a number from 1 to {MAX_LIMIT}"))
            })?,
    };
    let after = params
        .after
        .as_deref()
        .map(|text| {
            text.parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .ok_or_else(|| ApiError::Unprocessable("after is not a valid cursor".into()))
        })
        .transpose()?;
    let author_id = params
        .author
        .as_deref()
        .map(|text| {
            text.parse::<i64>()
                .map_err(|_| ApiError::Unprocessable("author must be an author id".into()))
        })
        .transpose()?;
    let filter = PostFilter {
        tag: params.tag.map(|t| t.trim().to_lowercase()),
        author_id,
    };

    // Ask for one post more than the page holds: if it exists, there is a next page.
    let mut items = run_blocking(&store, move |s| s.list_posts(&filter, after, limit + 1)).await?;
    let next = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|post| post.id.to_string())
    } else {
        None
    };
    Ok(Json(Page { items, next }))
}
