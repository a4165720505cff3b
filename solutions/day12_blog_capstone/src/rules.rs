//! The spec's rules for input, as pure functions: each returns the normalized value or says
//! which rule the input breaks. No database is needed to check any of them.

use crate::model::{NewAuthor, NewComment};
use crate::slug;

pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_EMAIL_CHARS: usize = 254;
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 100_000;
pub const MAX_TAGS: usize = 10;
pub const MAX_TAG_CHARS: usize = 30;
pub const MAX_COMMENT_CHARS: usize = 2_000;
pub const DEFAULT_LIMIT: u32 = 10;
pub const MAX_LIMIT: u32 = 50;

/// A broken rule, in words a client can act on; it becomes a 422.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

type Checked<T> = Result<T, Invalid>;

fn invalid<T>(why: impl Into<String>) -> Checked<T> {
    Err(Invalid(why.into()))
}

/// Trimmed, between 1 and `max` characters.
fn text(what: &str, value: &str, max: usize) -> Checked<String> {
    let value = value.trim();
    match value.chars().count() {
        0 => invalid(format!("{what} must not be empty")),
        n if n > max => invalid(format!("{what} must be at most {max} characters")),
        _ => Ok(value.to_string()),
    }
}

pub fn author(name: &str, email: &str) -> Checked<NewAuthor> {
    let name = text("name", name, MAX_NAME_CHARS)?;
    let email = email.trim().to_lowercase();
    let well_formed = matches!(email.split_once('@'),
        Some((local, domain)) if !local.is_empty() && !domain.is_empty() && !domain.contains('@'));
    if !well_formed || email.contains(char::is_whitespace) || email.len() > MAX_EMAIL_CHARS {
        return invalid("email must look like name@example.com");
    }
    Ok(NewAuthor { name, email })
}

pub fn title(title: &str) -> Checked<String> {
    text("title", title, MAX_TITLE_CHARS)
}

pub fn body(body: &str) -> Checked<String> {
    if body.chars().count() > MAX_BODY_CHARS {
        return invalid(format!("body must be at most {MAX_BODY_CHARS} characters"));
    }
    Ok(body.to_string())
}

/// Trimmed, lowercased, sorted, without duplicates.
pub fn tags(tags: &[String]) -> Checked<Vec<String>> {
    let mut normalized = Vec::with_capacity(tags.len());
    for tag in tags {
        normalized.push(text("a tag", tag, MAX_TAG_CHARS)?.to_lowercase());
    }
    normalized.sort();
    normalized.dedup();
    if normalized.len() > MAX_TAGS {
        return invalid(format!("a post has at most {MAX_TAGS} tags"));
    }
    Ok(normalized)
}

pub fn given_slug(given: &str) -> Checked<String> {
    if !slug::is_valid(given) {
        return invalid(format!(
            "slug must be lowercase letters and digits in words joined by single dashes, \
             at most {} characters",
            slug::MAX_CHARS
        ));
    }
    Ok(given.to_string())
}

pub fn derived_slug(title: &str) -> Checked<String> {
    let slug = slug::from_title(title);
    if slug.is_empty() {
        return invalid("the title has no letter or digit to make a slug from: send a `slug`");
    }
    Ok(slug)
}

pub fn comment(author_name: &str, body: &str) -> Checked<NewComment> {
    Ok(NewComment {
        author_name: text("author_name", author_name, MAX_NAME_CHARS)?,
        body: text("body", body, MAX_COMMENT_CHARS)?,
    })
}

pub fn limit(text: Option<&str>) -> Checked<u32> {
    match text {
        None => Ok(DEFAULT_LIMIT),
        Some(text) => match text.parse::<u32>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            _ => invalid(format!("limit must be a number from 1 to {MAX_LIMIT}")),
        },
    }
}

/// The cursor is the id of the last post of the previous page; clients treat it as opaque.
pub fn cursor(text: Option<&str>) -> Checked<Option<i64>> {
    match text.map(str::parse::<i64>) {
        None => Ok(None),
        Some(Ok(id)) if id > 0 => Ok(Some(id)),
        Some(_) => invalid("after must be a `next` cursor from an earlier page"),
    }
}

pub fn author_filter(text: Option<&str>) -> Checked<Option<i64>> {
    match text.map(str::parse::<i64>) {
        None => Ok(None),
        Some(Ok(id)) => Ok(Some(id)),
        Some(Err(_)) => invalid("author must be an author's id"),
    }
}

pub fn tag_filter(text: Option<&str>) -> Option<String> {
    text.map(|tag| tag.trim().to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_need_one_at_with_text_on_both_sides() {
        for (email, valid) in [
            (" Ada@Example.com ", true),
            ("ada", false),
            ("@example.com", false),
            ("ada@", false),
            ("a@b@c", false),
            ("a da@example.com", false),
        ] {
            assert_eq!(author("Ada", email).is_ok(), valid, "{email:?}");
        }
    }

    #[test]
    fn tags_are_normalized_and_bounded() {
        let given = [" Web", "rust", "RUST"].map(String::from);
        assert_eq!(tags(&given), Ok(vec!["rust".into(), "web".into()]));
        assert!(tags(&[" ".to_string()]).is_err());
        let many: Vec<String> = (0..11).map(|n| format!("t{n}")).collect();
        assert!(tags(&many).is_err());
    }

    #[test]
    fn limits_and_cursors() {
        assert_eq!(limit(None), Ok(DEFAULT_LIMIT));
        for bad in ["0", "51", "ten", "-1"] {
            assert!(limit(Some(bad)).is_err(), "{bad}");
        }
        assert_eq!(cursor(Some("7")), Ok(Some(7)));
        for bad in ["0", "-5", "!!", ""] {
            assert!(cursor(Some(bad)).is_err(), "{bad:?}");
        }
    }
}
