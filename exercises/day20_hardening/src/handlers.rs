//! The routes' handlers: a greeting, a health check, the guestbook and the public files.

use std::path::Path;

use axum::Json;
use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::{Html, Response};
use serde::Deserialize;

use crate::AppState;

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

/// `GET /hello`: the cheapest route there is, to watch the limiter at work.
pub(crate) async fn hello() -> &'static str {
    "hello\n"
}

/// `GET /health`: for load balancers, which poll it often.
pub(crate) async fn health() -> &'static str {
    "ok\n"
}

/// `GET /guestbook`: the page.
pub(crate) async fn show_guestbook(State(state): State<AppState>) -> Html<String> {
    Html(render_page(&state.entries.lock().unwrap()))
}

/// `POST /guestbook`: stores the entry as written (escaping is the renderer's job); 201.
pub(crate) async fn sign_guestbook(
    State(state): State<AppState>,
    Json(entry): Json<Entry>,
) -> StatusCode {
    state.entries.lock().unwrap().push(entry);
    StatusCode::CREATED
}

/// `GET /files/{*path}`: a file under `public_dir`, or 404 for anything else.
pub(crate) async fn serve_file(
    State(state): State<AppState>,
    UrlPath(requested): UrlPath<String>,
) -> Response {
    // TODO: the file's bytes with the `Content-Type` of `content_type_for`. A path `safe_join`
    // refuses, a missing file and any read error are all the same 404. Read without blocking
    // the runtime.
    let _ = (state, requested, StatusCode::NOT_FOUND);
    todo!("serve one file, safely")
}
