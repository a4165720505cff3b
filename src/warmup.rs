//! Warm-up: build every day's dependencies once, up front, so the learner's first save is
//! already an incremental build. Safe to interrupt: cargo keeps what it finished.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result, bail};

use crate::course::Course;
use crate::runner::cargo::{self, BuildOptions};
use crate::runner::cargo_json::{Metadata, Package};
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

/// Builds all exercises (and so every dependency) in one cargo run. `progress(done, total)`
/// follows cargo's artifacts; `total` is an estimate from the dependency graph.
pub fn warm(
    course: &Course,
    cancel: Option<Cancel>,
    progress: Arc<dyn Fn(usize, usize) + Send + Sync>,
) -> Result<Warmed> {
    let total = estimate_units(course, cancel.clone()).unwrap_or(0);
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
    let names: Vec<&str> = course.exercises.iter().map(|e| e.name.as_str()).collect();
    let build = cargo::build_tests(&course.root, &names, &options)?;
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
    let marker = target_dir(course).join(MARKER);
    std::fs::write(&marker, "").with_context(|| format!("cannot write `{}`", marker.display()))?;
    Ok(Warmed::Done)
}

/// Units cargo will build for the exercises: their dependency closure, plus build scripts.
fn estimate_units(course: &Course, cancel: Option<Cancel>) -> Result<usize> {
    let metadata = cargo::metadata(&course.root, cancel)?;
    let roots: Vec<&str> = course.exercises.iter().map(|e| e.name.as_str()).collect();
    Ok(count_units(&metadata, &roots))
}

fn count_units(metadata: &Metadata, roots: &[&str]) -> usize {
    let graph: HashMap<&str, Vec<&str>> = metadata
        .resolve
        .nodes
        .iter()
        .map(|n| {
            (
                n.id.as_str(),
                n.deps.iter().map(|d| d.pkg.as_str()).collect(),
            )
        })
        .collect();
    let packages: HashMap<&str, &Package> = metadata
        .packages
        .iter()
        .map(|p| (p.id.as_str(), p))
        .collect();
    let mut stack: Vec<&str> = metadata
        .workspace_members
        .iter()
        .map(String::as_str)
        .filter(|id| {
            packages
                .get(id)
                .is_some_and(|p| roots.contains(&p.name.as_str()))
        })
        .collect();
    let mut seen = HashSet::new();
    while let Some(id) = stack.pop() {
        if seen.insert(id) {
            stack.extend(graph.get(id).into_iter().flatten());
        }
    }
    let build_scripts = seen
        .iter()
        .filter_map(|id| packages.get(id))
        .filter(|p| {
            p.targets
                .iter()
                .any(|t| t.kind.iter().any(|k| k == "custom-build"))
        })
        .count();
    // Each workspace member also builds its test binary.
    seen.len() + build_scripts + roots.len()
}
