//! Day 11: the blog store.
//!
//! Authors, posts and tags on SQLite. A post has one author and many tags, a tag has many
//! posts (a many-to-many relation through `post_tags`), and every change that touches several
//! rows happens in one transaction, so a failure never leaves half a post behind. Read
//! `README.md` first.

use rusqlite::Connection;

/// The blog's schema.
pub const SCHEMA: &str = "
CREATE TABLE authors (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE
);

CREATE TABLE posts (
    id        INTEGER PRIMARY KEY,
    author_id INTEGER NOT NULL REFERENCES authors (id),
    slug      TEXT NOT NULL UNIQUE,
    title     TEXT NOT NULL,
    body      TEXT NOT NULL
);

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- The many-to-many link: one row per (post, tag) pair.
CREATE TABLE post_tags (
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag_id  INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, tag_id)
);
CREATE INDEX post_tags_by_tag ON post_tags (tag_id);
";

/// Someone who writes posts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// What a writer sends to create a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPost {
    pub author_id: i64,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
}

/// A stored post, with its tags normalized (trimmed, lowercase), without duplicates, sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub id: i64,
    pub author_id: i64,
    pub slug: String,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
}

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum BlogError {
    /// Another author already has this email.
    #[error("the email {0:?} is already taken")]
    DuplicateEmail(String),
    /// No author has this id.
    #[error("there is no author {0}")]
    UnknownAuthor(i64),
    /// No post has this id.
    #[error("there is no post {0}")]
    PostNotFound(i64),
    /// The input breaks a rule (an empty title, a title without a letter or digit, an empty
    /// tag); the message says which.
    #[error("invalid input: {0}")]
    Invalid(String),
    /// Any other database error.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// Turns a title into a URL-friendly slug: ASCII letters and digits lowercased, apostrophes
/// dropped, every other run of characters one `-`, none at either end.
///
/// `"Hello, World!"` gives `"hello-world"`; `"What's new in Rust 2024?"` gives
/// `"whats-new-in-rust-2024"`.
pub fn slugify(title: &str) -> String {
    // TODO: the slug of `title`, by the rules above (the tests give more examples).
    let _ = title;
    todo!("turn the title into a slug")
}

/// The blog's database.
pub struct BlogStore {
    conn: Connection,
}

impl BlogStore {
    /// Opens a fresh in-memory database with foreign keys on and the schema created.
    pub fn open_in_memory() -> Result<Self, BlogError> {
        let conn = Connection::open_in_memory()?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.execute_batch(SCHEMA)?;
        Ok(Self { conn })
    }

    /// Creates an author; an email already in use is `DuplicateEmail`.
    pub fn create_author(&self, name: &str, email: &str) -> Result<Author, BlogError> {
        // TODO: store the author and return it with its id; a taken email is `DuplicateEmail`.
        let _ = (&self.conn, name, email);
        todo!("insert an author")
    }

    /// Creates a post with its tags, all in one transaction, and returns it as stored.
    ///
    /// - the title is trimmed; an empty title, or one whose slug is empty, is `Invalid`;
    /// - tags are trimmed and lowercased, sorted, without duplicates; an empty tag is `Invalid`;
    /// - an author id that does not exist is `UnknownAuthor(id)`;
    /// - the slug is `slugify(title)`; when a post already has it, `-2`, `-3`... is appended
    ///   until it is free.
    pub fn create_post(&mut self, new: NewPost) -> Result<Post, BlogError> {
        // TODO: the rules above; the post, its new tags and its links are stored together or
        // not at all.
        let _ = new;
        todo!("create a post and its tags in one transaction")
    }

    /// The post with this slug, with its tags (sorted by name), or `None`.
    pub fn post_by_slug(&self, slug: &str) -> Result<Option<Post>, BlogError> {
        // TODO: the post with this slug and its tags, or `None`.
        let _ = slug;
        todo!("read a post and its tags")
    }

    /// Replaces a post's tags with `tags` (normalized like in `create_post`) in one
    /// transaction and returns the post. Tags no post uses any more are deleted. An unknown
    /// post is `PostNotFound(id)`.
    pub fn set_tags(&mut self, post_id: i64, tags: &[String]) -> Result<Post, BlogError> {
        // TODO: the post's tags become exactly `tags`; unused tags go; all or nothing.
        let _ = (post_id, tags);
        todo!("replace a post's tags")
    }

    /// The posts carrying `tag` (trimmed and lowercased first), newest (highest id) first.
    pub fn posts_tagged(&self, tag: &str) -> Result<Vec<Post>, BlogError> {
        // TODO: the posts carrying the normalized `tag`, newest first.
        let _ = tag;
        todo!("find the posts with a tag")
    }

    /// Deletes a post; its tag links go with it, and tags no post uses any more are deleted.
    /// `Ok(false)` when no post has this id.
    pub fn delete_post(&mut self, post_id: i64) -> Result<bool, BlogError> {
        // TODO: delete the post, then the tags no post uses any more, all or nothing.
        let _ = post_id;
        todo!("delete a post")
    }

    /// Every tag with the number of posts carrying it, sorted by tag name.
    pub fn tag_counts(&self) -> Result<Vec<(String, i64)>, BlogError> {
        // TODO: each tag's name and number of posts, sorted by name.
        todo!("count the posts of each tag")
    }
}
