//! The class report as JSON, for tools: every learner's scores by day, the days, every failing
//! test. `schema_version` is bumped when a field changes meaning or goes away.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use super::kind;
use crate::class::Class;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    course: &'a str,
    mean_percent: f64,
    learners: Vec<Learner<'a>>,
    days: Vec<Day<'a>>,
    failing_tests: Vec<Failing<'a>>,
    unread: Vec<Unread<'a>>,
}

#[derive(Serialize)]
struct Learner<'a> {
    learner: &'a str,
    file: String,
    graded_at: Option<String>,
    /// `graded`, or `error` when grading could not run.
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    percent: f64,
    tests_passed: usize,
    tests_total: usize,
    days_passed: usize,
    days_graded: usize,
    days: Vec<Cell>,
}

#[derive(Serialize)]
struct Cell {
    day: u32,
    /// `pass`, `part` (some tests pass), `fail`, `error` (does not compile).
    status: &'static str,
    tests_passed: usize,
    tests_total: usize,
}

#[derive(Serialize)]
struct Day<'a> {
    day: u32,
    name: &'a str,
    title: &'a str,
    learners_passing: usize,
    learners_graded: usize,
    percent: f64,
}

#[derive(Serialize)]
struct Failing<'a> {
    name: &'a str,
    day: Option<u32>,
    learners_failing: usize,
    learners_graded: usize,
    first_learner: &'a str,
    first_message: &'a str,
}

#[derive(Serialize)]
struct Unread<'a> {
    file: String,
    error: &'a str,
}

pub fn write(out: &mut dyn Write, class: &Class) -> Result<()> {
    let learners = class
        .learners
        .iter()
        .map(|l| {
            let (tests_passed, tests_total) = l.tests();
            Learner {
                learner: &l.learner,
                file: l.file.display().to_string(),
                graded_at: l
                    .graded_at
                    .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                status: if l.error.is_some() { "error" } else { "graded" },
                message: l.error.as_deref(),
                percent: l.percent(),
                tests_passed,
                tests_total,
                days_passed: l.days_passed(),
                days_graded: l.days.len(),
                days: l
                    .days
                    .iter()
                    .map(|d| Cell {
                        day: d.day,
                        status: kind(Some(d)),
                        tests_passed: d.passed,
                        tests_total: d.total,
                    })
                    .collect(),
            }
        })
        .collect();
    let document = Document {
        schema_version: SCHEMA_VERSION,
        course: &class.course,
        mean_percent: class.mean_percent(),
        learners,
        days: class
            .days
            .iter()
            .map(|d| Day {
                day: d.day,
                name: &d.name,
                title: &d.title,
                learners_passing: d.passing,
                learners_graded: d.graded,
                percent: d.percent,
            })
            .collect(),
        failing_tests: class
            .failing
            .iter()
            .map(|f| Failing {
                name: &f.name,
                day: f.day,
                learners_failing: f.learners,
                learners_graded: f.graded,
                first_learner: &f.first_learner,
                first_message: &f.first_message,
            })
            .collect(),
        unread: class
            .unread
            .iter()
            .map(|u| Unread {
                file: u.file.display().to_string(),
                error: &u.error,
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)?;
    Ok(())
}
