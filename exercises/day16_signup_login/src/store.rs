//! Users in SQLite.

use std::sync::{Arc, Mutex};

use rusqlite::Connection;
use thiserror::Error;

/// A stored user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    /// Always normalized (see `normalize_email`).
    pub email: String,
    /// An argon2id PHC string, never the password.
    pub password_hash: String,
}

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("a user with this email already exists")]
    EmailTaken,
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
}

/// The users table. Cloning shares the same database.
#[derive(Clone)]
pub struct UserStore {
    conn: Arc<Mutex<Connection>>,
}

impl UserStore {
    /// Opens a fresh in-memory database and creates the `users` table.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        // TODO: `Connection::open_in_memory()?`, then `execute_batch` a CREATE TABLE users with
        // `id INTEGER PRIMARY KEY`, `email TEXT NOT NULL UNIQUE` and
        // `password_hash TEXT NOT NULL`. Wrap the connection in `Arc<Mutex<_>>`.
        let _ = Connection::open_in_memory;
        todo!("create the users table")
    }

    /// Inserts a user and returns its id; `EmailTaken` if the email is already registered.
    pub fn insert(&self, email: &str, password_hash: &str) -> Result<i64, StoreError> {
        // TODO: INSERT with `?1, ?2` parameters (never format values into SQL). Let the UNIQUE
        // constraint find duplicates: match
        // `Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::ConstraintViolation`
        // and return `StoreError::EmailTaken`. On success, `conn.last_insert_rowid()`.
        let _ = (email, password_hash, &self.conn);
        todo!("insert the user")
    }

    /// The user with this (normalized) email, if any.
    pub fn find_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        // TODO: `query_row` SELECT id, email, password_hash ... WHERE email = ?1, and
        // `.optional()` (trait `rusqlite::OptionalExtension`) to turn "no row" into `None`.
        let _ = email;
        todo!("look the user up by email")
    }
}
