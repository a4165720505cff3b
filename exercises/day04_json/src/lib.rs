//! Day 4: JSON in, JSON out.
//!
//! The "create a todo" endpoint as pure functions: check the content type, deserialize the body
//! into a DTO, validate it, and answer either `201` with the new todo or an RFC 9457
//! `application/problem+json` body that says exactly what was wrong. Read `README.md` first.

use serde::{Deserialize, Serialize};

/// The `type` of a validation problem: a URI that clients can switch on. (`example.com` is
/// reserved for documentation; a real API points it at a page describing the problem.)
pub const VALIDATION_TYPE: &str = "https://example.com/problems/validation";

/// The most characters a title may have (after trimming).
pub const MAX_TITLE_CHARS: usize = 100;
/// The most tags a todo may have.
pub const MAX_TAGS: usize = 5;
/// The longest estimate, in minutes (one day).
pub const MAX_ESTIMATE_MINUTES: u32 = 24 * 60;

/// An HTTP response, reduced to what this day needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

/// How urgent a todo is. On the wire: `"low"`, `"normal"` or `"high"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
// TODO: make serde write and read the variants in lowercase.
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
}

/// What a client sends to create a todo.
///
/// ```json
/// {"title": "Buy milk", "priority": "high", "tags": ["home"], "estimateMinutes": 15}
/// ```
/// Only `title` is required. Unknown fields are refused: a typo such as `"titel"` must not be
/// silently ignored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
// TODO: camelCase field names on the wire, unknown fields refused, and `priority` and `tags`
// optional (their `Default` when absent). `Option` fields are optional already.
pub struct NewTodo {
    pub title: String,
    pub priority: Priority,
    pub tags: Vec<String>,
    pub estimate_minutes: Option<u32>,
}

/// A stored todo, as the API returns it.
///
/// ```json
/// {"id": 1, "title": "Buy milk", "priority": "high", "tags": ["home"], "estimateMinutes": 15, "done": false}
/// ```
/// `estimateMinutes` is left out when there is none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
// TODO: camelCase field names, and no `estimateMinutes` key at all when it is `None`.
pub struct Todo {
    pub id: u64,
    pub title: String,
    pub priority: Priority,
    pub tags: Vec<String>,
    pub estimate_minutes: Option<u32>,
    pub done: bool,
}

/// One invalid field: where it is (a JSON Pointer into the request body, RFC 6901, written as a
/// URI fragment: `#/tags/2`) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub pointer: String,
    pub detail: String,
}

impl FieldError {
    pub fn new(pointer: &str, detail: &str) -> Self {
        FieldError {
            pointer: pointer.to_string(),
            detail: detail.to_string(),
        }
    }
}

/// An RFC 9457 "problem details" object, sent as `application/problem+json`.
///
/// Its serde attributes are written for you: use them as examples for the DTOs above.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// A URI naming the kind of problem; `about:blank` means "just the status code".
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem; for `about:blank`, the status's reason phrase.
    pub title: String,
    /// The HTTP status code, repeated so the body makes sense on its own.
    pub status: u16,
    /// What went wrong this time, for a human.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// An extension member: every invalid field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl Problem {
    /// A problem of type `about:blank` whose title is the status's reason phrase.
    pub fn status(status: u16) -> Self {
        let title = match status {
            400 => "Bad Request",
            415 => "Unsupported Media Type",
            422 => "Unprocessable Content",
            _ => "Error",
        };
        Problem {
            kind: "about:blank".to_string(),
            title: title.to_string(),
            status,
            detail: None,
            errors: Vec::new(),
        }
    }

    /// The same problem with a `detail`.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// The `422` validation problem listing `errors`.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        Problem {
            kind: VALIDATION_TYPE.to_string(),
            title: "Your request is not valid".to_string(),
            status: 422,
            detail: Some(format!("{} field(s) are invalid", errors.len())),
            errors,
        }
    }

    /// The HTTP response carrying this problem.
    pub fn to_response(&self) -> Response {
        // TODO: the problem's status, the content type `application/problem+json`, and the
        // problem serialized with `serde_json::to_string`.
        todo!("turn the problem into a response")
    }
}

/// Whether a `Content-Type` header value says JSON: `application/json`, in any case, with or
/// without parameters such as `; charset=utf-8`.
pub fn is_json(content_type: &str) -> bool {
    // TODO: take the part before any ';', trim it, and compare it with "application/json"
    // ignoring ASCII case.
    let _ = content_type;
    todo!("recognise a JSON content type")
}

/// Reads a `NewTodo` from a request body.
///
/// - no `Content-Type`, or not JSON: `415`;
/// - not well-formed JSON (syntax error, cut short, trailing garbage): `400`;
/// - well-formed JSON of the wrong shape (missing or unknown field, wrong type): `422`.
pub fn parse_new_todo(content_type: Option<&str>, body: &[u8]) -> Result<NewTodo, Problem> {
    // TODO: 415 unless `content_type` is Some and `is_json`. Then `serde_json::from_slice`; on
    // error, `error.classify()` says which mistake it was: `Category::Data` (from
    // `serde_json::error::Category`) is 422, the others are 400. Put `error.to_string()` in the
    // problem's detail.
    let _ = (content_type, body);
    todo!("deserialize the body, or say why not")
}

impl NewTodo {
    /// Every rule the types cannot express, checked all at once so that the client can fix
    /// everything in one go:
    /// - `title`, trimmed, is 1 to `MAX_TITLE_CHARS` characters (`#/title`);
    /// - at most `MAX_TAGS` tags (`#/tags`); each tag non-empty after trimming and not equal
    ///   to an earlier one (`#/tags/<index>`);
    /// - `estimateMinutes`, if present, is 1 to `MAX_ESTIMATE_MINUTES` (`#/estimateMinutes`).
    pub fn validate(&self) -> Vec<FieldError> {
        // TODO: check each rule above and push a `FieldError::new(pointer, detail)` for each
        // broken one; return them all (an empty Vec means valid).
        todo!("validate the fields")
    }
}

/// The whole endpoint, `POST /todos`: parse, validate, and answer `201 Created` with the new
/// todo (title trimmed, not done, id `id`) as `application/json`, or with the problem.
pub fn create_todo(content_type: Option<&str>, body: &[u8], id: u64) -> Response {
    // TODO: `parse_new_todo` (an error becomes its `to_response()`), then `validate` (errors
    // become `Problem::validation(errors).to_response()`), then build the `Todo` and answer
    // 201 with `application/json` and the todo serialized.
    let _ = (content_type, body, id);
    todo!("the POST /todos endpoint")
}
