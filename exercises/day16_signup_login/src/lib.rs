//! Day 16: signup and login.
//!
//! A JSON API over a SQLite users table: `POST /signup` and `POST /login`. Emails are
//! normalized and unique, passwords are stored as argon2id hashes, and neither endpoint tells
//! a stranger whether an email is registered. Read `README.md` first.

mod mail;
mod password;
mod store;

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
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
/// whitespace removed, all lowercase. Refuses anything that is not plausibly `local@domain.tld`:
/// an address over 254 bytes, whitespace or control characters inside it, anything but exactly
/// one `@`, an empty local part or one over 64 bytes, and a domain without a dot or with an
/// empty label (a leading, trailing or doubled dot).
pub fn normalize_email(raw: &str) -> Result<String, InvalidEmail> {
    // TODO: return the normalized address, or `InvalidEmail` for everything the contract refuses.
    let _ = raw;
    todo!("normalize and check the email address")
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
    // TODO: route the two endpoints to `signup` and `login`, sharing `state`.
    let _ = (state, signup, login);
    todo!("wire the routes")
}

/// `POST /signup`: validates, hashes, inserts. Answers 202 with the same body whether the email
/// was free or taken; the difference only reaches the address's owner, by mail.
async fn signup(
    State(state): State<AppState>,
    Json(body): Json<Credentials>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    // TODO: a malformed email or a weak password is a 422 decided before any database work.
    // A valid signup stores the user with an argon2id hash, computed without blocking the
    // runtime. The owner of the address gets `WELCOME_SUBJECT` for a new account and
    // `ALREADY_REGISTERED_SUBJECT` for a taken one; the caller gets 202 with
    // `{"message": CHECK_INBOX}` in both cases.
    let _ = (state, body);
    todo!("sign the user up without revealing whether the email was taken")
}

/// `POST /login`: 200 with the user for the right email and password, otherwise one 401 that
/// looks (and takes) the same whatever was wrong.
async fn login(
    State(state): State<AppState>,
    Json(body): Json<Credentials>,
) -> Result<Json<LoggedIn>, ApiError> {
    // TODO: 200 with `LoggedIn` for a registered email (in any spelling `normalize_email`
    // accepts) and its password. A malformed email, an unknown one and a wrong password all
    // give `ApiError::BadCredentials`, after the same amount of argon2 work, done off the
    // runtime.
    let _ = (state, body);
    todo!("log the user in, failing the same way whatever was wrong")
}
