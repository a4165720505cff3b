//! The course: `info.toml` parsed raw, then validated into a [`Course`] of [`Exercise`]s.

mod raw;
mod shape;
pub mod validate;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};

pub use validate::CourseError;

/// The file that makes a directory a course.
pub const INFO_FILE: &str = "info.toml";
/// The format version this runner reads and writes.
pub const FORMAT_VERSION: u32 = 1;
/// Per-test time limit when `info.toml` does not set one.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// A validated course rooted at a directory.
#[derive(Debug, Clone)]
pub struct Course {
    pub root: PathBuf,
    pub title: String,
    pub welcome: String,
    pub final_message: String,
    pub exercises: Vec<Exercise>,
}

/// One day of the course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    pub name: String,
    pub day: u32,
    pub title: String,
    pub topics: Vec<String>,
    pub hints: Vec<String>,
    pub timeout: Duration,
    pub starter_may_pass: Option<String>,
    /// How `backlings serve` runs the day, for a day that builds a server.
    pub serve: Option<Serve>,
}

/// How a day's service is run by `backlings serve`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Serve {
    pub port: u16,
    /// Command lines to try, with `{port}` where the port goes.
    pub examples: Vec<String>,
}

impl Serve {
    /// The examples with `port` filled in.
    pub fn examples_on(&self, port: u16) -> Vec<String> {
        self.examples
            .iter()
            .map(|e| e.replace("{port}", &port.to_string()))
            .collect()
    }
}

impl Course {
    /// Reads and validates `info.toml` in `root`, including that every exercise directory exists.
    pub fn load(root: &Path) -> Result<Course> {
        let path = root.join(INFO_FILE);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read `{}`", path.display()))?;
        let mut course = validate::parse(&text).map_err(|e| e.with_file(INFO_FILE))?;
        // Absolute, so a command run with another working directory (cargo with
        // `--manifest-path`, a test in its package directory) still finds the course.
        course.root = std::path::absolute(root)
            .with_context(|| format!("cannot resolve the path `{}`", root.display()))?;
        let missing = validate::missing_directories(&course, &text);
        if !missing.is_empty() {
            return Err(CourseError::new(missing).with_file(INFO_FILE).into());
        }
        Ok(course)
    }

    /// Finds the course containing `start`: the nearest ancestor with an `info.toml`.
    pub fn discover(start: &Path) -> Result<PathBuf> {
        for dir in start.ancestors() {
            if dir.join(INFO_FILE).is_file() {
                return Ok(dir.to_path_buf());
            }
        }
        bail!(
            "no `{INFO_FILE}` here or in any parent of `{}`: run backlings inside a course \
             directory, or create one with `backlings init`",
            start.display()
        )
    }

    pub fn exercise_dir(&self, exercise: &Exercise) -> PathBuf {
        self.root.join("exercises").join(&exercise.name)
    }

    pub fn solution_dir(&self, exercise: &Exercise) -> PathBuf {
        self.root.join("solutions").join(&exercise.name)
    }

    /// Finds an exercise by name or day number; the error suggests the closest name.
    pub fn find(&self, query: &str) -> Result<&Exercise> {
        if let Ok(day) = query.parse::<u32>() {
            return self
                .exercises
                .iter()
                .find(|e| e.day == day)
                .with_context(|| {
                    format!(
                        "there is no day {day}: this course has days 1 to {}",
                        self.exercises.len()
                    )
                });
        }
        if let Some(found) = self.exercises.iter().find(|e| e.name == query) {
            return Ok(found);
        }
        let names = self.exercises.iter().map(|e| e.name.as_str());
        match crate::suggest::closest(query, names) {
            Some(near) => bail!("there is no exercise `{query}`: did you mean `{near}`?"),
            None => bail!("there is no exercise `{query}`: `backlings list` shows them all"),
        }
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.exercises.iter().position(|e| e.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_course_loaded_from_a_relative_path_has_an_absolute_root() {
        // Cargo runs unit tests in the package directory, where the fixture course lives.
        let course = Course::load(Path::new("tests/fixtures/mini")).unwrap();
        assert!(course.root.is_absolute(), "{}", course.root.display());
        assert!(course.root.join(INFO_FILE).is_file());
    }
}
