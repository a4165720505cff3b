//! The watch session's state and one small handler per event.

use std::collections::BTreeSet;
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use anyhow::Result;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Event, files, screen, trace};
use crate::app::App;
use crate::commands::reset::{reset_exercise, reveal_solution};
use crate::runner::{self, Cancel, Cancelled, RunOptions, Verdict};

/// Trailing quiet time after the last file event before a run starts: editors write a burst.
const DEBOUNCE: Duration = Duration::from_millis(40);

/// What the screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Day,
    List { selected: usize },
    ConfirmReset,
}

/// The background warm-up in flight.
pub struct Warming {
    cancel: Cancel,
    thread: std::thread::JoinHandle<()>,
    pub progress: (usize, usize),
}

pub struct Running {
    pub generation: u64,
    pub cancel: Cancel,
    pub thread: std::thread::JoinHandle<()>,
}

pub struct Watch {
    pub app: App,
    /// The exercise on screen (a save in another day shows that day without moving `current`).
    pub shown: usize,
    pub verdict: Option<Verdict>,
    pub running: Option<Running>,
    pub view: View,
    pub notice: Option<String>,
    pub deadline: Option<Instant>,
    pub quit: bool,
    pending: BTreeSet<String>,
    generation: u64,
    tx: Sender<Event>,
    files: Option<files::FileWatch>,
    /// Whether every day's dependencies are built (or warming was declined).
    warm: bool,
    pub warming: Option<Warming>,
}

/// Nothing the learner's code started may outlive the session, however it ends: a quit, an
/// error drawing to a terminal that closed, or a panic unwinding.
impl Drop for Watch {
    fn drop(&mut self) {
        self.stop_run();
    }
}

impl Watch {
    pub fn new(
        app: App,
        tx: Sender<Event>,
        notice: Option<String>,
        files: Option<files::FileWatch>,
        warm: bool,
    ) -> Watch {
        let shown = app.progress.current_index(&app.course);
        let notice = notice
            .or_else(|| (!app.progress.welcomed).then(|| app.course.welcome.trim().to_string()));
        Watch {
            app,
            shown,
            verdict: None,
            running: None,
            view: View::Day,
            notice: notice.filter(|n| !n.is_empty()),
            deadline: None,
            quit: false,
            pending: BTreeSet::new(),
            generation: 0,
            tx,
            files,
            warm,
            warming: None,
        }
    }

    pub fn draw(&self) -> Result<()> {
        screen::draw(self)
    }

    /// Handles one event; true when the screen changed and must be redrawn.
    pub fn handle(&mut self, event: Event) -> Result<bool> {
        let mut redraw = match event {
            Event::Changed(path) => self.on_changed(&path),
            Event::WatchError(e) => {
                self.notice = Some(format!("file watcher: {e}"));
                true
            }
            Event::Key(key) => {
                self.on_key(key)?;
                true
            }
            Event::Resize => true,
            Event::TerminalGone => {
                self.quit = true;
                false
            }
            Event::WarmupProgress { done, total } => match self.warming.as_mut() {
                Some(warming) if warming.progress != (done, total) => {
                    warming.progress = (done, total);
                    true
                }
                _ => false,
            },
            Event::WarmupEnded(result) => {
                self.on_warmup_ended(result);
                true
            }
            Event::Finished {
                generation,
                name,
                result,
            } => self.on_finished(generation, &name, result)?,
        };
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            self.on_quiet()?;
            redraw = true;
        }
        Ok(redraw)
    }

    /// A path changed: an exercise's file starts the debounce window (nothing to draw yet);
    /// `exercises/` itself coming or going gets a notice. Anything else is ignored.
    fn on_changed(&mut self, path: &std::path::Path) -> bool {
        let dir = files::exercises_dir(&self.app.course.root);
        if path == dir {
            self.on_exercises_dir_changed();
            return true;
        }
        if let Some(name) = files::exercise_of(&dir, path) {
            trace::event("file-event", &name);
            self.pending.insert(name);
            self.deadline = Some(Instant::now() + DEBOUNCE);
        }
        false
    }

    /// `exercises/` itself was removed, renamed or created: say so, and rewatch it when back.
    fn on_exercises_dir_changed(&mut self) {
        let Some(files) = self.files.as_mut() else {
            return;
        };
        if files.rearm() {
            self.notice = Some("`exercises/` is back; watching it again".into());
            let shown = self.app.course.exercises[self.shown].name.clone();
            self.pending.insert(shown);
            self.deadline = Some(Instant::now() + DEBOUNCE);
        } else {
            self.notice = Some(format!(
                "`{}` is gone: restore it (e.g. `git checkout exercises`) and watching resumes",
                files.exercises().display()
            ));
        }
    }

    /// The debounce window closed: run the day that changed (the shown one first).
    pub fn on_quiet(&mut self) -> Result<()> {
        self.deadline = None;
        let pending = std::mem::take(&mut self.pending);
        let shown_name = self.app.course.exercises[self.shown].name.clone();
        let target = if pending.contains(&shown_name) {
            Some(self.shown)
        } else {
            pending
                .iter()
                .find_map(|name| self.app.course.index_of(name))
        };
        if let Some(index) = target {
            self.start_run(index);
        }
        Ok(())
    }

    /// Starts a run of exercise `index`, cancelling any run in flight.
    pub fn start_run(&mut self, index: usize) {
        // The warm-up holds cargo's lock on the target directory: the learner's run comes first.
        self.stop_warmup();
        if let Some(old) = self.running.take() {
            old.cancel.cancel();
        }
        if index != self.shown {
            self.verdict = None;
        }
        self.shown = index;
        self.generation += 1;
        trace::event("run-start", &self.app.course.exercises[index].name);
        let cancel = Cancel::default();
        let (course, exercise) = (
            self.app.course.clone(),
            self.app.course.exercises[index].clone(),
        );
        let (tx, generation, stop) = (self.tx.clone(), self.generation, cancel.clone());
        let thread = std::thread::spawn(move || {
            let options = RunOptions {
                color: crate::ui::palette::enabled(),
                cancel: Some(cancel),
                ..Default::default()
            };
            let result = runner::run_exercise(&course, &exercise, &options);
            if result.as_ref().is_err_and(|e| e.is::<Cancelled>()) {
                return;
            }
            let result = result.map_err(|e| format!("{e:#}"));
            let _ = tx.send(Event::Finished {
                generation,
                name: exercise.name,
                result,
            });
        });
        self.running = Some(Running {
            generation: self.generation,
            cancel: stop,
            thread,
        });
    }

    /// Builds the other days' dependencies in the background while nothing else runs.
    fn start_warmup(&mut self) {
        if self.warm || self.warming.is_some() || self.running.is_some() {
            return;
        }
        let (course, tx, cancel) = (self.app.course.clone(), self.tx.clone(), Cancel::default());
        let stop = cancel.clone();
        let thread = std::thread::spawn(move || {
            let progress_tx = tx.clone();
            let progress = std::sync::Arc::new(move |done, total| {
                let _ = progress_tx.send(Event::WarmupProgress { done, total });
            });
            let result = crate::warmup::warm(&course, Some(stop), progress);
            let _ = tx.send(Event::WarmupEnded(result.map_err(|e| format!("{e:#}"))));
        });
        self.warming = Some(Warming {
            cancel,
            thread,
            progress: (0, 0),
        });
    }

    fn stop_warmup(&mut self) {
        if let Some(warming) = self.warming.take() {
            warming.cancel.cancel();
            let _ = warming.thread.join();
        }
    }

    fn on_warmup_ended(&mut self, result: Result<crate::warmup::Warmed, String>) {
        self.warming = None;
        match result {
            Ok(crate::warmup::Warmed::Done) => {
                self.warm = true;
                // A quiet notice: it must not hide one the learner needs.
                self.notice.get_or_insert_with(|| {
                    "Warm-up done: every day's dependencies are built.".into()
                });
            }
            // A run took cargo; the warm-up resumes when it finishes.
            Ok(crate::warmup::Warmed::Cancelled) => {}
            Err(e) => {
                self.warm = true;
                self.notice
                    .get_or_insert_with(|| format!("warm-up stopped: {e}"));
            }
        }
    }

    /// Stops the run in flight and waits until its processes are gone.
    pub fn stop_run(&mut self) {
        self.stop_warmup();
        if let Some(run) = self.running.take() {
            run.cancel.cancel();
            let _ = run.thread.join();
        }
    }

    fn on_finished(
        &mut self,
        generation: u64,
        name: &str,
        result: Result<Verdict, String>,
    ) -> Result<bool> {
        // A run that was cancelled or superseded: nothing on screen belongs to it.
        if self.running.as_ref().map(|r| r.generation) != Some(generation) {
            return Ok(false);
        }
        self.running = None;
        self.start_warmup();
        let verdict = match result {
            Ok(verdict) => verdict,
            Err(e) => {
                self.notice = Some(format!("could not run `{name}`: {e}"));
                return Ok(true);
            }
        };
        let (passed, total) = verdict.score();
        let today = self.app.today;
        let newly_done = self.app.progress.record_run(name, passed, total, today);
        self.app.progress.welcomed = true;
        self.app.save()?;
        if newly_done {
            self.notice = Some(self.done_notice());
        }
        trace::event("verdict", &format!("{name} {passed}/{total}"));
        self.verdict = Some(verdict);
        Ok(true)
    }

    fn done_notice(&self) -> String {
        let exercise = &self.app.course.exercises[self.shown];
        if self.app.progress.next_pending(&self.app.course).is_none() {
            return format!(
                "Every day is done! {}",
                self.app.course.final_message.trim()
            );
        }
        format!(
            "Day {} done! Press n for the next day, s to see the solution.",
            exercise.day
        )
    }

    fn on_key(&mut self, key: KeyEvent) -> Result<()> {
        if key.modifiers.contains(KeyModifiers::CONTROL)
            && matches!(key.code, KeyCode::Char('c' | 'd'))
        {
            self.quit = true;
            return Ok(());
        }
        match self.view {
            View::Day => self.on_day_key(key.code),
            View::List { selected } => self.on_list_key(key.code, selected),
            View::ConfirmReset => self.on_confirm_key(key.code),
        }
    }

    fn on_day_key(&mut self, code: KeyCode) -> Result<()> {
        self.notice = None;
        match code {
            KeyCode::Char('q') => self.quit = true,
            KeyCode::Char('r') => self.start_run(self.shown),
            KeyCode::Char('n') => self.next()?,
            KeyCode::Char('h') => self.hint()?,
            KeyCode::Char('l') => {
                self.view = View::List {
                    selected: self.shown,
                }
            }
            KeyCode::Char('x') => self.view = View::ConfirmReset,
            KeyCode::Char('s') => self.solution()?,
            _ => {}
        }
        Ok(())
    }

    fn next(&mut self) -> Result<()> {
        let current = self.app.current().name.clone();
        if !self.app.progress.is_done(&current) {
            self.notice = Some(format!(
                "`{current}` is not done yet: make its tests pass first (or pick a day with l)"
            ));
            return Ok(());
        }
        match self.app.progress.next_pending(&self.app.course) {
            Some(index) => self.go(index)?,
            None => {
                self.notice = Some(format!(
                    "Every day is done! {}",
                    self.app.course.final_message.trim()
                ))
            }
        }
        Ok(())
    }

    fn go(&mut self, index: usize) -> Result<()> {
        let name = self.app.course.exercises[index].name.clone();
        self.app.progress.set_current(&name);
        self.app.save()?;
        self.start_run(index);
        Ok(())
    }

    fn hint(&mut self) -> Result<()> {
        let exercise = self.app.course.exercises[self.shown].clone();
        if exercise.hints.is_empty() {
            self.notice = Some("This day has no hints: its README.md is the lesson.".into());
            return Ok(());
        }
        let shown = self
            .app
            .progress
            .reveal_hint(&exercise.name, exercise.hints.len());
        self.app.save()?;
        let text = exercise.hints[shown - 1].trim();
        self.notice = Some(format!("Hint {shown}/{}: {text}", exercise.hints.len()));
        Ok(())
    }

    fn solution(&mut self) -> Result<()> {
        let exercise = self.app.course.exercises[self.shown].clone();
        if !self.app.progress.is_done(&exercise.name) {
            self.notice = Some("The solution is shown once the day passes.".into());
            return Ok(());
        }
        self.notice = Some(match reveal_solution(&self.app.course, &exercise)? {
            Some(path) => format!("Solution: {}", path.display()),
            None => "This course ships no solution for this day.".into(),
        });
        Ok(())
    }

    fn on_list_key(&mut self, code: KeyCode, selected: usize) -> Result<()> {
        let last = self.app.course.exercises.len() - 1;
        match code {
            KeyCode::Up | KeyCode::Char('k') => {
                self.view = View::List {
                    selected: selected.saturating_sub(1),
                }
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.view = View::List {
                    selected: (selected + 1).min(last),
                }
            }
            KeyCode::Enter => {
                self.view = View::Day;
                self.go(selected)?;
            }
            KeyCode::Esc | KeyCode::Char('l' | 'q') => self.view = View::Day,
            _ => {}
        }
        Ok(())
    }

    fn on_confirm_key(&mut self, code: KeyCode) -> Result<()> {
        self.view = View::Day;
        if code != KeyCode::Char('y') {
            self.notice = Some("Reset cancelled.".into());
            return Ok(());
        }
        let exercise = self.app.course.exercises[self.shown].clone();
        self.stop_run();
        let backup = reset_exercise(&self.app.course, &exercise)?;
        self.app.progress.reset(&exercise.name);
        self.app.save()?;
        self.notice = Some(match backup {
            Some(path) => format!("Reset. Your files were saved to {}", path.display()),
            None => "Reset.".into(),
        });
        self.start_run(self.shown);
        Ok(())
    }
}
