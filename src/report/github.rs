//! GitHub Actions output: `::error` annotations for failing tests (GitHub keeps ten per step),
//! learner output in groups fenced with `::stop-commands::` so it cannot issue workflow
//! commands, a `Points X/Y` notice as GitHub Classroom reads it, and a Markdown step summary.
//! Nothing from the learner reaches the log raw: escape sequences and control bytes (a NUL, a
//! bell, a carriage return that would overwrite a line) are taken out first.

use std::fmt::Write as _;
use std::hash::{BuildHasher, Hasher};
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};

use super::{Row, TestStatus, printable, rows, truncate};
use crate::grade::{DayResult, DayStatus, Outcome, Report};

/// GitHub shows at most ten error annotations per step.
const ANNOTATIONS: usize = 10;
/// Learner output kept per failing test in the log.
const OUTPUT_LIMIT: usize = 4 * 1024;

/// Writes the workflow commands. `token` fences learner output; it must be unguessable.
pub fn write(out: &mut dyn Write, report: &Report, token: &str) -> Result<()> {
    let failing: Vec<(&DayResult, Row<'_>)> = report
        .days
        .iter()
        .flat_map(|day| rows(day).into_iter().map(move |row| (day, row)))
        .filter(|(_, row)| matches!(row.status, TestStatus::Fail | TestStatus::Error))
        .collect();
    for (day, row) in failing.iter().take(ANNOTATIONS) {
        writeln!(out, "{}", annotation(day, row))?;
    }
    if failing.len() > ANNOTATIONS {
        writeln!(
            out,
            "::warning title=backlings::{} more failing tests are not annotated (GitHub keeps ten per step); the step summary lists every day",
            failing.len() - ANNOTATIONS
        )?;
    }
    for day in &report.days {
        write_output_group(out, day, token)?;
    }
    for changed in &report.changed {
        writeln!(
            out,
            "::warning file={},title={}::{}",
            property(&changed.path),
            property("protected file changed"),
            data(&format!(
                "`{}` was {}; grading used the course's copy",
                changed.path,
                changed.change.as_str()
            ))
        )?;
    }
    let (passed, total) = report.tests();
    writeln!(out, "::notice title=Points::Points {passed}/{total}")?;
    Ok(())
}

fn annotation(day: &DayResult, row: &Row<'_>) -> String {
    let mut line = String::from("::error ");
    if let Some((file, number)) = &row.place {
        let _ = write!(line, "file={},line={number},", property(file));
    }
    let title = format!("{}: {}", day.name, row.name);
    let _ = write!(line, "title={}::{}", property(&title), data(&row.message));
    line
}

/// A day's failing tests with what they printed, in a collapsed group.
fn write_output_group(out: &mut dyn Write, day: &DayResult, token: &str) -> Result<()> {
    let rows = rows(day);
    let failing: Vec<&Row<'_>> = rows
        .iter()
        .filter(|r| matches!(r.status, TestStatus::Fail | TestStatus::Error))
        .collect();
    if failing.is_empty() {
        return Ok(());
    }
    let (passed, total) = day.score();
    writeln!(
        out,
        "::group::{}",
        data(&format!("{}: {passed}/{total} tests pass", day.name))
    )?;
    writeln!(out, "::stop-commands::{token}")?;
    if let Outcome::CompileError { diagnostics, .. } = &day.outcome {
        for diagnostic in diagnostics {
            writeln!(out, "{}", printable(&diagnostic.rendered))?;
        }
    } else {
        for row in failing {
            writeln!(
                out,
                "--- {} ---\n{}",
                printable(row.name),
                printable(&row.message)
            )?;
            if !row.output.is_empty() {
                let output = truncate(row.output, OUTPUT_LIMIT);
                writeln!(out, "{}", printable(&output).trim_end())?;
            }
        }
    }
    writeln!(out, "::{token}::")?;
    writeln!(out, "::endgroup::")?;
    Ok(())
}

/// The Markdown appended to `$GITHUB_STEP_SUMMARY`.
pub fn summary(report: &Report) -> String {
    let (passed, total) = report.tests();
    let (days_passed, days) = report.days_passed();
    let mut md = format!(
        "## backlings: {}\n\n**{}%**: {passed}/{total} tests and {days_passed}/{days} days pass.\n\n\
         | Day | Project | Tests | Result |\n|---:|---|---:|---|\n",
        markdown(&report.course_title),
        report.percent()
    );
    for day in &report.days {
        let (passed, total) = day.score();
        let result = match day.status() {
            DayStatus::CompileError => "❌ does not compile",
            DayStatus::Pass => "✅ pass",
            DayStatus::Fail => "❌ fail",
        };
        let _ = writeln!(
            md,
            "| {} | {} | {passed}/{total} | {result} |",
            day.day,
            markdown(&day.title)
        );
    }
    if !report.changed.is_empty() {
        md.push_str("\n**Protected files changed** (grading used the course's copies):\n\n");
        for changed in &report.changed {
            let _ = writeln!(
                md,
                "- `{}` {}",
                printable(&changed.path).replace(['`', '\n'], "'"),
                changed.change.as_str()
            );
        }
    }
    md
}

/// Appends the summary to the file `$GITHUB_STEP_SUMMARY` names, when it is set (in Actions).
pub fn append_step_summary(report: &Report) -> Result<()> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") else {
        return Ok(());
    };
    let path = PathBuf::from(path);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .with_context(|| format!("cannot open the step summary `{}`", path.display()))?;
    file.write_all(summary(report).as_bytes())
        .with_context(|| format!("cannot write the step summary `{}`", path.display()))
}

/// A token learner output cannot predict, to fence it with `::stop-commands::`.
pub fn stop_token() -> String {
    let mut token = String::from("backlings-");
    for _ in 0..2 {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        hasher.write_u128(now.map_or(0, |d| d.as_nanos()));
        token.push_str(&format!("{:016x}", hasher.finish()));
    }
    token
}

/// Escapes a workflow command's message.
fn data(text: &str) -> String {
    printable(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Text safe in a Markdown table cell.
fn markdown(text: &str) -> String {
    printable(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_messages_and_properties() {
        assert_eq!(data("50%\r\nnext ::error::x"), "50%25%0Anext ::error::x");
        assert_eq!(property("a:b,c\nd"), "a%3Ab%2Cc%0Ad");
        assert_eq!(markdown("a|b <i>\nc"), "a\\|b &lt;i&gt; c");
    }

    #[test]
    fn commands_never_carry_control_bytes() {
        assert_eq!(data("a\0\r\n::x"), "a%0A::x");
        assert_eq!(property("p\0:q"), "p%3Aq");
    }

    #[test]
    fn stop_tokens_differ() {
        assert_ne!(stop_token(), stop_token());
    }
}
