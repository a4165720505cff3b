//! Where `backlings open` and watch mode's `e` take the learner: the first failure of the day's
//! last run, at its line and column, or the day's main file when nothing fails. Each run's first
//! failure is remembered in `.backlings/failures.json`, so `backlings open` needs no run.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::App;
use crate::course::Exercise;
use crate::editor::Target;
use crate::runner::{Location, Status, Verdict};

/// The remembered first failures, keyed by exercise name.
const FAILURES_FILE: &str = ".backlings/failures.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Place {
    /// Relative to the course root.
    file: String,
    line: u32,
    column: u32,
}

/// Where a verdict's first failure is: the first compile error with a place, else the first
/// failing test (in the order they are shown) with one.
pub fn first_failure(verdict: &Verdict) -> Option<&Location> {
    match verdict {
        Verdict::CompileError(errors) => errors.iter().find_map(|e| e.location.as_ref()),
        Verdict::Tested(tests) => tests
            .iter()
            .filter(|t| matches!(t.status, Status::Failed | Status::TimedOut(_)))
            .find_map(|t| t.location.as_ref()),
    }
}

impl App {
    /// What to open for `exercise`: the first failure of `verdict` when given, else of the last
    /// run remembered; the day's main file at its top when neither has one (or its file is gone).
    pub fn open_target(&self, exercise: &Exercise, verdict: Option<&Verdict>) -> Target {
        let package = format!("exercises/{}", exercise.name);
        let place = match verdict {
            Some(verdict) => {
                first_failure(verdict).map(|at| at.in_course(&self.course.root, &package))
            }
            None => remembered(&self.course.root, &exercise.name),
        };
        let found = place
            .map(|at| (self.course.root.join(&at.file), at))
            .filter(|(path, _)| path.is_file());
        match found {
            Some((path, at)) => Target {
                path,
                line: at.line.max(1),
                column: at.col.max(1),
            },
            None => Target {
                path: main_file(&self.course.exercise_dir(exercise)),
                line: 1,
                column: 1,
            },
        }
    }

    /// Remembers (or forgets, when it passes) where `verdict` first failed.
    pub(super) fn remember_failure(&self, exercise: &Exercise, verdict: &Verdict) -> Result<()> {
        let root = &self.course.root;
        let package = format!("exercises/{}", exercise.name);
        let mut places = load(root);
        let place = first_failure(verdict).map(|at| {
            let at = at.in_course(root, &package);
            Place {
                file: at.file,
                line: at.line,
                column: at.col,
            }
        });
        if places.get(&exercise.name) == place.as_ref() {
            return Ok(());
        }
        match place {
            Some(place) => places.insert(exercise.name.clone(), place),
            None => places.remove(&exercise.name),
        };
        save(root, &places)
    }
}

/// `src/lib.rs`, else `src/main.rs`, else the lesson.
fn main_file(dir: &Path) -> PathBuf {
    ["src/lib.rs", "src/main.rs"]
        .iter()
        .map(|file| dir.join(file))
        .find(|path| path.is_file())
        .unwrap_or_else(|| dir.join("README.md"))
}

fn remembered(root: &Path, name: &str) -> Option<Location> {
    load(root).remove(name).map(|p| Location {
        file: p.file,
        line: p.line,
        col: p.column,
    })
}

/// The remembered places; none when the file is missing or unreadable (it is only a memory).
fn load(root: &Path) -> BTreeMap<String, Place> {
    std::fs::read(root.join(FAILURES_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Writes the places atomically (a temporary file renamed over the old one).
fn save(root: &Path, places: &BTreeMap<String, Place>) -> Result<()> {
    let path = root.join(FAILURES_FILE);
    let dir = path.parent().unwrap_or(root);
    let context = || format!("cannot write `{}`", path.display());
    std::fs::create_dir_all(dir).with_context(context)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir).with_context(context)?;
    serde_json::to_writer_pretty(&mut temp, places).with_context(context)?;
    temp.write_all(b"\n").with_context(context)?;
    temp.persist(&path).with_context(context)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::runner::{Diagnostic, TestResult};

    fn test(name: &str, status: Status, at: Option<(&str, u32)>) -> TestResult {
        TestResult {
            name: name.into(),
            status,
            message: String::new(),
            location: at.map(|(file, line)| Location {
                file: file.into(),
                line,
                col: 5,
            }),
            output: String::new(),
            duration: Duration::ZERO,
        }
    }

    #[test]
    fn the_first_failure_with_a_place_is_the_one_to_open() {
        let tested = Verdict::Tested(vec![
            test("a", Status::Passed, Some(("tests/a.rs", 1))),
            test("b", Status::TimedOut(Duration::from_secs(1)), None),
            test("c", Status::Failed, Some(("src/lib.rs", 9))),
            test("d", Status::Failed, Some(("tests/d.rs", 4))),
        ]);
        assert_eq!(first_failure(&tested).map(|l| l.line), Some(9));
        let broken = Verdict::CompileError(vec![
            Diagnostic {
                message: "cargo failed".into(),
                location: None,
                rendered: String::new(),
            },
            Diagnostic {
                message: "mismatched types".into(),
                location: Some(Location {
                    file: "src/lib.rs".into(),
                    line: 2,
                    col: 7,
                }),
                rendered: String::new(),
            },
        ]);
        assert_eq!(first_failure(&broken).map(|l| l.line), Some(2));
        let passing = Verdict::Tested(vec![test("a", Status::Passed, None)]);
        assert_eq!(first_failure(&passing), None);
    }
}
