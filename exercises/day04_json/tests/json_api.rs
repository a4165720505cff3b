//! What "done" means for day 4: `POST /todos` answers 201 with camelCase JSON, or 400, 415 or
//! 422 with an RFC 9457 problem body.

use day04_json::{Response, VALIDATION_TYPE, create_todo};
use serde_json::{Value, json};

const JSON: Option<&str> = Some("application/json");

/// Sends `body` as JSON and returns the response.
fn post(body: &str) -> Response {
    create_todo(JSON, body.as_bytes(), 7)
}

/// The response body as JSON, or a failed test that shows it.
fn body_of(response: &Response) -> Value {
    serde_json::from_str(&response.body)
        .unwrap_or_else(|e| panic!("the body must be JSON ({e}), got: {:?}", response.body))
}

/// Checks that `response` is an RFC 9457 problem with `status`, and returns its body.
fn problem(response: &Response, status: u16) -> Value {
    assert_eq!(
        response.status, status,
        "expected status {status}, got {response:?}"
    );
    assert_eq!(
        response.content_type, "application/problem+json",
        "errors are sent as application/problem+json"
    );
    let body = body_of(response);
    assert_eq!(
        body["status"],
        json!(status),
        "the problem's \"status\" member repeats the HTTP status, got {body}"
    );
    assert!(
        body["type"].is_string() && body["title"].is_string(),
        "a problem has a \"type\" and a \"title\" string, got {body}"
    );
    body
}

#[test]
fn creates_a_todo_and_answers_201_with_camel_case_json() {
    let response = post(
        r#"{"title": "  Buy milk  ", "priority": "high", "tags": ["home", "shop"], "estimateMinutes": 15}"#,
    );
    assert_eq!(
        response.status, 201,
        "a valid todo is 201 Created, got {response:?}"
    );
    assert_eq!(response.content_type, "application/json");
    assert_eq!(
        body_of(&response),
        json!({
            "id": 7,
            "title": "Buy milk",
            "priority": "high",
            "tags": ["home", "shop"],
            "estimateMinutes": 15,
            "done": false
        }),
        "the todo comes back with its id, its title trimmed, enums in lowercase, keys in camelCase"
    );
}

#[test]
fn fills_in_defaults_and_leaves_out_absent_optional_fields() {
    let response = post(r#"{"title": "Call Ada"}"#);
    assert_eq!(
        response.status, 201,
        "only the title is required, got {response:?}"
    );
    let body = body_of(&response);
    assert_eq!(body["priority"], "normal", "priority defaults to normal");
    assert_eq!(body["tags"], json!([]), "tags default to an empty list");
    assert!(
        body.get("estimateMinutes").is_none(),
        "no estimate means no \"estimateMinutes\" key at all (not null), got {body}"
    );
}

#[test]
fn accepts_json_content_types_in_any_case_with_parameters() {
    for content_type in [
        "application/json",
        "Application/JSON",
        "application/json; charset=utf-8",
        " application/json ;charset=UTF-8",
    ] {
        let response = create_todo(Some(content_type), br#"{"title": "x"}"#, 1);
        assert_eq!(
            response.status, 201,
            "{content_type:?} is JSON: media types ignore case, and parameters come after ';'"
        );
    }
}

#[test]
fn refuses_a_body_not_declared_as_json_with_415() {
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("application/jsonx"),
    ] {
        let response = create_todo(content_type, br#"{"title": "x"}"#, 1);
        let body = problem(&response, 415);
        assert_eq!(
            body["title"], "Unsupported Media Type",
            "Content-Type {content_type:?} is not JSON: 415"
        );
    }
}

#[test]
fn refuses_malformed_json_with_400() {
    for text in [
        r#"{"title": "a""#,
        "not json",
        "",
        r#"{"title": "a"} trailing"#,
        r#"{'title': 'a'}"#,
    ] {
        let body = problem(&post(text), 400);
        assert_eq!(body["type"], "about:blank");
        assert_eq!(body["title"], "Bad Request");
        assert!(
            body["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "a 400 says what was wrong in \"detail\" (for {text:?}), got {body}"
        );
    }
}

#[test]
fn refuses_well_formed_json_of_the_wrong_shape_with_422() {
    for (text, what) in [
        (r#"{"priority": "low"}"#, "a missing title"),
        (r#"{"title": 5}"#, "a title that is a number"),
        (r#"{"titel": "typo"}"#, "a misspelt field"),
        (
            r#"{"title": "a", "done": true}"#,
            "a field clients may not set",
        ),
        (
            r#"{"title": "a", "priority": "urgent"}"#,
            "an unknown priority",
        ),
        (
            r#"{"title": "a", "estimateMinutes": -5}"#,
            "a negative estimate",
        ),
        (
            r#"{"title": "a", "estimate_minutes": 5}"#,
            "a snake_case field name",
        ),
        (r#"["title", "a"]"#, "an array instead of an object"),
    ] {
        let response = post(text);
        assert_eq!(
            response.status, 422,
            "{what} ({text}) is valid JSON but not a valid todo: 422, got {response:?}"
        );
        problem(&response, 422);
    }
}

#[test]
fn lists_every_invalid_field_with_a_json_pointer() {
    let response =
        post(r#"{"title": "   ", "tags": ["work", "", "work", "home"], "estimateMinutes": 0}"#);
    let body = problem(&response, 422);
    assert_eq!(
        body["type"], VALIDATION_TYPE,
        "validation failures have their own problem type"
    );
    let Some(errors) = body["errors"].as_array() else {
        panic!("a validation problem has an \"errors\" array, got {body}");
    };
    let mut pointers: Vec<&str> = errors
        .iter()
        .map(|e| e["pointer"].as_str().unwrap_or("<no pointer>"))
        .collect();
    pointers.sort();
    assert_eq!(
        pointers,
        ["#/estimateMinutes", "#/tags/1", "#/tags/2", "#/title"],
        "one error per broken rule, all at once: blank title, blank tag 1, tag 2 repeats tag 0, estimate 0"
    );
    assert!(
        errors
            .iter()
            .all(|e| e["detail"].as_str().is_some_and(|d| !d.is_empty())),
        "every error has a \"detail\" saying what is wrong, got {body}"
    );

    let too_many = post(r#"{"title": "x", "tags": ["a", "b", "c", "d", "e", "f"]}"#);
    let body = problem(&too_many, 422);
    assert_eq!(
        body["errors"][0]["pointer"], "#/tags",
        "more than five tags is an error on the list itself"
    );
}

#[test]
fn counts_the_title_length_in_characters_not_bytes() {
    let hundred = "é".repeat(100);
    let response = post(&json!({ "title": hundred }).to_string());
    assert_eq!(
        response.status, 201,
        "100 characters is allowed even though \"é\" takes two bytes each, got {response:?}"
    );

    let response = post(&json!({ "title": "a".repeat(101) }).to_string());
    let body = problem(&response, 422);
    assert_eq!(
        body["errors"][0]["pointer"], "#/title",
        "101 characters is too long"
    );
}

#[test]
fn a_problem_has_only_the_members_it_needs() {
    let body = problem(&create_todo(Some("text/plain"), b"{}", 1), 415);
    let object = body.as_object().expect("a problem is a JSON object");
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        ["detail", "status", "title", "type"],
        "a problem without field errors has no \"errors\" member (not even an empty one)"
    );
    assert_eq!(
        body["type"], "about:blank",
        "a plain status problem is about:blank"
    );
}
