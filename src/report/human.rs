//! The report a person reads in a CI log or a terminal: a line per day, the first failure of
//! each failing day, protected files changed, and the score.

use std::io::Write;

use anyhow::Result;

use super::{TestStatus, rows};
use crate::grade::{DayResult, Missing, Outcome, Report};
use crate::ui::palette::Palette;

/// Writes the report in `palette`'s colours (plain for a file).
pub fn write(out: &mut dyn Write, report: &Report, palette: Palette) -> Result<()> {
    writeln!(
        out,
        "{}\n{}\n",
        palette.strong(&report.course_title),
        palette.dim(&format!("graded against the {} course", report.origin))
    )?;
    for day in &report.days {
        write_day(out, day, palette)?;
    }
    if !report.changed.is_empty() {
        writeln!(
            out,
            "\n{} (grading used the course's copies, so these change nothing):",
            palette.warn("Protected files changed")
        )?;
        for changed in &report.changed {
            writeln!(out, "  {} {}", changed.change.as_str(), changed.path)?;
        }
    }
    let (passed, total) = report.tests();
    let (days_passed, days) = report.days_passed();
    writeln!(
        out,
        "\nScore: {}% ({passed}/{total} tests; {days_passed}/{days} days pass) in {:.1} s",
        report.percent(),
        report.duration.as_secs_f64()
    )?;
    Ok(())
}

fn write_day(out: &mut dyn Write, day: &DayResult, palette: Palette) -> Result<()> {
    let (passed, total) = day.score();
    let mark = if day.passed() {
        palette.good("✓")
    } else {
        palette.bad("✗")
    };
    write!(
        out,
        "{mark} day {:>2} {:<28} {passed}/{total}",
        day.day, day.name
    )?;
    match &day.outcome {
        Outcome::CompileError { .. } => writeln!(out, "  {}", palette.bad("does not compile"))?,
        Outcome::Tested(_) => writeln!(out)?,
    }
    if let Some(missing) = &day.missing {
        writeln!(out, "      {}", palette.dim(missing_note(missing)))?;
    }
    if day.passed() {
        return Ok(());
    }
    let rows = rows(day);
    if let Some(first) = rows.iter().find(|r| r.status != TestStatus::Pass) {
        let place = first
            .place
            .as_ref()
            .map(|(file, line)| format!(" ({file}:{line})"))
            .unwrap_or_default();
        let message = first.message.lines().next().unwrap_or_default();
        writeln!(out, "      {}: {message}{place}", first.name)?;
    }
    Ok(())
}

/// Why a day's own code was not graded.
pub fn missing_note(missing: &Missing) -> &'static str {
    match missing {
        Missing::NoSource => {
            "no `src/lib.rs` or `src/main.rs` in the submission: the starter code was graded"
        }
        Missing::TooLarge => "`src/` is over 8 MiB: the starter code was graded",
    }
}
