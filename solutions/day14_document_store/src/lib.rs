//! Day 14: a document store (solution).
//!
//! A NoSQL-style collection of JSON documents, kept in SQLite: insert any JSON object, find
//! documents by conditions on their fields, patch them, and keep secondary indexes that always
//! agree with the documents, because every write updates both in one transaction.

use std::cmp::Ordering;

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::{Map, Value};

/// The storage behind the collection.
///
/// - `docs`: one row per document; `body` is the document as JSON text, without `_id`.
/// - `indexes`: the fields that have a secondary index.
/// - `index_entries`: for each indexed field and document, one row per value found at that
///   field (one per element when it holds an array), as JSON text (`serde_json::to_string`).
pub const SCHEMA: &str = "
CREATE TABLE docs (
    id   INTEGER PRIMARY KEY,
    body TEXT NOT NULL
);
CREATE TABLE indexes (
    field TEXT PRIMARY KEY
);
CREATE TABLE index_entries (
    field  TEXT NOT NULL REFERENCES indexes (field),
    value  TEXT NOT NULL,
    doc_id INTEGER NOT NULL REFERENCES docs (id) ON DELETE CASCADE,
    PRIMARY KEY (field, value, doc_id)
);
CREATE INDEX index_entries_by_doc ON index_entries (doc_id);
";

/// A document's id.
pub type DocId = i64;

/// One condition on the value at a field path.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// The value equals this one.
    Eq(Value),
    /// The value is greater than this one (numbers with numbers, strings with strings).
    Gt(Value),
    /// The value is less than this one (numbers with numbers, strings with strings).
    Lt(Value),
}

/// All the conditions a document must meet, each on a dotted field path like `address.city`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub conditions: Vec<(String, Condition)>,
}

impl Filter {
    /// A filter that every document meets.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds "the value at `path` equals `value`".
    pub fn eq(mut self, path: &str, value: Value) -> Self {
        self.conditions
            .push((path.to_string(), Condition::Eq(value)));
        self
    }

    /// Adds "the value at `path` is greater than `value`".
    pub fn gt(mut self, path: &str, value: Value) -> Self {
        self.conditions
            .push((path.to_string(), Condition::Gt(value)));
        self
    }

    /// Adds "the value at `path` is less than `value`".
    pub fn lt(mut self, path: &str, value: Value) -> Self {
        self.conditions
            .push((path.to_string(), Condition::Lt(value)));
        self
    }
}

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum DocError {
    /// Documents and patches are JSON objects.
    #[error("a document must be a JSON object")]
    NotAnObject,
    /// `lookup` on a field without an index.
    #[error("the field {0:?} has no index")]
    NotIndexed(String),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// The values a field path designates in a document: none when the path does not exist, the
/// elements of an array, or the single value found.
pub fn values_at<'a>(doc: &'a Value, path: &str) -> Vec<&'a Value> {
    let mut current = doc;
    for key in path.split('.') {
        // `get` with a string key only finds something in an object.
        match current.get(key) {
            Some(next) => current = next,
            None => return Vec::new(),
        }
    }
    match current {
        Value::Array(items) => items.iter().collect(),
        single => vec![single],
    }
}

/// Orders two JSON values when they are comparable: two numbers, or two strings.
fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// Does `doc` meet every condition of `filter`? A condition holds when any value at its path
/// meets it, so a missing field meets nothing.
pub fn matches(doc: &Value, filter: &Filter) -> bool {
    filter.conditions.iter().all(|(path, condition)| {
        values_at(doc, path)
            .into_iter()
            .any(|value| match condition {
                Condition::Eq(wanted) => value == wanted,
                Condition::Gt(bound) => compare(value, bound) == Some(Ordering::Greater),
                Condition::Lt(bound) => compare(value, bound) == Some(Ordering::Less),
            })
    })
}

/// Applies a JSON merge patch (RFC 7386): objects merge key by key, `null` removes a key, and
/// any other value replaces what was there.
fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let target = target.as_object_mut().expect("made an object above");
    for (key, value) in patch {
        if value.is_null() {
            target.remove(key);
        } else {
            merge_patch(target.entry(key).or_insert(Value::Null), value);
        }
    }
}

/// Adds `_id` to a stored body.
fn with_id(id: DocId, body: &str) -> Result<Value, DocError> {
    let mut doc: Value = serde_json::from_str(body)?;
    if let Value::Object(map) = &mut doc {
        map.insert("_id".into(), Value::from(id));
    }
    Ok(doc)
}

/// The indexed fields.
fn indexed_fields(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut statement = conn.prepare_cached("SELECT field FROM indexes ORDER BY field")?;
    let fields = statement.query_map([], |r| r.get(0))?;
    fields.collect()
}

/// Writes the index entries of one document for the given fields.
fn index_doc(
    tx: &Transaction<'_>,
    fields: &[String],
    id: DocId,
    doc: &Value,
) -> Result<(), DocError> {
    let mut statement = tx.prepare_cached(
        "INSERT OR IGNORE INTO index_entries (field, value, doc_id) VALUES (?1, ?2, ?3)",
    )?;
    for field in fields {
        for value in values_at(doc, field) {
            statement.execute(params![field, serde_json::to_string(value)?, id])?;
        }
    }
    Ok(())
}

/// A collection of JSON documents in SQLite.
pub struct DocStore {
    conn: Connection,
}

impl DocStore {
    /// Opens a fresh in-memory store.
    pub fn open_in_memory() -> Result<Self, DocError> {
        let conn = Connection::open_in_memory()?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.execute_batch(SCHEMA)?;
        Ok(Self { conn })
    }

    /// The underlying connection (the tests read `index_entries` directly).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Stores a document (a JSON object; an `_id` in it is ignored) and indexes it.
    pub fn insert(&mut self, mut doc: Value) -> Result<DocId, DocError> {
        let Some(map) = doc.as_object_mut() else {
            return Err(DocError::NotAnObject);
        };
        map.remove("_id");
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO docs (body) VALUES (?1)",
            [serde_json::to_string(&doc)?],
        )?;
        let id = tx.last_insert_rowid();
        let fields = indexed_fields(&tx)?;
        index_doc(&tx, &fields, id, &doc)?;
        tx.commit()?;
        Ok(id)
    }

    /// The document with this id, with `"_id": id` added, or `None`.
    pub fn get(&self, id: DocId) -> Result<Option<Value>, DocError> {
        let body: Option<String> = self
            .conn
            .query_row("SELECT body FROM docs WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        body.map(|body| with_id(id, &body)).transpose()
    }

    /// Applies a JSON merge patch to a document and re-indexes it, in one transaction.
    /// `Ok(false)` when no document has this id.
    pub fn update(&mut self, id: DocId, patch: &Value) -> Result<bool, DocError> {
        if !patch.is_object() {
            return Err(DocError::NotAnObject);
        }
        let tx = self.conn.transaction()?;
        let body: Option<String> = tx
            .query_row("SELECT body FROM docs WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        let Some(body) = body else {
            return Ok(false);
        };
        let mut doc: Value = serde_json::from_str(&body)?;
        merge_patch(&mut doc, patch);
        if let Some(map) = doc.as_object_mut() {
            map.remove("_id");
        }
        tx.execute(
            "UPDATE docs SET body = ?1 WHERE id = ?2",
            params![serde_json::to_string(&doc)?, id],
        )?;
        // Simplest correct re-index: forget the document's old entries, write the new ones.
        tx.execute("DELETE FROM index_entries WHERE doc_id = ?1", [id])?;
        let fields = indexed_fields(&tx)?;
        index_doc(&tx, &fields, id, &doc)?;
        tx.commit()?;
        Ok(true)
    }

    /// Deletes a document and its index entries. `Ok(false)` when no document has this id.
    pub fn delete(&mut self, id: DocId) -> Result<bool, DocError> {
        // ON DELETE CASCADE removes the index entries in the same statement.
        let deleted = self.conn.execute("DELETE FROM docs WHERE id = ?1", [id])?;
        Ok(deleted == 1)
    }

    /// Creates a secondary index on `field` (a dotted path) and fills it from the documents
    /// already stored. Creating an index that exists changes nothing.
    pub fn create_index(&mut self, field: &str) -> Result<(), DocError> {
        let tx = self.conn.transaction()?;
        let created = tx.execute(
            "INSERT INTO indexes (field) VALUES (?1) ON CONFLICT (field) DO NOTHING",
            [field],
        )?;
        if created == 1 {
            let fields = [field.to_string()];
            let mut statement = tx.prepare("SELECT id, body FROM docs")?;
            let rows = statement
                .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            drop(statement);
            for (id, body) in rows {
                let doc: Value = serde_json::from_str(&body)?;
                index_doc(&tx, &fields, id, &doc)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The ids of the documents whose `field` holds `value`, read from the index alone, in id
    /// order. A field without an index is `NotIndexed`.
    pub fn lookup(&self, field: &str, value: &Value) -> Result<Vec<DocId>, DocError> {
        let indexed = self
            .conn
            .query_row(
                "SELECT 1 FROM indexes WHERE field = ?1",
                [field],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if !indexed {
            return Err(DocError::NotIndexed(field.to_string()));
        }
        let mut statement = self.conn.prepare_cached(
            "SELECT doc_id FROM index_entries WHERE field = ?1 AND value = ?2 ORDER BY doc_id",
        )?;
        let ids =
            statement.query_map(params![field, serde_json::to_string(value)?], |r| r.get(0))?;
        Ok(ids.collect::<Result<_, _>>()?)
    }

    /// The documents (with `_id`) that meet every condition of `filter`, in id order.
    ///
    /// When an equality condition is on an indexed field, only the documents the index names
    /// are read; otherwise every document is.
    pub fn find(&self, filter: &Filter) -> Result<Vec<Value>, DocError> {
        let indexed = indexed_fields(&self.conn)?;
        let via_index = filter
            .conditions
            .iter()
            .find_map(|(path, condition)| match condition {
                Condition::Eq(value) if indexed.contains(path) => Some((path, value)),
                _ => None,
            });

        let candidates: Vec<(DocId, String)> = match via_index {
            Some((path, value)) => {
                let mut statement = self.conn.prepare_cached(
                    "SELECT d.id, d.body FROM index_entries e JOIN docs d ON d.id = e.doc_id
                     WHERE e.field = ?1 AND e.value = ?2
                     ORDER BY d.id",
                )?;
                let rows = statement
                    .query_map(params![path, serde_json::to_string(value)?], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })?;
                rows.collect::<Result<_, _>>()?
            }
            None => {
                let mut statement = self
                    .conn
                    .prepare_cached("SELECT id, body FROM docs ORDER BY id")?;
                let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<Result<_, _>>()?
            }
        };

        let mut found = Vec::new();
        for (id, body) in candidates {
            let doc = with_id(id, &body)?;
            if matches(&doc, filter) {
                found.push(doc);
            }
        }
        Ok(found)
    }
}
