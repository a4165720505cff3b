//! Building and testing days. Nothing outside this module starts a process.

pub mod batch;
pub mod cargo;
pub mod cargo_json;
pub mod editor;
pub mod exec;
pub mod libtest;
pub mod ports;
pub mod postgres;
pub mod process;
pub mod service;
pub mod toolchain;
pub mod verdict;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Result;

use crate::course::{Course, Exercise};
pub use exec::Cancelled;
pub use process::Cancel;
pub use verdict::{Diagnostic, Location, Status, TestResult, Verdict};

/// Captured output kept per test stream.
pub const OUTPUT_CAP: usize = 64 * 1024;

/// Called while a day's first build compiles its libraries: (crates built, about how many,
/// the crate just built). The total is 0 until it is counted, beside the build.
pub type BuildProgress = Arc<dyn Fn(usize, usize, &str) + Send + Sync>;

/// How to run a day.
#[derive(Clone, Default)]
pub struct RunOptions {
    pub color: bool,
    pub cancel: Option<Cancel>,
    pub jobs: Option<usize>,
    pub target_dir: Option<PathBuf>,
    /// Told of the build's progress when the day was never built before (a day whose
    /// libraries build for the first time can take a minute).
    pub on_progress: Option<BuildProgress>,
    /// Environment every test process gets (a PostgreSQL day's `DATABASE_URL`).
    pub env: Vec<(String, String)>,
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
    let mut with_database = options.clone();
    with_database
        .env
        .extend(database_env(&course.root, exercise)?);
    let options = &with_database;
    let target = cargo::target_dir(&course.root, options.target_dir.as_deref());
    let mut attempt = 1;
    loop {
        let before = Output::of(&target);
        let verdict = build_and_test(course, exercise, options)?;
        // The build output was removed (`cargo clean`, `rm -rf target`) while the run used it:
        // its failures may be the lost files' (cargo could not write them, a test binary is
        // gone), not the code's. Another run starts from what is left; a removal slow enough
        // to overlap that run too gets one more.
        let lost = Output::of(&target) != before || before.named_in(&verdict);
        if verdict.all_passed() || !lost || attempt == LOST_OUTPUT_ATTEMPTS {
            return Ok(verdict);
        }
        attempt += 1;
    }
}

/// Runs of a day tried while its build output keeps disappearing under it.
const LOST_OUTPUT_ATTEMPTS: usize = 3;

fn build_and_test(course: &Course, exercise: &Exercise, options: &RunOptions) -> Result<Verdict> {
    let mut build_options = options.build_options();
    if let Some(report) = &options.on_progress {
        build_options.on_artifact = first_build_progress(course, &exercise.name, options, report);
    }
    let build = cargo::build_tests(&course.root, &[&exercise.name], &build_options)?;
    let dir = course.exercise_dir(exercise);
    test_built(&build, &exercise.name, &dir, exercise.timeout, options)
}

/// The environment a day's tests and program get for the database server it needs, if any:
/// `DATABASE_URL` (see [`postgres`]). The error says what to install when there is none.
pub fn database_env(root: &Path, exercise: &Exercise) -> Result<Vec<(String, String)>> {
    match exercise.database {
        None => Ok(Vec::new()),
        Some(crate::course::Database::Postgres) => {
            let url = postgres::database_url(root, &exercise.name)?;
            Ok(vec![("DATABASE_URL".to_string(), url)])
        }
    }
}

/// A counter of the crates a day's first build compiles, reporting to `report`; `None` when
/// the day was built before (then the build is incremental and quick).
fn first_build_progress(
    course: &Course,
    day: &str,
    options: &RunOptions,
    report: &BuildProgress,
) -> Option<process::LineSink> {
    let target = cargo::target_dir(&course.root, options.target_dir.as_deref());
    if cargo::was_built(&target, day) {
        return None;
    }
    // Counted beside the build, not before it: `cargo metadata` of a thirty-day workspace takes
    // some 400 ms that the first verdict would otherwise wait for.
    let total = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&total);
    let (root, day, cancel) = (course.root.clone(), day.to_string(), options.cancel.clone());
    std::thread::spawn(move || {
        if let Ok(units) = cargo::units(&root, &[&day], cancel) {
            counted.store(units, Ordering::SeqCst);
        }
    });
    let (built, report) = (AtomicUsize::new(0), report.clone());
    Some(Arc::new(move |name: &str| {
        let n = built.fetch_add(1, Ordering::SeqCst) + 1;
        let total = total.load(Ordering::SeqCst);
        report(n, if total == 0 { 0 } else { total.max(n) }, name);
    }))
}

/// The target directory and the folders a day's build writes in, by identity (device and
/// inode): removed or recreated, they compare unequal.
#[derive(Debug, PartialEq, Eq)]
struct Output {
    target: PathBuf,
    folders: [Option<(u64, u64)>; 4],
}

impl Output {
    fn of(target: &Path) -> Output {
        use std::os::unix::fs::MetadataExt;
        let identity = |path: PathBuf| std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()));
        let debug = target.join("debug");
        Output {
            target: target.to_path_buf(),
            folders: [
                identity(target.to_path_buf()),
                identity(debug.join("deps")),
                identity(debug.join("incremental")),
                identity(debug),
            ],
        }
    }

    /// Whether the verdict's messages name a file of the build output (one cargo could not
    /// write, a test binary that could not start).
    fn named_in(&self, verdict: &Verdict) -> bool {
        let target = self.target.to_string_lossy();
        match verdict {
            // rustc's incremental state and its output folders are build output too: a file
            // that vanished under the compiler ("os error 2") is not the code's fault. (Code
            // that includes a missing file fails the same way every time, after the retries.)
            Verdict::CompileError(errors) => errors.iter().any(|e| {
                e.rendered.contains(&*target)
                    || e.rendered.contains("incremental compilation")
                    || e.rendered.contains("(os error 2)")
            }),
            Verdict::Tested(tests) => tests.iter().any(|t| t.message.contains(&*target)),
        }
    }
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
    let exec_options = exec::ExecOptions {
        timeout,
        output_cap: OUTPUT_CAP,
        jobs: options.jobs(),
        cancel: options.cancel.clone(),
        env: options.env.clone(),
    };
    let mut results = Vec::new();
    for exe in exes {
        for result in test_binary(exe, package_dir, &exec_options)? {
            results.push((exe.clone(), result));
        }
    }
    Ok(Verdict::Tested(exec::qualify_duplicates(results)))
}

/// Every test of one binary: run together first, and one per process for whatever that run
/// left unsettled.
fn test_binary(
    exe: &std::path::Path,
    package_dir: &std::path::Path,
    options: &exec::ExecOptions,
) -> Result<Vec<TestResult>> {
    let batch = batch::run(exe, package_dir, options).ok_or(Cancelled)?;
    if batch.complete {
        return Ok(batch.settled);
    }
    let planned = exec::plan(exe, package_dir, options.cancel.as_ref())?;
    let rest: Vec<exec::Planned> = planned
        .into_iter()
        .filter(|test| !batch.settled.iter().any(|done| done.name == test.name))
        .collect();
    let mut results = batch.settled;
    results.extend(exec::run_all(&rest, options).ok_or(Cancelled)?);
    results.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(results)
}
