//! Day 18: JSON Web Tokens (solution).
//!
//! A `TokenService` issues and verifies HS256 tokens, and an axum extractor turns an
//! `Authorization: Bearer` header into verified claims: `GET /me` for any valid token,
//! `GET /admin` only for the admin role.

mod clock;
mod token;

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

pub use clock::{Clock, ManualClock, SystemClock};
pub use token::{
    AUDIENCE, Claims, ISSUER, MIN_SECRET_BYTES, TOKEN_TTL_SECS, TokenError, TokenService,
};

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    pub tokens: Arc<TokenService>,
}

/// The token from an `Authorization: Bearer <token>` header. The scheme is case-insensitive.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The verified claims of the request's bearer token. Handlers that take this argument only
/// run for authenticated requests; the others get 401.
#[derive(Debug)]
pub struct Authenticated(pub Claims);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        // RFC 6750: no credentials at all gets a bare challenge; bad ones say "invalid_token".
        let Some(token) = bearer_token(&parts.headers) else {
            return Err(unauthorized("Bearer", "missing bearer token"));
        };
        match state.tokens.verify(token) {
            Ok(claims) => Ok(Authenticated(claims)),
            // The reason goes in the body for the client's developer; it reveals nothing an
            // attacker could not see by decoding the token themselves.
            Err(error) => Err(unauthorized(
                r#"Bearer error="invalid_token""#,
                &error.to_string(),
            )),
        }
    }
}

fn unauthorized(challenge: &'static str, message: &str) -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(WWW_AUTHENTICATE, challenge)],
        Json(json!({ "error": message })),
    )
        .into_response()
}

/// `GET /me` (any valid token) and `GET /admin` (role "admin").
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/me", get(me))
        .route("/admin", get(admin))
        .with_state(state)
}

/// `GET /me`: who the token says you are.
async fn me(Authenticated(claims): Authenticated) -> Json<serde_json::Value> {
    Json(json!({ "sub": claims.sub, "role": claims.role }))
}

/// `GET /admin`: 403 for a valid token without the admin role.
async fn admin(Authenticated(claims): Authenticated) -> Result<Json<serde_json::Value>, Response> {
    // 401 means "I don't know who you are"; 403 means "I know, and the answer is no".
    if claims.role != "admin" {
        let body = Json(json!({ "error": "admins only" }));
        return Err((StatusCode::FORBIDDEN, body).into_response());
    }
    Ok(Json(
        json!({ "message": format!("welcome, {}", claims.sub) }),
    ))
}
