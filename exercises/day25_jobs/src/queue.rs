//! The queue itself: jobs in a PostgreSQL table, claimed with a lease, retried with backoff,
//! and given up on (dead-lettered) after too many attempts. Time is always passed in, as
//! milliseconds: the queue never reads a clock, so tests can say exactly when things happen.

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime};
use tokio_postgres::NoTls;

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

/// A persistent job queue in PostgreSQL. One `Arc<Queue>` is shared by every worker, in this
/// process and in others, and two workers never hold the same job at once.
///
/// The jobs live in a table named `jobs` whose primary key `id` is the `JobId` (the tests lock
/// a row of it, as another worker would); its other columns are yours to design.
pub struct Queue {
    pool: Pool,
    config: QueueConfig,
}

impl Queue {
    /// Connects to the database at `url` and creates the table if needed. Given: the pool;
    /// `self.pool.get().await?` lends you a connection.
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
        // TODO: create your `jobs` table (and an index that fits `claim`) if it does not exist.
        let _ = (pool.get().await?, config);
        todo!("create the jobs table")
    }

    /// Adds a queued job that becomes due at `run_at_ms` (pass the current time to run it as
    /// soon as possible, a later one to schedule it), and returns its id.
    pub async fn enqueue(
        &self,
        kind: &str,
        payload: &str,
        run_at_ms: i64,
    ) -> Result<JobId, QueueError> {
        let _ = (&self.pool, kind, payload, run_at_ms);
        todo!()
    }

    /// Takes the next due job, if any, and leases it until `now_ms + lease_ms`; the job it
    /// returns counts this claim in its `attempts`.
    ///
    /// Due means: queued with `run_at <= now`, or running with an expired lease (its worker
    /// died). The job due earliest comes first, then the one enqueued first. A job whose lease
    /// expired on its last allowed attempt goes to the dead letters instead, with a
    /// `last_error` that says so. However many workers claim at once, each due job goes to
    /// exactly one of them, and a claim never waits for a job another worker is claiming: it
    /// takes the next one.
    pub async fn claim(&self, now_ms: i64) -> Result<Option<Job>, QueueError> {
        let _ = (now_ms, self.config);
        todo!()
    }

    /// Marks a running job as done (`NotRunning` if it is not running).
    pub async fn complete(&self, id: JobId) -> Result<(), QueueError> {
        let _ = id;
        todo!()
    }

    /// Records a failed attempt of a running job (`NotRunning` if it is not running), keeping
    /// `error` as its `last_error`: queued again, due `retry_delay_ms(attempts)` after
    /// `now_ms`, or dead if that was its last allowed attempt.
    pub async fn fail(&self, id: JobId, error: &str, now_ms: i64) -> Result<Outcome, QueueError> {
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
    pub async fn state(&self, id: JobId) -> Result<Option<JobState>, QueueError> {
        let _ = id;
        todo!()
    }

    /// Every dead job, oldest first.
    pub async fn dead_letters(&self) -> Result<Vec<DeadJob>, QueueError> {
        todo!()
    }
}
