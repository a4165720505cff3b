//! "Did you mean ...?" for names typed by a person.

use strsim::levenshtein as distance;

/// The candidate closest to `typed` by edit distance, if it is close enough to be a typo; else
/// the one candidate that contains it (`axum` for `day05_axum`).
pub fn closest<'a>(typed: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let candidates: Vec<&str> = candidates.collect();
    let limit = (typed.chars().count() / 3).max(2);
    let near = candidates
        .iter()
        .map(|c| (distance(typed, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c);
    near.or_else(|| only_one_containing(typed, &candidates))
}

/// The candidate containing `typed`, when exactly one does and `typed` is not too short to mean
/// anything.
fn only_one_containing<'a>(typed: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if typed.chars().count() < 3 {
        return None;
    }
    let mut containing = candidates.iter().filter(|c| c.contains(typed));
    match (containing.next(), containing.next()) {
        (Some(only), None) => Some(*only),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_names_only() {
        let names = ["day05_axum", "day06_todo_rest", "day07_middleware"];
        for (typed, expected) in [
            ("day05_axun", Some("day05_axum")),
            ("day7_middleware", Some("day07_middleware")),
            ("weather", None),
            ("axum", Some("day05_axum")),
            ("todo", Some("day06_todo_rest")),
            ("day0", None),
            ("e", None),
        ] {
            assert_eq!(closest(typed, names.iter().copied()), expected, "{typed}");
        }
    }

    #[test]
    fn distance_is_levenshtein_over_characters() {
        for (a, b, d) in [
            ("", "", 0),
            ("abc", "abc", 0),
            ("kitten", "sitting", 3),
            ("", "ab", 2),
            ("día", "dia", 1),
        ] {
            assert_eq!(distance(a, b), d, "{a} {b}");
        }
    }
}
