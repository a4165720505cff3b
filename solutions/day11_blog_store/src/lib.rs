//! Day 11: the blog store (solution).
//!
//! Authors, posts and tags on SQLite. A post has one author and many tags, a tag has many
//! posts (a many-to-many relation through `post_tags`), and every change that touches several
//! rows happens in one transaction, so a failure never leaves half a post behind.

use rusqlite::{Connection, ErrorCode, OptionalExtension, Transaction, params};

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
    let mut slug = String::with_capacity(title.len());
    let mut pending_dash = false;
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c.to_ascii_lowercase());
        } else if c != '\'' {
            pending_dash = true;
        }
    }
    slug
}

/// Trims and lowercases tags, refuses empty ones, and returns them sorted without duplicates.
fn normalize_tags(tags: &[String]) -> Result<Vec<String>, BlogError> {
    let mut normalized = Vec::with_capacity(tags.len());
    for tag in tags {
        let tag = tag.trim().to_lowercase();
        if tag.is_empty() {
            return Err(BlogError::Invalid("a tag cannot be empty".into()));
        }
        normalized.push(tag);
    }
    normalized.sort();
    normalized.dedup();
    Ok(normalized)
}

/// Links `post_id` to each tag, creating the tags that do not exist yet.
fn link_tags(tx: &Transaction<'_>, post_id: i64, tags: &[String]) -> rusqlite::Result<()> {
    for tag in tags {
        tx.execute(
            "INSERT INTO tags (name) VALUES (?1) ON CONFLICT (name) DO NOTHING",
            [tag],
        )?;
        tx.execute(
            "INSERT INTO post_tags (post_id, tag_id)
             SELECT ?1, id FROM tags WHERE name = ?2",
            params![post_id, tag],
        )?;
    }
    Ok(())
}

/// Deletes the tags that no post uses any more.
fn delete_unused_tags(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute(
        "DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM post_tags)",
        [],
    )?;
    Ok(())
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
        let inserted = self.conn.execute(
            "INSERT INTO authors (name, email) VALUES (?1, ?2)",
            params![name, email],
        );
        match inserted {
            Ok(_) => Ok(Author {
                id: self.conn.last_insert_rowid(),
                name: name.to_string(),
                email: email.to_string(),
            }),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == ErrorCode::ConstraintViolation =>
            {
                Err(BlogError::DuplicateEmail(email.to_string()))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Creates a post with its tags, all in one transaction.
    ///
    /// The slug comes from the title; when it is taken, `-2`, `-3`... is appended until it is
    /// free. Errors: `Invalid` (empty title, no slug possible, empty tag), `UnknownAuthor`.
    pub fn create_post(&mut self, new: NewPost) -> Result<Post, BlogError> {
        // Validate everything that needs no database first: cheap, and nothing to undo.
        let title = new.title.trim();
        if title.is_empty() {
            return Err(BlogError::Invalid("the title cannot be empty".into()));
        }
        let base = slugify(title);
        if base.is_empty() {
            return Err(BlogError::Invalid(
                "the title needs at least one letter or digit".into(),
            ));
        }
        let tags = normalize_tags(&new.tags)?;

        let tx = self.conn.transaction()?;
        let author_exists = tx
            .query_row(
                "SELECT 1 FROM authors WHERE id = ?1",
                [new.author_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if !author_exists {
            return Err(BlogError::UnknownAuthor(new.author_id));
        }

        // Inside the transaction no other writer can take the slug between the check and the
        // insert; the UNIQUE constraint would stop it anyway.
        let mut slug = base.clone();
        let mut n = 2;
        while tx
            .query_row("SELECT 1 FROM posts WHERE slug = ?1", [&slug], |_| Ok(()))
            .optional()?
            .is_some()
        {
            slug = format!("{base}-{n}");
            n += 1;
        }

        tx.execute(
            "INSERT INTO posts (author_id, slug, title, body) VALUES (?1, ?2, ?3, ?4)",
            params![new.author_id, slug, title, new.body],
        )?;
        let id = tx.last_insert_rowid();
        link_tags(&tx, id, &tags)?;
        tx.commit()?;

        Ok(Post {
            id,
            author_id: new.author_id,
            slug,
            title: title.to_string(),
            body: new.body,
            tags,
        })
    }

    /// The post with this slug, with its tags, or `None`.
    pub fn post_by_slug(&self, slug: &str) -> Result<Option<Post>, BlogError> {
        let id: Option<i64> = self
            .conn
            .query_row("SELECT id FROM posts WHERE slug = ?1", [slug], |r| r.get(0))
            .optional()?;
        match id {
            Some(id) => self.load_post(id),
            None => Ok(None),
        }
    }

    /// Replaces a post's tags with `tags` (normalized) in one transaction and returns the post.
    /// Tags no post uses any more are deleted. An unknown post is `PostNotFound`.
    pub fn set_tags(&mut self, post_id: i64, tags: &[String]) -> Result<Post, BlogError> {
        let tags = normalize_tags(tags)?;
        let tx = self.conn.transaction()?;
        let exists = tx
            .query_row("SELECT 1 FROM posts WHERE id = ?1", [post_id], |_| Ok(()))
            .optional()?
            .is_some();
        if !exists {
            return Err(BlogError::PostNotFound(post_id));
        }
        tx.execute("DELETE FROM post_tags WHERE post_id = ?1", [post_id])?;
        link_tags(&tx, post_id, &tags)?;
        delete_unused_tags(&tx)?;
        tx.commit()?;
        self.load_post(post_id)?
            .ok_or(BlogError::PostNotFound(post_id))
    }

    /// The posts carrying `tag` (normalized like any tag), newest (highest id) first.
    pub fn posts_tagged(&self, tag: &str) -> Result<Vec<Post>, BlogError> {
        let mut statement = self.conn.prepare(
            "SELECT pt.post_id FROM post_tags pt
             JOIN tags t ON t.id = pt.tag_id
             WHERE t.name = ?1
             ORDER BY pt.post_id DESC",
        )?;
        let ids = statement
            .query_map([tag.trim().to_lowercase()], |r| r.get::<_, i64>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut posts = Vec::with_capacity(ids.len());
        for id in ids {
            posts.extend(self.load_post(id)?);
        }
        Ok(posts)
    }

    /// Deletes a post (its tag links go with it, then unused tags). `Ok(false)` if unknown.
    pub fn delete_post(&mut self, post_id: i64) -> Result<bool, BlogError> {
        let tx = self.conn.transaction()?;
        let deleted = tx.execute("DELETE FROM posts WHERE id = ?1", [post_id])?;
        delete_unused_tags(&tx)?;
        tx.commit()?;
        Ok(deleted == 1)
    }

    /// Every tag with the number of posts carrying it, sorted by tag name.
    pub fn tag_counts(&self) -> Result<Vec<(String, i64)>, BlogError> {
        let mut statement = self.conn.prepare(
            "SELECT t.name, COUNT(pt.post_id) FROM tags t
             LEFT JOIN post_tags pt ON pt.tag_id = t.id
             GROUP BY t.id
             ORDER BY t.name",
        )?;
        let counts = statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(counts)
    }

    /// Reads one post and its tags.
    fn load_post(&self, id: i64) -> Result<Option<Post>, BlogError> {
        let post = self
            .conn
            .query_row(
                "SELECT id, author_id, slug, title, body FROM posts WHERE id = ?1",
                [id],
                |r| {
                    Ok(Post {
                        id: r.get(0)?,
                        author_id: r.get(1)?,
                        slug: r.get(2)?,
                        title: r.get(3)?,
                        body: r.get(4)?,
                        tags: Vec::new(),
                    })
                },
            )
            .optional()?;
        let Some(mut post) = post else {
            return Ok(None);
        };
        let mut statement = self.conn.prepare(
            "SELECT t.name FROM tags t
             JOIN post_tags pt ON pt.tag_id = t.id
             WHERE pt.post_id = ?1
             ORDER BY t.name",
        )?;
        post.tags = statement
            .query_map([id], |r| r.get(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(post))
    }
}
