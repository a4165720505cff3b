//! The learner's actions: record a verdict, move on, reveal a hint, reset a day, see the
//! solution. Each saves the progress it changed and returns what happened; the callers (the
//! commands and watch mode) only present it. A failed save does not fail the action: the
//! callers ask [`App::unsaved`] or [`App::saved`].

use std::path::PathBuf;

use anyhow::Result;

use super::App;
use crate::course::Exercise;
use crate::runner::Verdict;
use crate::starter;

/// What recording a run changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    pub all_passed: bool,
    /// The day passed for the first time.
    pub newly_done: bool,
    /// Every day of the course passes now.
    pub course_done: bool,
    /// The recorded day is the learner's current day.
    pub is_current: bool,
}

/// What `next` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// The learner is on the day at this index now.
    Moved(usize),
    /// The current day (named) does not pass yet, so the learner stays on it.
    NotDone(String),
    /// No day is left to do.
    AllDone,
}

/// The hints revealed so far for a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hints {
    /// The course gives this day no hints.
    None,
    Revealed {
        /// How many are revealed now (at least one).
        shown: usize,
        /// How many the day has.
        total: usize,
        /// Every hint had been revealed already: nothing new.
        exhausted: bool,
    },
}

/// Where the day's solution is, if it may be seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Solution {
    /// The day does not pass yet.
    NotYet,
    At(PathBuf),
    /// The course ships no solution for the day.
    NotShipped,
}

impl App {
    /// Remembers a run's score (and where it first failed, for `backlings open`); a full pass
    /// marks the day done.
    pub fn record(&mut self, exercise: &Exercise, verdict: &Verdict) -> Recorded {
        let recorded = self.record_unsaved(exercise, verdict);
        self.persist(exercise, verdict);
        recorded
    }

    /// [`App::record`] in memory only: watch mode draws the verdict first, then calls
    /// [`App::persist`] (saving waits for the disk, which a build has just filled with writes).
    pub fn record_unsaved(&mut self, exercise: &Exercise, verdict: &Verdict) -> Recorded {
        let (passed, total) = verdict.score();
        let newly_done = self
            .progress
            .record_run(&exercise.name, passed, total, self.today);
        Recorded {
            all_passed: verdict.all_passed(),
            newly_done,
            course_done: self.progress.next_pending(&self.course).is_none(),
            is_current: self.current().name == exercise.name,
        }
    }

    /// Writes what [`App::record_unsaved`] recorded.
    pub fn persist(&mut self, exercise: &Exercise, verdict: &Verdict) {
        self.save();
        // Only a convenience for `open` (which falls back to the day's main file): a course
        // that cannot be written is already reported by the progress save.
        let _ = self.remember_failure(exercise, verdict);
    }

    /// Moves to the next day not yet done, once the current one passes.
    pub fn next(&mut self) -> Next {
        let current = self.current().name.clone();
        if !self.progress.is_done(&current) {
            return Next::NotDone(current);
        }
        match self.progress.next_pending(&self.course) {
            Some(index) => {
                self.go(index);
                Next::Moved(index)
            }
            None => Next::AllDone,
        }
    }

    /// Makes the day at `index` the current one.
    pub fn go(&mut self, index: usize) {
        let name = self.course.exercises[index].name.clone();
        self.progress.set_current(&name);
        self.save();
    }

    /// Reveals the next hint of `exercise` (every hint with `all`).
    pub fn reveal_hint(&mut self, exercise: &Exercise, all: bool) -> Hints {
        let total = exercise.hints.len();
        if total == 0 {
            return Hints::None;
        }
        let already = self.progress.entry(&exercise.name).hints_shown;
        let mut shown = self.progress.reveal_hint(&exercise.name, total);
        while all && shown < total {
            shown = self.progress.reveal_hint(&exercise.name, total);
        }
        self.save();
        Hints::Revealed {
            shown,
            total,
            exhausted: already >= total,
        }
    }

    /// Restores the day's starter files after backing up the learner's, and forgets its
    /// progress. Returns the backup folder, if there were files to back up.
    pub fn reset(&mut self, exercise: &Exercise) -> Result<Option<PathBuf>> {
        let backup = starter::reset(&self.course, exercise)?;
        self.progress.reset(&exercise.name);
        self.save();
        Ok(backup)
    }

    /// The day's solution, once the day passes.
    pub fn solution(&self, exercise: &Exercise) -> Result<Solution> {
        if !self.progress.is_done(&exercise.name) {
            return Ok(Solution::NotYet);
        }
        Ok(match starter::reveal_solution(&self.course, exercise)? {
            Some(path) => Solution::At(path),
            None => Solution::NotShipped,
        })
    }
}
