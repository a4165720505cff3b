//! `backlings next` and `backlings go DAY`: move through the sequence.

use std::process::ExitCode;

use anyhow::Result;

use crate::app::actions::Next;
use crate::app::{Access, App, messages};
use crate::ui::palette;

pub fn next() -> Result<ExitCode> {
    let mut app = App::open(Access::Write)?;
    match app.next() {
        Next::Moved(index) => announce(&app, index)?,
        Next::NotDone(current) => {
            let how = "`backlings run` shows what is left; `backlings go DAY` works on another day";
            eprintln!("{}", messages::not_done(&current, how));
            return Ok(ExitCode::FAILURE);
        }
        Next::AllDone => crate::outln!("{}", palette::good(&messages::all_done(&app.course)))?,
    }
    app.saved()?;
    Ok(ExitCode::SUCCESS)
}

pub fn go(day: &str) -> Result<ExitCode> {
    let mut app = App::open(Access::Write)?;
    let name = app.course.find(day)?.name.clone();
    let index = app.course.index_of(&name).unwrap_or_default();
    app.go(index);
    announce(&app, index)?;
    app.saved()?;
    Ok(ExitCode::SUCCESS)
}

fn announce(app: &App, index: usize) -> std::io::Result<()> {
    let exercise = &app.course.exercises[index];
    crate::outln!(
        "{} {}",
        palette::strong(&format!("Day {}:", exercise.day)),
        exercise.title
    )?;
    let lesson = app.course.exercise_dir(exercise).join("README.md");
    crate::outln!(
        "The lesson: {}",
        palette::link(&lesson, &format!("exercises/{}/README.md", exercise.name))
    )
}
