//! Day 9: schema migrations (solution).
//!
//! A database outlives every version of the code that uses it, so its schema changes in small,
//! numbered steps. This migrator applies the steps a database has not seen yet, each in its own
//! transaction, records what it applied, and refuses to run when the database and the code
//! disagree about the past.

use rusqlite::{Connection, OptionalExtension, params};
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

/// Checks that versions run 1, 2, 3... without gaps.
fn check_order(migrations: &[Migration]) -> Result<(), MigrationError> {
    for (expected, migration) in (1..).zip(migrations) {
        if migration.version != expected {
            return Err(MigrationError::BadOrder {
                expected,
                found: migration.version,
            });
        }
    }
    Ok(())
}

/// The highest applied version, or 0 for a database that was never migrated.
pub fn current_version(conn: &Connection) -> Result<u32, MigrationError> {
    let has_table: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master
                        WHERE type = 'table' AND name = 'schema_migrations')",
        [],
        |row| row.get(0),
    )?;
    if !has_table {
        return Ok(0);
    }
    let version: Option<u32> =
        conn.query_row("SELECT MAX(version) FROM schema_migrations", [], |row| {
            row.get(0)
        })?;
    Ok(version.unwrap_or(0))
}

/// Brings the database up to the last of `migrations` and returns the versions it applied, in
/// order (empty when the database was already up to date).
pub fn migrate(
    conn: &mut Connection,
    migrations: &[Migration],
) -> Result<Vec<u32>, MigrationError> {
    // A bad list is a bug in the code: refuse before touching the database at all.
    check_order(migrations)?;

    let current = current_version(conn)?;
    let known = migrations.len() as u32;
    if current > known {
        return Err(MigrationError::DatabaseTooNew {
            database: current,
            known,
        });
    }

    // The past must be what the code believes it is.
    if current > 0 {
        let mut statement =
            conn.prepare("SELECT checksum FROM schema_migrations WHERE version = ?1")?;
        for migration in &migrations[..current as usize] {
            let recorded: Option<String> = statement
                .query_row([migration.version], |row| row.get(0))
                .optional()?;
            if recorded.as_deref() != Some(checksum(migration.sql).as_str()) {
                return Err(MigrationError::Modified {
                    version: migration.version,
                });
            }
        }
    }

    let mut applied = Vec::new();
    for migration in &migrations[current as usize..] {
        // One transaction per migration: its SQL and its bookkeeping row commit together, or
        // (when the transaction is dropped on an error) neither does. SQLite's DDL is
        // transactional, so a half-created table vanishes too.
        let tx = conn.transaction()?;
        tx.execute_batch(CREATE_BOOKKEEPING)?;
        tx.execute_batch(migration.sql)
            .map_err(|source| MigrationError::Failed {
                version: migration.version,
                source,
            })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, checksum) VALUES (?1, ?2, ?3)",
            params![migration.version, migration.name, checksum(migration.sql)],
        )?;
        tx.commit()?;
        applied.push(migration.version);
    }
    Ok(applied)
}
