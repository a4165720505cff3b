//! `backlings dev check`: every rule is a small function that pushes what it finds, so one run
//! reports every problem in the course, not just the first.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use indicatif::ProgressBar;
use toml::Table;

use super::listing::{self, Day};
use super::{Problem, build, manifest};
use crate::course::INFO_FILE;
use info::{hints_are_present, info_is_valid, no_placeholders_left};
use layout::{
    exercise_has_a_lesson, exercise_has_tests, listed_days_exist, nothing_unlisted,
    solution_tests_are_identical,
};
use manifests::{
    dependencies_come_from_the_workspace, manifests_match, root_manifest, workspace_has_every_day,
};

mod info;
mod layout;
mod manifests;

/// Where CONTRIBUTING.md tells how; named in fixes that need more than one line.
const GUIDE: &str = "CONTRIBUTING.md";

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

/// The course under check: its root, `info.toml`, the days listed there, the root manifest.
pub struct Subject {
    pub root: PathBuf,
    pub days: Vec<Day>,
    /// `None` when the root `Cargo.toml` is missing or does not parse (a problem of its own).
    pub workspace: Option<Table>,
}

impl Subject {
    pub fn read(&self, relative: &str) -> Option<String> {
        std::fs::read_to_string(self.root.join(relative)).ok()
    }

    pub fn manifest(&self, relative: &str) -> Option<Table> {
        self.read(relative)?.parse().ok()
    }

    pub fn is_member(&self, path: &str) -> bool {
        self.workspace
            .as_ref()
            .is_some_and(|w| manifest::is_member(w, path))
    }
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
        exercise_has_tests(subject, day, problems);
        solution_tests_are_identical(subject, day, problems);
        manifests_match(subject, day, problems);
        dependencies_come_from_the_workspace(subject, day, problems);
    }
}

pub fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

pub fn backticked(names: &[impl AsRef<str>]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{}`", n.as_ref())).collect();
    quoted.join(", ")
}
