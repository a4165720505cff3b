//! Headless grading: build every graded day of a submission in one cargo invocation, against the
//! course's own tests and manifests, and collect a [`Report`] for the writers in `report/`.

pub mod days;
pub mod source;
pub mod workspace;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::course::Course;
use crate::runner::{self, Diagnostic, RunOptions, TestResult, cargo};
pub use source::Source;
pub use workspace::{Missing, Protected};

/// What to grade and how.
pub struct Options {
    pub submission: PathBuf,
    /// `None`: every day.
    pub days: Option<BTreeSet<u32>>,
    pub target_dir: Option<PathBuf>,
    pub offline: bool,
    pub jobs: Option<usize>,
}

/// The result of grading a submission.
#[derive(Debug, Clone)]
pub struct Report {
    pub course_title: String,
    /// `built-in`, or the course directory graded against.
    pub origin: String,
    pub days: Vec<DayResult>,
    /// Protected files the submission changed; grading used the course's copies.
    pub changed: Vec<Protected>,
    pub duration: Duration,
}

/// One graded day.
#[derive(Debug, Clone)]
pub struct DayResult {
    pub day: u32,
    pub name: String,
    pub title: String,
    pub outcome: Outcome,
    /// Why the submission's own code was not used, when it was not.
    pub missing: Option<Missing>,
}

#[derive(Debug, Clone)]
pub enum Outcome {
    /// It built and its tests ran.
    Tested(Vec<TestResult>),
    /// It did not build: every test the course defines counts as failed.
    CompileError {
        diagnostics: Vec<Diagnostic>,
        tests: Vec<String>,
    },
}

/// How a graded day came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayStatus {
    Pass,
    Fail,
    CompileError,
}

impl DayResult {
    /// (passed, counted): ignored tests do not count; a day that does not build scores zero
    /// of the tests its course defines.
    pub fn score(&self) -> (usize, usize) {
        match &self.outcome {
            Outcome::Tested(tests) => runner::verdict::score(tests),
            Outcome::CompileError { tests, .. } => (0, tests.len()),
        }
    }

    pub fn passed(&self) -> bool {
        self.status() == DayStatus::Pass
    }

    /// The day's status, as every report names it.
    pub fn status(&self) -> DayStatus {
        let (passed, total) = self.score();
        match self.outcome {
            Outcome::CompileError { .. } => DayStatus::CompileError,
            Outcome::Tested(_) if total > 0 && passed == total => DayStatus::Pass,
            Outcome::Tested(_) => DayStatus::Fail,
        }
    }
}

impl Report {
    /// (tests passed, tests counted) over every graded day.
    pub fn tests(&self) -> (usize, usize) {
        self.days
            .iter()
            .map(DayResult::score)
            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    }

    /// (days fully passing, days graded).
    pub fn days_passed(&self) -> (usize, usize) {
        let passed = self.days.iter().filter(|d| d.passed()).count();
        (passed, self.days.len())
    }

    /// Tests passed as a percentage of tests counted, rounded down to a tenth.
    pub fn percent(&self) -> f64 {
        let (passed, total) = self.tests();
        if total == 0 {
            return 0.0;
        }
        (passed as f64 * 1000.0 / total as f64).floor() / 10.0
    }

    pub fn all_passed(&self) -> bool {
        !self.days.is_empty() && self.days.iter().all(DayResult::passed)
    }
}

/// Grades `options.submission` against `source`.
pub fn grade(source: &Source, options: &Options) -> Result<Report> {
    let started = Instant::now();
    check_submission(&options.submission)?;
    let exercises: Vec<_> = source
        .course
        .exercises
        .iter()
        .filter(|e| options.days.as_ref().is_none_or(|d| d.contains(&e.day)))
        .cloned()
        .collect();
    let names: BTreeSet<String> = exercises.iter().map(|e| e.name.clone()).collect();
    // Before the build: a day that needs PostgreSQL and cannot have one stops the grade now.
    let mut databases = std::collections::HashMap::new();
    for exercise in exercises.iter().filter(|e| e.database.is_some()) {
        let env = runner::database_env(&options.submission, exercise)?;
        databases.insert(exercise.name.clone(), env);
    }
    let (_lock, dir) = grading_dir(options.target_dir.as_deref())?;
    let missing = workspace::prepare(source, &options.submission, &names, dir.path())?;
    let changed = workspace::changed_files(source, &options.submission, &names);
    let course = Course::load(dir.path()).context("the course to grade against is incomplete")?;
    eprintln!("grading: building {} days", exercises.len());
    let build = build(&course, &names, options)?;
    let mut days = Vec::new();
    for exercise in &exercises {
        eprintln!("grading: testing {}", exercise.name);
        let env = databases.remove(&exercise.name).unwrap_or_default();
        let outcome = test_day(&course, exercise, &build, source, options, env)?;
        days.push(DayResult {
            day: exercise.day,
            name: exercise.name.clone(),
            title: exercise.title.clone(),
            outcome,
            missing: missing.get(&exercise.name).cloned(),
        });
    }
    Ok(Report {
        course_title: source.course.title.clone(),
        origin: source.origin.clone(),
        days,
        changed,
        duration: started.elapsed(),
    })
}

/// Where a submission is graded, and the lock on a shared target directory. With a shared
/// target directory (`--target-dir`, `CARGO_TARGET_DIR`) the workspace is kept inside it, at
/// the same path from grade to grade: cargo's fingerprints include a package's path, so a fresh
/// directory each time would rebuild every day of every submission.
fn grading_dir(target_dir: Option<&Path>) -> Result<(Option<std::fs::File>, GradingDir)> {
    let lock = lock_target(target_dir)?;
    let shared = target_dir
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from));
    let dir = match (&lock, shared) {
        (Some(_), Some(target)) => {
            let dir = target.join("backlings-grade").join("workspace");
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create `{}`", dir.display()))?;
            GradingDir::Kept(dir)
        }
        _ => GradingDir::Temporary(
            tempfile::Builder::new()
                .prefix("backlings-grade-")
                .tempdir()
                .context("cannot create a temporary directory to grade in")?,
        ),
    };
    Ok((lock, dir))
}

/// The workspace a grade builds in.
enum GradingDir {
    /// Inside a shared target directory, reused by the next grade.
    Kept(PathBuf),
    /// Removed after the grade.
    Temporary(tempfile::TempDir),
}

impl GradingDir {
    fn path(&self) -> &Path {
        match self {
            GradingDir::Kept(dir) => dir,
            GradingDir::Temporary(dir) => dir.path(),
        }
    }
}

/// Holds a shared target directory for one grade at a time, from writing the workspace to the
/// last test: cargo decides freshness by file times, so two grades building side by side in one
/// target directory could each be handed the other's build of a day.
fn lock_target(target_dir: Option<&Path>) -> Result<Option<std::fs::File>> {
    let dir = match target_dir {
        Some(dir) => dir.to_path_buf(),
        None => match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => PathBuf::from(dir),
            // A fresh target directory inside the temporary workspace: nothing to share.
            None => return Ok(None),
        },
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the target directory `{}`", dir.display()))?;
    let path = dir.join(".backlings-grade.lock");
    let file = std::fs::File::create(&path)
        .with_context(|| format!("cannot create the lock file `{}`", path.display()))?;
    if file.try_lock().is_err() {
        eprintln!(
            "grading: waiting for another grade to finish with `{}`",
            dir.display()
        );
        file.lock()
            .with_context(|| format!("cannot lock `{}`", path.display()))?;
    }
    Ok(Some(file))
}

fn check_submission(dir: &Path) -> Result<()> {
    if !dir.join("exercises").is_dir() {
        bail!(
            "`{}` holds no `exercises/` directory, so there is nothing to grade: run `backlings \
             grade` in the learner's course directory, or pass it with `--submission DIR`",
            dir.display()
        );
    }
    Ok(())
}

/// One cargo invocation for every graded day, integration tests only: tests a learner adds to
/// `src/` are never built, let alone counted.
fn build(course: &Course, names: &BTreeSet<String>, options: &Options) -> Result<cargo::Build> {
    let packages: Vec<&str> = names.iter().map(String::as_str).collect();
    let build_options = cargo::BuildOptions {
        target_dir: options.target_dir.clone(),
        integration_tests_only: true,
        keep_going: true,
        offline: options.offline,
        ..cargo::BuildOptions::default()
    };
    let build = cargo::build_tests(&course.root, &packages, &build_options)?;
    if build.executables.is_empty() && build.errors.is_empty() && !packages.is_empty() {
        let failure = cargo::cargo_failure(&build.stderr);
        bail!("cargo could not build the course: {}", failure.rendered);
    }
    Ok(build)
}

fn test_day(
    course: &Course,
    exercise: &crate::course::Exercise,
    build: &cargo::Build,
    source: &Source,
    options: &Options,
    env: Vec<(String, String)>,
) -> Result<Outcome> {
    let run_options = RunOptions {
        jobs: options.jobs,
        env,
        ..RunOptions::default()
    };
    let dir = course.exercise_dir(exercise);
    let verdict = runner::test_built(build, &exercise.name, &dir, exercise.timeout, &run_options)?;
    Ok(match verdict {
        runner::Verdict::Tested(tests) => Outcome::Tested(tests),
        runner::Verdict::CompileError(diagnostics) => Outcome::CompileError {
            diagnostics,
            tests: course_tests(source, &exercise.name),
        },
    })
}

/// The names of the tests in the course's copy of a day's `tests/`.
fn course_tests(source: &Source, name: &str) -> Vec<String> {
    source
        .under(&format!("exercises/{name}/tests"))
        .filter(|(path, _)| path.ends_with(".rs"))
        .flat_map(|(_, bytes)| days::test_names(&String::from_utf8_lossy(bytes)))
        .collect()
}
