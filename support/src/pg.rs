//! A fresh PostgreSQL database for each test (the `postgres` feature).
//!
//! The PostgreSQL days get `DATABASE_URL` from backlings: a `postgres://USER@HOST:PORT/DB`
//! URL of a role that may create databases. [`TestDatabase::create`] makes a database of its
//! own from it, so tests never see each other's rows, and drops it when the test ends.
//!
//! The calls block, whatever the caller is: each one runs on a short-lived thread with a small
//! runtime of its own, so a plain `#[test]` and a `#[tokio::test]` can both use it (a runtime
//! cannot be blocked on from inside another one, but a separate thread can).

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Every test database's name starts with this, so a leftover one is easy to recognise.
pub const DATABASE_PREFIX: &str = "backlings_test_";
/// How long connecting (TCP, TLS-less startup, authentication) may take: a URL that points
/// nowhere fails within seconds, not after the operating system's minutes.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long creating or dropping a database may take in all.
const ADMIN_TIMEOUT: Duration = Duration::from_secs(30);
/// The server cancels any statement that runs longer, so a query that never ends (a lock
/// waited for forever, a runaway loop) fails the test instead of hanging it.
const STATEMENT_TIMEOUT: &str = "20s";
/// The server ends a session left idle inside an open transaction for this long.
const IDLE_IN_TRANSACTION_TIMEOUT: &str = "30s";

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A database that exists for one test: created empty, dropped (even with connections still
/// open to it) when this value is dropped.
///
/// ```ignore
/// let db = TestDatabase::create();
/// let bank = Bank::connect(db.url()).await?;
/// // or, for a server day: Server::launch(server_binary!()).env("DATABASE_URL", db.url())
/// ```
#[derive(Debug)]
pub struct TestDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl TestDatabase {
    /// Creates a database with a unique name from the server that `DATABASE_URL` names, with
    /// a statement timeout and an idle-in-transaction timeout set on it.
    ///
    /// Panics with what to do when `DATABASE_URL` is unset, and with the server's answer when
    /// it cannot be reached (within 5 s) or refuses.
    #[track_caller]
    pub fn create() -> TestDatabase {
        let admin_url = match std::env::var("DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => url,
            _ => panic!("{}", missing_url_message()),
        };
        Self::create_on(&admin_url)
    }

    /// Like [`TestDatabase::create`], on the server of `admin_url` instead of `DATABASE_URL`.
    #[track_caller]
    pub fn create_on(admin_url: &str) -> TestDatabase {
        let name = unique_name();
        let url = with_database(admin_url, &name);
        let statements = vec![
            format!("CREATE DATABASE {name}"),
            format!("ALTER DATABASE {name} SET statement_timeout = '{STATEMENT_TIMEOUT}'"),
            format!(
                "ALTER DATABASE {name} SET idle_in_transaction_session_timeout = \
                 '{IDLE_IN_TRANSACTION_TIMEOUT}'"
            ),
        ];
        if let Err(error) = run_admin(admin_url, statements) {
            panic!(
                "could not create a test database on {}: {error}\n(is PostgreSQL running there, \
                 and may this role create databases? `backlings doctor` checks)",
                redact(admin_url)
            );
        }
        TestDatabase {
            admin_url: admin_url.to_string(),
            name,
            url,
        }
    }

    /// The URL of this database: `DATABASE_URL` with the database name replaced.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database's name (`backlings_test_...`).
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // FORCE ends the sessions still connected (a pool the test did not close, a server
        // process still shutting down), which would otherwise make DROP fail.
        let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(error) = run_admin(&self.admin_url, vec![drop]) {
            // Panicking in a drop during a panic aborts the process: only report.
            eprintln!(
                "backlings_support: could not drop the test database `{}`: {error}",
                self.name
            );
        }
    }
}

/// The message for a PostgreSQL day run without `DATABASE_URL`.
fn missing_url_message() -> String {
    let day = day_number().unwrap_or_else(|| "this day".to_string());
    let run = day_number().map_or("backlings run".to_string(), |n| {
        format!("backlings run {n}")
    });
    let day = if day.starts_with("this") {
        day
    } else {
        format!("day {day}")
    };
    format!(
        "{day} needs PostgreSQL: run it with backlings, which provides one (`{run}`), or set \
         DATABASE_URL to a database you own (see `backlings doctor`)"
    )
}

/// The day's number from the package under test (`day13_transactions` -> `13`), when cargo
/// runs the tests.
fn day_number() -> Option<String> {
    let package = std::env::var("CARGO_PKG_NAME").ok()?;
    let digits = package.strip_prefix("day")?.get(..2)?;
    digits.parse::<u32>().ok().map(|day| day.to_string())
}

/// `backlings_test_<pid>_<counter>_<random>`: unique across the tests of one process (the
/// counter), across processes (the pid) and across machines sharing a server (the random
/// part).
fn unique_name() -> String {
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let random = RandomState::new().hash_one((count, std::process::id()));
    format!(
        "{DATABASE_PREFIX}{}_{count}_{:08x}",
        std::process::id(),
        random as u32
    )
}

/// `url` with its database (the path) replaced by `database`; the query string is kept.
pub fn with_database(url: &str, database: &str) -> String {
    let authority_start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[authority_start..];
    let path_start = rest
        .find(['/', '?'])
        .map_or(url.len(), |i| authority_start + i);
    let query = url[path_start..]
        .find('?')
        .map_or("", |i| &url[path_start + i..]);
    format!("{}/{database}{query}", &url[..path_start])
}

/// `url` with its password (if any) replaced by `***`, fit for a message.
fn redact(url: &str) -> String {
    let authority_start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[authority_start..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => format!(
            "{}{}:***{}",
            &url[..authority_start],
            &authority[..colon],
            &url[authority_start + at..]
        ),
        _ => url.to_string(),
    }
}

/// Runs `statements` one by one on a connection to `admin_url`, on a thread of its own.
fn run_admin(admin_url: &str, statements: Vec<String>) -> Result<(), String> {
    let admin_url = admin_url.to_string();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("could not start a runtime: {e}"))?;
        runtime.block_on(async {
            tokio::time::timeout(ADMIN_TIMEOUT, execute(&admin_url, &statements))
                .await
                .unwrap_or_else(|_| Err(format!("no answer within {ADMIN_TIMEOUT:?}")))
        })
    })
    .join()
    .unwrap_or_else(|_| Err("the database thread panicked".to_string()))
}

async fn execute(url: &str, statements: &[String]) -> Result<(), String> {
    let mut config: tokio_postgres::Config =
        url.parse().map_err(|e| format!("DATABASE_URL: {e}"))?;
    config.connect_timeout(CONNECT_TIMEOUT);
    // The socket's timeout does not cover the startup exchange: bound the whole connect.
    let (client, connection) =
        match tokio::time::timeout(CONNECT_TIMEOUT, config.connect(tokio_postgres::NoTls)).await {
            Ok(result) => result.map_err(|e| describe(&e))?,
            Err(_) => return Err(format!("no answer within {CONNECT_TIMEOUT:?}")),
        };
    let driver = tokio::spawn(connection);
    for statement in statements {
        client
            .batch_execute(statement)
            .await
            .map_err(|e| describe(&e))?;
    }
    drop(client);
    let _ = driver.await;
    Ok(())
}

/// The driver's error with the server's own message, when there is one.
fn describe(error: &tokio_postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!("{} (SQLSTATE {})", db.message(), db.code().code()),
        None => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_database_replaces_only_the_database() {
        let cases = [
            ("postgres://u@h:5432/postgres", "postgres://u@h:5432/x"),
            ("postgres://u@h:5432", "postgres://u@h:5432/x"),
            ("postgres://u@h:5432/", "postgres://u@h:5432/x"),
            (
                "postgres://u:p@h/db?sslmode=disable",
                "postgres://u:p@h/x?sslmode=disable",
            ),
            ("postgresql://u@h?host=/tmp", "postgresql://u@h/x?host=/tmp"),
        ];
        for (url, expected) in cases {
            assert_eq!(with_database(url, "x"), expected, "for {url}");
        }
    }

    #[test]
    fn redact_hides_only_the_password() {
        assert_eq!(
            redact("postgres://u:secret@h:1/db"),
            "postgres://u:***@h:1/db"
        );
        assert_eq!(redact("postgres://u@h:1/db"), "postgres://u@h:1/db");
        assert_eq!(redact("postgres://h:1/db"), "postgres://h:1/db");
    }

    #[test]
    fn names_are_unique_and_valid_identifiers() {
        let (a, b) = (unique_name(), unique_name());
        assert_ne!(a, b);
        for name in [a, b] {
            assert!(name.starts_with(DATABASE_PREFIX), "{name}");
            assert!(
                name.len() <= 63,
                "{name} is longer than PostgreSQL's identifiers"
            );
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{name} needs no quoting"
            );
        }
    }

    #[test]
    fn the_missing_url_message_says_what_to_do() {
        let message = missing_url_message();
        assert!(message.contains("needs PostgreSQL"), "{message}");
        assert!(message.contains("backlings run"), "{message}");
        assert!(message.contains("DATABASE_URL"), "{message}");
        assert!(message.contains("backlings doctor"), "{message}");
    }

    #[test]
    fn a_server_that_never_answers_fails_within_seconds() {
        // A socket that accepts the connection but never says anything back.
        let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "postgres://nobody@{}/postgres",
            silent.local_addr().unwrap()
        );
        let started = std::time::Instant::now();
        let error = run_admin(&url, vec!["SELECT 1".to_string()]).unwrap_err();
        assert!(
            started.elapsed() < CONNECT_TIMEOUT + Duration::from_secs(3),
            "{error}"
        );
        assert!(error.contains("no answer"), "{error}");
    }

    #[test]
    fn a_refused_connection_is_reported_with_the_redacted_url() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = closed.local_addr().unwrap();
        drop(closed);
        let url = format!("postgres://u:secret@{address}/postgres");
        let panic = std::panic::catch_unwind(|| TestDatabase::create_on(&url)).unwrap_err();
        let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(
            message.contains("could not create a test database"),
            "{message}"
        );
        assert!(
            !message.contains("secret"),
            "the password leaked: {message}"
        );
    }

    /// The tests below need a server: `DATABASE_URL=postgres://... cargo test -p
    /// backlings_support --features postgres`. Without DATABASE_URL they fail with the same
    /// message a day's tests give.
    fn query_one(url: &str, sql: &str) -> Result<String, String> {
        let (url, sql) = (url.to_string(), sql.to_string());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                    .await
                    .map_err(|e| describe(&e))?;
                tokio::spawn(connection);
                let row = client
                    .query_one(&sql, &[])
                    .await
                    .map_err(|e| describe(&e))?;
                Ok(row.get::<_, String>(0))
            })
        })
        .join()
        .unwrap()
    }

    #[test]
    fn each_test_database_is_fresh_and_separate() {
        let (one, two) = (TestDatabase::create(), TestDatabase::create());
        assert_ne!(one.name(), two.name());
        assert_eq!(
            query_one(one.url(), "SELECT current_database()::text").unwrap(),
            one.name()
        );
        run_admin(one.url(), vec!["CREATE TABLE t (x int)".to_string()]).unwrap();
        assert_eq!(
            query_one(one.url(), "SELECT count(*)::text FROM t").unwrap(),
            "0"
        );
        let other = query_one(two.url(), "SELECT count(*)::text FROM t").unwrap_err();
        assert!(other.contains("does not exist"), "{other}");
    }

    #[test]
    fn a_test_database_has_timeouts_set() {
        let db = TestDatabase::create();
        assert_eq!(
            query_one(db.url(), "SHOW statement_timeout").unwrap(),
            "20s"
        );
        assert_eq!(
            query_one(db.url(), "SHOW idle_in_transaction_session_timeout").unwrap(),
            "30s"
        );
    }

    #[test]
    fn dropping_a_test_database_removes_it_even_while_connected() {
        let db = TestDatabase::create();
        let (url, name) = (db.url().to_string(), db.name().to_string());
        let admin = db.admin_url.clone();
        // A session that stays connected while the database is dropped.
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let holder = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(async {
                    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                        .await
                        .unwrap();
                    let driver = tokio::spawn(connection);
                    client.batch_execute("SELECT 1").await.unwrap();
                    ready_tx.send(()).unwrap();
                    // Ends when the server terminates the session.
                    let _ = tokio::time::timeout(Duration::from_secs(20), driver).await;
                })
        });
        ready_rx.recv_timeout(Duration::from_secs(10)).unwrap();
        drop(db);
        let exists = query_one(
            &admin,
            &format!("SELECT count(*)::text FROM pg_database WHERE datname = '{name}'"),
        )
        .unwrap();
        assert_eq!(exists, "0", "the database `{name}` is still there");
        holder.join().unwrap();
    }
}
