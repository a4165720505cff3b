//! Day 9: schema migrations.
//!
//! A database outlives every version of the code that uses it, so its schema changes in small,
//! numbered steps. Today you write the migrator: it applies the steps a database has not seen
//! yet, each in its own transaction, records what it applied, and refuses to run when the
//! database and the code disagree about the past. Read `README.md` first.

use rusqlite::Connection;
use sha2::{Digest, Sha256};

/// One step of the schema's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    /// 1 for the first migration, then 2, 3... with no gaps.
    pub version: u32,
    /// A short description, stored with the version for people reading the database.
    pub name: &'static str,
    /// The SQL to run; it may hold several statements.
    pub sql: &'static str,
}

/// The migrations of this day's little notes application, oldest first.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "create notes",
        sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);",
    },
    Migration {
        version: 2,
        name: "add notes.created_at",
        sql: "ALTER TABLE notes ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;",
    },
    Migration {
        version: 3,
        name: "create tags",
        sql: "CREATE TABLE tags (
                  note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
                  tag     TEXT NOT NULL,
                  PRIMARY KEY (note_id, tag)
              );
              CREATE INDEX tags_by_tag ON tags (tag);",
    },
];

/// The bookkeeping table: one row per applied migration, with the checksum of its SQL.
pub const CREATE_BOOKKEEPING: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version  INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    checksum TEXT NOT NULL
)";

/// Why `migrate` refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    /// The list itself is wrong: versions must be 1, 2, 3... in order, with no gaps.
    #[error("migration versions must be 1, 2, 3... in order: expected {expected}, found {found}")]
    BadOrder { expected: u32, found: u32 },
    /// The database was migrated by newer code: running old code on it would be a downgrade.
    #[error("the database is at version {database}, but this code only knows up to {known}")]
    DatabaseTooNew { database: u32, known: u32 },
    /// A migration that already ran has different SQL now.
    #[error("migration {version} was edited after it was applied")]
    Modified { version: u32 },
    /// A migration's SQL failed; it was rolled back.
    #[error("migration {version} failed and was rolled back: {source}")]
    Failed {
        version: u32,
        source: rusqlite::Error,
    },
    /// Any other database error.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// The SHA-256 of a migration's SQL, in hex: recorded when the migration runs, so that a later
/// edit of an applied migration is noticed.
pub fn checksum(sql: &str) -> String {
    hex::encode(Sha256::digest(sql.as_bytes()))
}

/// The highest applied version, or 0 for a database that was never migrated (one without a
/// `schema_migrations` table).
pub fn current_version(conn: &Connection) -> Result<u32, MigrationError> {
    // TODO: 0 when there is no `schema_migrations` table, else the highest version in it.
    let _ = conn;
    todo!("read the database's schema version")
}

/// Brings the database up to the last of `migrations` and returns the versions it applied, in
/// order (empty when the database was already up to date).
///
/// In this order:
/// 1. versions must be 1, 2, 3... in list order, else `BadOrder` before touching the database;
/// 2. a database whose version is higher than the last migration is `DatabaseTooNew`;
/// 3. every migration the database already has must have the checksum recorded for it, else
///    `Modified { version }`;
/// 4. every missing migration runs in its own transaction together with its bookkeeping row
///    (`CREATE_BOOKKEEPING`, then one `INSERT` into `schema_migrations`); if its SQL fails the
///    transaction is rolled back and the error is `Failed { version, source }`.
pub fn migrate(
    conn: &mut Connection,
    migrations: &[Migration],
) -> Result<Vec<u32>, MigrationError> {
    // TODO: the four steps above, in that order.
    let _ = (conn, migrations);
    todo!("apply the missing migrations")
}
