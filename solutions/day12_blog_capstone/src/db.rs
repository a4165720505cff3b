//! The database file and its schema, created and upgraded by numbered migrations at start
//! (day 9): each runs in its own transaction and bumps `PRAGMA user_version`, so a database
//! written by an earlier run is brought up to date and a newer one is refused.

use std::path::Path;

use rusqlite::Connection;

/// The schema's history, oldest first: migration `n` takes the database to version `n`.
const MIGRATIONS: &[&str] = &[
    // 1: authors, posts and their tags (day 11's store, plus drafts and versions for ETags).
    "CREATE TABLE authors (
         id    INTEGER PRIMARY KEY,
         name  TEXT NOT NULL,
         email TEXT NOT NULL UNIQUE
     );
     CREATE TABLE posts (
         id        INTEGER PRIMARY KEY,
         author_id INTEGER NOT NULL REFERENCES authors (id),
         slug      TEXT NOT NULL UNIQUE,
         title     TEXT NOT NULL,
         body      TEXT NOT NULL,
         published INTEGER NOT NULL DEFAULT 0,
         version   INTEGER NOT NULL DEFAULT 1
     );
     CREATE INDEX posts_published ON posts (published, id);
     CREATE INDEX posts_by_author ON posts (author_id, id);
     CREATE TABLE tags (
         id   INTEGER PRIMARY KEY,
         name TEXT NOT NULL UNIQUE
     );
     CREATE TABLE post_tags (
         post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
         tag_id  INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
         PRIMARY KEY (post_id, tag_id)
     );
     CREATE INDEX post_tags_by_tag ON post_tags (tag_id);",
    // 2: comments.
    "CREATE TABLE comments (
         id          INTEGER PRIMARY KEY,
         post_id     INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
         author_name TEXT NOT NULL,
         body        TEXT NOT NULL
     );
     CREATE INDEX comments_by_post ON comments (post_id, id);",
];

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the database is at schema version {found}, newer than this code's {known}")]
    TooNew { found: usize, known: usize },
    #[error("migration {version} failed: {source}")]
    Migration {
        version: usize,
        source: rusqlite::Error,
    },
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// Opens (or creates) the database at `path` and migrates it to the current schema.
pub fn open(path: &Path) -> Result<Connection, DbError> {
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    migrate(&mut conn)?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> Result<(), DbError> {
    let found: usize = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if found > MIGRATIONS.len() {
        return Err(DbError::TooNew {
            found,
            known: MIGRATIONS.len(),
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found) {
        let version = index + 1;
        let failed = |source| DbError::Migration { version, source };
        let tx = conn.transaction().map_err(failed)?;
        tx.execute_batch(sql).map_err(failed)?;
        tx.pragma_update(None, "user_version", version)
            .map_err(failed)?;
        tx.commit().map_err(failed)?;
    }
    Ok(())
}
