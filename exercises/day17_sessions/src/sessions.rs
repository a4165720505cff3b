//! Session tokens and where they are kept.

use std::sync::{Arc, Mutex};

use rusqlite::Connection;

/// How long a session lives after login, in seconds.
pub const SESSION_TTL_SECS: u64 = 3600;

/// A new session token: 32 bytes from the operating system's CSPRNG, base64url without padding
/// (43 characters, safe in a cookie).
pub fn new_token() -> String {
    // TODO: a fresh token as the doc comment describes, different on every call.
    todo!("make a random token")
}

/// What the database stores instead of the token: its SHA-256, in lowercase hex.
///
/// A fast hash is right here (unlike for passwords): a token has 256 random bits, so nobody can
/// guess their way back from the hash, and the same token always gives the same hash, so the
/// lookup is a plain indexed `WHERE token_hash = ?`.
pub fn hash_token(token: &str) -> String {
    // TODO: the hash the doc comment describes.
    let _ = token;
    todo!("hash the token")
}

/// Sessions in SQLite: `token_hash -> (user_id, expires_at)`. Cloning shares the database.
#[derive(Clone)]
pub struct SessionStore {
    conn: Arc<Mutex<Connection>>,
}

impl SessionStore {
    /// Opens a fresh in-memory database and creates the `sessions` table.
    pub fn open_in_memory() -> rusqlite::Result<Self> {
        // TODO: a `sessions` table keyed by the token's hash, with the user and the expiry time
        // (in seconds), both required.
        todo!("create the sessions table")
    }

    /// Starts a session for `user_id` at time `now`; returns the token for the cookie. Only
    /// its hash is stored: someone who reads the table cannot use what they read.
    pub fn create(&self, user_id: i64, now: u64) -> rusqlite::Result<String> {
        // TODO: a session that lives `SESSION_TTL_SECS` from `now`, stored under the token's
        // hash; the caller gets the token itself.
        let _ = (user_id, now, &self.conn);
        todo!("start a session")
    }

    /// The user of a live session: `None` for an unknown token or one expired at `now`.
    pub fn lookup(&self, token: &str, now: u64) -> rusqlite::Result<Option<i64>> {
        // TODO: the session's user while `now` is before its expiry, `None` from then on and for
        // tokens never issued.
        let _ = (token, now);
        todo!("find a live session")
    }

    /// Ends a session (nothing happens for an unknown token).
    pub fn delete(&self, token: &str) -> rusqlite::Result<()> {
        // TODO: afterwards, `lookup` finds no session for this token.
        let _ = token;
        todo!("end a session")
    }

    /// Every stored `token_hash`, to see what a database thief would see.
    pub fn stored_token_hashes(&self) -> rusqlite::Result<Vec<String>> {
        // TODO: every stored hash, in any order.
        todo!("list the stored hashes")
    }
}
