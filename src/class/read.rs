//! Reading `backlings grade --format json` reports: a lenient mirror of the fields the class
//! report uses (anything else in the file is ignored), and the learner's name and grade time.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{DayCell, DayStatus, Submission, TestLine};

/// The parts of a grade report the class report reads.
#[derive(Deserialize)]
struct Raw {
    status: String,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    tests: Vec<RawTest>,
    #[serde(default)]
    course: Option<String>,
    #[serde(default)]
    learner: Option<String>,
    #[serde(default)]
    graded_at: Option<String>,
    #[serde(default)]
    days: Vec<RawDay>,
}

#[derive(Deserialize)]
struct RawTest {
    name: String,
    status: String,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    task_id: Option<u32>,
}

#[derive(Deserialize)]
struct RawDay {
    day: u32,
    name: String,
    #[serde(default)]
    title: String,
    status: String,
    tests_passed: usize,
    tests_total: usize,
}

/// Reads one report; `learner` is the name to use when the file names none.
pub fn read(path: &Path, learner: &str) -> Result<Submission> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    let raw: Raw = serde_json::from_str(&text).with_context(|| {
        format!(
            "`{}` is not a report of `backlings grade --format json`",
            path.display()
        )
    })?;
    let graded_at = raw
        .graded_at
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        .or_else(|| modified(path));
    Ok(Submission {
        learner: raw
            .learner
            .filter(|name| !name.trim().is_empty())
            .unwrap_or_else(|| learner.to_string()),
        file: path.to_path_buf(),
        graded_at,
        course: raw.course.unwrap_or_default(),
        error: (raw.status == "error").then(|| raw.message.unwrap_or_default()),
        days: raw.days.into_iter().map(day).collect(),
        tests: raw.tests.into_iter().map(test).collect(),
    })
}

fn day(raw: RawDay) -> DayCell {
    DayCell {
        day: raw.day,
        name: raw.name,
        title: raw.title,
        status: match raw.status.as_str() {
            "pass" => DayStatus::Pass,
            "error" => DayStatus::CompileError,
            _ => DayStatus::Fail,
        },
        passed: raw.tests_passed,
        total: raw.tests_total,
    }
}

fn test(raw: RawTest) -> TestLine {
    TestLine {
        name: raw.name,
        passed: raw.status == "pass",
        message: raw.message.unwrap_or_default(),
        day: raw.task_id,
    }
}

/// The file's modification time: the grade time of a report that does not say.
fn modified(path: &Path) -> Option<DateTime<Utc>> {
    let time = std::fs::metadata(path).ok()?.modified().ok()?;
    Some(DateTime::<Utc>::from(time))
}

/// The file name the grading workflow gives its report; such files are told apart by folder.
const WORKFLOW_REPORT: &str = "backlings-grade";

/// The name of each file's learner when the report names none: the file's stem (`ada.json`),
/// or for the workflow's `backlings-grade.json` (every artifact has one) the folder it is in.
pub fn names(files: &[PathBuf]) -> Vec<String> {
    files.iter().map(|path| name(path)).collect()
}

fn name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if stem != WORKFLOW_REPORT {
        return stem;
    }
    std::path::absolute(path)
        .ok()
        .and_then(|p| Some(p.parent()?.file_name()?.to_string_lossy().into_owned()))
        .unwrap_or(stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learners_are_named_by_file_or_by_the_folder_of_a_workflow_report() {
        let files: Vec<PathBuf> = [
            "reports/ada.json",
            "old/ada.json",
            "artifacts/bob/backlings-grade.json",
            "artifacts/cy/backlings-grade.json",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        assert_eq!(names(&files), ["ada", "ada", "bob", "cy"]);
    }

    #[test]
    fn a_report_is_read_leniently_and_its_own_learner_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        std::fs::write(
            &path,
            r#"{"version": 3, "status": "fail", "learner": "Ada", "extra": [1],
                "graded_at": "2026-11-20T08:00:00Z", "course": "C",
                "tests": [{"name": "d1::t", "status": "fail", "message": "boom", "task_id": 1}],
                "days": [{"day": 1, "name": "d1", "title": "One", "status": "fail",
                          "tests_passed": 0, "tests_total": 1}]}"#,
        )
        .unwrap();
        let read = read(&path, "x").unwrap();
        assert_eq!(read.learner, "Ada");
        assert_eq!(
            read.graded_at.unwrap().to_rfc3339(),
            "2026-11-20T08:00:00+00:00"
        );
        assert_eq!((read.days[0].passed, read.days[0].total), (0, 1));
        assert_eq!(read.tests[0].message, "boom");
        assert!(read.error.is_none());
        std::fs::write(&path, "not json").unwrap();
        let error = format!("{:#}", super::read(&path, "x").unwrap_err());
        assert!(
            error.contains("is not a report of `backlings grade"),
            "{error}"
        );
    }
}
