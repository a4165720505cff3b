//! Day 25: a persistent job queue with a worker pool.
//!
//! Jobs live in SQLite, so they survive a restart. Workers claim them with a lease, so a job
//! whose worker died is picked up again. Failures are retried with exponential backoff and,
//! after too many attempts, end in the dead letters. The pool shuts down gracefully: no new
//! jobs are taken, the ones in hand are finished. Read `README.md` first: the contracts in
//! `src/queue.rs` and `src/worker.rs` and the tests are your spec; the table and the fields
//! are yours to design.

pub mod queue;
pub mod worker;

pub use queue::{DeadJob, Job, JobId, JobState, Outcome, Queue, QueueConfig};
pub use worker::{Clock, SystemClock, WorkerPool, run_one};
