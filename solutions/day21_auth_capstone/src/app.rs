//! The router and what its handlers share.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, X_CONTENT_TYPE_OPTIONS};
use axum::routing::{get, post, put};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::config::Config;
use crate::error::ApiError;
use crate::limiter::LoginLimiter;
use crate::passwords::Passwords;
use crate::routes::{accounts, admin, notes};
use crate::store::Store;

/// A request body larger than this is refused with 413.
const BODY_LIMIT: usize = 16 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub passwords: Arc<Passwords>,
    pub limiter: Arc<LoginLimiter>,
    pub config: Arc<Config>,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/signup", post(accounts::signup))
        .route("/login", post(accounts::login))
        .route("/logout", post(accounts::logout))
        .route("/logout/all", post(accounts::logout_all))
        .route("/me", get(accounts::me))
        .route("/me/password", put(accounts::change_password))
        .route("/notes", post(notes::create).get(notes::list))
        .route("/notes/{id}", get(notes::read).delete(notes::delete))
        .route("/admin/users", get(admin::users))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        // Answers carry who is logged in and their data: no browser or proxy may keep a copy.
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        // The browser trusts the Content-Type instead of guessing that a note is HTML.
        .layer(SetResponseHeaderLayer::overriding(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .with_state(state)
}
