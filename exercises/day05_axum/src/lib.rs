//! Day 5: a link shortener in axum.
//!
//! The ideas of days 1-4 (routing, parsing, JSON, status codes) as a framework provides them:
//! async handlers, extractors that parse the request for you, and state shared by every request.
//! Read `README.md` first.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderName, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

// You will also want `axum::routing::get`, `axum::http::header::LOCATION` and
// `std::sync::atomic::Ordering`.

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
        // TODO: map NotFound to 404, SlugTaken to 409 and Invalid to 422, each with a JSON body
        // `{"error": "<a message>"}`. A tuple of a status code and a `Json` body is a response
        // too.
        todo!("turn the error into a response")
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
    // TODO: one route per row of the table above (two methods on one path chain on one
    // route), then give the router its state.
    let _ = state;
    todo!("build the router")
}

/// `GET /health`: `200 ok`, as plain text.
pub async fn health() -> &'static str {
    // TODO: a `&'static str` is a 200 text response.
    todo!("answer ok")
}

/// `POST /links`: `201 Created`, a `Location: /links/{slug}` header and the link as JSON.
///
/// Rules, each broken one a `422 ApiError::Invalid`: `url` starts with `http://` or `https://`
/// followed by at least one character and no whitespace; a given `slug` is 1 to 32 characters
/// of `a-z`, `0-9` and `-`, and not one of `RESERVED_SLUGS`. A taken slug is `409`. Without a
/// slug, the next number from `next_id` that is not taken becomes the slug (`"1"`, `"2"`, ...).
///
/// The `Json` extractor comes last: it consumes the body, and only one extractor may.
pub async fn create_link(
    State(state): State<AppState>,
    Json(new): Json<NewLink>,
) -> Result<(StatusCode, [(HeaderName, String); 1], Json<Link>), ApiError> {
    // TODO: validate `new` (the rules above); then lock `state.links` ONCE for both the
    // "is it taken?" check and the insert, so two requests cannot both claim a slug. Without a
    // slug, take numbers from `state.next_id` until one is free. Answer 201 with the
    // `Location` header and the new link.
    let _ = (state, new);
    todo!("create a link")
}

/// `GET /links/{slug}`: the link as JSON, or 404.
pub async fn get_link(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Link>, ApiError> {
    // TODO: lock the map, clone the link out of it (`.cloned()`), or `ApiError::NotFound`.
    let _ = (state, slug);
    todo!("show a link")
}

/// `GET /{slug}`: `307 Temporary Redirect` to the link's URL, counting the visit; or 404.
pub async fn follow_link(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Redirect, ApiError> {
    // TODO: find the link or 404, add one to its visits, and answer with a temporary redirect
    // to its url.
    let _ = (state, slug);
    todo!("redirect to the link's url")
}

/// `GET /links?limit=N`: the first `limit` links (default 10) in slug order, as a JSON array.
pub async fn list_links(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Json<Vec<Link>> {
    // TODO: the first `params.limit` (default 10) links of the sorted map, cloned, as JSON.
    let _ = (state, params);
    todo!("list the links")
}
