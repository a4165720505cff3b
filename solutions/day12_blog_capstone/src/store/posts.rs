//! Posts: created with their tags in one transaction, read by slug, edited under an ETag
//! precondition, and listed a page at a time by keyset.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{Store, StoreError, is_unique_violation};
use crate::etag;
use crate::model::{Author, ListQuery, NewPost, Page, Post, PostChanges, SlugChoice};

impl Store {
    pub fn create_post(&mut self, new: &NewPost) -> Result<Post, StoreError> {
        let tx = self.conn.transaction()?;
        let author = tx
            .query_row(
                "SELECT 1 FROM authors WHERE id = ?1",
                [new.author_id],
                |_| Ok(()),
            )
            .optional()?;
        if author.is_none() {
            return Err(StoreError::UnknownAuthor(new.author_id));
        }
        let slug = match &new.slug {
            SlugChoice::Given(slug) => slug.clone(),
            SlugChoice::Derived(base) => free_slug(&tx, base)?,
        };
        tx.execute(
            "INSERT INTO posts (author_id, slug, title, body, published) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![new.author_id, slug, new.title, new.body, new.published],
        )
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::SlugTaken(slug.clone())
            } else {
                e.into()
            }
        })?;
        let id = tx.last_insert_rowid();
        link_tags(&tx, id, &new.tags)?;
        tx.commit()?;
        Ok(load(&self.conn, id)?.expect("the post was just committed"))
    }

    pub fn post(&self, slug: &str) -> Result<Option<Post>, StoreError> {
        match id_of(&self.conn, slug)? {
            Some(id) => load(&self.conn, id),
            None => Ok(None),
        }
    }

    /// Applies `changes` if `if_match` (the request's `If-Match`) names the current version.
    pub fn update_post(
        &mut self,
        slug: &str,
        if_match: Option<&str>,
        changes: &PostChanges,
    ) -> Result<Post, StoreError> {
        let tx = self.conn.transaction()?;
        let current = match id_of(&tx, slug)? {
            Some(id) => load(&tx, id)?,
            None => None,
        };
        let current = current.ok_or_else(|| StoreError::PostNotFound(slug.to_string()))?;
        let if_match = if_match.ok_or(StoreError::PreconditionRequired)?;
        if !etag::matches(if_match, &current.etag()) {
            return Err(StoreError::Stale);
        }
        tx.execute(
            "UPDATE posts SET title = coalesce(?2, title), body = coalesce(?3, body),
                 published = coalesce(?4, published), version = version + 1
             WHERE id = ?1",
            params![current.id, changes.title, changes.body, changes.published],
        )?;
        if let Some(tags) = &changes.tags {
            tx.execute("DELETE FROM post_tags WHERE post_id = ?1", [current.id])?;
            link_tags(&tx, current.id, tags)?;
        }
        tx.commit()?;
        Ok(load(&self.conn, current.id)?.expect("the post was just committed"))
    }

    /// One page of published posts, newest first. The position is a key (`id < after`), not
    /// a count of rows to skip, so posts published between two requests never shift a page.
    pub fn list(&self, query: &ListQuery) -> Result<Page, StoreError> {
        // Each optional filter is `(?n IS NULL OR ...)`, so one statement serves them all.
        let mut statement = self.conn.prepare_cached(
            "SELECT p.id FROM posts p
             WHERE p.published = 1
               AND (?1 IS NULL OR p.id < ?1)
               AND (?2 IS NULL OR p.author_id = ?2)
               AND (?3 IS NULL OR EXISTS (
                     SELECT 1 FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
                     WHERE pt.post_id = p.id AND t.name = ?3))
             ORDER BY p.id DESC
             LIMIT ?4",
        )?;
        // One row more than the page holds tells whether a next page exists.
        let wanted = query.limit + 1;
        let mut ids = statement
            .query_map(
                params![query.after, query.author_id, query.tag, wanted],
                |r| r.get::<_, i64>(0),
            )?
            .collect::<Result<Vec<_>, _>>()?;
        let next = if ids.len() > query.limit as usize {
            ids.truncate(query.limit as usize);
            ids.last().map(i64::to_string)
        } else {
            None
        };
        let mut items = Vec::with_capacity(ids.len());
        for id in ids {
            items.extend(load(&self.conn, id)?);
        }
        Ok(Page { items, next })
    }
}

/// `base`, else `base-2`, `base-3`... whichever no post has yet. Inside the transaction no
/// other writer can take it between this check and the insert.
fn free_slug(tx: &Transaction<'_>, base: &str) -> Result<String, StoreError> {
    let mut slug = base.to_string();
    let mut n = 2;
    while id_of(tx, &slug)?.is_some() {
        slug = format!("{base}-{n}");
        n += 1;
    }
    Ok(slug)
}

/// Links a post to each tag, creating the tags that do not exist yet.
fn link_tags(tx: &Transaction<'_>, post_id: i64, tags: &[String]) -> rusqlite::Result<()> {
    for tag in tags {
        tx.execute(
            "INSERT INTO tags (name) VALUES (?1) ON CONFLICT (name) DO NOTHING",
            [tag],
        )?;
        tx.execute(
            "INSERT INTO post_tags (post_id, tag_id) SELECT ?1, id FROM tags WHERE name = ?2",
            params![post_id, tag],
        )?;
    }
    Ok(())
}

fn id_of(conn: &Connection, slug: &str) -> Result<Option<i64>, StoreError> {
    let id = conn
        .query_row("SELECT id FROM posts WHERE slug = ?1", [slug], |r| r.get(0))
        .optional()?;
    Ok(id)
}

/// Reads one post with its author and tags.
fn load(conn: &Connection, id: i64) -> Result<Option<Post>, StoreError> {
    let post = conn
        .query_row(
            "SELECT p.id, p.slug, p.title, p.body, a.id, a.name, p.published, p.version
             FROM posts p JOIN authors a ON a.id = p.author_id
             WHERE p.id = ?1",
            [id],
            |r| {
                Ok(Post {
                    id: r.get(0)?,
                    slug: r.get(1)?,
                    title: r.get(2)?,
                    body: r.get(3)?,
                    author: Author {
                        id: r.get(4)?,
                        name: r.get(5)?,
                    },
                    tags: Vec::new(),
                    published: r.get(6)?,
                    version: r.get(7)?,
                })
            },
        )
        .optional()?;
    let Some(mut post) = post else {
        return Ok(None);
    };
    let mut statement = conn.prepare_cached(
        "SELECT t.name FROM tags t JOIN post_tags pt ON pt.tag_id = t.id
         WHERE pt.post_id = ?1 ORDER BY t.name",
    )?;
    post.tags = statement
        .query_map([id], |r| r.get(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(post))
}
