//! Comments: added to published posts only, listed oldest first.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};
use crate::model::{Comment, NewComment};

impl Store {
    pub fn add_comment(&mut self, slug: &str, new: &NewComment) -> Result<Comment, StoreError> {
        let tx = self.conn.transaction()?;
        let post = tx
            .query_row(
                "SELECT id, published FROM posts WHERE slug = ?1",
                [slug],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, bool>(1)?)),
            )
            .optional()?;
        let post_id = match post {
            None => return Err(StoreError::PostNotFound(slug.to_string())),
            Some((_, false)) => return Err(StoreError::NotPublished(slug.to_string())),
            Some((id, true)) => id,
        };
        tx.execute(
            "INSERT INTO comments (post_id, author_name, body) VALUES (?1, ?2, ?3)",
            params![post_id, new.author_name, new.body],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(Comment {
            id,
            author_name: new.author_name.clone(),
            body: new.body.clone(),
        })
    }

    pub fn comments(&self, slug: &str) -> Result<Vec<Comment>, StoreError> {
        let post_id: i64 = self
            .conn
            .query_row("SELECT id FROM posts WHERE slug = ?1", [slug], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::PostNotFound(slug.to_string()))?;
        let mut statement = self.conn.prepare_cached(
            "SELECT id, author_name, body FROM comments WHERE post_id = ?1 ORDER BY id",
        )?;
        let comments = statement
            .query_map([post_id], |r| {
                Ok(Comment {
                    id: r.get(0)?,
                    author_name: r.get(1)?,
                    body: r.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(comments)
    }
}
