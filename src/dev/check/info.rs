//! Rules on `info.toml`: the strict validation, hints, and placeholders left by `dev add`.

use crate::course::{INFO_FILE, validate};
use crate::dev::subject::Subject;
use crate::dev::{GUIDE, Problem};

/// `info.toml` parses, has the supported format version, well-formed unique names, days 1..N.
pub fn info_is_valid(text: &str, problems: &mut Vec<Problem>) {
    let Err(error) = validate::parse(text) else {
        return;
    };
    for problem in error.problems {
        // The validation's messages carry their own advice after `; ` when they have one.
        let (what, fix) = match problem.message.split_once("; ") {
            Some((what, fix)) => (what.to_string(), fix.to_string()),
            None => (
                problem.message,
                format!("{GUIDE} documents every `{INFO_FILE}` field"),
            ),
        };
        problems.push(Problem::new(INFO_FILE, what, fix).at(problem.line));
    }
}

pub fn hints_are_present(subject: &Subject, problems: &mut Vec<Problem>) {
    for day in &subject.days {
        if day.hints.as_ref().is_none_or(Vec::is_empty) {
            problems.push(
                Problem::new(
                    INFO_FILE,
                    format!("exercise `{}` has no hints", day.name),
                    "add `hints = [...]`: three, from a nudge to a near-answer",
                )
                .at(Some(day.at)),
            );
        }
    }
}

/// `dev add` writes hints and titles starting with `TODO`, and a lesson with `TODO` lines.
pub fn no_placeholders_left(subject: &Subject, problems: &mut Vec<Problem>) {
    for day in &subject.days {
        let hints = day.hints.iter().flatten();
        let fields = day
            .title
            .iter()
            .map(|t| ("title", t))
            .chain(hints.map(|h| ("hint", h)));
        for (field, (text, at)) in fields {
            if is_placeholder(text) {
                problems.push(
                    Problem::new(
                        INFO_FILE,
                        format!("exercise `{}` still has a placeholder {field}", day.name),
                        format!("replace the `TODO` {field} with a real one"),
                    )
                    .at(Some(*at)),
                );
            }
        }
    }
}

pub fn is_placeholder(text: &str) -> bool {
    text.trim_start().starts_with("TODO")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_start_with_todo() {
        for (text, expected) in [
            ("TODO: a nudge", true),
            ("  TODO", true),
            ("Use todo!()", false),
            ("", false),
        ] {
            assert_eq!(is_placeholder(text), expected, "{text}");
        }
    }
}
