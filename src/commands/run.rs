//! `backlings run [DAY]`: build a day, run its tests, show the verdict, remember the result.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;

use crate::app::actions::Solution;
use crate::app::{Access, App, messages};
use crate::course::Exercise;
use crate::report;
use crate::runner::{self, RunOptions, Verdict};
use crate::ui::{self, palette};

/// With `json`, stdout carries the verdict as JSON and nothing else (and no colour).
pub fn run(day: Option<&str>, json: bool) -> Result<ExitCode> {
    let mut app = App::open(Access::Write)?;
    let exercise = app.pick(day)?;
    let spinner = indicatif::ProgressBar::new_spinner()
        .with_message(format!("building and testing {}", exercise.name));
    spinner.enable_steady_tick(Duration::from_millis(100));
    let shown = spinner.clone();
    let day = exercise.name.clone();
    let options = RunOptions {
        color: palette::enabled() && !json,
        on_progress: Some(Arc::new(move |built, total, name: &str| {
            shown.set_message(format!(
                "building {day}'s libraries for the first time: {} ({name})",
                crate::ui::text::crates_built(built, total)
            ));
        })),
        ..RunOptions::default()
    };
    let verdict = runner::run_exercise(&app.course, &exercise, &options);
    spinner.finish_and_clear();
    for notice in crate::runner::postgres::cluster::take_notices() {
        eprintln!("{} {notice}", palette::dim("note:"));
    }
    let verdict = verdict?;
    let mut out = std::io::stdout().lock();
    if json {
        report::verdict::write_json(&mut out, &app.course, &exercise, &verdict)?;
        app.record(&exercise, &verdict);
    } else {
        ui::verdict::render(&mut out, &app.course, &exercise, &verdict)?;
        record(&mut app, &exercise, &verdict, &mut out)?;
    }
    app.saved()?;
    Ok(if verdict.all_passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Saves the run in the progress file and tells the learner what a pass unlocks.
fn record(
    app: &mut App,
    exercise: &Exercise,
    verdict: &Verdict,
    out: &mut impl Write,
) -> Result<()> {
    let recorded = app.record(exercise, verdict);
    if !recorded.all_passed {
        return Ok(());
    }
    if recorded.newly_done {
        writeln!(out, "{}", palette::good(&messages::day_done(exercise)))?;
    }
    if let Solution::At(path) = app.solution(exercise)? {
        writeln!(
            out,
            "Compare with the solution: {}",
            palette::link(&path, &path.display().to_string())
        )?;
    }
    if recorded.course_done {
        writeln!(out, "\n{}", messages::all_done(&app.course))?;
    } else if recorded.is_current {
        writeln!(out, "Run `backlings next` to move on.")?;
    }
    Ok(())
}
