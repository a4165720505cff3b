//! Grading reports, one writer per format, and their dispatch to stdout or files; and
//! (`verdict`) one day's verdict as JSON for `run --json`. Machine formats never carry colour,
//! whatever the terminal, and none of them trusts the learner's output to be well-formed.

mod dispatch;
mod github;
mod human;
mod json;
mod junit;
pub mod verdict;

pub use dispatch::{plan, write, write_error};

use crate::grade::{DayResult, Outcome};
use crate::runner::{Status, TestResult};

/// A test's status as every report names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestStatus {
    Pass,
    Fail,
    /// It never ran: the day did not compile, or the test timed out.
    Error,
    Skipped,
}

/// One test row, the same for every format: a day's tests, or (when the day did not compile)
/// the tests its course defines, each failed with the compiler's first error.
pub struct Row<'a> {
    pub name: &'a str,
    pub status: TestStatus,
    pub message: String,
    pub output: &'a str,
    pub seconds: f64,
    /// `file`, `line` for annotations: the failure's place, relative to the course root.
    pub place: Option<(String, u32)>,
}

/// The rows of a day.
pub fn rows(day: &DayResult) -> Vec<Row<'_>> {
    match &day.outcome {
        Outcome::Tested(tests) => tests.iter().map(test_row).collect(),
        Outcome::CompileError { diagnostics, tests } => {
            let first = diagnostics.first();
            let message = match first {
                Some(d) => format!("`{}` does not compile: {}", day.name, d.message),
                None => format!("`{}` does not compile", day.name),
            };
            let place = first
                .and_then(|d| d.location.as_ref())
                .map(|l| (l.file.clone(), l.line));
            let output = first.map_or("", |d| d.rendered.as_str());
            tests
                .iter()
                .map(|name| Row {
                    name,
                    status: TestStatus::Error,
                    message: message.clone(),
                    output,
                    seconds: 0.0,
                    place: place.clone(),
                })
                .collect()
        }
    }
}

fn test_row(test: &TestResult) -> Row<'_> {
    let status = match test.status {
        Status::Passed => TestStatus::Pass,
        Status::Failed => TestStatus::Fail,
        Status::TimedOut(_) => TestStatus::Error,
        Status::Ignored => TestStatus::Skipped,
    };
    Row {
        name: &test.name,
        status,
        message: test.message.clone(),
        output: &test.output,
        seconds: test.duration.as_secs_f64(),
        place: test.location.as_ref().map(|l| (l.file.clone(), l.line)),
    }
}

/// At most `max` characters of `text`, with a note of what was cut.
pub fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some(_) => {
            const NOTE: &str = "\n[... cut]";
            let keep = max.saturating_sub(NOTE.chars().count());
            let cut = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
            format!("{}{NOTE}", &text[..cut])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::truncate;

    #[test]
    fn truncates_by_characters_with_a_note() {
        assert_eq!(truncate("short", 10), "short");
        let long = "é".repeat(600);
        let cut = truncate(&long, 500);
        assert_eq!(cut.chars().count(), 500);
        assert!(cut.ends_with("[... cut]"));
    }
}
