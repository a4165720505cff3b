//! `backlings hint [DAY] [--all]`: reveal hints one at a time, remembering how many.

use std::process::ExitCode;

use anyhow::Result;

use crate::app::{Access, App};
use crate::ui::palette;

pub fn hint(day: Option<&str>, all: bool) -> Result<ExitCode> {
    let mut app = App::open(Access::Write)?;
    let exercise = app.pick(day)?;
    let available = exercise.hints.len();
    if available == 0 {
        crate::outln!(
            "`{}` has no hints. Its lesson is `exercises/{}/README.md`.",
            exercise.name,
            exercise.name
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let already = app.progress.entry(&exercise.name).hints_shown;
    let shown = if all {
        (already..available).fold(already, |_, _| {
            app.progress.reveal_hint(&exercise.name, available)
        })
    } else {
        app.progress.reveal_hint(&exercise.name, available)
    };
    app.save()?;
    for (i, text) in exercise.hints.iter().enumerate().take(shown) {
        let label = format!("Hint {}/{available} for {}:", i + 1, exercise.name);
        crate::outln!("{}\n{}\n", palette::strong(&label), text.trim())?;
    }
    if shown == available && already == available {
        crate::outln!(
            "{}",
            palette::dim("That was the last hint. The lesson is in the day's README.md.")
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
