//! Slugs: the readable, permanent name of a post in its URL.

/// The longest slug a client may choose.
pub const MAX_CHARS: usize = 200;

/// Day 11's rule: ASCII letters and digits lowercased, apostrophes dropped, every other run of
/// characters one `-`, none at either end. `"Hello, World!"` is `hello-world`.
pub fn from_title(title: &str) -> String {
    let mut slug = String::with_capacity(title.len());
    let mut pending_dash = false;
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c.to_ascii_lowercase());
        } else if c != '\'' {
            pending_dash = true;
        }
    }
    slug
}

/// Whether `slug` is lowercase ASCII words joined by single dashes, like `hello-world-2`.
pub fn is_valid(slug: &str) -> bool {
    slug.len() <= MAX_CHARS
        && slug.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_become_slugs() {
        for (title, slug) in [
            ("Hello, World!", "hello-world"),
            ("What's new in Rust 2024?", "whats-new-in-rust-2024"),
            ("  --  ", ""),
        ] {
            assert_eq!(from_title(title), slug, "{title}");
        }
    }

    #[test]
    fn only_dash_separated_lowercase_words_are_slugs() {
        for (slug, valid) in [
            ("hello-world-2", true),
            ("", false),
            ("Hello", false),
            ("a--b", false),
            ("-a", false),
            ("a b", false),
        ] {
            assert_eq!(is_valid(slug), valid, "{slug:?}");
        }
    }
}
