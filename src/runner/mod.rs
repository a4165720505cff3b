//! Building and testing days. Nothing outside this module starts a process.

pub mod cargo;
pub mod cargo_json;
pub mod exec;
pub mod libtest;
pub mod process;
pub mod verdict;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;

use crate::course::{Course, Exercise};
pub use exec::Cancelled;
pub use process::Cancel;
pub use verdict::{Diagnostic, Location, Status, TestResult, Verdict};

/// Captured output kept per test stream.
pub const OUTPUT_CAP: usize = 64 * 1024;

/// How to run a day.
#[derive(Clone, Default)]
pub struct RunOptions {
    pub color: bool,
    pub cancel: Option<Cancel>,
    pub jobs: Option<usize>,
    pub target_dir: Option<PathBuf>,
}

impl RunOptions {
    fn jobs(&self) -> usize {
        self.jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
    }

    fn build_options(&self) -> cargo::BuildOptions {
        cargo::BuildOptions {
            color: self.color,
            cancel: self.cancel.clone(),
            target_dir: self.target_dir.clone(),
            ..cargo::BuildOptions::default()
        }
    }
}

/// Builds one day and runs each of its tests in its own process.
/// Returns `Err(Cancelled)` (downcastable) when `options.cancel` fired.
pub fn run_exercise(course: &Course, exercise: &Exercise, options: &RunOptions) -> Result<Verdict> {
    let build = cargo::build_tests(&course.root, &[&exercise.name], &options.build_options())?;
    let dir = course.exercise_dir(exercise);
    test_built(&build, &exercise.name, &dir, exercise.timeout, options)
}

/// The verdict for one package of a finished build: its compile errors, or its tests' results.
pub fn test_built(
    build: &cargo::Build,
    name: &str,
    package_dir: &std::path::Path,
    timeout: Duration,
    options: &RunOptions,
) -> Result<Verdict> {
    if build.exit == Some(process::Exit::Cancelled) {
        return Err(Cancelled.into());
    }
    if let Some(errors) = build.errors.get(name) {
        return Ok(Verdict::CompileError(errors.clone()));
    }
    let Some(exes) = build.executables.get(name) else {
        return Ok(Verdict::CompileError(vec![cargo::cargo_failure(
            &build.stderr,
        )]));
    };
    let planned = exec::plan(exes, package_dir, options.cancel.as_ref())?;
    let exec_options = exec::ExecOptions {
        timeout,
        output_cap: OUTPUT_CAP,
        jobs: options.jobs(),
        cancel: options.cancel.clone(),
    };
    let results = exec::run_all(&planned, &exec_options).ok_or(Cancelled)?;
    Ok(Verdict::Tested(results))
}
