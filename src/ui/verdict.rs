//! Rendering a day's verdict: each test, the first failure in full, and the summary line.

use std::io::{self, Write};

use super::palette;
use super::text::plural;
use crate::course::{Course, Exercise};
use crate::runner::{Diagnostic, Location, Status, TestResult, Verdict};

/// Learner output shown under the first failure, at most this many lines.
const OUTPUT_LINES: usize = 40;

pub fn render(
    out: &mut impl Write,
    course: &Course,
    exercise: &Exercise,
    verdict: &Verdict,
) -> io::Result<()> {
    let total_days = course.exercises.len();
    writeln!(
        out,
        "{} {} {}",
        palette::strong(&format!("Day {} of {total_days}:", exercise.day)),
        exercise.title,
        palette::dim(&format!("({})", exercise.name))
    )?;
    match verdict {
        Verdict::CompileError(errors) => render_errors(out, course, errors)?,
        Verdict::Tested(tests) => render_tests(out, course, exercise, tests)?,
    }
    writeln!(out, "{}", summary(exercise, verdict))
}

/// `day05_axum: 4/7 tests passing`, or why there is no count.
pub fn summary(exercise: &Exercise, verdict: &Verdict) -> String {
    let (passed, total) = verdict.score();
    let text = match verdict {
        Verdict::CompileError(errors) => {
            let n = errors.len();
            format!(
                "{}: does not compile ({})",
                exercise.name,
                plural(n, "error", "errors")
            )
        }
        Verdict::Tested(_) if total == 0 => format!("{}: no tests found", exercise.name),
        Verdict::Tested(_) => format!("{}: {passed}/{total} tests passing", exercise.name),
    };
    if verdict.all_passed() {
        palette::good(&text).to_string()
    } else {
        palette::bad(&text).to_string()
    }
}

fn render_errors(out: &mut impl Write, course: &Course, errors: &[Diagnostic]) -> io::Result<()> {
    writeln!(out)?;
    for error in errors {
        if let Some(at) = &error.location {
            writeln!(
                out,
                "{}: {} {}",
                location(course, at),
                palette::bad("error:"),
                error.message
            )?;
        }
    }
    for error in errors {
        writeln!(out, "\n{}", error.rendered.trim_end())?;
    }
    writeln!(out)
}

fn render_tests(
    out: &mut impl Write,
    course: &Course,
    exercise: &Exercise,
    tests: &[TestResult],
) -> io::Result<()> {
    writeln!(out)?;
    for test in tests {
        let (mark, note) = match &test.status {
            Status::Passed => (palette::good("✓"), slow_note(test)),
            Status::Failed => (palette::bad("✗"), slow_note(test)),
            Status::TimedOut(after) => (
                palette::bad("⏱"),
                format!("  timed out after {} s", after.as_secs_f32()),
            ),
            Status::Ignored => (palette::dim("-"), "  ignored".to_string()),
        };
        writeln!(out, "  {mark} {}{}", test.name, palette::dim(&note))?;
    }
    if let Some(first) = tests
        .iter()
        .find(|t| matches!(t.status, Status::Failed | Status::TimedOut(_)))
    {
        render_failure(out, course, exercise, first)?;
    }
    writeln!(out)
}

fn render_failure(
    out: &mut impl Write,
    course: &Course,
    exercise: &Exercise,
    test: &TestResult,
) -> io::Result<()> {
    writeln!(
        out,
        "\n{} {}",
        palette::bad("First failure:"),
        palette::strong(&test.name)
    )?;
    if let Some(at) = &test.location {
        let package = format!("exercises/{}", exercise.name);
        let from_root = at.in_course(&course.root, &package);
        writeln!(out, "  at {}", location(course, &from_root))?;
    }
    for line in test.message.lines() {
        writeln!(out, "  {line}")?;
    }
    let output = learner_output(test);
    if !output.trim().is_empty() {
        writeln!(out, "{}", palette::dim("  Output:"))?;
        let lines: Vec<&str> = output.lines().collect();
        let half = OUTPUT_LINES / 2;
        let bar = palette::dim("|");
        let skipped = lines.len().saturating_sub(OUTPUT_LINES);
        for (i, line) in lines.iter().enumerate() {
            if skipped > 0 && i == half {
                writeln!(
                    out,
                    "  {bar} {}",
                    palette::dim(&format!("... {skipped} lines not shown ..."))
                )?;
            }
            if skipped == 0 || i < half || i >= half + skipped {
                writeln!(out, "  {bar} {line}")?;
            }
        }
    }
    Ok(())
}

/// The captured output without the panic block already shown as the message.
fn learner_output(test: &TestResult) -> String {
    let cut = test
        .output
        .find("\nthread '")
        .or_else(|| test.output.starts_with("thread '").then_some(0));
    let before = cut.map_or(test.output.as_str(), |i| &test.output[..i]);
    before.trim_matches('\n').to_string()
}

/// A test slower than a second says so: slow tests are worth knowing about in a server course.
fn slow_note(test: &TestResult) -> String {
    let secs = test.duration.as_secs_f32();
    if secs >= 1.0 {
        format!("  ({secs:.1} s)")
    } else {
        String::new()
    }
}

/// `path:line:col`, clickable where the terminal allows.
pub fn location(course: &Course, at: &Location) -> String {
    let text = format!("{}:{}:{}", at.file, at.line, at.col);
    palette::link(&course.root.join(&at.file), &text)
}
