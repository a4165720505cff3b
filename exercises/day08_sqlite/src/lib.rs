//! Day 8: SQLite from Rust.
//!
//! Today the data leaves memory and goes into a real SQL database. You write the schema of a
//! small user store and its queries, every one of them with parameters, so that no input can
//! ever change what a statement means. Read `README.md` first.

use rusqlite::Connection;

/// The schema of the store: one `users` table with the columns
///
/// - `id`: an `INTEGER PRIMARY KEY` (SQLite picks the next id on insert),
/// - `name`: text, required (`NOT NULL`),
/// - `email`: text, required and `UNIQUE`.
///
/// The tests insert into this table directly to check that the constraints are there.
// TODO: write the `CREATE TABLE users (...)` statement.
pub const SCHEMA: &str = "";

/// One row of the `users` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// What can go wrong when the store is used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another user already has this email (the `UNIQUE` constraint said no).
    #[error("the email {0:?} is already taken")]
    DuplicateEmail(String),
    /// Anything else the database reported.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// A user store on one SQLite connection.
pub struct UserStore {
    conn: Connection,
}

impl UserStore {
    /// Opens a fresh in-memory database and creates the schema in it.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        // TODO: a fresh in-memory database with `SCHEMA` created in it.
        todo!("open an in-memory database and create the schema")
    }

    /// The underlying connection (the tests use it to look at the schema directly).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Inserts a user and returns the id the database gave it.
    ///
    /// An email that is already taken is `StoreError::DuplicateEmail(email)`.
    pub fn add_user(&self, name: &str, email: &str) -> Result<i64, StoreError> {
        // TODO: store the user and return its new id; a taken email is `DuplicateEmail`.
        let _ = (name, email);
        todo!("insert a user with a parameterized query")
    }

    /// The user with this id, or `None` (an unknown id is not an error).
    pub fn get_user(&self, id: i64) -> Result<Option<User>, StoreError> {
        // TODO: the user with this id; an unknown id is `Ok(None)`.
        let _ = id;
        todo!("select one user by id")
    }

    /// The user with exactly this email, or `None`.
    pub fn find_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        // TODO: the user with exactly this email, or `Ok(None)`. The email is a value, never SQL.
        let _ = email;
        todo!("select one user by email")
    }

    /// Every user whose name starts with `prefix`, ordered by name, then id.
    ///
    /// The prefix is matched literally: `%` and `_` in it are plain characters.
    pub fn search_by_name(&self, prefix: &str) -> Result<Vec<User>, StoreError> {
        // TODO: every user whose name starts with `prefix`, taken literally, in the order above.
        let _ = prefix;
        todo!("search users by name prefix")
    }

    /// Changes a user's email. `Ok(false)` when no user has this id; an email that is already
    /// taken is `StoreError::DuplicateEmail(new_email)`.
    pub fn change_email(&self, id: i64, new_email: &str) -> Result<bool, StoreError> {
        // TODO: change the email; say whether a user had this id.
        let _ = (id, new_email);
        todo!("update one user's email")
    }

    /// Deletes a user. `Ok(false)` when no user has this id.
    pub fn delete_user(&self, id: i64) -> Result<bool, StoreError> {
        // TODO: delete the user; say whether one had this id.
        let _ = id;
        todo!("delete one user")
    }

    /// How many users there are.
    pub fn count_users(&self) -> Result<i64, StoreError> {
        // TODO: the number of rows in `users`.
        todo!("count the users")
    }
}
