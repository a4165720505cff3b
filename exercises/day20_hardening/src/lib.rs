//! Day 20: hardening.
//!
//! A small service defended in depth: a token bucket per client (429 with `Retry-After`), a
//! request body limit, a CORS policy for one origin, security headers on every response, HTML
//! escaping of what visitors write, and file paths that cannot climb out of their directory.
//! Read `README.md` first.

mod bucket;
mod clock;
mod handlers;
mod hardening;
mod limiter;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::get;

pub use bucket::{Decision, RateLimiter, TokenBucket};
pub use clock::{Clock, ManualClock, SystemClock};
pub use handlers::{Entry, content_type_for, render_page};
pub use hardening::{
    ALLOWED_ORIGIN, MAX_BODY_BYTES, SECURITY_HEADERS, cors, escape_html, safe_join,
};
pub use limiter::{API_KEY_HEADER, client_key, rate_limit};

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    /// One bucket per client, for every route but `/health`.
    pub limiter: Arc<RateLimiter>,
    /// The directory `GET /files/...` serves from.
    pub public_dir: PathBuf,
    /// The guestbook, in memory.
    pub entries: Arc<Mutex<Vec<Entry>>>,
}

impl AppState {
    pub fn new(limiter: Arc<RateLimiter>, public_dir: impl Into<PathBuf>) -> Self {
        AppState {
            limiter,
            public_dir: public_dir.into(),
            entries: Arc::default(),
        }
    }
}

/// The service: `GET /hello`, `GET/POST /guestbook` and `GET /files/{*path}` behind the rate
/// limiter, `GET /health` outside it; a body over `MAX_BODY_BYTES` is 413, `cors()` applies, and
/// every response (a 429, a 413 or a 404 included) carries each of `SECURITY_HEADERS`.
///
/// Serve it with `into_make_service_with_connect_info::<SocketAddr>()` so the limiter can see
/// client addresses.
pub fn app(state: AppState) -> Router {
    // The routes, as on day 5.
    let limited = Router::new()
        .route("/hello", get(handlers::hello))
        .route(
            "/guestbook",
            get(handlers::show_guestbook).post(handlers::sign_guestbook),
        )
        .route("/files/{*path}", get(handlers::serve_file));
    // TODO: `rate_limit` in front of the `limited` routes only, then around everything the
    // protections the doc comment lists. The app's own page must be able to read a 429, and a
    // CORS preflight must not spend a token.
    Router::new()
        .route("/health", get(handlers::health))
        .merge(limited)
        .with_state(state)
}
