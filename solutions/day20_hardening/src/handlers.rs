//! The routes' handlers: a greeting, a health check, the guestbook and the public files.

use std::path::Path;

use axum::Json;
use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use crate::AppState;
use crate::hardening::{escape_html, safe_join};

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
