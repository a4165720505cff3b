//! The queue itself: jobs in a SQLite table, claimed with a lease, retried with backoff, and
//! given up on (dead-lettered) after too many attempts. Time is always passed in, as
//! milliseconds: the queue never reads a clock, so tests can say exactly when things happen.

use std::path::Path;

pub type JobId = i64;

/// A job as a handler receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: JobId,
    pub kind: String,
    pub payload: String,
    /// Which attempt this is: 1 the first time the job is claimed.
    pub attempts: u32,
}

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    Queued,
    Running,
    Done,
    Dead,
}

/// A job that was given up on, with the reason of its last failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadJob {
    pub id: JobId,
    pub kind: String,
    pub payload: String,
    pub attempts: u32,
    pub last_error: String,
}

/// What became of a job that was run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The handler succeeded.
    Done { id: JobId },
    /// The handler failed; the job is queued again, due at `at_ms`.
    Retrying { id: JobId, at_ms: i64 },
    /// The handler failed on the last allowed attempt: the job is in the dead letters.
    Dead { id: JobId },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueConfig {
    /// A job is tried at most this many times.
    pub max_attempts: u32,
    /// The wait after the first failed attempt; it doubles after each further one.
    pub backoff_base_ms: i64,
    /// How long a worker may hold a job before it is presumed dead.
    pub lease_ms: i64,
}

/// A persistent job queue in SQLite. One `Arc<Queue>` is shared by every worker, and two
/// workers never hold the same job at once.
pub struct Queue {
    // Your fields here.
}

impl Queue {
    /// Opens (or creates) the queue in the SQLite file at `path`. The jobs in it survive
    /// closing and opening it again.
    pub fn open(path: impl AsRef<Path>, config: QueueConfig) -> rusqlite::Result<Queue> {
        let _ = (path.as_ref(), config);
        todo!()
    }

    /// A queue in memory, gone when dropped.
    pub fn open_in_memory(config: QueueConfig) -> rusqlite::Result<Queue> {
        let _ = config;
        todo!()
    }

    /// Adds a queued job that becomes due at `run_at_ms` (pass the current time to run it as
    /// soon as possible, a later one to schedule it), and returns its id.
    pub fn enqueue(&self, kind: &str, payload: &str, run_at_ms: i64) -> rusqlite::Result<JobId> {
        let _ = (kind, payload, run_at_ms);
        todo!()
    }

    /// Takes the next due job, if any, and leases it until `now_ms + lease_ms`; the job it
    /// returns counts this claim in its `attempts`.
    ///
    /// Due means: queued with `run_at <= now`, or running with an expired lease (its worker
    /// died). The job due earliest comes first, then the one enqueued first. A job whose lease
    /// expired on its last allowed attempt goes to the dead letters instead, with a
    /// `last_error` that says so. However many workers claim at once, each due job goes to
    /// exactly one of them.
    pub fn claim(&self, now_ms: i64) -> rusqlite::Result<Option<Job>> {
        let _ = now_ms;
        todo!()
    }

    /// Marks a running job as done.
    pub fn complete(&self, id: JobId) -> rusqlite::Result<()> {
        let _ = id;
        todo!()
    }

    /// Records a failed attempt of a running job, keeping `error` as its `last_error`: queued
    /// again, due `retry_delay_ms(attempts)` after `now_ms`, or dead if that was its last
    /// allowed attempt.
    pub fn fail(&self, id: JobId, error: &str, now_ms: i64) -> rusqlite::Result<Outcome> {
        let _ = (id, error, now_ms);
        todo!()
    }

    /// The wait after failed attempt number `attempts` (1, 2, ...): `base * 2^(attempts - 1)`,
    /// saturating at `i64::MAX` instead of overflowing.
    pub fn retry_delay_ms(&self, attempts: u32) -> i64 {
        let _ = attempts;
        todo!()
    }

    /// The state of job `id`, or `None` if there is no such job.
    pub fn state(&self, id: JobId) -> rusqlite::Result<Option<JobState>> {
        let _ = id;
        todo!()
    }

    /// Every dead job, oldest first.
    pub fn dead_letters(&self) -> rusqlite::Result<Vec<DeadJob>> {
        todo!()
    }
}
