//! Day 17: sessions (solution).
//!
//! Logging in starts a server-side session: a random token goes to the browser in a cookie with
//! safe flags, and only the token's hash is stored. `GET /me` finds the user through it until
//! the session expires or `POST /logout` ends it.

mod clock;
mod sessions;
mod users;

use std::sync::Arc;

use axum::extract::State;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

pub use clock::{Clock, ManualClock, SystemClock};
pub use sessions::{SESSION_TTL_SECS, SessionStore, hash_token, new_token};
pub use users::{Cost, Users};

/// The cookie's name. The `__Host-` prefix makes browsers refuse it unless it is `Secure`,
/// has `Path=/` and no `Domain`: a sibling subdomain cannot plant or overwrite it.
pub const SESSION_COOKIE: &str = "__Host-session";

/// The `Set-Cookie` value that hands `token` to the browser.
pub fn session_cookie(token: &str) -> String {
    // HttpOnly: page scripts (and so XSS) cannot read it. Secure: never sent over plain HTTP.
    // SameSite=Lax: not sent with cross-site POSTs, which stops most CSRF. Max-Age: the
    // browser drops it when the server-side session ends anyway.
    format!(
        "{SESSION_COOKIE}={token}; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age={SESSION_TTL_SECS}"
    )
}

/// The `Set-Cookie` value that makes the browser delete the session cookie.
pub fn clear_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=0")
}

/// The session token from the request's `Cookie` header(s), if any.
///
/// A `Cookie` header holds `name=value` pairs separated by `; `, and a request may have several
/// such headers.
pub fn session_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == SESSION_COOKIE && !value.is_empty())
        .map(|(_, value)| value)
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
    Router::new()
        .route("/login", post(login))
        .route("/me", get(me))
        .route("/logout", post(logout))
        .with_state(state)
}

/// `POST /login`: checks the credentials and starts a new session: 204 with `Set-Cookie`, or
/// 401 without.
async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<Credentials>,
) -> Result<Response, Response> {
    let users = Arc::clone(&state.users);
    let user_id =
        tokio::task::spawn_blocking(move || users.authenticate(&body.email, &body.password))
            .await
            .map_err(internal)?;
    let Some(user_id) = user_id else {
        return Err(error(StatusCode::UNAUTHORIZED, "invalid email or password"));
    };

    // Never keep a session id that existed before login. If an attacker managed to plant a
    // token in the victim's browser (session fixation), it must not become a logged-in session.
    if let Some(old) = session_token(&headers) {
        state.sessions.delete(old).map_err(internal)?;
    }
    let token = state
        .sessions
        .create(user_id, state.clock.now())
        .map_err(internal)?;
    Ok((
        StatusCode::NO_CONTENT,
        [(SET_COOKIE, session_cookie(&token))],
    )
        .into_response())
}

/// `GET /me`: the logged-in user, or 401.
async fn me(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, Response> {
    let not_logged_in = || error(StatusCode::UNAUTHORIZED, "not logged in");
    let token = session_token(&headers).ok_or_else(not_logged_in)?;
    let user_id = state
        .sessions
        .lookup(token, state.clock.now())
        .map_err(internal)?
        .ok_or_else(not_logged_in)?;
    let email = state.users.email_of(user_id).ok_or_else(not_logged_in)?;
    Ok(Json(json!({ "user_id": user_id, "email": email })).into_response())
}

/// `POST /logout`: ends the session on the server and tells the browser to drop the cookie.
async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, Response> {
    // Deleting the row is what matters: a copy of the cookie kept elsewhere stops working too.
    if let Some(token) = session_token(&headers) {
        state.sessions.delete(token).map_err(internal)?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(SET_COOKIE, clear_session_cookie())],
    )
        .into_response())
}
