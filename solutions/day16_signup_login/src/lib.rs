//! Day 16: signup and login (solution).
//!
//! A JSON API over a SQLite users table: `POST /signup` and `POST /login`. Emails are
//! normalized and unique, passwords are stored as argon2id hashes, and neither endpoint tells
//! a stranger whether an email is registered.

mod mail;
mod password;
mod store;

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

pub use mail::{Email, Outbox};
pub use password::{Cost, Passwords};
pub use store::{StoreError, User, UserStore};

/// Subject of the mail a new user gets.
pub const WELCOME_SUBJECT: &str = "Welcome to backlings";
/// Subject of the mail an existing user gets when someone signs up with their address.
pub const ALREADY_REGISTERED_SUBJECT: &str = "Someone tried to sign up with your address";
/// What `POST /signup` answers, whether the email was new or not.
pub const CHECK_INBOX: &str = "Check your inbox to finish signing up.";
/// What a failed login answers, whatever the reason.
pub const BAD_CREDENTIALS: &str = "invalid email or password";

/// The email address was not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid email address")]
pub struct InvalidEmail;

/// Normalizes an email address so that one person has exactly one spelling of it: surrounding
/// whitespace removed, all lowercase. Refuses anything that is not plausibly `local@domain.tld`.
pub fn normalize_email(raw: &str) -> Result<String, InvalidEmail> {
    let email = raw.trim().to_lowercase();
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(InvalidEmail);
    }
    // `split_once` splits at the first '@'; a second one would end up in the domain.
    let (local, domain) = email.split_once('@').ok_or(InvalidEmail)?;
    let domain_ok = domain.contains('.')
        && !domain.contains('@')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..");
    if local.is_empty() || local.len() > 64 || !domain_ok {
        return Err(InvalidEmail);
    }
    Ok(email)
}

/// Everything the handlers share. Cloning is cheap: every field is a handle.
#[derive(Clone)]
pub struct AppState {
    pub users: UserStore,
    pub passwords: Arc<Passwords>,
    pub outbox: Outbox,
}

impl AppState {
    /// A fresh in-memory user store, a hasher at `cost` and an empty outbox.
    pub fn new(cost: Cost) -> Self {
        AppState {
            users: UserStore::open_in_memory().expect("open an in-memory database"),
            passwords: Arc::new(Passwords::new(cost)),
            outbox: Outbox::default(),
        }
    }
}

/// The request body of both endpoints.
#[derive(Debug, Deserialize)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// What a successful login answers.
#[derive(Debug, Serialize)]
pub struct LoggedIn {
    pub user_id: i64,
    pub email: String,
}

/// The errors the API answers with, each as `{"error": "..."}`.
#[derive(Debug)]
pub enum ApiError {
    /// 422: the email is not an email address.
    InvalidEmail,
    /// 422: the password breaks the policy; the message says how.
    WeakPassword(String),
    /// 401: unknown email or wrong password (deliberately the same answer).
    BadCredentials,
    /// 500: something broke on our side.
    Internal,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            ApiError::InvalidEmail => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid email address".to_string(),
            ),
            ApiError::WeakPassword(why) => (StatusCode::UNPROCESSABLE_ENTITY, why),
            ApiError::BadCredentials => (StatusCode::UNAUTHORIZED, BAD_CREDENTIALS.to_string()),
            ApiError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error".to_string(),
            ),
        };
        (status, Json(json!({ "error": message }))).into_response()
    }
}

/// The router: `POST /signup` and `POST /login`.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/signup", post(signup))
        .route("/login", post(login))
        .with_state(state)
}

/// `POST /signup`: validates, hashes, inserts. Answers 202 with the same body whether the email
/// was free or taken; the difference only reaches the address's owner, by mail.
async fn signup(
    State(state): State<AppState>,
    Json(body): Json<Credentials>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    // Validation first, and it never looks at the database: its answers reveal nothing.
    let email = normalize_email(&body.email).map_err(|_| ApiError::InvalidEmail)?;
    Passwords::check_strength(&body.password).map_err(ApiError::WeakPassword)?;

    // argon2 keeps a core busy for a long time: run it where it does not block other requests.
    // Hashing before the insert also makes a taken email take as long as a free one.
    let passwords = Arc::clone(&state.passwords);
    let hash = tokio::task::spawn_blocking(move || passwords.hash(&body.password))
        .await
        .map_err(|_| ApiError::Internal)?;

    match state.users.insert(&email, &hash) {
        Ok(_) => state.outbox.send(&email, WELCOME_SUBJECT),
        Err(StoreError::EmailTaken) => state.outbox.send(&email, ALREADY_REGISTERED_SUBJECT),
        Err(StoreError::Db(_)) => return Err(ApiError::Internal),
    }
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "message": CHECK_INBOX })),
    ))
}

/// `POST /login`: 200 with the user for the right email and password, otherwise one 401 that
/// looks (and takes) the same whatever was wrong.
async fn login(
    State(state): State<AppState>,
    Json(body): Json<Credentials>,
) -> Result<Json<LoggedIn>, ApiError> {
    // A malformed email cannot belong to anyone: treat it like an unknown one.
    let user = match normalize_email(&body.email) {
        Ok(email) => state
            .users
            .find_by_email(&email)
            .map_err(|_| ApiError::Internal)?,
        Err(InvalidEmail) => None,
    };

    // Verify even when there is no user, against a dummy hash: otherwise "unknown email"
    // answers in a microsecond and "wrong password" in tens of milliseconds, and the
    // difference tells an attacker which emails are registered.
    let stored = match &user {
        Some(user) => user.password_hash.clone(),
        None => state.passwords.dummy_hash().to_string(),
    };
    let passwords = Arc::clone(&state.passwords);
    let matches = tokio::task::spawn_blocking(move || passwords.verify(&body.password, &stored))
        .await
        .map_err(|_| ApiError::Internal)?;

    match user {
        Some(user) if matches => Ok(Json(LoggedIn {
            user_id: user.id,
            email: user.email,
        })),
        _ => Err(ApiError::BadCredentials),
    }
}
