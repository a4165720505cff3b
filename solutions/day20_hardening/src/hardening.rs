//! The defenses: a body limit, one CORS origin, security headers, HTML escaping and file paths
//! that stay in their folder.

use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// The one web origin whose pages may call this API from a browser.
pub const ALLOWED_ORIGIN: &str = "https://app.example.com";

/// Headers every response carries, errors included.
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
