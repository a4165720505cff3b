//! Authors: created once, read by id; the email is kept for uniqueness, never read back.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, is_unique_violation};
use crate::model::{Author, NewAuthor};

impl Store {
    pub fn create_author(&self, new: &NewAuthor) -> Result<Author, StoreError> {
        self.conn
            .execute(
                "INSERT INTO authors (name, email) VALUES (?1, ?2)",
                params![new.name, new.email],
            )
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::EmailTaken
                } else {
                    e.into()
                }
            })?;
        Ok(Author {
            id: self.conn.last_insert_rowid(),
            name: new.name.clone(),
        })
    }

    pub fn author(&self, id: i64) -> Result<Option<Author>, StoreError> {
        let author = self
            .conn
            .query_row("SELECT id, name FROM authors WHERE id = ?1", [id], |r| {
                Ok(Author {
                    id: r.get(0)?,
                    name: r.get(1)?,
                })
            })
            .optional()?;
        Ok(author)
    }
}
