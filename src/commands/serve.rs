//! `backlings serve [DAY]`: run a day's service live (see `serve`).

use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::app::{Access, App};
use crate::serve::{self, Target};

pub fn serve(day: Option<&str>, port: Option<u16>, poll: bool) -> Result<ExitCode> {
    // Read-only: serving beside watch mode (in a second terminal) is the point.
    let app = App::open(Access::Read)?;
    let exercise = app.pick(day)?;
    let Some(declared) = &exercise.serve else {
        let served: Vec<String> = app
            .course
            .exercises
            .iter()
            .filter(|e| e.serve.is_some())
            .map(|e| e.day.to_string())
            .collect();
        if served.is_empty() {
            bail!(
                "`{}` has no service to run, and no day of this course has one",
                exercise.name
            );
        }
        bail!(
            "`{}` has no service to run; the days that build one are {}: e.g. `backlings serve {}`",
            exercise.name,
            served.join(", "),
            served[0]
        );
    };
    // Before the live screen: a missing or old Rust is one line and exit 2, not a loop of it.
    crate::runner::toolchain::ready(&app.course.root)?;
    let env = crate::runner::database_env(&app.course.root, &exercise)?;
    let target = Target {
        course: &app.course,
        exercise: &exercise,
        port: port.unwrap_or(declared.port),
        env,
    };
    serve::run(&target, poll)?;
    Ok(ExitCode::SUCCESS)
}
