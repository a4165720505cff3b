//! The class summary for a terminal: each learner's score, the class's progress by day, and the
//! tests that fail most.

use std::io::Write;

use anyhow::Result;
use unicode_width::UnicodeWidthStr;

use super::{FAILING_SHOWN, cut, one_line, when};
use crate::class::Class;
use crate::report::printable;
use crate::ui::palette::Palette;

const NAME_WIDTH: usize = 24;
const TITLE_WIDTH: usize = 36;
const BAR: usize = 20;

pub fn write(out: &mut dyn Write, class: &Class, palette: Palette) -> Result<()> {
    let graded = class.learners.iter().filter_map(|l| l.graded_at);
    let span = match (graded.clone().min(), graded.max()) {
        (Some(first), Some(last)) if first != last => {
            format!(", graded {} to {}", when(Some(first)), when(Some(last)))
        }
        (Some(only), _) => format!(", graded {}", when(Some(only))),
        _ => String::new(),
    };
    writeln!(
        out,
        "{}: {} {}, mean score {}%{span}\n",
        palette.strong(&text(&class.course)),
        class.learners.len(),
        if class.learners.len() == 1 {
            "learner"
        } else {
            "learners"
        },
        class.mean_percent()
    )?;
    learners(out, class, palette)?;
    days(out, class)?;
    failing(out, class)?;
    if !class.unread.is_empty() {
        writeln!(
            out,
            "\n{} reports could not be read (see the warnings).",
            class.unread.len()
        )?;
    }
    Ok(())
}

fn learners(out: &mut dyn Write, class: &Class, palette: Palette) -> Result<()> {
    let width = class
        .learners
        .iter()
        .map(|l| name(&l.learner).width())
        .max()
        .unwrap_or(0)
        .max("Learner".len());
    writeln!(
        out,
        "{}",
        palette.strong(&format!(
            "{}  {:>6}  {:>5}  Last graded",
            pad("Learner", width),
            "Score",
            "Days"
        ))
    )?;
    for learner in &class.learners {
        let who = pad(&name(&learner.learner), width);
        match &learner.error {
            Some(error) => writeln!(
                out,
                "{who}  {:>6}  {:>5}  {}",
                palette.bad(" error"),
                "",
                one_line(&text(error), 60)
            )?,
            None => writeln!(
                out,
                "{who}  {:>5}%  {:>5}  {}",
                learner.percent(),
                format!("{}/{}", learner.days_passed(), learner.days.len()),
                when(learner.graded_at)
            )?,
        }
    }
    Ok(())
}

fn days(out: &mut dyn Write, class: &Class) -> Result<()> {
    if class.days.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nProgress by day (learners whose every test passes):")?;
    for day in &class.days {
        let filled = (day.passing * BAR).checked_div(day.graded).unwrap_or(0);
        writeln!(
            out,
            "  {:>2} {}  {:>3}/{:<3} {}{}  {}% of tests",
            day.day,
            pad(&cut(&text(&day.title), TITLE_WIDTH), TITLE_WIDTH),
            day.passing,
            day.graded,
            "█".repeat(filled),
            "·".repeat(BAR - filled),
            day.percent
        )?;
    }
    Ok(())
}

fn failing(out: &mut dyn Write, class: &Class) -> Result<()> {
    if class.failing.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nTests that fail most:")?;
    for test in class.failing.iter().take(FAILING_SHOWN) {
        writeln!(
            out,
            "  {:>3}/{:<3} {}\n          {}: {}",
            test.learners,
            test.graded,
            text(&test.name),
            name(&test.first_learner),
            one_line(&text(&test.first_message), 100)
        )?;
    }
    if class.failing.len() > FAILING_SHOWN {
        writeln!(
            out,
            "  ... and {} more (`--format json` lists them all)",
            class.failing.len() - FAILING_SHOWN
        )?;
    }
    Ok(())
}

/// Learner text safe for a terminal.
fn text(raw: &str) -> String {
    printable(raw)
}

fn name(raw: &str) -> String {
    cut(&one_line(&text(raw), NAME_WIDTH), NAME_WIDTH)
}

/// `text` padded with spaces to `width` columns.
fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}
