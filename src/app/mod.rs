//! The open course and the learner's progress, which most commands share, and the learner's
//! actions on them (`actions`), which the commands and watch mode both call.

pub mod actions;
pub mod messages;

use std::path::Path;

use anyhow::{Context, Result};
use chrono::NaiveDate;

use crate::course::{Course, Exercise};
use crate::progress::lock::Lock;
use crate::progress::{Progress, store};
use crate::ui::palette;

pub struct App {
    pub course: Course,
    pub progress: Progress,
    pub today: NaiveDate,
    /// Held by commands that write progress, so two runners never race on it.
    _lock: Option<Lock>,
}

/// Whether a command writes progress (and so must be the only runner in the course).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

impl App {
    /// Opens the course around the current directory and loads its progress.
    pub fn open(access: Access) -> Result<App> {
        let here = std::env::current_dir().context("cannot read the current directory")?;
        App::open_at(&Course::discover(&here)?, access)
    }

    pub fn open_at(root: &Path, access: Access) -> Result<App> {
        let course = Course::load(root)?;
        let lock = match access {
            Access::Write => Some(Lock::acquire(root)?),
            Access::Read => None,
        };
        if let Some(lock) = &lock {
            store::sweep(root, lock);
        }
        let today = crate::clock::today();
        let loaded = store::load(root, today)?;
        if let Some(warning) = loaded.warning {
            eprintln!("{} {warning}", palette::warn("warning:"));
        }
        let mut app = App {
            course,
            progress: loaded.progress,
            today,
            _lock: lock,
        };
        // Pin the current day, so passing it does not silently move the learner on.
        let current = app.current().name.clone();
        app.progress.set_current(&current);
        Ok(app)
    }

    pub fn save(&self) -> Result<()> {
        store::save(&self.course.root, &self.progress)
    }

    /// The exercise named or numbered by `day`, or the current one.
    pub fn pick(&self, day: Option<&str>) -> Result<Exercise> {
        match day {
            Some(query) => self.course.find(query).cloned(),
            None => Ok(self.current().clone()),
        }
    }

    pub fn current(&self) -> &Exercise {
        &self.course.exercises[self.progress.current_index(&self.course)]
    }
}
