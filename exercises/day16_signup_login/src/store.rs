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
        // TODO: a `users` table with an integer id, an email that no two rows share, and the
        // password hash; neither may be missing.
        todo!("create the users table")
    }

    /// Inserts a user and returns its id; `EmailTaken` if the email is already registered.
    pub fn insert(&self, email: &str, password_hash: &str) -> Result<i64, StoreError> {
        // TODO: store the user and return the new id. A duplicate email is `EmailTaken` even
        // when two inserts race; any other failure is `Db`. Values never go into the SQL text.
        let _ = (email, password_hash, &self.conn);
        todo!("insert the user")
    }

    /// The user with this (normalized) email, if any.
    pub fn find_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        // TODO: `None` when no user has this email; a database failure is an error.
        let _ = (email, &self.conn);
        todo!("look the user up by email")
    }
}
