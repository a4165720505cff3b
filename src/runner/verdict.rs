//! What a run found: per-test results, or why there were none.

use std::path::Path;
use std::time::Duration;

/// A place in the code, as a panic (`panicked at tests/api.rs:12:5:`) or a compiler error
/// gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: u32,
    pub col: u32,
}

impl Location {
    /// The place with its file relative to the course at `root`. rustc prints paths as cargo
    /// passed them: from the workspace root in a course, from the package (`package`, itself
    /// relative to the root) in a lone crate.
    pub fn in_course(&self, root: &Path, package: &str) -> Location {
        let file = if Path::new(&self.file).is_absolute() || root.join(&self.file).exists() {
            self.file.clone()
        } else {
            format!("{}/{}", package.trim_end_matches('/'), self.file)
        };
        Location {
            file,
            ..self.clone()
        }
    }
}

/// How one test ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed,
    TimedOut(Duration),
    Ignored,
}

/// One test's result.
#[derive(Debug, Clone)]
pub struct TestResult {
    /// The test's path inside its binary, e.g. `rejects_a_duplicate_email`.
    pub name: String,
    pub status: Status,
    /// One-paragraph reason for a failure: the assertion, the panic, the timeout.
    pub message: String,
    /// Where the failing panic happened, when libtest said.
    pub location: Option<Location>,
    /// What the test printed (the learner's output and panics), capped.
    pub output: String,
    pub duration: Duration,
}

impl TestResult {
    pub fn passed(&self) -> bool {
        self.status == Status::Passed
    }
}

/// (passing, counted) for tests that ran; ignored tests are not counted.
pub fn score(tests: &[TestResult]) -> (usize, usize) {
    let counted = tests.iter().filter(|t| t.status != Status::Ignored);
    let total = counted.clone().count();
    (counted.filter(|t| t.passed()).count(), total)
}

/// A compiler error (or cargo's own failure) that stopped the build.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub message: String,
    /// Relative to the course root, as cargo prints it.
    pub location: Option<Location>,
    /// rustc's full rendering, with colour codes when colour was asked for.
    pub rendered: String,
}

/// The verdict on one exercise.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// It did not build; nothing ran.
    CompileError(Vec<Diagnostic>),
    /// It built and its tests ran.
    Tested(Vec<TestResult>),
}

impl Verdict {
    /// (passing, counted) where ignored tests are not counted.
    pub fn score(&self) -> (usize, usize) {
        match self {
            Verdict::CompileError(_) => (0, 0),
            Verdict::Tested(tests) => score(tests),
        }
    }

    /// Done means it built, has at least one test, and every counted test passed.
    pub fn all_passed(&self) -> bool {
        let (passed, total) = self.score();
        matches!(self, Verdict::Tested(_)) && total > 0 && passed == total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_is_made_relative_to_the_course_root() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("exercises/day01/tests")).unwrap();
        std::fs::write(root.path().join("exercises/day01/tests/api.rs"), "").unwrap();
        let at = |file: &str| Location {
            file: file.into(),
            line: 3,
            col: 9,
        };
        for (given, expected) in [
            (
                "exercises/day01/tests/api.rs",
                "exercises/day01/tests/api.rs",
            ),
            ("tests/api.rs", "exercises/day01/tests/api.rs"),
            ("/abs/lib.rs", "/abs/lib.rs"),
        ] {
            let placed = at(given).in_course(root.path(), "exercises/day01");
            assert_eq!(placed, at(expected), "{given}");
        }
    }
}
