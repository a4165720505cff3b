//! Notes: the resource that belongs to someone.

use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use super::Store;

#[derive(Debug, Clone, Serialize)]
pub struct Note {
    pub id: i64,
    pub owner_id: i64,
    pub title: String,
    pub body: String,
}

impl Note {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Note> {
        Ok(Note {
            id: row.get("id")?,
            owner_id: row.get("owner_id")?,
            title: row.get("title")?,
            body: row.get("body")?,
        })
    }
}

impl Store {
    pub fn create_note(&self, owner_id: i64, title: &str, body: &str) -> rusqlite::Result<Note> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO notes (owner_id, title, body) VALUES (?1, ?2, ?3)",
            params![owner_id, title, body],
        )?;
        Ok(Note {
            id: conn.last_insert_rowid(),
            owner_id,
            title: title.to_string(),
            body: body.to_string(),
        })
    }

    pub fn note(&self, id: i64) -> rusqlite::Result<Option<Note>> {
        self.conn()
            .query_row(
                "SELECT id, owner_id, title, body FROM notes WHERE id = ?1",
                params![id],
                Note::from_row,
            )
            .optional()
    }

    /// The notes of one owner, oldest first.
    pub fn notes_of(&self, owner_id: i64) -> rusqlite::Result<Vec<Note>> {
        let conn = self.conn();
        let mut statement = conn.prepare(
            "SELECT id, owner_id, title, body FROM notes WHERE owner_id = ?1 ORDER BY id",
        )?;
        let notes = statement.query_map(params![owner_id], Note::from_row)?;
        notes.collect()
    }

    pub fn delete_note(&self, id: i64) -> rusqlite::Result<()> {
        self.conn()
            .execute("DELETE FROM notes WHERE id = ?1", params![id])?;
        Ok(())
    }
}
