//! Day 18: JSON Web Tokens.
//!
//! A `TokenService` issues and verifies HS256 tokens, and an axum extractor turns an
//! `Authorization: Bearer` header into verified claims: `GET /me` for any valid token,
//! `GET /admin` only for the admin role. Read `README.md` first.

mod clock;
mod token;

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
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
    // TODO: the token of an `Authorization` header whose scheme is `Bearer` in any case;
    // `None` for no header, another scheme or an empty token.
    let _ = (headers, AUTHORIZATION);
    todo!("read the bearer token")
}

/// The verified claims of the request's bearer token. Handlers that take this argument only
/// run for authenticated requests; the others get 401.
#[derive(Debug)]
pub struct Authenticated(pub Claims);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        // TODO: the verified claims of the request's bearer token. Without one, a 401 whose
        // challenge is plain `Bearer`; with one that does not verify, a 401 whose challenge
        // adds `error="invalid_token"` and whose message is the `TokenError`'s.
        let _ = (parts, state, unauthorized);
        todo!("turn the bearer token into verified claims")
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
    // TODO: route `GET /me` and `GET /admin` to the handlers below.
    let _ = (state, me, admin);
    todo!("wire the routes")
}

/// `GET /me`: who the token says you are.
async fn me(Authenticated(claims): Authenticated) -> Json<serde_json::Value> {
    // TODO: `{"sub": .., "role": ..}` of the token.
    let _ = claims;
    todo!("answer the claims")
}

/// `GET /admin`: 403 for a valid token without the admin role.
async fn admin(Authenticated(claims): Authenticated) -> Result<Json<serde_json::Value>, Response> {
    // TODO: 403 with a JSON `{"error": ..}` for any role but "admin"; admins get any JSON
    // welcome.
    let _ = (claims, StatusCode::FORBIDDEN);
    todo!("only admins get in")
}
