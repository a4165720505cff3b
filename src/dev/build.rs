//! The rules that need cargo: every exercise compiles as shipped and none of its tests passes;
//! every solution passes every test and is clean under rustfmt and clippy.
//!
//! All exercises build in one cargo invocation, then all solutions in another: one workspace,
//! one lock file and one target directory, so the solutions reuse the dependency build.

use std::sync::Arc;

use anyhow::Result;
use indicatif::ProgressBar;

use super::listing::Day;
use super::subject::Subject;
use super::{Problem, tools};
use crate::runner::cargo::{self, Build, BuildOptions};
use crate::runner::{self, Diagnostic, RunOptions, TestResult, Verdict};
use crate::ui::text::{backticked, plural};

/// How many passing test names to show before "and N more".
const NAMES_SHOWN: usize = 5;

/// The packages of one kind: (directory name = day name, package name).
struct Packages<'a> {
    kind: &'static str,
    list: Vec<(&'a Day, String)>,
}

pub fn check(subject: &Subject, bar: &ProgressBar, problems: &mut Vec<Problem>) -> Result<()> {
    tools::require(&subject.root)?;
    let exercises = buildable(subject, "exercises", "");
    let solutions = buildable(subject, "solutions", "_solution");
    bar.set_length((exercises.list.len() + solutions.list.len() + 4) as u64);
    let built = build_all(subject, &exercises, bar)?;
    for (day, _) in &exercises.list {
        let verdict = test(subject, &built, &exercises, day, bar)?;
        exercise_fails_as_shipped(day, &verdict, problems);
    }
    let built = build_all(subject, &solutions, bar)?;
    let mut compiled = Vec::new();
    for (day, package) in &solutions.list {
        let verdict = test(subject, &built, &solutions, day, bar)?;
        if solution_passes(day, &verdict, problems) {
            compiled.push(package.as_str());
        }
    }
    bar.set_message("starting the solutions' services");
    let passing: Vec<(&Day, &str)> = solutions
        .list
        .iter()
        .filter(|(_, package)| compiled.contains(&package.as_str()))
        .map(|(day, package)| (*day, package.as_str()))
        .collect();
    super::serving::solutions_listen(subject, &passing, problems)?;
    bar.set_message("the support crate's own tests");
    let mut env = Vec::new();
    if let Some(day) = subject.days.iter().find(|d| d.postgres) {
        let url = runner::postgres::database_url(&subject.root, &day.name)?;
        env.push(("DATABASE_URL".to_string(), url));
    }
    problems.extend(tools::support_tests(&subject.root, &env)?);
    bar.set_message("cargo fmt --check on the solutions");
    problems.extend(tools::fmt(&subject.root, &compiled)?);
    bar.inc(1);
    bar.set_message("cargo clippy on the solutions");
    problems.extend(tools::clippy(&subject.root, &compiled)?);
    bar.inc(1);
    Ok(())
}

/// The days of one kind that cargo can be asked for by name: a workspace member whose manifest
/// names the package as expected (the file rules report the others).
fn buildable<'a>(subject: &'a Subject, kind: &'static str, suffix: &str) -> Packages<'a> {
    let list = subject
        .days
        .iter()
        .filter(|day| subject.is_member(&format!("{kind}/{}", day.name)))
        .filter_map(|day| {
            let package = format!("{}{suffix}", day.name);
            let manifest = subject.manifest(&format!("{kind}/{}/Cargo.toml", day.name))?;
            (super::manifest::package_name(&manifest) == Some(package.as_str()))
                .then_some((day, package))
        })
        .collect();
    Packages { kind, list }
}

/// Builds every package, once more for those a failing one stopped cargo from building (cargo
/// stops scheduling work at the first compile error), until each has executables or errors.
fn build_all(subject: &Subject, packages: &Packages, bar: &ProgressBar) -> Result<Build> {
    bar.set_message(format!("building the {}", packages.kind));
    let shown = bar.clone();
    let kind = packages.kind;
    let options = BuildOptions {
        on_artifact: Some(Arc::new(move |name: &str| {
            shown.set_message(format!("building the {kind}: {name}"));
        })),
        ..BuildOptions::default()
    };
    let mut merged = Build::default();
    let mut pending: Vec<(&str, &str)> = packages
        .list
        .iter()
        .map(|(day, package)| (day.name.as_str(), package.as_str()))
        .collect();
    while !pending.is_empty() {
        let names: Vec<&str> = pending.iter().map(|(_, package)| *package).collect();
        let build = cargo::build_tests(&subject.root, &names, &options)?;
        let known = merged.executables.len() + merged.errors.len();
        merged.executables.extend(build.executables);
        merged.errors.extend(build.errors);
        merged.stderr = build.stderr;
        merged.exit = build.exit;
        // `Build` is keyed by directory, which is the day's name for both kinds.
        pending.retain(|(day, _)| {
            !merged.executables.contains_key(*day) && !merged.errors.contains_key(*day)
        });
        if merged.executables.len() + merged.errors.len() == known {
            break;
        }
    }
    bar.inc(1);
    Ok(merged)
}

fn test(
    subject: &Subject,
    build: &Build,
    packages: &Packages,
    day: &Day,
    bar: &ProgressBar,
) -> Result<Verdict> {
    bar.set_message(format!("testing {}/{}", packages.kind, day.name));
    let dir = subject.root.join(packages.kind).join(&day.name);
    let mut options = RunOptions::default();
    if day.postgres {
        let url = runner::postgres::database_url(&subject.root, &day.name)?;
        options.env.push(("DATABASE_URL".to_string(), url));
    }
    let verdict = runner::test_built(build, &day.name, &dir, day.timeout, &options);
    bar.inc(1);
    verdict
}

fn exercise_fails_as_shipped(day: &Day, verdict: &Verdict, problems: &mut Vec<Problem>) {
    let tests = match verdict {
        Verdict::CompileError(errors) => {
            problems.push(does_not_compile("exercises", day, errors));
            return;
        }
        Verdict::Tested(tests) => tests,
    };
    let passing: Vec<&str> = tests
        .iter()
        .filter(|t| t.passed())
        .map(|t| t.name.as_str())
        .collect();
    if passing.is_empty() || day.starter_may_pass {
        return;
    }
    problems.push(Problem::new(
        format!("exercises/{}", day.name),
        format!(
            "{} pass as shipped: {}",
            share(passing.len(), tests.len()),
            first_names(&passing)
        ),
        format!(
            "leave the learner's part as `todo!()` so every test fails until solved, or, for an \
             introductory day, set `starter_may_pass = \"<reason>\"` on `{}` in `info.toml`",
            day.name
        ),
    ));
}

/// Reports what fails; true when the solution built (so fmt and clippy can look at it).
fn solution_passes(day: &Day, verdict: &Verdict, problems: &mut Vec<Problem>) -> bool {
    let tests = match verdict {
        Verdict::CompileError(errors) => {
            problems.push(does_not_compile("solutions", day, errors));
            return false;
        }
        Verdict::Tested(tests) => tests,
    };
    for test in tests.iter().filter(|t| !t.passed()) {
        problems.push(failing_test(day, test));
    }
    true
}

fn failing_test(day: &Day, test: &TestResult) -> Problem {
    // An assertion's first three lines: the assertion, then its left and right values.
    let lines: Vec<&str> = test
        .message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let reason = match lines.len() {
        0 => "it failed".to_string(),
        n => lines[..n.min(3)].join(", "),
    };
    let (file, at) = match &test.location {
        Some(l) => (l.file.clone(), Some((l.line as usize, l.col as usize))),
        None => (format!("solutions/{}", day.name), None),
    };
    Problem::new(
        file,
        format!(
            "test `{}` fails with the solution of `{}`: {reason}",
            test.name, day.name
        ),
        format!(
            "fix the solution; `cargo test -p {}_solution` shows it in full",
            day.name
        ),
    )
    .at(at)
}

fn does_not_compile(kind: &str, day: &Day, errors: &[Diagnostic]) -> Problem {
    let first = errors.first();
    let (file, at) = match first.and_then(|d| d.location.as_ref()) {
        Some(l) => (l.file.clone(), Some((l.line as usize, l.col as usize))),
        None => (format!("{kind}/{}/Cargo.toml", day.name), None),
    };
    let message = first.map_or("cargo failed", |d| d.message.trim_start_matches("error: "));
    let more = match errors.len() {
        0 | 1 => String::new(),
        n => format!(" (and {})", plural(n - 1, "more error", "more errors")),
    };
    let (what, fix) = if kind == "exercises" {
        (
            "does not compile as shipped",
            "starter code must compile: leave the learner's part as `todo!()`",
        )
    } else {
        ("does not compile", "fix the solution")
    };
    let package = if kind == "exercises" {
        day.name.clone()
    } else {
        format!("{}_solution", day.name)
    };
    Problem::new(
        file,
        format!("`{kind}/{}` {what}: {message}{more}", day.name),
        format!("{fix}; `cargo test -p {package} --no-run` shows it in full"),
    )
    .at(at)
}

/// `all 5 tests`, `the only test`, `2 of 5 tests`.
fn share(part: usize, whole: usize) -> String {
    match (part, whole) {
        (1, 1) => "the only test".to_string(),
        (p, w) if p == w => format!("all {w} tests"),
        (p, w) => format!("{p} of {w} tests"),
    }
}

fn first_names(names: &[&str]) -> String {
    let shown = backticked(&names[..names.len().min(NAMES_SHOWN)]);
    match names.len().checked_sub(NAMES_SHOWN) {
        Some(rest) if rest > 0 => format!("{shown} and {rest} more"),
        _ => shown,
    }
}
