//! The queue itself: jobs in a SQLite table, claimed with a lease, retried with backoff, and
//! given up on (dead-lettered) after too many attempts. Time is always passed in, as
//! milliseconds: the queue never reads a clock, so tests can say exactly when things happen.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

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
        let conn = self.conn.lock().unwrap();
        conn.execute(
            "INSERT INTO jobs (kind, payload, run_at) VALUES (?1, ?2, ?3)",
            params![kind, payload, run_at_ms],
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// Takes the next due job, if any, and leases it until `now_ms + lease_ms`.
    ///
    /// Due means: queued with `run_at <= now`, or running with an expired lease (its worker
    /// died). The job due earliest comes first, then the one enqueued first. A job whose lease
    /// expired on its last allowed attempt goes to the dead letters instead.
    pub fn claim(&self, now_ms: i64) -> rusqlite::Result<Option<Job>> {
        let mut conn = self.conn.lock().unwrap();
        // IMMEDIATE takes the write lock at once: two processes sharing the file cannot both
        // pick the same job between the SELECT and the UPDATE.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE jobs
             SET state = 'dead', lease_until = NULL,
                 last_error = 'the worker vanished (lease expired) on the last attempt'
             WHERE state = 'running' AND lease_until <= ?1 AND attempts >= ?2",
            params![now_ms, self.config.max_attempts],
        )?;
        let job = tx
            .query_row(
                "UPDATE jobs
                 SET state = 'running', attempts = attempts + 1, lease_until = ?1 + ?2
                 WHERE id = (
                     SELECT id FROM jobs
                     WHERE (state = 'queued' AND run_at <= ?1)
                        OR (state = 'running' AND lease_until <= ?1)
                     ORDER BY run_at, id
                     LIMIT 1
                 )
                 RETURNING id, kind, payload, attempts",
                params![now_ms, self.config.lease_ms],
                |row| {
                    Ok(Job {
                        id: row.get(0)?,
                        kind: row.get(1)?,
                        payload: row.get(2)?,
                        attempts: row.get(3)?,
                    })
                },
            )
            .optional()?;
        tx.commit()?;
        Ok(job)
    }

    /// Marks a running job as done.
    pub fn complete(&self, id: JobId) -> rusqlite::Result<()> {
        self.conn.lock().unwrap().execute(
            "UPDATE jobs SET state = 'done', lease_until = NULL WHERE id = ?1 AND state = 'running'",
            [id],
        )?;
        Ok(())
    }

    /// Records a failed attempt of a running job: queued again after the backoff, or dead if
    /// that was its last allowed attempt.
    pub fn fail(&self, id: JobId, error: &str, now_ms: i64) -> rusqlite::Result<Outcome> {
        let mut conn = self.conn.lock().unwrap();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let attempts: u32 = tx.query_row(
            "SELECT attempts FROM jobs WHERE id = ?1 AND state = 'running'",
            [id],
            |row| row.get(0),
        )?;
        let outcome = if attempts >= self.config.max_attempts {
            tx.execute(
                "UPDATE jobs SET state = 'dead', lease_until = NULL, last_error = ?2 WHERE id = ?1",
                params![id, error],
            )?;
            Outcome::Dead { id }
        } else {
            let at_ms = now_ms.saturating_add(self.retry_delay_ms(attempts));
            tx.execute(
                "UPDATE jobs SET state = 'queued', lease_until = NULL, run_at = ?2, last_error = ?3
                 WHERE id = ?1",
                params![id, at_ms, error],
            )?;
            Outcome::Retrying { id, at_ms }
        };
        tx.commit()?;
        Ok(outcome)
    }

    /// The wait after failed attempt number `attempts` (1, 2, ...): `base * 2^(attempts - 1)`.
    pub fn retry_delay_ms(&self, attempts: u32) -> i64 {
        let factor = 2i64.saturating_pow(attempts.saturating_sub(1));
        self.config.backoff_base_ms.saturating_mul(factor)
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
        let conn = self.conn.lock().unwrap();
        let mut statement = conn.prepare(
            "SELECT id, kind, payload, attempts, COALESCE(last_error, '')
             FROM jobs WHERE state = 'dead' ORDER BY id",
        )?;
        statement
            .query_map([], |row| {
                Ok(DeadJob {
                    id: row.get(0)?,
                    kind: row.get(1)?,
                    payload: row.get(2)?,
                    attempts: row.get(3)?,
                    last_error: row.get(4)?,
                })
            })?
            .collect()
    }
}
