//! Day 21: hardening.
//!
//! A small guestbook with a static file area, defended in depth: a request body limit, a strict
//! CORS policy, security headers on every response, HTML escaping of user input, and file
//! paths that cannot climb out of their directory. Read `README.md` first.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::{Html, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use tower_http::cors::CorsLayer;

/// The largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// The one web origin whose pages may call this API from a browser.
pub const ALLOWED_ORIGIN: &str = "https://app.example.com";

/// Headers every response carries.
pub const SECURITY_HEADERS: [(&str, &str); 5] = [
    // Browsers must trust our Content-Type, not guess ("sniff") that a text file is HTML.
    ("x-content-type-options", "nosniff"),
    // No other site may show our pages in a frame (clickjacking).
    ("x-frame-options", "DENY"),
    // Only our own scripts, styles and images; never inline scripts an attacker slipped in.
    (
        "content-security-policy",
        "default-src 'self'; frame-ancestors 'none'",
    ),
    // Do not leak our URLs (which may hold ids or tokens) to other sites.
    ("referrer-policy", "no-referrer"),
    // Once seen over HTTPS, browsers use only HTTPS for two years.
    (
        "strict-transport-security",
        "max-age=63072000; includeSubDomains",
    ),
];

/// Escapes text for use in HTML content or a quoted attribute: `&`, `<`, `>`, `"` and `'`
/// become character references.
pub fn escape_html(text: &str) -> String {
    // TODO: build a new String char by char: `&` -> "&amp;", `<` -> "&lt;", `>` -> "&gt;",
    // `"` -> "&quot;", `'` -> "&#39;", anything else as is.
    let _ = text;
    todo!("escape the five markup characters")
}

/// Joins a requested relative path onto `root`, or `None` if it could point anywhere else.
///
/// Only plain names separated by `/` are accepted: no `..`, no absolute paths, no empty path,
/// no backslashes (a path separator on Windows) and no NUL bytes.
pub fn safe_join(root: &Path, requested: &str) -> Option<PathBuf> {
    // TODO: refuse an empty path, '\\' and '\0'. Then walk `Path::new(requested).components()`
    // (`std::path::Component`): push each `Normal(name)` onto a copy of `root`, skip `CurDir`,
    // and return `None` for `ParentDir`, `RootDir` or `Prefix`. A result equal to `root`
    // itself is refused too.
    let _ = (root, requested);
    todo!("join only plain names onto the root")
}

/// The `Content-Type` for a file, by extension.
pub fn content_type_for(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("json") => "application/json",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

/// One guestbook entry, as posted.
#[derive(Debug, Clone, Deserialize)]
pub struct Entry {
    pub name: String,
    pub message: String,
}

/// The guestbook page: every entry's name and message, escaped.
pub fn render_page(entries: &[Entry]) -> String {
    // TODO: a small HTML page (`<!doctype html>`, a `<title>`, a `<ul>`) with one
    // `<li><b>{name}</b>: {message}</li>` per entry, both passed through `escape_html`.
    let _ = entries;
    todo!("render the guestbook")
}

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The directory `GET /files/...` serves from.
    pub public_dir: PathBuf,
    pub entries: Arc<Mutex<Vec<Entry>>>,
}

impl AppState {
    pub fn new(public_dir: impl Into<PathBuf>) -> Self {
        AppState {
            public_dir: public_dir.into(),
            entries: Arc::default(),
        }
    }
}

/// CORS: pages from `ALLOWED_ORIGIN` may call GET and POST with a JSON body; other origins get
/// no `Access-Control-Allow-Origin`, so browsers refuse to show them the answers.
pub fn cors() -> CorsLayer {
    // TODO: `CorsLayer::new()` with
    // `.allow_origin(AllowOrigin::list([HeaderValue::from_static(ALLOWED_ORIGIN)]))` (a list
    // echoes the request's origin only when it matches; `AllowOrigin` is in
    // `tower_http::cors`), `.allow_methods([Method::GET, Method::POST])`,
    // `.allow_headers([CONTENT_TYPE])` and a `.max_age(..)` for preflights (`HeaderValue`,
    // `Method` and `header::CONTENT_TYPE` are in `axum::http`).
    todo!("allow the app's origin, and no other")
}

/// `GET/POST /guestbook` and `GET /files/{*path}`, with every protection layered on.
pub fn app(state: AppState) -> Router {
    // TODO: route `/guestbook` (GET `show_guestbook`, POST `sign_guestbook`) and
    // `/files/{*path}` (GET `serve_file`), `.with_state(state)`, then the layers, innermost
    // first: `tower_http::limit::RequestBodyLimitLayer::new(MAX_BODY_BYTES)`, `cors()`, and
    // for each of `SECURITY_HEADERS` a `tower_http::set_header::SetResponseHeaderLayer::
    // if_not_present(HeaderName::from_static(name), HeaderValue::from_static(value))`.
    // `Router::layer` returns a `Router`, so a `for` loop can reassign a `mut router`.
    let _ = (
        state,
        get(show_guestbook).post(sign_guestbook),
        get(serve_file),
    );
    todo!("route and layer the protections")
}

/// `GET /guestbook`: the page.
async fn show_guestbook(State(state): State<AppState>) -> Html<String> {
    // TODO: `Html(render_page(..))` of the stored entries.
    let _ = state;
    todo!("show the page")
}

/// `POST /guestbook`: stores the entry as written (escaping is the renderer's job); 201.
async fn sign_guestbook(State(state): State<AppState>, Json(entry): Json<Entry>) -> StatusCode {
    // TODO: push the entry, answer 201 Created.
    let _ = (state, entry);
    todo!("store the entry")
}

/// `GET /files/{*path}`: a file under `public_dir`, or 404 for anything else.
async fn serve_file(
    State(state): State<AppState>,
    UrlPath(requested): UrlPath<String>,
) -> Response {
    // TODO: `safe_join(&state.public_dir, &requested)`, refused -> 404. Then
    // `tokio::fs::read(&path).await`: the bytes with a `CONTENT_TYPE` of
    // `content_type_for(&path)`, or 404 on any error (`.into_response()`, trait
    // `axum::response::IntoResponse`).
    let _ = (state, requested, StatusCode::NOT_FOUND);
    todo!("serve one file, safely")
}
