//! The course: `info.toml` parsed raw, then validated into a [`Course`] of [`Exercise`]s.

mod model;
mod raw;
mod shape;
pub mod validate;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

pub use model::{Course, DEFAULT_TIMEOUT, Database, Exercise};
pub use validate::CourseError;

/// The file that makes a directory a course.
pub const INFO_FILE: &str = "info.toml";
/// A course's `.gitignore`: build output and the learner's progress (the state file, its
/// backups, the runner's lock), none of which belongs to the course.
pub const GITIGNORE: &str = "/target\n/.backlings-state.toml*\n/.backlings/\n";

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
