//! `backlings dev check`: every rule is a small function that pushes what it finds, so one run
//! reports every problem in the course, not just the first.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use indicatif::ProgressBar;

use super::subject::Subject;
use super::{Problem, build, listing};
use crate::course::INFO_FILE;
use info::{hints_are_present, info_is_valid, no_placeholders_left};
use layout::{
    exercise_has_a_lesson, exercise_has_tests, listed_days_exist, nothing_unlisted,
    servable_days_have_a_program, solution_tests_are_identical,
};
use manifests::{
    dependencies_come_from_the_workspace, manifests_match, root_manifest, workspace_has_every_day,
};

mod info;
mod layout;
mod links;
mod manifests;

/// What to check.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Build the days: exercises fail as shipped, solutions pass, fmt and clippy are clean.
    pub build: bool,
}

/// The result of a check.
#[derive(Debug)]
pub struct Checked {
    pub root: PathBuf,
    pub days: usize,
    pub built: bool,
    pub problems: Vec<Problem>,
}

/// Checks the course at `root`. An error means it could not be checked at all.
pub fn check(root: &Path, options: Options, bar: &ProgressBar) -> Result<Checked> {
    let root = std::fs::canonicalize(root)
        .with_context(|| format!("cannot open the course directory `{}`", root.display()))?;
    let info = root.join(INFO_FILE);
    if !info.is_file() {
        bail!(
            "`{}` has no `{INFO_FILE}`, so it is not a course: pass the course directory \
             (`backlings dev check path/to/course`) or create one with `backlings dev new`",
            root.display()
        );
    }
    let text = std::fs::read_to_string(&info)
        .with_context(|| format!("cannot read `{}`", info.display()))?;
    let mut problems = Vec::new();
    info_is_valid(&text, &mut problems);
    // Without a readable list of days every directory would look unlisted: stop at the
    // problem that says why.
    let Some(days) = listing::read(&text) else {
        return Ok(Checked {
            root,
            days: 0,
            built: false,
            problems,
        });
    };
    let subject = Subject {
        workspace: root_manifest(&root, &mut problems),
        root,
        days,
    };
    check_files(&subject, &mut problems);
    if options.build && !subject.days.is_empty() {
        build::check(&subject, bar, &mut problems)?;
    }
    Ok(Checked {
        days: subject.days.len(),
        root: subject.root,
        built: options.build,
        problems,
    })
}

/// The rules that only read files, in the order their problems are reported.
fn check_files(subject: &Subject, problems: &mut Vec<Problem>) {
    hints_are_present(subject, problems);
    no_placeholders_left(subject, problems);
    workspace_has_every_day(subject, problems);
    listed_days_exist(subject, problems);
    nothing_unlisted(subject, problems);
    for day in &subject.days {
        exercise_has_a_lesson(subject, day, problems);
        links::lesson_links_its_sources(subject, day, problems);
        servable_days_have_a_program(subject, day, problems);
        exercise_has_tests(subject, day, problems);
        solution_tests_are_identical(subject, day, problems);
        manifests_match(subject, day, problems);
        dependencies_come_from_the_workspace(subject, day, problems);
    }
}
