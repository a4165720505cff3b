//! `backlings open [DAY]`: the day's first failure (or main file) in the learner's editor.

use std::process::ExitCode;

use anyhow::Result;

use crate::app::{Access, App, messages};
use crate::editor::{self, Kind};
use crate::runner;
use crate::ui::palette;

pub fn open(day: Option<&str>, editor_flag: Option<&str>) -> Result<ExitCode> {
    // Read-only: opening a file must work while watch mode holds the course.
    let app = App::open(Access::Read)?;
    let exercise = app.pick(day)?;
    let target = app.open_target(&exercise, None);
    let shown = messages::place(&app.course.root, &target);
    let launch = editor::choose(editor_flag, |name| std::env::var(name).ok())
        .and_then(|(command, from)| editor::launch(&command, from, &target));
    let Some(launch) = launch else {
        crate::outln!("{shown}")?;
        eprintln!("{} {}", palette::warn("note:"), messages::NO_EDITOR);
        return Ok(ExitCode::FAILURE);
    };
    runner::editor::run(&launch)?;
    if launch.kind == Kind::Window {
        eprintln!("Opened {shown} in `{}`.", launch.program);
    }
    Ok(ExitCode::SUCCESS)
}
