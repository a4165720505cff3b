//! Signup, login, logout, the current user and their password.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::Body;
use crate::app::AppState;
use crate::error::ApiError;
use crate::passwords::{self, Passwords};
use crate::session::{self, Session};
use crate::store::{Role, User};
use crate::{email, tokens};

#[derive(Deserialize)]
pub struct Credentials {
    email: String,
    password: String,
}

#[derive(Deserialize)]
pub struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// Runs argon2 on tokio's blocking pool: a hash keeps a core busy for tens of milliseconds,
/// which on an async worker would stall every other request.
async fn off_runtime<T: Send + 'static>(
    passwords: &Arc<Passwords>,
    work: impl FnOnce(&Passwords) -> T + Send + 'static,
) -> Result<T, ApiError> {
    let passwords = Arc::clone(passwords);
    Ok(tokio::task::spawn_blocking(move || work(&passwords)).await?)
}

/// `POST /signup`: 201 with the account.
pub async fn signup(
    State(state): State<AppState>,
    Body(body): Body<Credentials>,
) -> Result<Response, ApiError> {
    let email = email::normalize(&body.email)?;
    passwords::check_rules(&body.password)?;
    let role = match &state.config.admin_email {
        Some(admin) if email::key(admin) == email => Role::Admin,
        _ => Role::User,
    };
    let hash = off_runtime(&state.passwords, move |p| p.hash(&body.password)).await?;
    let user = state.store.create_user(&email, &hash, role)?;
    Ok((StatusCode::CREATED, Json(user)).into_response())
}

/// `POST /login`: 200 with the account and a new session cookie. Whatever is wrong, the
/// answer is the same 401, after the same argon2 work.
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Body(body): Body<Credentials>,
) -> Result<Response, ApiError> {
    let email = email::key(&body.email);
    // Before the password is looked at: once the budget is spent, even the right password
    // gets 429, or the guessing would go on and succeed. Only failures keep their token.
    state
        .limiter
        .attempt(&email)
        .map_err(|retry_after| ApiError::TooManyAttempts { retry_after })?;
    let found = state.store.user_by_email(&email)?;
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let verified = off_runtime(&state.passwords, move |p| {
        p.verify(&body.password, hash.as_deref())
    })
    .await?;
    let user = user
        .filter(|_| verified)
        .ok_or(ApiError::InvalidCredentials)?;
    state.limiter.refund(&email);
    // A session id that existed before login never becomes a logged-in one (session fixation).
    if let Some(old) = session::token(&headers) {
        state.store.end_session(old)?;
    }
    start_session(&state, user)
}

fn start_session(state: &AppState, user: User) -> Result<Response, ApiError> {
    let token = state
        .store
        .create_session(user.id, state.config.session_ttl)?;
    let cookie = session::cookie(&token, state.config.session_ttl);
    Ok(([(SET_COOKIE, cookie)], Json(user)).into_response())
}

/// `POST /logout`: ends this session, if there is one, and clears the cookie.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = session::token(&headers) {
        state.store.end_session(token)?;
    }
    Ok(cleared())
}

/// `POST /logout/all`: ends every session of the caller, this one included.
pub async fn logout_all(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, ApiError> {
    state.store.end_all_sessions(session.user.id)?;
    Ok(cleared())
}

fn cleared() -> Response {
    (
        StatusCode::NO_CONTENT,
        [(SET_COOKIE, session::cleared_cookie())],
    )
        .into_response()
}

/// `GET /me`.
pub async fn me(session: Session) -> Json<User> {
    Json(session.user)
}

/// `PUT /me/password`: needs the current password; ends every other session of the caller.
pub async fn change_password(
    State(state): State<AppState>,
    session: Session,
    Body(body): Body<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    passwords::check_rules(&body.new_password)?;
    // A stolen session must not become a way around the login limit.
    state
        .limiter
        .attempt(&session.user.email)
        .map_err(|retry_after| ApiError::TooManyAttempts { retry_after })?;
    let current = state.store.password_hash(session.user.id)?;
    let new_hash = off_runtime(&state.passwords, move |p| {
        p.verify(&body.current_password, current.as_deref())
            .then(|| p.hash(&body.new_password))
    })
    .await?
    .ok_or(ApiError::WrongPassword)?;
    state.limiter.refund(&session.user.email);
    let keep = tokens::hash(&session.token);
    state
        .store
        .change_password(session.user.id, &new_hash, &keep)?;
    Ok(StatusCode::NO_CONTENT)
}
