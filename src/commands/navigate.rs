//! `backlings next` and `backlings go DAY`: move through the sequence.

use std::process::ExitCode;

use anyhow::Result;

use crate::app::{Access, App};
use crate::ui::palette;

pub fn next() -> Result<ExitCode> {
    let mut app = App::open(Access::Write)?;
    let current = app.current().clone();
    if !app.progress.is_done(&current.name) {
        eprintln!(
            "`{}` is not done yet: `backlings run` shows what is left. To work on another day, \
             use `backlings go DAY`.",
            current.name
        );
        return Ok(ExitCode::FAILURE);
    }
    let Some(index) = app.progress.next_pending(&app.course) else {
        crate::outln!("{}", palette::good("Every day is done."))?;
        crate::outln!("{}", app.course.final_message.trim())?;
        return Ok(ExitCode::SUCCESS);
    };
    let next = app.course.exercises[index].clone();
    app.progress.set_current(&next.name);
    app.save()?;
    announce(&app, &next.name)?;
    Ok(ExitCode::SUCCESS)
}

pub fn go(day: &str) -> Result<ExitCode> {
    let mut app = App::open(Access::Write)?;
    let exercise = app.course.find(day)?.clone();
    app.progress.set_current(&exercise.name);
    app.save()?;
    announce(&app, &exercise.name)?;
    Ok(ExitCode::SUCCESS)
}

fn announce(app: &App, name: &str) -> std::io::Result<()> {
    let Some(exercise) = app.course.exercises.iter().find(|e| e.name == name) else {
        return Ok(());
    };
    crate::outln!(
        "{} {}",
        palette::strong(&format!("Day {}:", exercise.day)),
        exercise.title
    )?;
    let lesson = app.course.exercise_dir(exercise).join("README.md");
    crate::outln!(
        "The lesson: {}",
        palette::link(&lesson, &format!("exercises/{name}/README.md"))
    )
}
