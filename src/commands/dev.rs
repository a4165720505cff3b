//! `backlings dev check | new | add`: the contributor tools in `src/dev/`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::DevCommand;
use crate::course::Course;
use crate::dev::{self, check, report};
use crate::ui::palette;

pub fn dev(command: DevCommand) -> Result<ExitCode> {
    match command {
        DevCommand::Check {
            course,
            json,
            no_build,
        } => check(course, json, no_build),
        DevCommand::New { dir } => new(&dir),
        DevCommand::Add { name, title } => add(&name, title.as_deref()),
    }
}

/// Exit 0 when clean, 1 with problems; an error (exit 2) when the course cannot be checked.
fn check(course: Option<PathBuf>, json: bool, no_build: bool) -> Result<ExitCode> {
    let root = match course {
        Some(dir) => dir,
        None => Course::discover(&current_dir()?)?,
    };
    let bar = progress_bar(json);
    let options = check::Options { build: !no_build };
    let checked = check::check(&root, options, &bar);
    bar.finish_and_clear();
    let checked = checked?;
    let mut out = std::io::stdout().lock();
    if json {
        report::json(&mut out, &checked)
    } else {
        report::render(&mut out, &checked)
    }
    .context("cannot write the report")?;
    Ok(if checked.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// A bar on a terminal only; JSON output is for tools, which get none.
fn progress_bar(json: bool) -> ProgressBar {
    if json || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let style = ProgressStyle::with_template("{msg:50!} [{bar:30}] {pos}/{len} steps, {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    let bar = ProgressBar::new(0).with_style(style);
    bar.set_message("checking files");
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

fn new(dir: &Path) -> Result<ExitCode> {
    dev::new::create(dir)?;
    crate::outln!(
        "{} a new course in `{}` with one example day.\n\n\
         Next:\n\n    cd {}\n    backlings dev check          # it passes as written\n    \
         backlings dev add day02_next --title \"...\"\n",
        palette::good("Created"),
        dir.display(),
        dir.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

fn add(name: &str, title: Option<&str>) -> Result<ExitCode> {
    let root = Course::discover(&current_dir()?)?;
    let added = dev::add::add(&root, name, title)?;
    crate::outln!(
        "{} day {} `{name}`: `{}` and `{}`, and its entry in `info.toml`.\n\n\
         Write the lesson, the tests, the starter code and the solution, replace every `TODO`,\n\
         then run `backlings dev check` (CONTRIBUTING.md has the checklist).",
        palette::good("Added"),
        added.day,
        added.exercise,
        added.solution
    )?;
    Ok(ExitCode::SUCCESS)
}

fn current_dir() -> Result<PathBuf> {
    std::env::current_dir().context("cannot read the current directory")
}
