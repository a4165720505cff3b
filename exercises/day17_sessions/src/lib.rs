//! Day 17: sessions.
//!
//! Logging in starts a server-side session: a random token goes to the browser in a cookie with
//! safe flags, and only the token's hash is stored. `GET /me` finds the user through it until
//! the session expires or `POST /logout` ends it. Read `README.md` first.

mod clock;
mod sessions;
mod users;

use std::sync::Arc;

use axum::extract::State;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

pub use clock::{Clock, ManualClock, SystemClock};
pub use sessions::{SESSION_TTL_SECS, SessionStore, hash_token, new_token};
pub use users::{Cost, Users};

/// The cookie's name. The `__Host-` prefix makes browsers refuse it unless it is `Secure`,
/// has `Path=/` and no `Domain`: a sibling subdomain cannot plant or overwrite it.
pub const SESSION_COOKIE: &str = "__Host-session";

/// The `Set-Cookie` value that hands `token` to the browser: the cookie `SESSION_COOKIE` with
/// the attributes `HttpOnly`, `Secure`, `SameSite=Lax`, `Path=/` and a `Max-Age` of
/// `SESSION_TTL_SECS`.
pub fn session_cookie(token: &str) -> String {
    // TODO: the value the doc comment describes, in `Set-Cookie` syntax.
    let _ = token;
    todo!("build the Set-Cookie value")
}

/// The `Set-Cookie` value that makes the browser delete the session cookie: the same cookie
/// and attributes with an empty value and a lifetime of zero.
pub fn clear_session_cookie() -> String {
    // TODO: the value the doc comment describes.
    todo!("build the Set-Cookie value that deletes the cookie")
}

/// The session token from the request's `Cookie` header(s), if any.
///
/// A `Cookie` header holds `name=value` pairs separated by `; `, and a request may have several
/// such headers.
pub fn session_token(headers: &HeaderMap) -> Option<&str> {
    // TODO: the value of the `SESSION_COOKIE` pair in any of the request's `Cookie` headers;
    // `None` when there is none or its value is empty.
    let _ = (headers, COOKIE);
    todo!("find the session cookie")
}

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    pub users: Arc<Users>,
    pub sessions: SessionStore,
    pub clock: Arc<dyn Clock>,
}

impl AppState {
    /// No users yet (add them with `state.users.add`), no sessions, and the given clock.
    pub fn new(cost: Cost, clock: Arc<dyn Clock>) -> Self {
        AppState {
            users: Arc::new(Users::new(cost)),
            sessions: SessionStore::open_in_memory().expect("open an in-memory database"),
            clock,
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// A JSON error answer: `{"error": message}` with a status.
fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

fn internal<E: std::fmt::Debug>(_: E) -> Response {
    error(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
}

/// `POST /login`, `GET /me`, `POST /logout`.
pub fn app(state: AppState) -> Router {
    // TODO: route `POST /login`, `GET /me` and `POST /logout` to the handlers below.
    let _ = (state, login, me, logout);
    todo!("wire the routes")
}

/// `POST /login`: checks the credentials and starts a new session: 204 with `Set-Cookie`, or
/// 401 without.
async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<Credentials>,
) -> Result<Response, Response> {
    // TODO: wrong credentials are a 401 `error` "invalid email or password" (checked without
    // blocking the runtime: argon2 is slow). Right ones start a fresh session at the clock's
    // time, ending any session the request came with, and answer 204 with the new session's
    // cookie. A database failure is `internal`.
    let _ = (state, headers, body, SET_COOKIE, error, internal::<()>);
    todo!("check the credentials and start a session")
}

/// `GET /me`: the logged-in user, or 401.
async fn me(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, Response> {
    // TODO: with a live session, 200 and `{"user_id": .., "email": ..}` of its user. No
    // cookie, an unknown or expired session, or a user that no longer exists: 401 "not logged
    // in".
    let _ = (state, headers);
    todo!("find the user of the session")
}

/// `POST /logout`: ends the session on the server and tells the browser to drop the cookie.
async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, Response> {
    // TODO: the request's session (if any) no longer works afterwards, on the server; the
    // answer is 204 and tells the browser to drop the cookie.
    let _ = (state, headers);
    todo!("end the session")
}
