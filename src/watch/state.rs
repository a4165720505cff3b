//! The watch session's state, the dispatcher of events, and one small handler per action.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use super::debounce::Debounce;
use super::event::Event;
use super::files::{self, FileWatch};
use super::jobs::Jobs;
use super::keyboard::Keyboard;
use super::keymap::View;
use super::trace;
use crate::app::{App, messages};
use crate::runner::Verdict;

pub struct Watch {
    pub app: App,
    /// The exercise on screen (a save in another day shows that day without moving `current`).
    pub shown: usize,
    pub verdict: Option<Verdict>,
    pub view: View,
    pub notice: Option<String>,
    pub quit: bool,
    pub jobs: Jobs,
    /// The first build of the day on screen, while it compiles libraries: crates built, about
    /// how many, the last one.
    pub building: Option<(usize, usize, String)>,
    pub debounce: Debounce,
    files: Option<FileWatch>,
    /// The key reader, paused while an editor has the terminal.
    pub keyboard: Option<Keyboard>,
    /// `--editor`, for `e`.
    pub editor: Option<String>,
    /// The digest of each day's build inputs when its last run started (see
    /// [`files::inputs_digest`]): a day whose inputs are as they were is not run again.
    ran: HashMap<String, u64>,
    /// Other days whose inputs changed during a run, run once it ends.
    deferred: BTreeSet<usize>,
    /// The run on screen, recorded in memory, until it is saved after drawing.
    unpersisted: Option<(crate::course::Exercise, Verdict)>,
}

impl Watch {
    pub fn new(app: App, jobs: Jobs, notice: Option<String>, files: Option<FileWatch>) -> Watch {
        let shown = app.progress.current_index(&app.course);
        let notice = notice
            .or_else(|| (!app.progress.welcomed).then(|| app.course.welcome.trim().to_string()));
        Watch {
            app,
            shown,
            verdict: None,
            view: View::Day,
            notice: notice.filter(|n| !n.is_empty()),
            quit: false,
            jobs,
            building: None,
            debounce: Debounce::default(),
            files,
            keyboard: None,
            editor: None,
            ran: HashMap::new(),
            deferred: BTreeSet::new(),
            unpersisted: None,
        }
    }

    /// Handles one event; true when the screen changed and must be redrawn.
    pub fn handle(&mut self, event: Event) -> Result<bool> {
        Ok(match event {
            Event::Changed { path, saved } => self.on_changed(&path, saved),
            Event::WatchError(e) => self.say(format!("file watcher: {e}")),
            Event::Key(key) => self.on_key(key)?,
            Event::Resize => true,
            Event::TerminalGone => {
                self.quit = true;
                false
            }
            Event::WarmupProgress { done, total } => self.jobs.warmup_progress(done, total),
            Event::BuildProgress {
                generation,
                built,
                total,
                name,
            } => {
                if self.jobs.is_current(generation) {
                    trace::event("build-progress", &format!("{built}/{total} {name}"));
                    self.building = Some((built, total, name));
                }
                self.jobs.build_progress(generation)
            }
            Event::WarmupEnded(result) => {
                // A quiet notice: it must not hide one the learner needs.
                if let Some(notice) = self.jobs.warmup_ended(result, &self.app.course) {
                    self.notice.get_or_insert(notice);
                }
                true
            }
            Event::Finished {
                generation,
                name,
                result,
            } => self.on_finished(generation, &name, result)?,
        })
    }

    /// Saves the run last shown, once it is on screen; true when that changed whether the
    /// progress can be saved (the screen says so).
    pub fn persist_shown(&mut self) -> bool {
        let Some((exercise, verdict)) = self.unpersisted.take() else {
            return false;
        };
        let before = self.app.unsaved().map(str::to_string);
        self.app.persist(&exercise, &verdict);
        self.app.unsaved() != before.as_deref()
    }

    pub(super) fn say(&mut self, notice: impl Into<String>) -> bool {
        self.notice = Some(notice.into());
        true
    }

    /// A path changed: an exercise's file opens the debounce window (nothing to draw yet), a
    /// short one when the file was `saved` (closed by its writer, or renamed into place);
    /// `exercises/` itself coming or going gets a notice. Anything else is ignored.
    fn on_changed(&mut self, path: &Path, saved: bool) -> bool {
        let dir = files::exercises_dir(&self.app.course.root);
        if path == dir {
            self.on_exercises_dir_changed();
            return true;
        }
        if let Some(name) = files::exercise_of(&dir, path) {
            trace::event("file-event", &name);
            self.debounce.record(name, Instant::now(), saved);
        }
        false
    }

    /// `exercises/` itself was removed, renamed or created: say so, and rerun the day shown
    /// once it is back.
    fn on_exercises_dir_changed(&mut self) {
        let Some(files) = self.files.as_mut() else {
            return;
        };
        let (notice, back) = files.dir_changed();
        self.notice = Some(notice);
        if back {
            self.start_run(self.shown);
        }
    }

    /// The debounce window closed on these days: run one whose build inputs changed (the
    /// shown one first). Another day's change waits while a run is in flight: it may be that
    /// run's own tests writing there, and a run is never cut short by what it does itself.
    pub fn on_quiet(&mut self, touched: &BTreeSet<String>) {
        let course = &self.app.course;
        let changed: Vec<usize> = touched
            .iter()
            .filter_map(|name| course.index_of(name))
            .filter(|&index| self.inputs_changed(index))
            .collect();
        if changed.contains(&self.shown) {
            self.start_run(self.shown);
        } else if self.jobs.is_running() {
            self.deferred.extend(changed);
        } else if let Some(&index) = changed.first() {
            self.start_run(index);
        }
    }

    /// Whether day `index`'s build inputs differ from when its last run started (a day not
    /// run yet has changed).
    fn inputs_changed(&self, index: usize) -> bool {
        let exercise = &self.app.course.exercises[index];
        let now = files::inputs_digest(&self.app.course.exercise_dir(exercise));
        self.ran.get(&exercise.name) != Some(&now)
    }

    /// Starts a run of exercise `index` and shows it, superseding any run in flight.
    pub fn start_run(&mut self, index: usize) {
        if index != self.shown {
            self.verdict = None;
        }
        self.shown = index;
        self.building = None;
        // The warm-up follows the learner: this day's neighbours are the ones needed next.
        self.jobs.prioritize(&self.app.course, index);
        let exercise = &self.app.course.exercises[index];
        let digest = files::inputs_digest(&self.app.course.exercise_dir(exercise));
        self.ran.insert(exercise.name.clone(), digest);
        self.jobs.start_run(&self.app.course, exercise);
    }

    /// A run ended: the first day that changed meanwhile (and is still changed) runs now.
    fn run_deferred(&mut self) {
        let deferred = std::mem::take(&mut self.deferred);
        if let Some(index) = deferred.into_iter().find(|&i| self.inputs_changed(i)) {
            self.start_run(index);
        }
    }

    fn on_finished(
        &mut self,
        generation: u64,
        name: &str,
        result: Result<Verdict, String>,
    ) -> Result<bool> {
        // A run that was cancelled or superseded: nothing on screen belongs to it.
        if !self.jobs.finished(generation) {
            return Ok(false);
        }
        self.building = None;
        // A PostgreSQL day's run may have created or recreated the course's private server.
        if let Some(notice) = crate::runner::postgres::cluster::take_notices().pop() {
            self.notice.get_or_insert(notice);
        }
        let shown = self.show_verdict(name, result);
        // The learner's verdict first; then the warm-up may have cargo.
        self.jobs.start_warmup(&self.app.course);
        shown
    }

    fn show_verdict(&mut self, name: &str, result: Result<Verdict, String>) -> Result<bool> {
        let verdict = match result {
            Ok(verdict) => verdict,
            Err(e) => {
                self.say(format!("could not run `{name}`: {e}"));
                self.run_deferred();
                return Ok(true);
            }
        };
        let index = self.app.course.index_of(name).unwrap_or(self.shown);
        let exercise = self.app.course.exercises[index].clone();
        self.app.progress.welcomed = true;
        let recorded = self.app.record_unsaved(&exercise, &verdict);
        self.unpersisted = Some((exercise.clone(), verdict.clone()));
        if recorded.course_done && recorded.newly_done {
            self.notice = Some(messages::all_done(&self.app.course));
        } else if recorded.newly_done {
            let done = messages::day_done(&exercise);
            self.notice = Some(format!(
                "{done} Press n for the next day, s to see the solution."
            ));
        }
        let (passed, total) = verdict.score();
        trace::event("verdict", &format!("{name} {passed}/{total}"));
        self.verdict = Some(verdict);
        self.run_deferred();
        Ok(true)
    }
}
