//! The class report in its three forms: a summary for a terminal, JSON for tools, and a
//! self-contained HTML page for teachers. Learner text (names, messages) is never trusted: it is
//! stripped of control bytes everywhere and escaped in the page.

mod html;
mod json;
mod text;

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::dispatch::{Destination, to};
use crate::class::{Class, DayCell, DayStatus};
use crate::cli::ClassFormat;

/// Writes the class in `format`; colour only for a summary on a stdout that takes it.
/// `generated` is the time the page says it was made.
pub fn write(
    format: ClassFormat,
    destination: &Destination,
    class: &Class,
    generated: DateTime<Utc>,
) -> Result<()> {
    to(destination, |out, palette| match format {
        ClassFormat::Text => text::write(out, class, palette),
        ClassFormat::Json => json::write(out, class),
        ClassFormat::Html => html::write(out, class, generated),
    })
}

/// How many failing tests the text and the page list (the JSON lists them all).
const FAILING_SHOWN: usize = 15;

/// `2026-11-24 09:30 UTC`, or a dash for a grade time nobody knows.
fn when(time: Option<DateTime<Utc>>) -> String {
    time.map_or_else(
        || "-".to_string(),
        |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

/// A cell's kind, as the page colours it and the JSON names it.
fn kind(cell: Option<&DayCell>) -> &'static str {
    match cell {
        None => "none",
        Some(cell) => match cell.status {
            DayStatus::Pass => "pass",
            DayStatus::CompileError => "error",
            DayStatus::Fail if cell.passed > 0 => "part",
            DayStatus::Fail => "fail",
        },
    }
}

/// At most `max` characters of the first lines of `text`, on one line.
fn one_line(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    cut(&flat, max)
}

/// `text` cut to `max` characters, with an ellipsis when it was longer.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{kept}…")
}
