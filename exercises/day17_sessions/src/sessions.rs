//! Session tokens and where they are kept.

use std::sync::{Arc, Mutex};

use rusqlite::Connection;

/// How long a session lives after login, in seconds.
pub const SESSION_TTL_SECS: u64 = 3600;

/// A new session token: 32 bytes from the operating system's CSPRNG, base64url without padding
/// (43 characters, safe in a cookie).
pub fn new_token() -> String {
    // TODO: fill a `[u8; 32]` with `rand::rngs::OsRng.fill_bytes(..)` (trait `rand::RngCore`)
    // and encode it with `base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(..)` (trait
    // `base64::Engine`).
    todo!("make a random token")
}

/// What the database stores instead of the token: its SHA-256, in lowercase hex.
///
/// A fast hash is right here (unlike for passwords): a token has 256 random bits, so nobody can
/// guess their way back from the hash, and the same token always gives the same hash, so the
/// lookup is a plain indexed `WHERE token_hash = ?`.
pub fn hash_token(token: &str) -> String {
    // TODO: `hex::encode(sha2::Sha256::digest(token.as_bytes()))` (trait `sha2::Digest`).
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
        // TODO: open an in-memory `Connection` and create `sessions` with `token_hash TEXT
        // PRIMARY KEY`, `user_id INTEGER NOT NULL` and `expires_at INTEGER NOT NULL` (seconds).
        let _ = Connection::open_in_memory;
        todo!("create the sessions table")
    }

    /// Starts a session for `user_id` at time `now`; returns the token for the cookie. Only
    /// its hash is stored: someone who reads the table cannot use what they read.
    pub fn create(&self, user_id: i64, now: u64) -> rusqlite::Result<String> {
        // TODO: `new_token()`; INSERT its `hash_token`, the user and `now + SESSION_TTL_SECS`
        // (as i64) with `rusqlite::params![..]`; return the token itself.
        let _ = (user_id, now, &self.conn);
        todo!("start a session")
    }

    /// The user of a live session: `None` for an unknown token or one expired at `now`.
    pub fn lookup(&self, token: &str, now: u64) -> rusqlite::Result<Option<i64>> {
        // TODO: SELECT user_id WHERE token_hash = the token's hash AND expires_at > now;
        // `.optional()` (trait `rusqlite::OptionalExtension`) turns "no row" into `None`.
        let _ = (token, now);
        todo!("find a live session")
    }

    /// Ends a session (nothing happens for an unknown token).
    pub fn delete(&self, token: &str) -> rusqlite::Result<()> {
        // TODO: DELETE the row with this token's hash.
        let _ = token;
        todo!("end a session")
    }

    /// Every stored `token_hash`, to see what a database thief would see.
    pub fn stored_token_hashes(&self) -> rusqlite::Result<Vec<String>> {
        // TODO: `prepare("SELECT token_hash FROM sessions")`, `query_map`, and `collect()`.
        todo!("list the stored hashes")
    }
}
