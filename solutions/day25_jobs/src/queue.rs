//! The queue itself: jobs in a PostgreSQL table, claimed with a lease, retried with backoff,
//! and given up on (dead-lettered) after too many attempts. Time is always passed in, as
//! milliseconds: the queue never reads a clock, so tests can say exactly when things happen.

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime};
use tokio_postgres::{NoTls, Row};

/// The table behind the queue.
///
/// `run_at` is when a queued job becomes due; `lease_until` is when a running job's worker is
/// presumed dead, so that another worker may claim it. `attempts` counts claims. The partial
/// index holds only the jobs `claim` looks at, in the order it wants them.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS jobs (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'running', 'done', 'dead')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    run_at      BIGINT  NOT NULL,
    lease_until BIGINT,
    last_error  TEXT
);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (run_at, id) WHERE state IN ('queued', 'running');
";

/// How many connections a queue keeps open at most: one per worker is plenty.
const POOL_SIZE: usize = 16;
/// How long a call waits for a free connection before failing.
const POOL_WAIT: Duration = Duration::from_secs(10);

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

/// Why a queue call failed.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error(transparent)]
    Db(#[from] tokio_postgres::Error),
    #[error(transparent)]
    Pool(#[from] PoolError),
    /// `fail` or `complete` was called for a job that is not running.
    #[error("job {0} is not running")]
    NotRunning(JobId),
}

/// A persistent job queue: a pool of connections to the database that holds the `jobs` table.
/// Share one `Arc<Queue>` between workers; each call borrows a connection for its length.
pub struct Queue {
    pool: Pool,
    config: QueueConfig,
}

impl Queue {
    /// Connects to the database at `url` and creates the table if needed.
    pub async fn connect(url: &str, config: QueueConfig) -> Result<Queue, QueueError> {
        let manager = Manager::from_config(
            url.parse()?,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(POOL_WAIT))
            .build()
            .expect("a pool with a runtime always builds");
        pool.get().await?.batch_execute(SCHEMA).await?;
        Ok(Queue { pool, config })
    }

    /// Adds a job that becomes due at `run_at_ms`.
    pub async fn enqueue(
        &self,
        kind: &str,
        payload: &str,
        run_at_ms: i64,
    ) -> Result<JobId, QueueError> {
        let row = self
            .pool
            .get()
            .await?
            .query_one(
                "INSERT INTO jobs (kind, payload, run_at) VALUES ($1, $2, $3) RETURNING id",
                &[&kind, &payload, &run_at_ms],
            )
            .await?;
        Ok(row.get(0))
    }

    /// Takes the next due job, if any, and leases it until `now_ms + lease_ms`.
    pub async fn claim(&self, now_ms: i64) -> Result<Option<Job>, QueueError> {
        let max_attempts = attempts_to_sql(self.config.max_attempts);
        let client = self.pool.get().await?;
        // A job whose worker vanished on its last attempt is buried, not run again. SKIP
        // LOCKED here too: a row another worker is busy with is that worker's business.
        client
            .execute(
                "UPDATE jobs
                 SET state = 'dead', lease_until = NULL,
                     last_error = 'the worker vanished (lease expired) on the last attempt'
                 WHERE id IN (
                     SELECT id FROM jobs
                     WHERE state = 'running' AND lease_until <= $1 AND attempts >= $2
                     FOR UPDATE SKIP LOCKED
                 )",
                &[&now_ms, &max_attempts],
            )
            .await?;
        // Picking and marking are one statement, and the pick locks its row: a worker that
        // picks at the same moment skips that row (instead of waiting for it, or taking it
        // too) and takes the next one.
        let row = client
            .query_opt(
                "UPDATE jobs
                 SET state = 'running', attempts = attempts + 1, lease_until = $1 + $2
                 WHERE id = (
                     SELECT id FROM jobs
                     WHERE (state = 'queued' AND run_at <= $1)
                        OR (state = 'running' AND lease_until <= $1 AND attempts < $3)
                     ORDER BY run_at, id
                     LIMIT 1
                     FOR UPDATE SKIP LOCKED
                 )
                 RETURNING id, kind, payload, attempts",
                &[&now_ms, &self.config.lease_ms, &max_attempts],
            )
            .await?;
        Ok(row.map(|row| Job {
            id: row.get(0),
            kind: row.get(1),
            payload: row.get(2),
            attempts: attempts_from_sql(&row, 3),
        }))
    }

    /// Marks a running job as done.
    pub async fn complete(&self, id: JobId) -> Result<(), QueueError> {
        let changed = self
            .pool
            .get()
            .await?
            .execute(
                "UPDATE jobs SET state = 'done', lease_until = NULL
                 WHERE id = $1 AND state = 'running'",
                &[&id],
            )
            .await?;
        match changed {
            0 => Err(QueueError::NotRunning(id)),
            _ => Ok(()),
        }
    }

    /// Records a failed attempt of a running job: queued again after the backoff, or dead if
    /// that was its last allowed attempt.
    pub async fn fail(&self, id: JobId, error: &str, now_ms: i64) -> Result<Outcome, QueueError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let Some(row) = tx
            .query_opt(
                "SELECT attempts FROM jobs WHERE id = $1 AND state = 'running' FOR UPDATE",
                &[&id],
            )
            .await?
        else {
            return Err(QueueError::NotRunning(id));
        };
        let attempts = attempts_from_sql(&row, 0);
        let outcome = if attempts >= self.config.max_attempts {
            tx.execute(
                "UPDATE jobs SET state = 'dead', lease_until = NULL, last_error = $2
                 WHERE id = $1",
                &[&id, &error],
            )
            .await?;
            Outcome::Dead { id }
        } else {
            let at_ms = now_ms.saturating_add(self.retry_delay_ms(attempts));
            tx.execute(
                "UPDATE jobs SET state = 'queued', lease_until = NULL, run_at = $2,
                     last_error = $3
                 WHERE id = $1",
                &[&id, &at_ms, &error],
            )
            .await?;
            Outcome::Retrying { id, at_ms }
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// The wait after failed attempt number `attempts` (1, 2, ...): `base * 2^(attempts - 1)`.
    pub fn retry_delay_ms(&self, attempts: u32) -> i64 {
        let factor = 2i64.saturating_pow(attempts.saturating_sub(1));
        self.config.backoff_base_ms.saturating_mul(factor)
    }

    /// The state of job `id`, or `None` if there is no such job.
    pub async fn state(&self, id: JobId) -> Result<Option<JobState>, QueueError> {
        let row = self
            .pool
            .get()
            .await?
            .query_opt("SELECT state FROM jobs WHERE id = $1", &[&id])
            .await?;
        Ok(row.map(|row| JobState::from_sql(row.get(0))))
    }

    /// Every dead job, oldest first.
    pub async fn dead_letters(&self) -> Result<Vec<DeadJob>, QueueError> {
        let rows = self
            .pool
            .get()
            .await?
            .query(
                "SELECT id, kind, payload, attempts, COALESCE(last_error, '')
                 FROM jobs WHERE state = 'dead' ORDER BY id",
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|row| DeadJob {
                id: row.get(0),
                kind: row.get(1),
                payload: row.get(2),
                attempts: attempts_from_sql(row, 3),
                last_error: row.get(4),
            })
            .collect())
    }
}

/// `attempts` is an INTEGER column (a Rust `i32`); the API counts in `u32`.
fn attempts_to_sql(attempts: u32) -> i32 {
    i32::try_from(attempts).unwrap_or(i32::MAX)
}

fn attempts_from_sql(row: &Row, column: usize) -> u32 {
    u32::try_from(row.get::<_, i32>(column)).unwrap_or(0)
}
