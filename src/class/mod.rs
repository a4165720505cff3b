//! A class at a glance: many learners' grade reports (`backlings grade --format json`) read and
//! summed up into one [`Class`]: a learners-by-days grid, each day's progress across the class,
//! and the tests that fail most. Pure, apart from reading the files; `report::class` writes it
//! as text, JSON or a self-contained HTML page.

mod read;

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

/// One learner's latest grade.
#[derive(Debug, Clone)]
pub struct Submission {
    pub learner: String,
    pub file: PathBuf,
    /// From the report, else the file's modification time.
    pub graded_at: Option<DateTime<Utc>>,
    pub course: String,
    /// Why grading could not run, for a report with `"status": "error"`.
    pub error: Option<String>,
    pub days: Vec<DayCell>,
    pub tests: Vec<TestLine>,
}

/// One learner's result on one day.
#[derive(Debug, Clone)]
pub struct DayCell {
    pub day: u32,
    pub name: String,
    pub title: String,
    pub status: DayStatus,
    pub passed: usize,
    pub total: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayStatus {
    Pass,
    Fail,
    CompileError,
}

/// One test of one learner.
#[derive(Debug, Clone)]
pub struct TestLine {
    /// `day::test`.
    pub name: String,
    pub passed: bool,
    pub message: String,
    pub day: Option<u32>,
}

impl Submission {
    /// (tests passed, tests counted) over the graded days.
    pub fn tests(&self) -> (usize, usize) {
        self.days
            .iter()
            .fold((0, 0), |(p, t), d| (p + d.passed, t + d.total))
    }

    /// Tests passed as a percentage, rounded down to a tenth, as `grade` reports it.
    pub fn percent(&self) -> f64 {
        percent(self.tests())
    }

    pub fn days_passed(&self) -> usize {
        self.days
            .iter()
            .filter(|d| d.status == DayStatus::Pass)
            .count()
    }

    pub fn day(&self, day: u32) -> Option<&DayCell> {
        self.days.iter().find(|d| d.day == day)
    }
}

/// A day of the course as the reports name it.
#[derive(Debug, Clone)]
pub struct Day {
    pub day: u32,
    pub name: String,
    pub title: String,
    /// Learners whose every test of the day passes.
    pub passing: usize,
    /// Learners graded on the day.
    pub graded: usize,
    /// The class's tests passed on the day, as a percentage of the tests counted.
    pub percent: f64,
}

/// A test that fails for some learners.
#[derive(Debug, Clone)]
pub struct Failing {
    pub name: String,
    pub day: Option<u32>,
    pub learners: usize,
    /// Learners the test was graded for.
    pub graded: usize,
    /// A failing learner and the message they got: the one furthest into the test's day (a
    /// failed assertion says more than the starter's `todo!()`), the first by name of those.
    pub first_learner: String,
    pub first_message: String,
}

/// A file that could not be read, and why.
#[derive(Debug, Clone)]
pub struct Unread {
    pub file: PathBuf,
    pub error: String,
}

/// The whole class.
#[derive(Debug, Clone)]
pub struct Class {
    pub course: String,
    /// Each learner's latest grade, by name.
    pub learners: Vec<Submission>,
    pub days: Vec<Day>,
    /// Most learners failing first.
    pub failing: Vec<Failing>,
    pub unread: Vec<Unread>,
}

impl Class {
    /// Reads every file; one that cannot be read is listed in `unread`, not fatal.
    pub fn read(files: &[PathBuf]) -> Class {
        let names = read::names(files);
        let mut submissions = Vec::new();
        let mut unread = Vec::new();
        for (file, name) in files.iter().zip(&names) {
            match read::read(file, name) {
                Ok(submission) => submissions.push(submission),
                Err(error) => unread.push(Unread {
                    file: file.clone(),
                    error: crate::chain(&error),
                }),
            }
        }
        Class::from_submissions(submissions, unread)
    }

    /// Sums up `submissions`, keeping each learner's latest grade.
    pub fn from_submissions(submissions: Vec<Submission>, unread: Vec<Unread>) -> Class {
        let mut latest: BTreeMap<String, Submission> = BTreeMap::new();
        for submission in submissions {
            let newer = latest
                .get(&submission.learner)
                .is_none_or(|kept| submission.graded_at >= kept.graded_at);
            if newer {
                latest.insert(submission.learner.clone(), submission);
            }
        }
        let learners: Vec<Submission> = latest.into_values().collect();
        Class {
            course: course_title(&learners),
            days: days(&learners),
            failing: failing(&learners),
            learners,
            unread,
        }
    }

    /// The class's mean score, over the learners who could be graded.
    pub fn mean_percent(&self) -> f64 {
        let graded: Vec<f64> = self
            .learners
            .iter()
            .filter(|l| l.error.is_none())
            .map(Submission::percent)
            .collect();
        if graded.is_empty() {
            return 0.0;
        }
        (graded.iter().sum::<f64>() / graded.len() as f64 * 10.0).round() / 10.0
    }
}

fn percent((passed, total): (usize, usize)) -> f64 {
    if total == 0 {
        return 0.0;
    }
    (passed as f64 * 1000.0 / total as f64).floor() / 10.0
}

/// The course most reports name.
fn course_title(learners: &[Submission]) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for learner in learners.iter().filter(|l| !l.course.is_empty()) {
        *counts.entry(&learner.course).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map_or_else(String::new, |(title, _)| title.to_string())
}

/// Every day any report graded, in order, with the class's result on it.
fn days(learners: &[Submission]) -> Vec<Day> {
    let mut days: BTreeMap<u32, Day> = BTreeMap::new();
    let mut tests: BTreeMap<u32, (usize, usize)> = BTreeMap::new();
    for cell in learners.iter().flat_map(|l| &l.days) {
        let day = days.entry(cell.day).or_insert_with(|| Day {
            day: cell.day,
            name: cell.name.clone(),
            title: cell.title.clone(),
            passing: 0,
            graded: 0,
            percent: 0.0,
        });
        day.graded += 1;
        day.passing += usize::from(cell.status == DayStatus::Pass);
        let sum = tests.entry(cell.day).or_default();
        *sum = (sum.0 + cell.passed, sum.1 + cell.total);
    }
    days.into_values()
        .map(|mut day| {
            day.percent = percent(tests[&day.day]);
            day
        })
        .collect()
}

/// The tests that fail for at least one learner, most failing first (then by name).
fn failing(learners: &[Submission]) -> Vec<Failing> {
    let mut found: BTreeMap<&str, (Failing, Option<usize>)> = BTreeMap::new();
    for learner in learners {
        for test in &learner.tests {
            let (entry, furthest) = found.entry(&test.name).or_insert_with(|| {
                let failing = Failing {
                    name: test.name.clone(),
                    day: test.day,
                    learners: 0,
                    graded: 0,
                    first_learner: String::new(),
                    first_message: String::new(),
                };
                (failing, None)
            });
            entry.graded += 1;
            if test.passed {
                continue;
            }
            entry.learners += 1;
            let progress = test
                .day
                .and_then(|d| learner.day(d))
                .map_or(0, |d| d.passed);
            if furthest.is_none_or(|best| progress > best) {
                *furthest = Some(progress);
                entry.first_learner = learner.learner.clone();
                entry.first_message = test.message.clone();
            }
        }
    }
    let found = found
        .into_iter()
        .map(|(name, (failing, _))| (name, failing));
    let mut failing: Vec<Failing> = found.map(|(_, f)| f).filter(|f| f.learners > 0).collect();
    failing.sort_by(|a, b| {
        b.learners
            .cmp(&a.learners)
            .then_with(|| a.name.cmp(&b.name))
    });
    failing
}

#[cfg(test)]
mod tests;
