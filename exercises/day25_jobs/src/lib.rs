//! Day 25: a persistent job queue with a worker pool.
//!
//! Jobs live in PostgreSQL, so they survive a restart, and any number of workers, in any
//! number of processes, can share them. Workers claim jobs with `FOR UPDATE SKIP LOCKED` and a
//! lease, so a job goes to exactly one of them and a job whose worker died is picked up again.
//! Failures are retried with exponential backoff and, after too many attempts, end in the dead
//! letters. The pool shuts down gracefully: no new jobs are taken, the ones in hand are
//! finished. Read `README.md` first: the contracts in `src/queue.rs` and `src/worker.rs` and
//! the tests are your spec; the table's columns are yours to design.

pub mod queue;
pub mod worker;

pub use queue::{DeadJob, Job, JobId, JobState, Outcome, Queue, QueueConfig, QueueError};
pub use worker::{Clock, SystemClock, WorkerPool, run_one};
