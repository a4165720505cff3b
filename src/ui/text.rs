//! Wording shared by every message: counts with the right plural, lists of names.

/// `1 error`, `3 errors`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// `` `a`, `b` ``: names as code, comma-separated.
pub fn backticked(names: &[impl AsRef<str>]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{}`", n.as_ref())).collect();
    quoted.join(", ")
}

/// `12/87 crates`, or `12 crates` while the total is not known (0).
pub fn crates_built(built: usize, total: usize) -> String {
    match total {
        0 => plural(built, "crate", "crates"),
        _ => format!("{built}/{total} crates"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crates_built_shows_the_total_once_known() {
        assert_eq!(crates_built(12, 87), "12/87 crates");
        assert_eq!(crates_built(1, 0), "1 crate");
        assert_eq!(crates_built(12, 0), "12 crates");
    }

    #[test]
    fn counts_and_names() {
        assert_eq!(plural(1, "day", "days"), "1 day");
        assert_eq!(plural(0, "day", "days"), "0 days");
        assert_eq!(plural(2, "more error", "more errors"), "2 more errors");
        assert_eq!(backticked(&["a", "b"]), "`a`, `b`");
        assert_eq!(backticked(&[] as &[&str]), "");
    }
}
