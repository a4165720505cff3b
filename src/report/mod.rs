//! Grading reports, one writer per format, and their dispatch to stdout or files; and
//! (`verdict`) one day's verdict as JSON for `run --json`. Machine formats never carry colour,
//! whatever the terminal, and none of them trusts the learner's output to be well-formed.

pub mod class;
mod classroom;
mod dispatch;
mod github;
mod human;
mod json;
mod junit;
pub mod verdict;

pub use dispatch::{Destination, plan, write, write_error};

/// What the reports say beyond the grade itself.
#[derive(Debug, Clone)]
pub struct Meta {
    /// Points a passing test is worth in the Classroom report.
    pub points_per_test: u32,
    /// Who was graded (`--learner`), for the class report; `None`: its file's name says.
    pub learner: Option<String>,
    /// When the grade was made.
    pub graded_at: chrono::DateTime<chrono::Utc>,
}

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

/// `text` without what a log or a terminal must not carry from a learner: ANSI escape sequences go whole, a carriage
/// return becomes a line break, and every other control character (NUL included) goes.
pub fn printable(text: &str) -> String {
    let mut clean = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => skip_escape(&mut chars),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' => clean.push('\n'),
            '\n' | '\t' => clean.push(c),
            c if c.is_control() => {}
            c => clean.push(c),
        }
    }
    clean
}

/// Skips the rest of an escape sequence whose ESC was just read: CSI (`ESC [ ... final`), OSC
/// and the other string sequences (up to BEL or `ESC \\`), or a two-character escape.
fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => {
            for c in chars.by_ref() {
                if ('\x40'..='\x7e').contains(&c) {
                    break;
                }
            }
        }
        Some(']' | 'P' | 'X' | '^' | '_') => {
            while let Some(c) = chars.next() {
                if c == '\x07' || (c == '\x1b' && chars.next_if_eq(&'\\').is_some()) {
                    break;
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{printable, truncate};

    #[test]
    fn truncates_by_characters_with_a_note() {
        assert_eq!(truncate("short", 10), "short");
        let long = "é".repeat(600);
        let cut = truncate(&long, 500);
        assert_eq!(cut.chars().count(), 500);
        assert!(cut.ends_with("[... cut]"));
    }

    #[test]
    fn control_bytes_and_escape_sequences_never_reach_the_log() {
        for (raw, clean) in [
            ("a\0b", "ab"),
            ("bell\x07 del\x7f c1\u{9b}", "bell del c1"),
            ("\x1b[31mred\x1b[0m", "red"),
            ("\x1b]8;;file:///x\x1b\\link\x1b]8;;\x07", "link"),
            ("\x1b]0;title\x07after", "after"),
            ("line\r\nnext\rover", "line\nnext\nover"),
            ("tab\tkept\n", "tab\tkept\n"),
            ("\x1b", ""),
        ] {
            assert_eq!(printable(raw), clean, "{raw:?}");
        }
    }
}
