//! The work watch mode runs in the background: the learner's run (one at a time, each with a
//! generation so a superseded run's verdict is dropped) and the warm-up, which yields to runs.

use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::thread::JoinHandle;

use super::{Event, trace};
use crate::course::{Course, Exercise};
use crate::runner::{self, Cancel, Cancelled, RunOptions};
use crate::warmup::{self, Warmed};

/// A thread and the switch that stops it.
struct Job {
    cancel: Cancel,
    thread: JoinHandle<()>,
}

impl Job {
    fn spawn(work: impl FnOnce(Cancel) + Send + 'static) -> Job {
        let cancel = Cancel::default();
        let stop = cancel.clone();
        Job {
            cancel,
            thread: std::thread::spawn(move || work(stop)),
        }
    }

    /// Cancels the job and waits until its processes are gone.
    fn stop(self) {
        self.cancel.cancel();
        let _ = self.thread.join();
    }
}

pub struct Jobs {
    tx: Sender<Event>,
    /// The generation of the latest run started.
    generation: u64,
    running: Option<Job>,
    warming: Option<Job>,
    /// Crates built by the warm-up in flight, out of about how many.
    warm_progress: (usize, usize),
    /// Whether every day's dependencies are built (or warming was declined).
    warm: bool,
}

/// Nothing the learner's code started may outlive the session, however it ends: a quit, an
/// error drawing to a terminal that closed, or a panic unwinding.
impl Drop for Jobs {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Jobs {
    pub fn new(tx: Sender<Event>, warm: bool) -> Jobs {
        Jobs {
            tx,
            generation: 0,
            running: None,
            warming: None,
            warm_progress: (0, 0),
            warm,
        }
    }

    /// Starts a run of `exercise`, superseding the one in flight. The warm-up stops first: it
    /// holds cargo's lock on the target directory, and the learner's run comes first.
    pub fn start_run(&mut self, course: &Course, exercise: &Exercise) {
        self.stop_warmup();
        if let Some(old) = self.running.take() {
            // Not joined: it ends on its own, and its verdict is dropped by its generation.
            old.cancel.cancel();
        }
        self.generation += 1;
        trace::event("run-start", &exercise.name);
        let (course, exercise) = (course.clone(), exercise.clone());
        let (tx, generation) = (self.tx.clone(), self.generation);
        self.running = Some(Job::spawn(move |cancel| {
            let options = RunOptions {
                color: crate::ui::palette::enabled(),
                cancel: Some(cancel),
                ..Default::default()
            };
            let result = runner::run_exercise(&course, &exercise, &options);
            if result.as_ref().is_err_and(|e| e.is::<Cancelled>()) {
                return;
            }
            let _ = tx.send(Event::Finished {
                generation,
                name: exercise.name,
                result: result.map_err(|e| format!("{e:#}")),
            });
        }));
    }

    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// A run ended: true when it is the latest one (its verdict belongs on screen). The
    /// warm-up resumes then.
    pub fn finished(&mut self, generation: u64, course: &Course) -> bool {
        if self.running.is_none() || generation != self.generation {
            return false;
        }
        self.running = None;
        self.start_warmup(course);
        true
    }

    /// Stops the run and the warm-up in flight and waits until their processes are gone.
    pub fn stop(&mut self) {
        self.stop_warmup();
        if let Some(run) = self.running.take() {
            run.stop();
        }
    }

    /// Builds the other days' dependencies in the background while nothing else runs.
    fn start_warmup(&mut self, course: &Course) {
        if self.warm || self.warming.is_some() || self.running.is_some() {
            return;
        }
        let (course, tx) = (course.clone(), self.tx.clone());
        self.warm_progress = (0, 0);
        self.warming = Some(Job::spawn(move |cancel| {
            let progress_tx = tx.clone();
            let progress = Arc::new(move |done, total| {
                let _ = progress_tx.send(Event::WarmupProgress { done, total });
            });
            let result = warmup::warm(&course, Some(cancel), progress);
            let _ = tx.send(Event::WarmupEnded(result.map_err(|e| format!("{e:#}"))));
        }));
    }

    fn stop_warmup(&mut self) {
        if let Some(warming) = self.warming.take() {
            warming.stop();
        }
    }

    /// The warm-up's progress, while it runs.
    pub fn warming(&self) -> Option<(usize, usize)> {
        self.warming.as_ref().map(|_| self.warm_progress)
    }

    /// Notes the warm-up's progress; true when it changed.
    pub fn warmup_progress(&mut self, done: usize, total: usize) -> bool {
        let changed = self.warming.is_some() && self.warm_progress != (done, total);
        if changed {
            self.warm_progress = (done, total);
        }
        changed
    }

    /// The warm-up ended: a notice worth showing, if any. A cancelled warm-up (a run took
    /// cargo) resumes when that run finishes.
    pub fn warmup_ended(&mut self, result: Result<Warmed, String>) -> Option<String> {
        self.warming = None;
        match result {
            Ok(Warmed::Cancelled) => None,
            Ok(Warmed::Done) => {
                self.warm = true;
                Some("Warm-up done: every day's dependencies are built.".into())
            }
            Err(e) => {
                self.warm = true;
                Some(format!("warm-up stopped: {e}"))
            }
        }
    }
}
