//! Warm-up: build the days' dependencies ahead of the learner, so a day's first save is
//! already an incremental build. Safe to interrupt: cargo keeps what it finished. Watch mode
//! warms one day at a time in the order the learner will need them; `init --warm` and
//! `backlings warm` build every day at once.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result, bail};

use crate::course::Course;
use crate::runner::cargo::{self, BuildOptions};
use crate::runner::process::{Cancel, Exit};

/// Written into the target directory once a warm-up finished (`cargo clean` removes it).
const MARKER: &str = ".backlings-warm";

/// The target directory cargo uses for the course.
pub fn target_dir(course: &Course) -> PathBuf {
    cargo::target_dir(&course.root, None)
}

pub fn is_warm(course: &Course) -> bool {
    target_dir(course).join(MARKER).is_file()
}

/// How a warm-up ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Warmed {
    Done,
    Cancelled,
}

/// Builds the tests of `days` (and so every dependency they have) in one cargo run.
/// `progress(done, total)` follows cargo's artifacts; `total` is an estimate from the
/// dependency graph.
pub fn warm(
    course: &Course,
    days: &[&str],
    cancel: Option<Cancel>,
    progress: Arc<dyn Fn(usize, usize) + Send + Sync>,
) -> Result<Warmed> {
    let total = cargo::units(&course.root, days, cancel.clone()).unwrap_or(0);
    let done = Arc::new(AtomicUsize::new(0));
    let counter = done.clone();
    let report = progress.clone();
    let options = BuildOptions {
        cancel,
        on_artifact: Some(Arc::new(move |_: &str| {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            report(n, total.max(n));
        })),
        // A day that does not compile yet must not stop the others from warming up.
        keep_going: true,
        ..BuildOptions::default()
    };
    let build = cargo::build_tests(&course.root, days, &options)?;
    match build.exit {
        Some(Exit::Cancelled) => return Ok(Warmed::Cancelled),
        Some(Exit::Code(0)) => {}
        // A learner's day that does not compile is expected; the dependencies built all the same.
        _ if !build.errors.is_empty() => {}
        _ => bail!(
            "the warm-up build failed: {}",
            cargo::cargo_failure(&build.stderr).rendered
        ),
    }
    let n = done.load(Ordering::SeqCst);
    progress(n, n.max(1));
    Ok(Warmed::Done)
}

/// Notes in the target directory that every day's dependencies are built.
pub fn mark_warm(course: &Course) -> Result<()> {
    let marker = target_dir(course).join(MARKER);
    std::fs::write(&marker, "").with_context(|| format!("cannot write `{}`", marker.display()))
}

/// The order to warm days in: `from` (the learner's day) and the ones after it first, then
/// the ones before.
pub fn order(course: &Course, from: usize) -> Vec<String> {
    let names = course.exercises.iter().map(|e| e.name.clone());
    let (before, after): (Vec<_>, Vec<_>) = names.enumerate().partition(|(i, _)| *i < from);
    after
        .into_iter()
        .chain(before)
        .map(|(_, name)| name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warms_the_learners_day_and_the_ones_after_it_first() {
        let course = Course::with_days(&["day01", "day02", "day03", "day04", "day05"]);
        assert_eq!(
            order(&course, 0),
            ["day01", "day02", "day03", "day04", "day05"]
        );
        assert_eq!(
            order(&course, 3),
            ["day04", "day05", "day01", "day02", "day03"]
        );
        assert_eq!(
            order(&course, 4),
            ["day05", "day01", "day02", "day03", "day04"]
        );
    }
}
