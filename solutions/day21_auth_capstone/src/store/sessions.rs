//! Server-side sessions (day 17): only the token's SHA-256 is stored, with its expiry.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{OptionalExtension, params};

use super::{Store, User};
use crate::tokens;

/// Milliseconds since 1970: wall-clock time, because expiries must mean the same after a
/// restart.
fn now_ms() -> i64 {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
}

impl Store {
    /// Starts a session for `user_id`; returns the token for the cookie.
    pub fn create_session(&self, user_id: i64, ttl: Duration) -> rusqlite::Result<String> {
        let token = tokens::new_token();
        let ttl_ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX);
        self.conn().execute(
            "INSERT INTO sessions (token_hash, user_id, expires_at_ms) VALUES (?1, ?2, ?3)",
            params![
                tokens::hash(&token),
                user_id,
                now_ms().saturating_add(ttl_ms)
            ],
        )?;
        Ok(token)
    }

    /// The user of a live session: the server decides when a session ends, whatever the
    /// cookie's Max-Age told the browser.
    pub fn session_user(&self, token: &str) -> rusqlite::Result<Option<User>> {
        self.conn()
            .query_row(
                "SELECT users.id, users.email, users.role
                 FROM sessions JOIN users ON users.id = sessions.user_id
                 WHERE sessions.token_hash = ?1 AND sessions.expires_at_ms > ?2",
                params![tokens::hash(token), now_ms()],
                User::from_row,
            )
            .optional()
    }

    pub fn end_session(&self, token: &str) -> rusqlite::Result<()> {
        self.conn().execute(
            "DELETE FROM sessions WHERE token_hash = ?1",
            params![tokens::hash(token)],
        )?;
        Ok(())
    }

    /// Logout everywhere: every session of the user, on every device.
    pub fn end_all_sessions(&self, user_id: i64) -> rusqlite::Result<()> {
        self.conn()
            .execute("DELETE FROM sessions WHERE user_id = ?1", params![user_id])?;
        Ok(())
    }
}
