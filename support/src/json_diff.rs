//! A readable difference between the JSON a test expected and the JSON the server sent: one
//! line per place they differ, named by its JSON Pointer (RFC 6901), so a learner sees
//! `/items/0/title` instead of two long lines to compare by eye.

use serde_json::Value;

/// At most this many differences are listed; the rest are counted.
const MAX_LINES: usize = 20;
/// A value longer than this (as compact JSON) is cut in a difference line.
const MAX_VALUE: usize = 120;

/// Every place where `actual` differs from `expected`, one line each (empty when equal).
pub fn json_diff(expected: &Value, actual: &Value) -> Vec<String> {
    finish(walk(expected, actual, false))
}

/// Like [`json_diff`], but an object in `actual` may have keys `expected` does not mention:
/// only the expected ones are compared (at every depth). Arrays still compare in full.
pub fn json_subset_diff(expected: &Value, actual: &Value) -> Vec<String> {
    finish(walk(expected, actual, true))
}

fn walk(expected: &Value, actual: &Value, extra_keys_allowed: bool) -> Vec<String> {
    let mut lines = Vec::new();
    compare("", expected, actual, extra_keys_allowed, &mut lines);
    lines
}

fn finish(mut lines: Vec<String>) -> Vec<String> {
    if lines.len() > MAX_LINES {
        let more = lines.len() - MAX_LINES;
        lines.truncate(MAX_LINES);
        lines.push(format!("... and {more} more"));
    }
    lines
}

fn compare(path: &str, expected: &Value, actual: &Value, subset: bool, lines: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(want), Value::Object(got)) => {
            for (key, want_value) in want {
                let here = format!("{path}/{}", pointer_token(key));
                match got.get(key) {
                    Some(got_value) => compare(&here, want_value, got_value, subset, lines),
                    None => lines.push(format!(
                        "{}: missing, expected {}",
                        shown(&here),
                        short(want_value)
                    )),
                }
            }
            if !subset {
                for (key, got_value) in got.iter().filter(|(k, _)| !want.contains_key(*k)) {
                    let here = format!("{path}/{}", pointer_token(key));
                    lines.push(format!(
                        "{}: not expected, got {}",
                        shown(&here),
                        short(got_value)
                    ));
                }
            }
        }
        (Value::Array(want), Value::Array(got)) => {
            for (index, pair) in want.iter().zip(got).enumerate() {
                compare(&format!("{path}/{index}"), pair.0, pair.1, subset, lines);
            }
            for (index, want_value) in want.iter().enumerate().skip(got.len()) {
                let here = format!("{path}/{index}");
                lines.push(format!(
                    "{}: missing, expected {}",
                    shown(&here),
                    short(want_value)
                ));
            }
            for (index, got_value) in got.iter().enumerate().skip(want.len()) {
                let here = format!("{path}/{index}");
                lines.push(format!(
                    "{}: not expected, got {}",
                    shown(&here),
                    short(got_value)
                ));
            }
        }
        _ if expected == actual => {}
        _ => lines.push(format!(
            "{}: expected {}, got {}",
            shown(path),
            short(expected),
            short(actual)
        )),
    }
}

/// RFC 6901: `~` is written `~0` and `/` is written `~1` inside a key.
fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn shown(path: &str) -> String {
    if path.is_empty() {
        "the whole body".to_string()
    } else {
        format!("at {path}")
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= MAX_VALUE {
        return text;
    }
    let cut: String = text.chars().take(MAX_VALUE).collect();
    format!("{cut}...")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{json_diff, json_subset_diff};

    #[test]
    fn lists_each_difference_by_its_pointer() {
        let cases = [
            (json!({"a": 1}), json!({"a": 1}), vec![]),
            (
                json!({"slug": "rust", "visits": 0}),
                json!({"slug": "1", "visits": 0}),
                vec![r#"at /slug: expected "rust", got "1""#],
            ),
            (
                json!({"id": 1, "title": "x"}),
                json!({"id": 1}),
                vec![r#"at /title: missing, expected "x""#],
            ),
            (
                json!({"id": 1}),
                json!({"id": 1, "secret": "hunter2"}),
                vec![r#"at /secret: not expected, got "hunter2""#],
            ),
            (
                json!({"items": [{"t": "a"}, {"t": "b"}]}),
                json!({"items": [{"t": "a"}, {"t": "c"}, {"t": "d"}]}),
                vec![
                    r#"at /items/1/t: expected "b", got "c""#,
                    r#"at /items/2: not expected, got {"t":"d"}"#,
                ],
            ),
            (
                json!([1, 2]),
                json!([1]),
                vec!["at /1: missing, expected 2"],
            ),
            (
                json!({"n": 1}),
                json!({"n": "1"}),
                vec![r#"at /n: expected 1, got "1""#],
            ),
            (
                json!({"a/b~c": 1}),
                json!({"a/b~c": 2}),
                vec!["at /a~1b~0c: expected 1, got 2"],
            ),
            (
                json!(null),
                json!({"a": 1}),
                vec![r#"the whole body: expected null, got {"a":1}"#],
            ),
        ];
        for (expected, actual, lines) in cases {
            assert_eq!(
                json_diff(&expected, &actual),
                lines,
                "{expected} vs {actual}"
            );
        }
    }

    #[test]
    fn a_subset_ignores_keys_it_does_not_name_but_not_array_items() {
        let actual =
            json!({"id": 7, "title": "x", "tags": ["a", "b"], "author": {"id": 1, "name": "Ann"}});
        assert!(
            json_subset_diff(&json!({"title": "x", "author": {"name": "Ann"}}), &actual).is_empty()
        );
        assert_eq!(
            json_subset_diff(&json!({"tags": ["a"], "author": {"name": "Bob"}}), &actual),
            [
                r#"at /author/name: expected "Bob", got "Ann""#,
                r#"at /tags/1: not expected, got "b""#
            ]
        );
    }

    #[test]
    fn long_values_and_long_lists_are_cut() {
        let long = "x".repeat(500);
        let lines = json_diff(&json!({"a": long}), &json!({"a": 1}));
        assert!(lines[0].len() < 200, "{}", lines[0]);
        assert!(lines[0].contains("..."), "{}", lines[0]);
        let many: Vec<i32> = (0..50).collect();
        let lines = json_diff(&json!([]), &json!(many));
        assert_eq!(lines.len(), 21);
        assert_eq!(lines[20], "... and 30 more");
    }
}
