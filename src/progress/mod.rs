//! The learner's progress: a plain struct with pure transitions. Reading and writing it is
//! `store.rs`'s job.

pub mod lock;
pub mod store;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::course::Course;

/// The progress file format this runner writes.
pub const PROGRESS_VERSION: u32 = 1;

/// Everything backlings remembers about a learner, keyed by exercise name (never by position,
/// so reordering or renaming days does not shift anyone's progress).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub format_version: u32,
    /// The day the learner started the plan.
    pub started_on: Option<NaiveDate>,
    /// The exercise the learner is on.
    pub current: Option<String>,
    /// Whether the course's welcome message was shown.
    #[serde(default)]
    pub welcomed: bool,
    #[serde(default)]
    pub exercises: BTreeMap<String, ExerciseProgress>,
}

/// What is known about one exercise.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExerciseProgress {
    /// The date all its tests first passed.
    pub done_on: Option<NaiveDate>,
    /// How many hints were revealed.
    #[serde(default)]
    pub hints_shown: usize,
    /// Tests passing / counted at the last run.
    pub last_run: Option<LastRun>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastRun {
    pub passed: usize,
    pub total: usize,
}

/// Where a day stands, for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayState {
    Done,
    Current,
    Pending,
}

impl Progress {
    pub fn new(today: NaiveDate) -> Progress {
        Progress {
            format_version: PROGRESS_VERSION,
            started_on: Some(today),
            ..Progress::default()
        }
    }

    pub fn entry(&self, name: &str) -> ExerciseProgress {
        self.exercises.get(name).cloned().unwrap_or_default()
    }

    pub fn is_done(&self, name: &str) -> bool {
        self.exercises
            .get(name)
            .is_some_and(|e| e.done_on.is_some())
    }

    /// The current exercise's index: the remembered one if it still exists, else the first
    /// not done (or the last, when all are done).
    pub fn current_index(&self, course: &Course) -> usize {
        let remembered = self
            .current
            .as_deref()
            .and_then(|name| course.index_of(name));
        remembered
            .or_else(|| course.exercises.iter().position(|e| !self.is_done(&e.name)))
            .unwrap_or(course.exercises.len().saturating_sub(1))
    }

    pub fn state_of(&self, course: &Course, index: usize) -> DayState {
        if index == self.current_index(course) {
            DayState::Current
        } else if self.is_done(&course.exercises[index].name) {
            DayState::Done
        } else {
            DayState::Pending
        }
    }

    /// Records a run; the first all-passing run marks the day done on `today`.
    /// Returns true when this run completed the day for the first time.
    pub fn record_run(
        &mut self,
        name: &str,
        passed: usize,
        total: usize,
        today: NaiveDate,
    ) -> bool {
        let entry = self.exercises.entry(name.to_string()).or_default();
        entry.last_run = Some(LastRun { passed, total });
        let newly_done = total > 0 && passed == total && entry.done_on.is_none();
        if newly_done {
            entry.done_on = Some(today);
        }
        newly_done
    }

    /// The next exercise not done after the current one, wrapping around; `None` if all done.
    pub fn next_pending(&self, course: &Course) -> Option<usize> {
        let n = course.exercises.len();
        let from = self.current_index(course);
        (1..=n)
            .map(|step| (from + step) % n)
            .find(|&i| !self.is_done(&course.exercises[i].name))
    }

    pub fn set_current(&mut self, name: &str) {
        self.current = Some(name.to_string());
    }

    /// Reveals one more hint (up to `available`) and returns how many are now shown.
    pub fn reveal_hint(&mut self, name: &str, available: usize) -> usize {
        let entry = self.exercises.entry(name.to_string()).or_default();
        entry.hints_shown = (entry.hints_shown + 1).min(available);
        entry.hints_shown
    }

    /// Forgets that a day was done (used by `reset`); hints stay revealed.
    pub fn reset(&mut self, name: &str) {
        if let Some(entry) = self.exercises.get_mut(name) {
            entry.done_on = None;
            entry.last_run = None;
        }
    }

    /// Days of the course done.
    pub fn done_count(&self, course: &Course) -> usize {
        course
            .exercises
            .iter()
            .filter(|e| self.is_done(&e.name))
            .count()
    }

    /// Consecutive calendar days, ending today or yesterday, on each of which a day was done.
    pub fn streak(&self, today: NaiveDate) -> usize {
        let dates: std::collections::BTreeSet<NaiveDate> =
            self.exercises.values().filter_map(|e| e.done_on).collect();
        let Some(yesterday) = today.pred_opt() else {
            return 0;
        };
        let mut day = if dates.contains(&today) {
            today
        } else {
            yesterday
        };
        let mut streak = 0;
        while dates.contains(&day) {
            streak += 1;
            match day.pred_opt() {
                Some(before) => day = before,
                None => break,
            }
        }
        streak
    }

    /// Day of the plan today is (1 on the start date).
    pub fn plan_day(&self, today: NaiveDate) -> Option<i64> {
        self.started_on.map(|start| (today - start).num_days() + 1)
    }
}

#[cfg(test)]
mod tests;
