//! Users in SQLite.

use std::sync::{Arc, Mutex};

use rusqlite::{Connection, ErrorCode, OptionalExtension, params};
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
        let conn = Connection::open_in_memory()?;
        // The UNIQUE constraint is what really keeps emails unique: two signups racing each
        // other both pass any "does it exist?" check, but only one INSERT can win.
        conn.execute_batch(
            "CREATE TABLE users (
                 id            INTEGER PRIMARY KEY,
                 email         TEXT NOT NULL UNIQUE,
                 password_hash TEXT NOT NULL
             );",
        )?;
        Ok(UserStore {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Inserts a user and returns its id; `EmailTaken` if the email is already registered.
    pub fn insert(&self, email: &str, password_hash: &str) -> Result<i64, StoreError> {
        let conn = self.conn.lock().unwrap();
        let result = conn.execute(
            "INSERT INTO users (email, password_hash) VALUES (?1, ?2)",
            params![email, password_hash],
        );
        match result {
            Ok(_) => Ok(conn.last_insert_rowid()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == ErrorCode::ConstraintViolation =>
            {
                Err(StoreError::EmailTaken)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The user with this (normalized) email, if any.
    pub fn find_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        let conn = self.conn.lock().unwrap();
        let user = conn
            .query_row(
                "SELECT id, email, password_hash FROM users WHERE email = ?1",
                params![email],
                |row| {
                    Ok(User {
                        id: row.get(0)?,
                        email: row.get(1)?,
                        password_hash: row.get(2)?,
                    })
                },
            )
            .optional()?;
        Ok(user)
    }
}
