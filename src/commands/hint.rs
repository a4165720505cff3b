//! `backlings hint [DAY] [--all]`: reveal hints one at a time, remembering how many.

use std::process::ExitCode;

use anyhow::Result;

use crate::app::actions::Hints;
use crate::app::{Access, App, messages};
use crate::ui::palette;

pub fn hint(day: Option<&str>, all: bool) -> Result<ExitCode> {
    let mut app = App::open(Access::Write)?;
    let exercise = app.pick(day)?;
    let Hints::Revealed {
        shown,
        total,
        exhausted,
    } = app.reveal_hint(&exercise, all)
    else {
        crate::outln!("{}", messages::no_hints(&exercise))?;
        return Ok(ExitCode::SUCCESS);
    };
    for (i, text) in exercise.hints.iter().enumerate().take(shown) {
        let label = format!("Hint {}/{total} for {}:", i + 1, exercise.name);
        crate::outln!("{}\n{}\n", palette::strong(&label), text.trim())?;
    }
    if exhausted {
        crate::outln!(
            "{}",
            palette::dim("That was the last hint. The lesson is in the day's README.md.")
        )?;
    }
    app.saved()?;
    Ok(ExitCode::SUCCESS)
}
