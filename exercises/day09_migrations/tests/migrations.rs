//! What "done" means for day 9: a migrator that runs on real (in-memory) SQLite databases.

use day09_migrations::{MIGRATIONS, Migration, MigrationError, current_version, migrate};
use rusqlite::Connection;

fn db() -> Connection {
    Connection::open_in_memory().expect("open an in-memory database")
}

fn table_exists(conn: &Connection, name: &str) -> bool {
    conn.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [name],
        |row| row.get::<_, i64>(0),
    )
    .unwrap()
        == 1
}

fn column_exists(conn: &Connection, table: &str, column: &str) -> bool {
    conn.query_row(
        "SELECT COUNT(*) FROM pragma_table_info(?1) WHERE name = ?2",
        [table, column],
        |row| row.get::<_, i64>(0),
    )
    .unwrap()
        == 1
}

const FIRST: Migration = Migration {
    version: 1,
    name: "create a",
    sql: "CREATE TABLE a (id INTEGER PRIMARY KEY);",
};

#[test]
fn a_fresh_database_is_at_version_zero() {
    let conn = db();
    assert_eq!(
        current_version(&conn).unwrap(),
        0,
        "a database that was never migrated is at version 0 (and has no bookkeeping table yet)"
    );
}

#[test]
fn applies_every_migration_in_order_and_reports_which() {
    let mut conn = db();
    let applied = migrate(&mut conn, MIGRATIONS).expect("migrate a fresh database");
    assert_eq!(applied, [1, 2, 3], "a fresh database needs every migration");
    assert_eq!(current_version(&conn).unwrap(), 3);
    assert!(table_exists(&conn, "notes") && table_exists(&conn, "tags"));
    assert!(
        column_exists(&conn, "notes", "created_at"),
        "migration 2 adds notes.created_at"
    );
}

#[test]
fn running_migrate_again_applies_nothing() {
    let mut conn = db();
    migrate(&mut conn, MIGRATIONS).unwrap();
    let again = migrate(&mut conn, MIGRATIONS);
    assert!(
        matches!(&again, Ok(applied) if applied.is_empty()),
        "an up-to-date database needs no migration: expected Ok([]), got {again:?}"
    );
    assert_eq!(current_version(&conn).unwrap(), 3);
}

#[test]
fn new_migrations_are_applied_on_top_and_keep_existing_data() {
    let mut conn = db();
    assert_eq!(migrate(&mut conn, &MIGRATIONS[..1]).unwrap(), [1]);
    conn.execute("INSERT INTO notes (body) VALUES ('remember the milk')", [])
        .unwrap();
    assert_eq!(
        migrate(&mut conn, MIGRATIONS).unwrap(),
        [2, 3],
        "a database at version 1 needs only migrations 2 and 3"
    );
    let (body, created_at): (String, i64) = conn
        .query_row("SELECT body, created_at FROM notes", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .expect("the note written at version 1 must survive the upgrade");
    assert_eq!((body.as_str(), created_at), ("remember the milk", 0));
}

#[test]
fn a_failing_migration_is_rolled_back_completely() {
    let mut conn = db();
    let broken = [
        FIRST,
        Migration {
            version: 2,
            name: "half works",
            sql: "CREATE TABLE half (id INTEGER); INSERT INTO no_such_table VALUES (1);",
        },
    ];
    let result = migrate(&mut conn, &broken);
    assert!(
        matches!(result, Err(MigrationError::Failed { version: 2, .. })),
        "migration 2 fails on its second statement: expected Err(Failed {{ version: 2, .. }}), got {result:?}"
    );
    assert_eq!(
        current_version(&conn).unwrap(),
        1,
        "migration 1 succeeded and stays applied; migration 2 must not be recorded"
    );
    assert!(table_exists(&conn, "a"));
    assert!(
        !table_exists(&conn, "half"),
        "the table created by the failed migration's first statement must be rolled back too"
    );
}

#[test]
fn a_fixed_migration_runs_after_a_failed_attempt() {
    let mut conn = db();
    let broken = [
        FIRST,
        Migration {
            version: 2,
            name: "create b",
            sql: "CREATE TABLE b (id INTEGER PRIMARY KEY, oops);;; nonsense",
        },
    ];
    assert!(migrate(&mut conn, &broken).is_err());
    let fixed = [
        FIRST,
        Migration {
            version: 2,
            name: "create b",
            sql: "CREATE TABLE b (id INTEGER PRIMARY KEY);",
        },
    ];
    assert_eq!(
        migrate(&mut conn, &fixed).unwrap(),
        [2],
        "a failed migration was never recorded, so its fixed version runs"
    );
    assert!(table_exists(&conn, "b"));
}

#[test]
fn refuses_to_downgrade_a_database_newer_than_the_code() {
    let mut conn = db();
    migrate(&mut conn, MIGRATIONS).unwrap();
    let old_code = &MIGRATIONS[..2];
    let result = migrate(&mut conn, old_code);
    assert!(
        matches!(
            result,
            Err(MigrationError::DatabaseTooNew {
                database: 3,
                known: 2
            })
        ),
        "code that knows 2 migrations must refuse a database at version 3, got {result:?}"
    );
    assert_eq!(current_version(&conn).unwrap(), 3, "nothing may change");
    assert!(table_exists(&conn, "tags"));
}

#[test]
fn refuses_to_run_when_an_applied_migration_was_edited() {
    let mut conn = db();
    migrate(&mut conn, &[FIRST]).unwrap();
    let edited = [
        Migration {
            version: 1,
            name: "create a",
            sql: "CREATE TABLE a (id INTEGER PRIMARY KEY, extra TEXT);",
        },
        Migration {
            version: 2,
            name: "create c",
            sql: "CREATE TABLE c (id INTEGER PRIMARY KEY);",
        },
    ];
    let result = migrate(&mut conn, &edited);
    assert!(
        matches!(result, Err(MigrationError::Modified { version: 1 })),
        "migration 1 already ran with other SQL; expected Err(Modified {{ version: 1 }}), got {result:?}"
    );
    assert!(
        !table_exists(&conn, "c"),
        "after detecting the edit, no further migration may run"
    );
}

#[test]
fn rejects_a_list_with_gaps_or_wrong_order_before_touching_the_database() {
    let mut conn = db();
    let gap = [
        FIRST,
        Migration {
            version: 3,
            name: "skips two",
            sql: "CREATE TABLE skipped (id INTEGER);",
        },
    ];
    let result = migrate(&mut conn, &gap);
    assert!(
        matches!(
            result,
            Err(MigrationError::BadOrder {
                expected: 2,
                found: 3
            })
        ),
        "versions must go 1, 2, 3...: expected Err(BadOrder {{ expected: 2, found: 3 }}), got {result:?}"
    );
    let tables: i64 = conn
        .query_row("SELECT COUNT(*) FROM sqlite_master", [], |row| row.get(0))
        .unwrap();
    assert_eq!(
        tables, 0,
        "a bad list must be refused before anything is created, even migration 1"
    );
}
