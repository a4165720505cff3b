//! Day 5: a link shortener in axum (solution).
//!
//! The ideas of days 1-4 (routing, parsing, JSON, status codes) as a framework provides them:
//! async handlers, extractors that parse the request for you, and state shared by every request.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderName, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

/// Slugs that would hide one of our own routes.
pub const RESERVED_SLUGS: [&str; 2] = ["health", "links"];

/// A short link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub slug: String,
    pub url: String,
    /// How many times `GET /{slug}` redirected someone.
    pub visits: u64,
}

/// The body of `POST /links`.
#[derive(Debug, Clone, Deserialize)]
pub struct NewLink {
    pub url: String,
    /// Chosen by the client; generated when absent.
    pub slug: Option<String>,
}

/// The query string of `GET /links`: `?limit=10`.
#[derive(Debug, Clone, Deserialize)]
pub struct ListParams {
    pub limit: Option<usize>,
}

/// Everything the handlers share. Cloning it is cheap: the clones point at the same data.
#[derive(Debug, Clone, Default)]
pub struct AppState {
    /// The links by slug. A `BTreeMap` keeps them sorted, which `GET /links` wants.
    pub links: Arc<Mutex<BTreeMap<String, Link>>>,
    /// The counter generated slugs come from.
    pub next_id: Arc<AtomicU64>,
}

/// The ways a request can fail, each with its status code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// 404: no such slug.
    NotFound,
    /// 409: the slug is already used.
    SlugTaken(String),
    /// 422: the input is well-formed but not acceptable; the text says why.
    Invalid(String),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            ApiError::NotFound => (StatusCode::NOT_FOUND, "no such link".to_string()),
            ApiError::SlugTaken(slug) => {
                (StatusCode::CONFLICT, format!("the slug {slug:?} is taken"))
            }
            ApiError::Invalid(why) => (StatusCode::UNPROCESSABLE_ENTITY, why),
        };
        // A tuple of a status and a body is itself a response.
        (status, Json(serde_json::json!({ "error": message }))).into_response()
    }
}

/// The whole service.
///
/// | route | handler |
/// | --- | --- |
/// | `GET /health` | `health` |
/// | `GET /links` | `list_links` |
/// | `POST /links` | `create_link` |
/// | `GET /links/{slug}` | `get_link` |
/// | `GET /{slug}` | `follow_link` |
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/links", get(list_links).post(create_link))
        .route("/links/{slug}", get(get_link))
        // Static segments win over parameters, whatever the order: `/health` is not a slug.
        .route("/{slug}", get(follow_link))
        .with_state(state)
}

/// `GET /health`: `200 ok`, as plain text.
pub async fn health() -> &'static str {
    "ok"
}

/// Whether `url` is an absolute http or https URL with something after the scheme.
fn is_web_url(url: &str) -> bool {
    ["http://", "https://"].iter().any(|scheme| {
        url.strip_prefix(scheme)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace))
    })
}

/// Whether `slug` is 1 to 32 of `a-z`, `0-9` and `-`, and not reserved.
fn is_valid_slug(slug: &str) -> bool {
    (1..=32).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !RESERVED_SLUGS.contains(&slug)
}

/// `POST /links`: `201 Created`, a `Location: /links/{slug}` header and the link as JSON.
///
/// The `Json` extractor comes last: it consumes the body, and only one extractor may.
pub async fn create_link(
    State(state): State<AppState>,
    Json(new): Json<NewLink>,
) -> Result<(StatusCode, [(HeaderName, String); 1], Json<Link>), ApiError> {
    if !is_web_url(&new.url) {
        return Err(ApiError::Invalid(
            "url must start with http:// or https://".to_string(),
        ));
    }
    if let Some(slug) = &new.slug
        && !is_valid_slug(slug)
    {
        return Err(ApiError::Invalid(
            "slug must be 1-32 of a-z, 0-9 and '-', and not reserved".to_string(),
        ));
    }

    // One lock for the check and the insert: two requests for the same slug cannot both win.
    // It is a std Mutex, held for a few instructions and never across an `.await`.
    let mut links = state
        .links
        .lock()
        .expect("the links lock is never poisoned");
    let slug = match new.slug {
        Some(slug) if links.contains_key(&slug) => return Err(ApiError::SlugTaken(slug)),
        Some(slug) => slug,
        // Skip numbers a client already took as a custom slug.
        None => loop {
            let candidate = (state.next_id.fetch_add(1, Ordering::Relaxed) + 1).to_string();
            if !links.contains_key(&candidate) {
                break candidate;
            }
        },
    };
    let link = Link {
        slug: slug.clone(),
        url: new.url,
        visits: 0,
    };
    links.insert(slug.clone(), link.clone());
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/links/{slug}"))],
        Json(link),
    ))
}

/// `GET /links/{slug}`: the link as JSON, or 404.
pub async fn get_link(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Link>, ApiError> {
    let links = state
        .links
        .lock()
        .expect("the links lock is never poisoned");
    links
        .get(&slug)
        .cloned()
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// `GET /{slug}`: `307 Temporary Redirect` to the link's URL, counting the visit; or 404.
pub async fn follow_link(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Redirect, ApiError> {
    let mut links = state
        .links
        .lock()
        .expect("the links lock is never poisoned");
    let link = links.get_mut(&slug).ok_or(ApiError::NotFound)?;
    link.visits += 1;
    // Temporary, not permanent: browsers cache permanent redirects and would stop asking us,
    // so we could not count visits.
    Ok(Redirect::temporary(&link.url))
}

/// `GET /links?limit=N`: the first `limit` links (default 10) in slug order, as a JSON array.
pub async fn list_links(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Json<Vec<Link>> {
    let links = state
        .links
        .lock()
        .expect("the links lock is never poisoned");
    let limit = params.limit.unwrap_or(10);
    Json(links.values().take(limit).cloned().collect())
}
