//! The work watch mode runs in the background: the learner's run (one at a time, each with a
//! generation so a superseded run's verdict is dropped) and the warm-up, which yields to runs.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::event::Event;
use super::trace;
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
    running: Option<Running>,
    warming: Option<Warming>,
    /// Days whose dependencies are still to build, in the order the learner will need them.
    queue: VecDeque<String>,
    /// When a warm-up progress event last asked for a frame.
    last_progress_frame: Option<Instant>,
}

struct Running {
    job: Job,
    day: String,
}

struct Warming {
    job: Job,
    day: String,
    /// Crates built, out of about how many.
    crates: (usize, usize),
}

/// What the warm-up is doing, for the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarmStatus {
    pub day: String,
    pub crates: (usize, usize),
    /// Days still to warm, this one included.
    pub days_left: usize,
}

/// Warm-up progress redraws the screen at most this often.
const PROGRESS_FRAME: Duration = Duration::from_millis(250);

/// Nothing the learner's code started may outlive the session, however it ends: a quit, an
/// error drawing to a terminal that closed, or a panic unwinding.
impl Drop for Jobs {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Jobs {
    /// `queue`: the days to warm up, in order (none when the course is warm already).
    pub fn new(tx: Sender<Event>, queue: Vec<String>) -> Jobs {
        Jobs {
            tx,
            generation: 0,
            running: None,
            warming: None,
            queue: queue.into(),
            last_progress_frame: None,
        }
    }

    /// The learner moved to day `index`: warm it and the days after it next.
    pub fn prioritize(&mut self, course: &Course, index: usize) {
        let order = warmup::order(course, index);
        let queued: Vec<String> = order
            .into_iter()
            .filter(|day| self.queue.contains(day))
            .collect();
        self.queue = queued.into();
    }

    /// Starts a run of `exercise`, superseding the one in flight. The warm-up stops first: it
    /// holds cargo's lock on the target directory, and the learner's run comes first.
    pub fn start_run(&mut self, course: &Course, exercise: &Exercise) {
        self.stop_warmup();
        if let Some(old) = self.running.take() {
            // Not joined: it ends on its own, and its verdict is dropped by its generation.
            old.job.cancel.cancel();
        }
        self.generation += 1;
        trace::event("run-start", &exercise.name);
        let (course, exercise) = (course.clone(), exercise.clone());
        let (tx, generation) = (self.tx.clone(), self.generation);
        let day = exercise.name.clone();
        let job = Job::spawn(move |cancel| {
            let progress_tx = tx.clone();
            let on_progress: runner::BuildProgress = Arc::new(move |built, total, name: &str| {
                let _ = progress_tx.send(Event::BuildProgress {
                    generation,
                    built,
                    total,
                    name: name.to_string(),
                });
            });
            let options = RunOptions {
                color: crate::ui::palette::enabled(),
                cancel: Some(cancel),
                on_progress: Some(on_progress),
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
        });
        self.running = Some(Running { job, day });
    }

    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Whether `generation` is the run in flight.
    pub fn is_current(&self, generation: u64) -> bool {
        self.running.is_some() && generation == self.generation
    }

    /// Whether a progress frame is due now (at most a few a second: cargo reports hundreds
    /// of crates).
    fn progress_frame_due(&mut self) -> bool {
        let now = Instant::now();
        let due = self
            .last_progress_frame
            .is_none_or(|last| now.duration_since(last) >= PROGRESS_FRAME);
        if due {
            self.last_progress_frame = Some(now);
        }
        due
    }

    /// Notes the build progress of run `generation`; true when the screen should show it.
    pub fn build_progress(&mut self, generation: u64) -> bool {
        self.is_current(generation) && self.progress_frame_due()
    }

    /// A run ended: true when it is the latest one (its verdict belongs on screen). Its day
    /// is built now; the caller resumes the warm-up once the verdict is shown.
    pub fn finished(&mut self, generation: u64) -> bool {
        if generation != self.generation {
            return false;
        }
        let Some(run) = self.running.take() else {
            return false;
        };
        self.queue.retain(|day| *day != run.day);
        true
    }

    /// Stops the run and the warm-up in flight and waits until their processes are gone.
    pub fn stop(&mut self) {
        self.stop_warmup();
        if let Some(run) = self.running.take() {
            run.job.stop();
        }
    }

    /// Builds the next day's dependencies in the background while nothing else runs.
    pub fn start_warmup(&mut self, course: &Course) {
        if self.warming.is_some() || self.running.is_some() {
            return;
        }
        let Some(day) = self.queue.front().cloned() else {
            return;
        };
        trace::event("warm-start", &day);
        let (course, tx, name) = (course.clone(), self.tx.clone(), day.clone());
        let job = Job::spawn(move |cancel| {
            let progress_tx = tx.clone();
            let progress = Arc::new(move |done, total| {
                let _ = progress_tx.send(Event::WarmupProgress { done, total });
            });
            let result = warmup::warm(&course, &[&name], Some(cancel), progress);
            let _ = tx.send(Event::WarmupEnded(result.map_err(|e| format!("{e:#}"))));
        });
        self.warming = Some(Warming {
            job,
            day,
            crates: (0, 0),
        });
    }

    fn stop_warmup(&mut self) {
        if let Some(warming) = self.warming.take() {
            warming.job.stop();
        }
    }

    /// What the warm-up is doing, while it runs.
    pub fn warming(&self) -> Option<WarmStatus> {
        self.warming.as_ref().map(|w| WarmStatus {
            day: w.day.clone(),
            crates: w.crates,
            days_left: self.queue.len(),
        })
    }

    /// Notes the warm-up's progress; true when the screen should show it (at most a few
    /// times a second: cargo reports hundreds of crates).
    pub fn warmup_progress(&mut self, done: usize, total: usize) -> bool {
        let Some(warming) = self.warming.as_mut() else {
            return false;
        };
        warming.crates = (done, total);
        self.progress_frame_due()
    }

    /// The warm-up of a day ended: the next day starts. A notice worth showing, if any: the
    /// last day done, or a failure. A cancelled warm-up (a run took cargo) resumes when that
    /// run finishes.
    pub fn warmup_ended(
        &mut self,
        result: Result<Warmed, String>,
        course: &Course,
    ) -> Option<String> {
        let warming = self.warming.take()?;
        match result {
            Ok(Warmed::Cancelled) => None,
            Ok(Warmed::Done) => {
                self.queue.retain(|day| *day != warming.day);
                if !self.queue.is_empty() {
                    self.start_warmup(course);
                    return None;
                }
                // Without the marker the next session warms again, day by day: harmless.
                let _ = warmup::mark_warm(course);
                Some("Warm-up done: every day's dependencies are built.".into())
            }
            Err(e) => {
                self.queue.clear();
                Some(format!("warm-up stopped: {e}"))
            }
        }
    }
}
