//! Day 25: a persistent job queue with a worker pool (solution).
//!
//! Jobs live in SQLite, so they survive a restart. Workers claim them with a lease, so a job
//! whose worker died is picked up again. Failures are retried with exponential backoff and,
//! after too many attempts, end in the dead letters. The pool shuts down gracefully: no new
//! jobs are taken, the ones in hand are finished.

pub mod queue;
pub mod worker;

pub use queue::{DeadJob, Job, JobId, JobState, Outcome, Queue, QueueConfig, SCHEMA};
pub use worker::{Clock, SystemClock, WorkerPool, run_one};
