//! GitHub Classroom's own protocol: the step output `result`, a base64-encoded JSON document in
//! the shape the Classroom graders write and `autograding-grading-reporter@v1` reads (through
//! an environment variable `<STEP_ID>_RESULTS`): `version` 1, `status`, `max_score`, and
//! `tests[]` with `name`, `status`, `score`, `message`, `test_code`, `filename`, `line_no` and
//! `duration` (milliseconds). The reporter adds up the tests' `score` against `max_score` and
//! posts `Points X/Y` to the check run Classroom reads.
//!
//! Written as `result=...`, one line, so `--output "$GITHUB_OUTPUT"` makes it the step's output.

use std::io::Write;

use anyhow::Result;
use base64::Engine as _;
use serde::Serialize;

use super::{Row, TestStatus, printable, rows, truncate};
use crate::grade::Report;

/// The message kept per failing test (the reporter prints it in the log).
const MESSAGE_LIMIT: usize = 1000;

#[derive(Serialize)]
struct Document {
    version: u32,
    status: &'static str,
    max_score: u64,
    tests: Vec<Test>,
}

#[derive(Serialize)]
struct Test {
    name: String,
    status: &'static str,
    score: u64,
    message: String,
    test_code: String,
    filename: String,
    line_no: u32,
    duration: u64,
}

/// Writes the `result=` line: every counted test (ignored ones are not, as in the score) worth
/// `points` when it passes.
pub fn write(out: &mut dyn Write, report: &Report, points: u32) -> Result<()> {
    let mut tests = Vec::new();
    for day in &report.days {
        let reproduce = format!("backlings run {}", day.day);
        for row in rows(day) {
            if row.status != TestStatus::Skipped {
                tests.push(test(&day.name, &reproduce, &row, points));
            }
        }
    }
    let document = Document {
        version: 1,
        status: if report.all_passed() { "pass" } else { "fail" },
        max_score: tests.len() as u64 * u64::from(points),
        tests,
    };
    write_result(out, &document)
}

/// The result for a grade that could not run: one errored test saying why, so the reporter
/// shows the reason and fails the step.
pub fn write_error(out: &mut dyn Write, message: &str) -> Result<()> {
    let document = Document {
        version: 1,
        status: "error",
        max_score: 0,
        tests: vec![Test {
            name: "backlings grade".into(),
            status: "error",
            score: 0,
            message: printable(&truncate(message, MESSAGE_LIMIT)),
            test_code: "backlings grade".into(),
            filename: String::new(),
            line_no: 0,
            duration: 0,
        }],
    };
    write_result(out, &document)
}

fn write_result(out: &mut dyn Write, document: &Document) -> Result<()> {
    let json = serde_json::to_vec(document)?;
    let encoded = base64::engine::general_purpose::STANDARD.encode(json);
    writeln!(out, "result={encoded}")?;
    Ok(())
}

fn test(day: &str, reproduce: &str, row: &Row<'_>, points: u32) -> Test {
    let (status, score) = match row.status {
        TestStatus::Pass => ("pass", u64::from(points)),
        TestStatus::Fail | TestStatus::Skipped => ("fail", 0),
        TestStatus::Error => ("error", 0),
    };
    let (filename, line_no) = row.place.clone().unwrap_or_default();
    Test {
        name: format!("{day}::{}", row.name),
        status,
        score,
        message: if score > 0 {
            String::new()
        } else {
            printable(&truncate(&row.message, MESSAGE_LIMIT))
        },
        test_code: reproduce.to_string(),
        filename,
        line_no,
        duration: (row.seconds * 1000.0).round() as u64,
    }
}
