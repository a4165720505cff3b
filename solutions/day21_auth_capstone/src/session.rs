//! The session cookie, and the extractor that turns it into the caller.

use axum::extract::FromRequestParts;
use axum::http::header::COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use std::time::Duration;

use crate::app::AppState;
use crate::error::ApiError;
use crate::store::User;

/// The `__Host-` prefix makes browsers refuse the cookie unless it is `Secure`, has `Path=/`
/// and no `Domain`: a sibling subdomain cannot plant one.
pub const COOKIE_NAME: &str = "__Host-session";

/// `Set-Cookie` for a new session. HttpOnly: scripts (and so XSS) cannot read it. Secure: never
/// sent over plain HTTP. SameSite=Lax: not sent with cross-site POSTs, which stops most CSRF.
pub fn cookie(token: &str, ttl: Duration) -> HeaderValue {
    let value = format!(
        "{COOKIE_NAME}={token}; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age={}",
        ttl.as_secs()
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| cleared_cookie())
}

/// `Set-Cookie` that makes the browser drop the session cookie.
pub fn cleared_cookie() -> HeaderValue {
    HeaderValue::from_static("__Host-session=; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=0")
}

/// The session token among the request's cookies (there may be several `Cookie` headers).
pub fn token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == COOKIE_NAME && !value.is_empty())
        .map(|(_, value)| value)
}

/// The caller of a request with a live session; a handler that takes it answers 401 to
/// everyone else.
pub struct Session {
    pub user: User,
    pub token: String,
}

impl FromRequestParts<AppState> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = token(&parts.headers).ok_or(ApiError::Unauthenticated)?;
        let user = state
            .store
            .session_user(token)?
            .ok_or(ApiError::Unauthenticated)?;
        Ok(Session {
            user,
            token: token.to_string(),
        })
    }
}
