//! Day 4: JSON in, JSON out (solution).
//!
//! The "create a todo" endpoint as pure functions: check the content type, deserialize the body
//! into a DTO, validate it, and answer either `201` with the new todo or an RFC 9457
//! `application/problem+json` body that says exactly what was wrong.

use serde::{Deserialize, Serialize};
use serde_json::error::Category;

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
#[serde(rename_all = "lowercase")]
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
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewTodo {
    pub title: String,
    #[serde(default)]
    pub priority: Priority,
    #[serde(default)]
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
#[serde(rename_all = "camelCase")]
pub struct Todo {
    pub id: u64,
    pub title: String,
    pub priority: Priority,
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
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
        Response {
            status: self.status,
            content_type: "application/problem+json".to_string(),
            // Serializing a struct of strings and numbers cannot fail.
            body: serde_json::to_string(self).expect("a Problem always serializes"),
        }
    }
}

/// Whether a `Content-Type` header value says JSON: `application/json`, in any case, with or
/// without parameters such as `; charset=utf-8`.
pub fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// Reads a `NewTodo` from a request body.
///
/// - no `Content-Type`, or not JSON: `415`;
/// - not well-formed JSON (syntax error, cut short, trailing garbage): `400`;
/// - well-formed JSON of the wrong shape (missing or unknown field, wrong type): `422`.
pub fn parse_new_todo(content_type: Option<&str>, body: &[u8]) -> Result<NewTodo, Problem> {
    if !content_type.is_some_and(is_json) {
        return Err(Problem::status(415).with_detail("send the body as application/json"));
    }
    serde_json::from_slice(body).map_err(|error| {
        // serde_json tells us which kind of mistake it was.
        let status = match error.classify() {
            Category::Data => 422,
            Category::Syntax | Category::Eof | Category::Io => 400,
        };
        Problem::status(status).with_detail(error.to_string())
    })
}

impl NewTodo {
    /// Every rule the types cannot express, checked all at once so that the client can fix
    /// everything in one go:
    /// - `title`, trimmed, is 1 to `MAX_TITLE_CHARS` characters (`#/title`);
    /// - at most `MAX_TAGS` tags (`#/tags`); each tag non-empty after trimming and not equal
    ///   to an earlier one (`#/tags/<index>`);
    /// - `estimateMinutes`, if present, is 1 to `MAX_ESTIMATE_MINUTES` (`#/estimateMinutes`).
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();

        // Characters, not bytes: "é" is one character and two bytes.
        let title_chars = self.title.trim().chars().count();
        if title_chars == 0 {
            errors.push(FieldError::new("#/title", "must not be blank"));
        } else if title_chars > MAX_TITLE_CHARS {
            errors.push(FieldError::new(
                "#/title",
                &format!("must be at most {MAX_TITLE_CHARS} characters"),
            ));
        }

        if self.tags.len() > MAX_TAGS {
            errors.push(FieldError::new(
                "#/tags",
                &format!("at most {MAX_TAGS} tags"),
            ));
        }
        for (i, tag) in self.tags.iter().enumerate() {
            let pointer = format!("#/tags/{i}");
            if tag.trim().is_empty() {
                errors.push(FieldError::new(&pointer, "must not be blank"));
            } else if self.tags[..i].contains(tag) {
                errors.push(FieldError::new(&pointer, "is a duplicate"));
            }
        }

        if let Some(minutes) = self.estimate_minutes
            && !(1..=MAX_ESTIMATE_MINUTES).contains(&minutes)
        {
            errors.push(FieldError::new(
                "#/estimateMinutes",
                &format!("must be between 1 and {MAX_ESTIMATE_MINUTES}"),
            ));
        }
        errors
    }
}

/// The whole endpoint, `POST /todos`: parse, validate, and answer `201 Created` with the new
/// todo (title trimmed, not done, id `id`) as `application/json`, or with the problem.
pub fn create_todo(content_type: Option<&str>, body: &[u8], id: u64) -> Response {
    let new = match parse_new_todo(content_type, body) {
        Ok(new) => new,
        Err(problem) => return problem.to_response(),
    };
    let errors = new.validate();
    if !errors.is_empty() {
        return Problem::validation(errors).to_response();
    }
    let todo = Todo {
        id,
        title: new.title.trim().to_string(),
        priority: new.priority,
        tags: new.tags,
        estimate_minutes: new.estimate_minutes,
        done: false,
    };
    Response {
        status: 201,
        content_type: "application/json".to_string(),
        body: serde_json::to_string(&todo).expect("a Todo always serializes"),
    }
}
