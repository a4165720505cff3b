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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_names() {
        assert_eq!(plural(1, "day", "days"), "1 day");
        assert_eq!(plural(0, "day", "days"), "0 days");
        assert_eq!(plural(2, "more error", "more errors"), "2 more errors");
        assert_eq!(backticked(&["a", "b"]), "`a`, `b`");
        assert_eq!(backticked(&[] as &[&str]), "");
    }
}
