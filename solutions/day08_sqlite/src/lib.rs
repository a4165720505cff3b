//! Day 8: SQLite from Rust (solution).
//!
//! A small user store on a real SQL database: a schema with constraints, and every query
//! written with parameters, so that no input can ever change what a statement means.

use rusqlite::{Connection, ErrorCode, OptionalExtension, Row, params};

/// The schema: one table. The constraints are part of the design, not decoration: the database
/// itself refuses a user without a name or with an email that is already taken, whatever code
/// talks to it.
pub const SCHEMA: &str = "
CREATE TABLE users (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE
);
";

/// One row of the `users` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// What can go wrong when the store is used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another user already has this email (the `UNIQUE` constraint said no).
    #[error("the email {0:?} is already taken")]
    DuplicateEmail(String),
    /// Anything else the database reported.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// Turns a constraint violation on `email` into `DuplicateEmail`, and keeps any other error.
fn map_unique_email(error: rusqlite::Error, email: &str) -> StoreError {
    match &error {
        rusqlite::Error::SqliteFailure(failure, _)
            if failure.code == ErrorCode::ConstraintViolation =>
        {
            StoreError::DuplicateEmail(email.to_string())
        }
        _ => StoreError::Sqlite(error),
    }
}

/// Builds a `User` from a row selected as `id, name, email`.
fn user_from_row(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        name: row.get(1)?,
        email: row.get(2)?,
    })
}

/// Escapes `%`, `_` and the escape character itself, so that `text` matches only itself in a
/// `LIKE ... ESCAPE '\'` pattern.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// A user store on one SQLite connection.
pub struct UserStore {
    conn: Connection,
}

impl UserStore {
    /// Opens a fresh in-memory database and creates the schema in it.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch(SCHEMA)?;
        Ok(Self { conn })
    }

    /// The underlying connection (the tests use it to look at the schema directly).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Inserts a user and returns the id the database gave it.
    pub fn add_user(&self, name: &str, email: &str) -> Result<i64, StoreError> {
        // `?1` and `?2` are placeholders: the values travel separately from the SQL text, so a
        // quote in `name` is just a character, never the end of a string literal.
        self.conn
            .execute(
                "INSERT INTO users (name, email) VALUES (?1, ?2)",
                params![name, email],
            )
            .map_err(|e| map_unique_email(e, email))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The user with this id, or `None`.
    pub fn get_user(&self, id: i64) -> Result<Option<User>, StoreError> {
        let user = self
            .conn
            .query_row(
                "SELECT id, name, email FROM users WHERE id = ?1",
                [id],
                user_from_row,
            )
            .optional()?;
        Ok(user)
    }

    /// The user with exactly this email, or `None`.
    pub fn find_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        let user = self
            .conn
            .query_row(
                "SELECT id, name, email FROM users WHERE email = ?1",
                [email],
                user_from_row,
            )
            .optional()?;
        Ok(user)
    }

    /// Every user whose name starts with `prefix`, ordered by name, then id.
    pub fn search_by_name(&self, prefix: &str) -> Result<Vec<User>, StoreError> {
        // Parameters stop SQL injection, but inside the value `%` and `_` are still LIKE
        // wildcards: escape them so the prefix is matched literally.
        let pattern = format!("{}%", escape_like(prefix));
        let mut statement = self.conn.prepare(
            "SELECT id, name, email FROM users
             WHERE name LIKE ?1 ESCAPE '\\'
             ORDER BY name, id",
        )?;
        let users = statement
            .query_map([pattern], user_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(users)
    }

    /// Changes a user's email. `Ok(false)` when no user has this id.
    pub fn change_email(&self, id: i64, new_email: &str) -> Result<bool, StoreError> {
        let changed = self
            .conn
            .execute(
                "UPDATE users SET email = ?1 WHERE id = ?2",
                params![new_email, id],
            )
            .map_err(|e| map_unique_email(e, new_email))?;
        Ok(changed == 1)
    }

    /// Deletes a user. `Ok(false)` when no user has this id.
    pub fn delete_user(&self, id: i64) -> Result<bool, StoreError> {
        let deleted = self.conn.execute("DELETE FROM users WHERE id = ?1", [id])?;
        Ok(deleted == 1)
    }

    /// How many users there are.
    pub fn count_users(&self) -> Result<i64, StoreError> {
        let count = self
            .conn
            .query_row("SELECT COUNT(*) FROM users", [], |row| row.get(0))?;
        Ok(count)
    }
}
