//! The open course and the learner's progress, which most commands share, and the learner's
//! actions on them (`actions`), which the commands and watch mode both call.

pub mod actions;
pub mod messages;
pub mod open;

use std::path::Path;

use anyhow::{Context, Result, bail};
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
    /// Why the last save failed; `None` once a save succeeds. The progress stays in memory
    /// and every later save writes all of it.
    unsaved: Option<String>,
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
        // A course that cannot be written can still be worked in: nothing is remembered, and
        // no other runner can write either, so there is no lock to take.
        let unsaved = store::writable(root).err().map(|e| crate::chain(&e));
        let lock = match access {
            Access::Write if unsaved.is_none() => Some(Lock::acquire(root)?),
            Access::Write | Access::Read => None,
        };
        if let Some(lock) = &lock {
            store::sweep(root, lock);
        }
        let today = crate::clock::today();
        let loaded = store::load(root, today)?;
        if let Some(warning) = loaded.warning {
            eprintln!("{} {warning}", palette::Palette::stderr().warn("warning:"));
        }
        let mut app = App {
            course,
            progress: loaded.progress,
            today,
            _lock: lock,
            unsaved,
        };
        // Pin the current day, so passing it does not silently move the learner on.
        let current = app.current().name.clone();
        app.progress.set_current(&current);
        Ok(app)
    }

    /// Writes the progress. A failure (a full disk, a read-only directory) does not undo what
    /// the learner did: it is remembered for [`App::unsaved`], and the next save tries again.
    pub fn save(&mut self) {
        let root = &self.course.root;
        // A read-only directory is named as such, rather than by the temporary file it stops.
        self.unsaved = store::writable(root)
            .and_then(|()| store::save(root, &self.progress))
            .err()
            .map(|e| crate::chain(&e));
    }

    /// Why the progress could not be saved, while it cannot.
    pub fn unsaved(&self) -> Option<&str> {
        self.unsaved.as_deref()
    }

    /// For a command, once it has shown what it did: the failed save as its error (exit 2).
    pub fn saved(&self) -> Result<()> {
        match &self.unsaved {
            Some(why) => {
                bail!("progress cannot be saved: {why}; what is shown above is not remembered")
            }
            None => Ok(()),
        }
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
