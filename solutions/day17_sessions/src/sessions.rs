//! Session tokens and where they are kept.

use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

/// How long a session lives after login, in seconds.
pub const SESSION_TTL_SECS: u64 = 3600;

/// A new session token: 32 bytes from the operating system's CSPRNG, base64url without padding
/// (43 characters, safe in a cookie).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    // OsRng, not a seeded or "fast" generator: an attacker who can predict the next token can
    // log in as whoever logs in next.
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database stores instead of the token: its SHA-256, in lowercase hex.
///
/// A fast hash is right here (unlike for passwords): a token has 256 random bits, so nobody can
/// guess their way back from the hash, and the same token always gives the same hash, so the
/// lookup is a plain indexed `WHERE token_hash = ?`.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Sessions in SQLite: `token_hash -> (user_id, expires_at)`. Cloning shares the database.
#[derive(Clone)]
pub struct SessionStore {
    conn: Arc<Mutex<Connection>>,
}

impl SessionStore {
    /// Opens a fresh in-memory database and creates the `sessions` table.
    pub fn open_in_memory() -> rusqlite::Result<Self> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch(
            "CREATE TABLE sessions (
                 token_hash TEXT PRIMARY KEY,
                 user_id    INTEGER NOT NULL,
                 expires_at INTEGER NOT NULL
             );",
        )?;
        Ok(SessionStore {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Starts a session for `user_id` at time `now`; returns the token for the cookie. Only
    /// its hash is stored: someone who reads the table cannot use what they read.
    pub fn create(&self, user_id: i64, now: u64) -> rusqlite::Result<String> {
        let token = new_token();
        let expires_at = (now + SESSION_TTL_SECS) as i64;
        self.conn.lock().unwrap().execute(
            "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
            params![hash_token(&token), user_id, expires_at],
        )?;
        Ok(token)
    }

    /// The user of a live session: `None` for an unknown token or one expired at `now`.
    pub fn lookup(&self, token: &str, now: u64) -> rusqlite::Result<Option<i64>> {
        let conn = self.conn.lock().unwrap();
        // The server decides when a session ends; the cookie's Max-Age is only a hint to the
        // browser, and a stolen cookie can be replayed long after it.
        conn.query_row(
            "SELECT user_id FROM sessions WHERE token_hash = ?1 AND expires_at > ?2",
            params![hash_token(token), now as i64],
            |row| row.get(0),
        )
        .optional()
    }

    /// Ends a session (nothing happens for an unknown token).
    pub fn delete(&self, token: &str) -> rusqlite::Result<()> {
        self.conn.lock().unwrap().execute(
            "DELETE FROM sessions WHERE token_hash = ?1",
            params![hash_token(token)],
        )?;
        Ok(())
    }

    /// Every stored `token_hash`, to see what a database thief would see.
    pub fn stored_token_hashes(&self) -> rusqlite::Result<Vec<String>> {
        let conn = self.conn.lock().unwrap();
        let mut statement = conn.prepare("SELECT token_hash FROM sessions")?;
        let hashes = statement.query_map([], |row| row.get(0))?;
        hashes.collect()
    }
}
