//! Accounts: the normalized email, the argon2id hash and the role.

use rusqlite::{ErrorCode, OptionalExtension, Row, params};
use serde::Serialize;

use super::Store;
use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Admin,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Admin => "admin",
        }
    }

    fn parse(text: &str) -> Role {
        if text == "admin" {
            Role::Admin
        } else {
            Role::User
        }
    }
}

/// An account as clients see it: the hash is deliberately not a field, so no handler can
/// serialize it by accident.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub role: Role,
}

impl User {
    pub(super) fn from_row(row: &Row<'_>) -> rusqlite::Result<User> {
        Ok(User {
            id: row.get("id")?,
            email: row.get("email")?,
            role: Role::parse(&row.get::<_, String>("role")?),
        })
    }
}

impl Store {
    /// A new account; the UNIQUE constraint, not a prior SELECT, decides `EmailTaken`, so two
    /// signups racing for one address cannot both win.
    pub fn create_user(&self, email: &str, hash: &str, role: Role) -> Result<User, ApiError> {
        let conn = self.conn();
        let inserted = conn.execute(
            "INSERT INTO users (email, password_hash, role) VALUES (?1, ?2, ?3)",
            params![email, hash, role.as_str()],
        );
        match inserted {
            Ok(_) => Ok(User {
                id: conn.last_insert_rowid(),
                email: email.to_string(),
                role,
            }),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == ErrorCode::ConstraintViolation =>
            {
                Err(ApiError::EmailTaken)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The account with this (normalized) address, and its hash.
    pub fn user_by_email(&self, email: &str) -> rusqlite::Result<Option<(User, String)>> {
        self.conn()
            .query_row(
                "SELECT id, email, role, password_hash FROM users WHERE email = ?1",
                params![email],
                |row| Ok((User::from_row(row)?, row.get("password_hash")?)),
            )
            .optional()
    }

    pub fn password_hash(&self, user_id: i64) -> rusqlite::Result<Option<String>> {
        self.conn()
            .query_row(
                "SELECT password_hash FROM users WHERE id = ?1",
                params![user_id],
                |row| row.get(0),
            )
            .optional()
    }

    /// Stores a new hash and ends every session of the user but `keep` (a token hash), in one
    /// transaction: a crash in between must not leave old sessions alive with the new password.
    pub fn change_password(&self, user_id: i64, hash: &str, keep: &str) -> rusqlite::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "UPDATE users SET password_hash = ?1 WHERE id = ?2",
            params![hash, user_id],
        )?;
        tx.execute(
            "DELETE FROM sessions WHERE user_id = ?1 AND token_hash <> ?2",
            params![user_id, keep],
        )?;
        tx.commit()
    }

    /// Every account, oldest first.
    pub fn users(&self) -> rusqlite::Result<Vec<User>> {
        let conn = self.conn();
        let mut statement = conn.prepare("SELECT id, email, role FROM users ORDER BY id")?;
        let users = statement.query_map([], User::from_row)?;
        users.collect()
    }
}
