//! `backlings run --json`: one day's verdict for editor plugins and scripts. A test has the
//! fields of a test in the grading report (`name`, `status`, `message`, `output`) plus its
//! place and duration; a day that does not compile lists its errors instead.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use super::truncate;
use crate::course::{Course, Exercise};
use crate::runner::{Diagnostic, Location, Status, TestResult, Verdict};

/// Bumped when a field changes meaning or goes away (adding one does not bump it).
pub const SCHEMA_VERSION: u32 = 1;
/// Learner output kept per failing test.
const OUTPUT_LIMIT: usize = 4 * 1024;

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    course_root: String,
    day: u32,
    name: &'a str,
    title: &'a str,
    /// `pass`, `fail`, or `error` (does not compile).
    status: &'static str,
    tests_passed: usize,
    tests_total: usize,
    tests: Vec<Test<'a>>,
    compile_errors: Vec<CompileError<'a>>,
}

#[derive(Serialize)]
struct Test<'a> {
    name: &'a str,
    /// `pass`, `fail`, `error` (timed out) or `skipped` (ignored).
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Place>,
    duration_secs: f64,
}

#[derive(Serialize)]
struct CompileError<'a> {
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Place>,
    rendered: &'a str,
}

/// A place in the code, its file relative to the course root.
#[derive(Serialize)]
struct Place {
    file: String,
    line: u32,
    column: u32,
}

pub fn write_json(
    out: &mut dyn Write,
    course: &Course,
    exercise: &Exercise,
    verdict: &Verdict,
) -> Result<()> {
    let package = format!("exercises/{}", exercise.name);
    let place = |at: &Option<Location>| {
        at.as_ref().map(|at| {
            let at = at.in_course(&course.root, &package);
            Place {
                file: at.file,
                line: at.line,
                column: at.col,
            }
        })
    };
    let (tests_passed, tests_total) = verdict.score();
    let (tests, compile_errors) = match verdict {
        Verdict::Tested(tests) => (tests.iter().map(|t| test(t, &place)).collect(), Vec::new()),
        Verdict::CompileError(errors) => (
            Vec::new(),
            errors.iter().map(|e| compile_error(e, &place)).collect(),
        ),
    };
    let document = Document {
        schema_version: SCHEMA_VERSION,
        course_root: course.root.display().to_string(),
        day: exercise.day,
        name: &exercise.name,
        title: &exercise.title,
        status: match verdict {
            Verdict::CompileError(_) => "error",
            _ if verdict.all_passed() => "pass",
            _ => "fail",
        },
        tests_passed,
        tests_total,
        tests,
        compile_errors,
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)?;
    Ok(())
}

fn test<'a>(test: &'a TestResult, place: &impl Fn(&Option<Location>) -> Option<Place>) -> Test<'a> {
    let status = match test.status {
        Status::Passed => "pass",
        Status::Failed => "fail",
        Status::TimedOut(_) => "error",
        Status::Ignored => "skipped",
    };
    let failed = matches!(test.status, Status::Failed | Status::TimedOut(_));
    Test {
        name: &test.name,
        status,
        message: failed.then_some(test.message.as_str()),
        output: (failed && !test.output.is_empty()).then(|| truncate(&test.output, OUTPUT_LIMIT)),
        location: if failed { place(&test.location) } else { None },
        duration_secs: test.duration.as_secs_f64(),
    }
}

fn compile_error<'a>(
    error: &'a Diagnostic,
    place: &impl Fn(&Option<Location>) -> Option<Place>,
) -> CompileError<'a> {
    CompileError {
        message: &error.message,
        location: place(&error.location),
        rendered: &error.rendered,
    }
}
