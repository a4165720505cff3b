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
    // TODO: `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&#39;` for the five characters; every other
    // character unchanged.
    let _ = text;
    todo!("escape the five markup characters")
}

/// Joins a requested relative path onto `root`, or `None` if it could point anywhere else.
///
/// Only plain names separated by `/` are accepted: no `..`, no absolute paths, no empty path,
/// no backslashes (a path separator on Windows) and no NUL bytes.
pub fn safe_join(root: &Path, requested: &str) -> Option<PathBuf> {
    // TODO: `root` joined with the requested names, or `None` for anything the doc comment
    // refuses. A request that names no file (only `.` parts, say) is refused too.
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
    // TODO: a small HTML document that lists every entry's name and message, in order;
    // nothing a visitor wrote may reach the page unescaped.
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
    // TODO: the policy in the doc comment; browsers may cache a preflight's answer for a
    // while.
    todo!("allow the app's origin, and no other")
}

/// `GET/POST /guestbook` and `GET /files/{*path}`, with every protection layered on.
pub fn app(state: AppState) -> Router {
    // TODO: the three routes on the handlers below. A body over `MAX_BODY_BYTES` is 413, the
    // `cors()` policy applies, and every response (a 413 or a 404 included) carries each of
    // `SECURITY_HEADERS`.
    let _ = (state, show_guestbook, sign_guestbook, serve_file);
    todo!("route and layer the protections")
}

/// `GET /guestbook`: the page.
async fn show_guestbook(State(state): State<AppState>) -> Html<String> {
    // TODO: the page of every stored entry.
    let _ = state;
    todo!("show the page")
}

/// `POST /guestbook`: stores the entry as written (escaping is the renderer's job); 201.
async fn sign_guestbook(State(state): State<AppState>, Json(entry): Json<Entry>) -> StatusCode {
    // TODO: keep the entry, answer 201 Created.
    let _ = (state, entry);
    todo!("store the entry")
}

/// `GET /files/{*path}`: a file under `public_dir`, or 404 for anything else.
async fn serve_file(
    State(state): State<AppState>,
    UrlPath(requested): UrlPath<String>,
) -> Response {
    // TODO: the file's bytes with the `Content-Type` of `content_type_for`. A path `safe_join`
    // refuses, a missing file and any read error are all the same 404. Read without blocking
    // the runtime.
    let _ = (state, requested, StatusCode::NOT_FOUND);
    todo!("serve one file, safely")
}
