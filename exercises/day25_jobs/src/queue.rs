//! The queue itself: jobs in a SQLite table, claimed with a lease, retried with backoff, and
//! given up on (dead-lettered) after too many attempts. Time is always passed in, as
//! milliseconds: the queue never reads a clock, so tests can say exactly when things happen.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension};

/// The table behind the queue.
///
/// `run_at` is when a queued job becomes due; `lease_until` is when a running job's worker is
/// presumed dead, so that another worker may claim it. `attempts` counts claims.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'running', 'done', 'dead')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    run_at      INTEGER NOT NULL,
    lease_until INTEGER,
    last_error  TEXT
);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (state, run_at, id);
";

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

impl JobState {
    fn from_sql(text: &str) -> JobState {
        match text {
            "queued" => JobState::Queued,
            "running" => JobState::Running,
            "done" => JobState::Done,
            _ => JobState::Dead,
        }
    }
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

/// A persistent job queue. Its methods lock the connection only for the length of one
/// statement or transaction, so one `Arc<Queue>` can be shared by every worker.
pub struct Queue {
    conn: Mutex<Connection>,
    config: QueueConfig,
}

impl Queue {
    /// Opens (or creates) the queue in the SQLite file at `path`.
    pub fn open(path: impl AsRef<Path>, config: QueueConfig) -> rusqlite::Result<Queue> {
        Self::with_connection(Connection::open(path)?, config)
    }

    /// A queue in memory, gone when dropped.
    pub fn open_in_memory(config: QueueConfig) -> rusqlite::Result<Queue> {
        Self::with_connection(Connection::open_in_memory()?, config)
    }

    fn with_connection(conn: Connection, config: QueueConfig) -> rusqlite::Result<Queue> {
        conn.execute_batch(SCHEMA)?;
        Ok(Queue {
            conn: Mutex::new(conn),
            config,
        })
    }

    /// Adds a job that becomes due at `run_at_ms` (pass the current time to run it as soon as
    /// possible, a later one to schedule it).
    pub fn enqueue(&self, kind: &str, payload: &str, run_at_ms: i64) -> rusqlite::Result<JobId> {
        // TODO: lock `self.conn`, INSERT the kind, payload and run_at (the other columns have
        // defaults) with `rusqlite::params!`, and return `conn.last_insert_rowid()`.
        let _ = (&self.conn, kind, payload, run_at_ms);
        todo!("insert a job")
    }

    /// Takes the next due job, if any, and leases it until `now_ms + lease_ms`.
    ///
    /// Due means: queued with `run_at <= now`, or running with an expired lease (its worker
    /// died). The job due earliest comes first, then the one enqueued first. A job whose lease
    /// expired on its last allowed attempt goes to the dead letters instead.
    pub fn claim(&self, now_ms: i64) -> rusqlite::Result<Option<Job>> {
        // TODO: in one transaction (`conn.transaction_with_behavior(
        // rusqlite::TransactionBehavior::Immediate)`):
        //  1. UPDATE running jobs whose lease expired (`lease_until <= now`) and whose
        //     `attempts >= max_attempts` to 'dead', with a `last_error` that says so.
        //  2. One `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = ..
        //     WHERE id = (SELECT id FROM jobs WHERE <due> ORDER BY run_at, id LIMIT 1)
        //     RETURNING id, kind, payload, attempts`, read with `query_row(..).optional()`.
        //     Due: queued with `run_at <= now`, or running with `lease_until <= now`.
        //  3. Commit, and return the job.
        let _ = (self.config, now_ms);
        todo!("claim the next due job with a lease")
    }

    /// Marks a running job as done.
    pub fn complete(&self, id: JobId) -> rusqlite::Result<()> {
        // TODO: set the running job's state to 'done' (and clear its lease).
        let _ = id;
        todo!("mark a job done")
    }

    /// Records a failed attempt of a running job: queued again after the backoff, or dead if
    /// that was its last allowed attempt.
    pub fn fail(&self, id: JobId, error: &str, now_ms: i64) -> rusqlite::Result<Outcome> {
        // TODO: in a transaction, read the running job's `attempts`. If it reached
        // `max_attempts`, the job is 'dead' (`Outcome::Dead`); otherwise it is 'queued' again
        // with `run_at = now + self.retry_delay_ms(attempts)` (`Outcome::Retrying`). Either
        // way, store `error` in `last_error` and clear the lease.
        let _ = (id, error, now_ms);
        todo!("record a failed attempt")
    }

    /// The wait after failed attempt number `attempts` (1, 2, ...): `base * 2^(attempts - 1)`.
    pub fn retry_delay_ms(&self, attempts: u32) -> i64 {
        // TODO: `backoff_base_ms * 2^(attempts - 1)`, saturating instead of overflowing
        // (`i64::saturating_pow`, `i64::saturating_mul`).
        let _ = attempts;
        todo!("compute the backoff")
    }

    /// The state of job `id`, or `None` if there is no such job.
    pub fn state(&self, id: JobId) -> rusqlite::Result<Option<JobState>> {
        self.conn
            .lock()
            .unwrap()
            .query_row("SELECT state FROM jobs WHERE id = ?1", [id], |row| {
                row.get::<_, String>(0)
            })
            .optional()
            .map(|state| state.as_deref().map(JobState::from_sql))
    }

    /// Every dead job, oldest first.
    pub fn dead_letters(&self) -> rusqlite::Result<Vec<DeadJob>> {
        // TODO: SELECT the dead jobs ordered by id; `prepare`, then `query_map` into `DeadJob`s
        // and `collect()` into the `Result<Vec<_>>`.
        todo!("list the dead letters")
    }
}
