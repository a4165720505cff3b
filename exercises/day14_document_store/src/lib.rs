//! Day 14: a document store.
//!
//! A NoSQL-style collection of JSON documents, kept in SQLite: insert any JSON object, find
//! documents by conditions on their fields, patch them, and keep secondary indexes that always
//! agree with the documents, because every write updates both in one transaction. Read
//! `README.md` first.

use rusqlite::Connection;
use serde_json::Value;

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
///
/// `values_at(&json!({"a": {"b": 1}}), "a.b")` is `[1]`; with `{"t": ["x", "y"]}` and `"t"`
/// it is `["x", "y"]`; a path that is not there gives `[]`.
pub fn values_at<'a>(doc: &'a Value, path: &str) -> Vec<&'a Value> {
    // TODO: the values `path` designates, as described above.
    let _ = (doc, path);
    todo!("follow a dotted path into a document")
}

/// Does `doc` meet every condition of `filter`? A condition holds when any value at its path
/// meets it (so a missing field meets nothing). `Gt` and `Lt` compare numbers with numbers and
/// strings with strings; any other pair is not comparable and does not match.
pub fn matches(doc: &Value, filter: &Filter) -> bool {
    // TODO: true when every condition holds for at least one value at its path.
    let _ = (doc, filter);
    todo!("check a document against a filter")
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

    /// Stores a document (a JSON object, else `NotAnObject`; an `_id` in it is ignored) and
    /// writes its entries into every existing index, in one transaction. Returns its id.
    pub fn insert(&mut self, doc: Value) -> Result<DocId, DocError> {
        // TODO: store the document and its entries in every index, all or nothing.
        let _ = doc;
        todo!("insert a document and index it")
    }

    /// The document with this id, with `"_id": id` added, or `None`.
    pub fn get(&self, id: DocId) -> Result<Option<Value>, DocError> {
        // TODO: the stored document with its `_id`, or `None`.
        let _ = id;
        todo!("read a document")
    }

    /// Applies a JSON merge patch (RFC 7386) to a document and re-indexes it, in one
    /// transaction. Objects merge key by key, `null` removes a key, anything else replaces.
    /// A patch that is not an object is `NotAnObject`; `Ok(false)` when no document has this id.
    pub fn update(&mut self, id: DocId, patch: &Value) -> Result<bool, DocError> {
        // TODO: the merged document and index entries that match it, all or nothing.
        let _ = (id, patch);
        todo!("patch a document and keep its index entries right")
    }

    /// Deletes a document and its index entries. `Ok(false)` when no document has this id.
    pub fn delete(&mut self, id: DocId) -> Result<bool, DocError> {
        // TODO: the document and its index entries gone; say whether it existed.
        let _ = id;
        todo!("delete a document")
    }

    /// Creates a secondary index on `field` (a dotted path) and fills it from the documents
    /// already stored, in one transaction. Creating an index that exists changes nothing.
    pub fn create_index(&mut self, field: &str) -> Result<(), DocError> {
        // TODO: a new index holds the entries of every stored document; an existing one is
        // left as it is.
        let _ = field;
        todo!("create and fill an index")
    }

    /// The ids of the documents whose `field` holds `value`, read from the index alone, in id
    /// order. A field without an index is `NotIndexed(field)`.
    pub fn lookup(&self, field: &str, value: &Value) -> Result<Vec<DocId>, DocError> {
        // TODO: the ids the index holds for `value`, or `NotIndexed`.
        let _ = (field, value);
        todo!("look a value up in an index")
    }

    /// The documents (with `_id`) that meet every condition of `filter`, in id order.
    ///
    /// When an equality condition is on an indexed field, read only the documents the index
    /// names; otherwise read every document. Either way, check all conditions with `matches`.
    pub fn find(&self, filter: &Filter) -> Result<Vec<Value>, DocError> {
        // TODO: the matching documents, read through an index when one applies.
        let _ = filter;
        todo!("find documents by field conditions")
    }
}
