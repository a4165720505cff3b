//! The JSON report: the Exercism test-runner interface, version 3, plus backlings' score fields
//! under a `schema_version` of our own.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use super::{Meta, Row, TestStatus, rows, truncate};
use crate::grade::{DayStatus, Report};

/// Bumped when a field changes meaning or goes away (adding one does not bump it).
pub const SCHEMA_VERSION: u32 = 1;
/// Exercism caps each test's output at 500 characters.
const OUTPUT_LIMIT: usize = 500;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    tests: Vec<Test>,
    schema_version: u32,
    course: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    learner: Option<&'a str>,
    /// RFC 3339, UTC.
    graded_at: String,
    score: Score,
    days: Vec<Day<'a>>,
    protected_files_changed: Vec<Changed<'a>>,
    duration_secs: f64,
}

#[derive(Serialize)]
struct Test {
    name: String,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<String>,
    task_id: u32,
}

#[derive(Serialize)]
struct Score {
    percent: f64,
    tests_passed: usize,
    tests_total: usize,
    days_passed: usize,
    days_graded: usize,
}

#[derive(Serialize)]
struct Day<'a> {
    day: u32,
    name: &'a str,
    title: &'a str,
    status: &'static str,
    tests_passed: usize,
    tests_total: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'static str>,
}

#[derive(Serialize)]
struct Changed<'a> {
    path: &'a str,
    change: &'static str,
}

pub fn write(out: &mut dyn Write, report: &Report, meta: &Meta) -> Result<()> {
    let (tests_passed, tests_total) = report.tests();
    let (days_passed, days_graded) = report.days_passed();
    let mut tests = Vec::new();
    let mut days = Vec::new();
    for day in &report.days {
        tests.extend(
            rows(day)
                .iter()
                .map(|row| test(day.name.as_str(), day.day, row)),
        );
        let (passed, total) = day.score();
        days.push(Day {
            day: day.day,
            name: &day.name,
            title: &day.title,
            status: match day.status() {
                DayStatus::Pass => "pass",
                DayStatus::Fail => "fail",
                DayStatus::CompileError => "error",
            },
            tests_passed: passed,
            tests_total: total,
            note: day.missing.as_ref().map(super::human::missing_note),
        });
    }
    let document = Document {
        version: 3,
        status: if report.all_passed() { "pass" } else { "fail" },
        message: None,
        tests,
        schema_version: SCHEMA_VERSION,
        course: &report.course_title,
        learner: meta.learner.as_deref(),
        graded_at: meta
            .graded_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        score: Score {
            percent: report.percent(),
            tests_passed,
            tests_total,
            days_passed,
            days_graded,
        },
        days,
        protected_files_changed: report
            .changed
            .iter()
            .map(|c| Changed {
                path: &c.path,
                change: c.change.as_str(),
            })
            .collect(),
        duration_secs: report.duration.as_secs_f64(),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)?;
    Ok(())
}

/// The document for a grade that could not run: Exercism's `error` status and the reason.
pub fn write_error(out: &mut dyn Write, message: &str) -> Result<()> {
    let document = serde_json::json!({
        "version": 3,
        "status": "error",
        "message": message,
        "tests": [],
        "schema_version": SCHEMA_VERSION,
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)?;
    Ok(())
}

fn test(day: &str, task_id: u32, row: &Row<'_>) -> Test {
    let status = match row.status {
        TestStatus::Pass => "pass",
        TestStatus::Fail | TestStatus::Skipped => "fail",
        TestStatus::Error => "error",
    };
    let failed = row.status != TestStatus::Pass;
    Test {
        name: format!("{day}::{}", row.name),
        status,
        message: failed.then(|| row.message.clone()),
        output: (failed && !row.output.is_empty()).then(|| truncate(row.output, OUTPUT_LIMIT)),
        task_id,
    }
}
