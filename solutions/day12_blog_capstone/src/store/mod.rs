//! The blog's storage on SQLite: one connection, used by one request at a time. Every write
//! that touches several rows is one transaction, and a write is answered only once committed.

mod authors;
mod comments;
mod posts;

use rusqlite::{Connection, ErrorCode};

/// What the store can refuse.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("this email is already taken")]
    EmailTaken,
    #[error("the slug {0:?} is already taken")]
    SlugTaken(String),
    #[error("there is no author {0}")]
    UnknownAuthor(i64),
    #[error("no post has the slug {0:?}")]
    PostNotFound(String),
    #[error("the post {0:?} is a draft: publish it first")]
    NotPublished(String),
    #[error("an edit needs `If-Match` with the post's current ETag")]
    PreconditionRequired,
    #[error("the post changed since you read it: GET it again and redo your edit")]
    Stale,
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// The blog's database.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// A store over a connection whose schema is migrated (see `db::open`).
    pub fn new(conn: Connection) -> Store {
        Store { conn }
    }
}

fn is_unique_violation(error: &rusqlite::Error) -> bool {
    matches!(error, rusqlite::Error::SqliteFailure(e, _) if e.code == ErrorCode::ConstraintViolation)
}
