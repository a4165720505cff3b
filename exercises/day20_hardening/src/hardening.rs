//! The defenses: a body limit, one CORS origin, security headers, HTML escaping and file paths
//! that stay in their folder.

use std::path::{Path, PathBuf};

use tower_http::cors::CorsLayer;

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

/// CORS: pages from `ALLOWED_ORIGIN` may call GET and POST with a JSON body; other origins get
/// no `Access-Control-Allow-Origin`, so browsers refuse to show them the answers.
pub fn cors() -> CorsLayer {
    // TODO: the policy in the doc comment; browsers may cache a preflight's answer for a
    // while.
    todo!("allow the app's origin, and no other")
}
