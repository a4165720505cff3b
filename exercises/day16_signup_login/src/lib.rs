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
    // TODO: trim and lowercase. Then refuse (with `Err(InvalidEmail)`): more than 254 bytes,
    // any whitespace or control character inside, no '@' or more than one, an empty local part
    // (before the '@') or one over 64 bytes, a domain without a '.', or a domain that starts or
    // ends with '.' or contains "..". `str::split_once('@')` helps.
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
    // TODO: a `Router` with `.route("/signup", post(signup))`, the same for `/login`, and
    // `.with_state(state)`.
    let _ = (state, post(signup), post(login));
    todo!("wire the routes")
}

/// `POST /signup`: validates, hashes, inserts. Answers 202 with the same body whether the email
/// was free or taken; the difference only reaches the address's owner, by mail.
async fn signup(
    State(state): State<AppState>,
    Json(body): Json<Credentials>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    // TODO:
    // 1. Validate without touching the database: `normalize_email` (error ->
    //    `ApiError::InvalidEmail`) and `Passwords::check_strength` (error -> `WeakPassword`).
    // 2. Hash the password inside `tokio::task::spawn_blocking` (argon2 would otherwise block
    //    the async runtime): clone the `Arc<Passwords>` and move it into the closure.
    // 3. `state.users.insert`: on success send `WELCOME_SUBJECT` to the email; on `EmailTaken`
    //    send `ALREADY_REGISTERED_SUBJECT` instead; a database error is `Internal`.
    // 4. Either way answer 202 with `{"message": CHECK_INBOX}`.
    let _ = (state, body, json!({ "message": CHECK_INBOX }));
    todo!("sign the user up without revealing whether the email was taken")
}

/// `POST /login`: 200 with the user for the right email and password, otherwise one 401 that
/// looks (and takes) the same whatever was wrong.
async fn login(
    State(state): State<AppState>,
    Json(body): Json<Credentials>,
) -> Result<Json<LoggedIn>, ApiError> {
    // TODO:
    // 1. Normalize the email; a malformed one is just an unknown user (`None`). Otherwise
    //    `state.users.find_by_email`.
    // 2. Verify the password in `spawn_blocking`: against the user's hash, or, when there is
    //    no user, against `state.passwords.dummy_hash()`, so both failures cost the same time.
    // 3. The user and a match: 200 with `LoggedIn`. Anything else: `ApiError::BadCredentials`.
    let _ = (state, body);
    todo!("log the user in, failing the same way whatever was wrong")
}
