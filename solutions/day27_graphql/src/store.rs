//! The blog's SQLite store. Every public method that reads or writes the database counts as one
//! store call, so tests can see how many queries a GraphQL request cost.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rusqlite::{Connection, params, params_from_iter};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub id: i64,
    pub author_id: i64,
    pub title: String,
    pub body: String,
}

pub struct Store {
    conn: Mutex<Connection>,
    calls: AtomicUsize,
}

const SCHEMA: &str = "
    PRAGMA foreign_keys = ON;
    CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE posts (
        id INTEGER PRIMARY KEY,
        author_id INTEGER NOT NULL REFERENCES authors(id),
        title TEXT NOT NULL,
        body TEXT NOT NULL
    );
    CREATE INDEX posts_by_author ON posts(author_id);
";

impl Store {
    /// A fresh, empty blog in an in-memory SQLite database.
    pub fn open_in_memory() -> Store {
        let conn = Connection::open_in_memory().expect("open an in-memory database");
        conn.execute_batch(SCHEMA).expect("create the schema");
        Store {
            conn: Mutex::new(conn),
            calls: AtomicUsize::new(0),
        }
    }

    /// How many store calls have been made so far.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn add_author(&self, name: &str) -> Author {
        let conn = self.conn();
        conn.execute("INSERT INTO authors (name) VALUES (?1)", params![name])
            .expect("insert an author");
        Author {
            id: conn.last_insert_rowid(),
            name: name.to_string(),
        }
    }

    /// Adds a post; `None` when `author_id` names no author.
    pub fn create_post(&self, author_id: i64, title: &str, body: &str) -> Option<Post> {
        let conn = self.conn();
        let inserted = conn.execute(
            "INSERT INTO posts (author_id, title, body) VALUES (?1, ?2, ?3)",
            params![author_id, title, body],
        );
        // The foreign key refuses a post by an author that does not exist.
        inserted.ok()?;
        Some(Post {
            id: conn.last_insert_rowid(),
            author_id,
            title: title.to_string(),
            body: body.to_string(),
        })
    }

    /// Every post, oldest first.
    pub fn all_posts(&self) -> Vec<Post> {
        self.query_posts(
            "SELECT id, author_id, title, body FROM posts ORDER BY id",
            &[],
        )
    }

    pub fn post(&self, id: i64) -> Option<Post> {
        let sql = "SELECT id, author_id, title, body FROM posts WHERE id = ?1";
        self.query_posts(sql, &[id]).pop()
    }

    /// Every author, by id.
    pub fn all_authors(&self) -> Vec<Author> {
        self.query_authors("SELECT id, name FROM authors ORDER BY id", &[])
    }

    /// One author. Calling this once per post is the N+1 problem: prefer `authors_by_ids`.
    pub fn author(&self, id: i64) -> Option<Author> {
        self.query_authors("SELECT id, name FROM authors WHERE id = ?1", &[id])
            .pop()
    }

    /// The authors with these ids, in ONE query (`WHERE id IN (...)`), by id.
    pub fn authors_by_ids(&self, ids: &[i64]) -> Vec<Author> {
        let sql = format!(
            "SELECT id, name FROM authors WHERE id IN ({}) ORDER BY id",
            placeholders(ids.len())
        );
        self.query_authors(&sql, ids)
    }

    /// The posts written by any of these authors, in ONE query, oldest first.
    pub fn posts_by_author_ids(&self, author_ids: &[i64]) -> Vec<Post> {
        let sql = format!(
            "SELECT id, author_id, title, body FROM posts WHERE author_id IN ({}) ORDER BY id",
            placeholders(author_ids.len())
        );
        self.query_posts(&sql, author_ids)
    }

    fn query_posts(&self, sql: &str, args: &[i64]) -> Vec<Post> {
        let conn = self.conn();
        let mut statement = conn.prepare(sql).expect("a valid query");
        let rows = statement
            .query_map(params_from_iter(args), |row| {
                Ok(Post {
                    id: row.get(0)?,
                    author_id: row.get(1)?,
                    title: row.get(2)?,
                    body: row.get(3)?,
                })
            })
            .expect("run the query");
        rows.map(|row| row.expect("read a post")).collect()
    }

    fn query_authors(&self, sql: &str, args: &[i64]) -> Vec<Author> {
        let conn = self.conn();
        let mut statement = conn.prepare(sql).expect("a valid query");
        let rows = statement
            .query_map(params_from_iter(args), |row| {
                Ok(Author {
                    id: row.get(0)?,
                    name: row.get(1)?,
                })
            })
            .expect("run the query");
        rows.map(|row| row.expect("read an author")).collect()
    }
}

/// `?, ?, ?` for `n` parameters (bound separately: never paste values into SQL).
fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}
