//! `--days 1-10,12`: which days a grade covers.

use std::collections::BTreeSet;

use anyhow::{Context, Result, bail};

/// Parses a list of day numbers and ranges (`3`, `1-10`, `1-5,8`), checked against `1..=last`.
pub fn parse(spec: &str, last: u32) -> Result<BTreeSet<u32>> {
    let mut days = BTreeSet::new();
    for part in spec.split(',').map(str::trim) {
        let (start, end) = match part.split_once('-') {
            Some((a, b)) => (number(a, spec)?, number(b, spec)?),
            None => {
                let day = number(part, spec)?;
                (day, day)
            }
        };
        if start == 0 || start > end || end > last {
            bail!(
                "`--days {spec}`: `{part}` is not a range of days in this course (1 to {last}); \
                 write e.g. `--days 1-10` or `--days 3,5`"
            );
        }
        days.extend(start..=end);
    }
    Ok(days)
}

fn number(text: &str, spec: &str) -> Result<u32> {
    text.trim().parse().with_context(|| {
        format!("`--days {spec}`: `{text}` is not a day number; write e.g. `--days 1-10` or `--days 3,5`")
    })
}

/// The names of the tests a test file defines (`#[test]` or `#[tokio::test]` before a `fn`),
/// so a day that does not compile can still list what it failed.
pub fn test_names(source: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut pending = false;
    for line in source.lines().map(str::trim) {
        if line.starts_with("#[test]") || line.starts_with("#[tokio::test") {
            pending = true;
        } else if pending && let Some(name) = fn_name(line) {
            names.push(name.to_string());
            pending = false;
        }
    }
    names
}

fn fn_name(line: &str) -> Option<&str> {
    let rest = line.split("fn ").nth(1)?;
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    Some(&rest[..end]).filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_lists_and_ranges() {
        let cases: &[(&str, &[u32])] = &[
            ("3", &[3]),
            ("1-3", &[1, 2, 3]),
            ("1-2, 5", &[1, 2, 5]),
            ("2,2", &[2]),
            ("30", &[30]),
        ];
        for (spec, want) in cases {
            let got: Vec<u32> = parse(spec, 30).unwrap().into_iter().collect();
            assert_eq!(&got, want, "{spec}");
        }
    }

    #[test]
    fn bad_day_lists_say_what_to_write() {
        for spec in ["0", "31", "5-2", "x", "1-", ""] {
            let error = parse(spec, 30).unwrap_err().to_string();
            assert!(error.contains("--days 1-10"), "{spec}: {error}");
        }
    }

    #[test]
    fn test_names_come_from_test_attributes() {
        let source = "#[test]\nfn a_b() {}\n#[tokio::test(flavor = \"multi_thread\")]\nasync fn c() {}\nfn helper() {}\n#[test]\n#[should_panic]\nfn d() {}\n";
        assert_eq!(test_names(source), ["a_b", "c", "d"]);
    }
}
