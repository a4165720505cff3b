//! `backlings reset DAY`: ask, then restore the day's starter files (see `starter`).

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::app::{Access, App, messages};
use crate::course::Exercise;
use crate::ui::palette;

pub fn reset(day: &str, yes: bool) -> Result<ExitCode> {
    let mut app = App::open(Access::Write)?;
    let exercise = app.course.find(day)?.clone();
    if !yes && !confirm(&exercise)? {
        crate::outln!("Nothing was changed.")?;
        return Ok(ExitCode::FAILURE);
    }
    match app.reset(&exercise)? {
        Some(path) => crate::outln!("Your files were saved to `{}`.", path.display())?,
        None => crate::outln!("There were no files to back up.")?,
    }
    crate::outln!(
        "{} `{}` is back to its starter files.",
        palette::good("Reset:"),
        exercise.name
    )?;
    app.saved()?;
    Ok(ExitCode::SUCCESS)
}

fn confirm(exercise: &Exercise) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "`reset` asks for confirmation on a terminal; pass `--yes` to reset `{}` without asking",
            exercise.name
        );
    }
    crate::out!("{} ", messages::reset_question(exercise))?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}
