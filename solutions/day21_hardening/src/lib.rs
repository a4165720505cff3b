//! Day 21: hardening (solution).
//!
//! A small guestbook with a static file area, defended in depth: a request body limit, a strict
//! CORS policy, security headers on every response, HTML escaping of user input, and file
//! paths that cannot climb out of their directory.

use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path as UrlPath, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

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
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            // `&` first in spirit: every other replacement introduces one.
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// Joins a requested relative path onto `root`, or `None` if it could point anywhere else.
///
/// Only plain names separated by `/` are accepted: no `..`, no absolute paths, no empty path,
/// no backslashes (a path separator on Windows) and no NUL bytes.
pub fn safe_join(root: &Path, requested: &str) -> Option<PathBuf> {
    if requested.is_empty() || requested.contains('\\') || requested.contains('\0') {
        return None;
    }
    let mut path = root.to_path_buf();
    for component in Path::new(requested).components() {
        match component {
            Component::Normal(name) => path.push(name),
            // `..`, a leading `/` or a Windows drive: refuse, never "clean up".
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
            Component::CurDir => {}
        }
    }
    (path != root).then_some(path)
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
    let mut page = String::from("<!doctype html>\n<title>Guestbook</title>\n<ul>\n");
    for entry in entries {
        // Escape at the moment text enters HTML: the data stays exactly what the user wrote.
        page.push_str(&format!(
            "<li><b>{}</b>: {}</li>\n",
            escape_html(&entry.name),
            escape_html(&entry.message)
        ));
    }
    page.push_str("</ul>\n");
    page
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
    CorsLayer::new()
        // A list (even of one) is checked against each request's Origin and echoed only on a
        // match. Never `Any` (`*`) for an API that uses cookies or tokens.
        .allow_origin(AllowOrigin::list([HeaderValue::from_static(
            ALLOWED_ORIGIN,
        )]))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([CONTENT_TYPE])
        .max_age(Duration::from_secs(600))
}

/// `GET/POST /guestbook` and `GET /files/{*path}`, with every protection layered on.
pub fn app(state: AppState) -> Router {
    let mut router = Router::new()
        .route("/guestbook", get(show_guestbook).post(sign_guestbook))
        .route("/files/{*path}", get(serve_file))
        .with_state(state)
        // Refuse big bodies before anyone reads them: 413 Payload Too Large.
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(cors());
    // Added last, so outermost: even a 413, a CORS preflight or a 404 gets the headers.
    for (name, value) in SECURITY_HEADERS {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ));
    }
    router
}

/// `GET /guestbook`: the page.
async fn show_guestbook(State(state): State<AppState>) -> Html<String> {
    Html(render_page(&state.entries.lock().unwrap()))
}

/// `POST /guestbook`: stores the entry as written (escaping is the renderer's job); 201.
async fn sign_guestbook(State(state): State<AppState>, Json(entry): Json<Entry>) -> StatusCode {
    state.entries.lock().unwrap().push(entry);
    StatusCode::CREATED
}

/// `GET /files/{*path}`: a file under `public_dir`, or 404 for anything else.
async fn serve_file(
    State(state): State<AppState>,
    UrlPath(requested): UrlPath<String>,
) -> Response {
    // `requested` is already percent-decoded: `..%2f` arrives here as `../`.
    let Some(path) = safe_join(&state.public_dir, &requested) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => ([(CONTENT_TYPE, content_type_for(&path))], bytes).into_response(),
        // Missing, a directory, unreadable: all the same 404, with no file system details.
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}
