//! The blog's data as the service speaks of it: what is stored, what clients see, and the
//! validated inputs the store accepts.

use serde::Serialize;

use crate::etag;

/// An author as clients see one: never with the email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Author {
    pub id: i64,
    pub name: String,
}

/// A post with its author and tags (sorted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Post {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub body: String,
    pub author: Author,
    pub tags: Vec<String>,
    pub published: bool,
    /// Goes up by one on every edit; clients see it only through the ETag.
    #[serde(skip)]
    pub version: i64,
}

impl Post {
    /// The entity tag of this version of the post.
    pub fn etag(&self) -> String {
        etag::of(self.id, self.version)
    }
}

/// A comment on a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub id: i64,
    pub author_name: String,
    pub body: String,
}

/// One page of the listing; `next` is the cursor of the following page, if there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page {
    pub items: Vec<Post>,
    pub next: Option<String>,
}

/// A valid new author: name trimmed, email trimmed and lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuthor {
    pub name: String,
    pub email: String,
}

/// Where a new post's slug comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlugChoice {
    /// The client chose it: taken is a conflict.
    Given(String),
    /// Derived from the title: taken gets `-2`, `-3`... until it is free.
    Derived(String),
}

/// A valid new post, tags normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPost {
    pub author_id: i64,
    pub slug: SlugChoice,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
    pub published: bool,
}

/// A valid edit: `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostChanges {
    pub title: Option<String>,
    pub body: Option<String>,
    pub tags: Option<Vec<String>>,
    pub published: Option<bool>,
}

/// A valid new comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComment {
    pub author_name: String,
    pub body: String,
}

/// Which published posts a page wants, from where, and how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub limit: u32,
    /// Only posts older than (id below) this one.
    pub after: Option<i64>,
    pub tag: Option<String>,
    pub author_id: Option<i64>,
}
