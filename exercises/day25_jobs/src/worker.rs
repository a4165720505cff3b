//! Running jobs: `run_one` is one step (claim, handle, record), and `WorkerPool` is a set of
//! tasks that repeat that step until they are asked to stop.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::queue::{Job, Outcome, Queue, QueueError};

/// Where workers get the time from, in milliseconds.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
}

/// Milliseconds since the Unix epoch.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
    }
}

/// Claims one job due at `now_ms`, runs `handler` on it and records the result (at `now_ms`).
/// `Ok(None)` when no job is due.
///
/// A handler that panics fails its job, like one that returns `Err`, instead of taking the
/// worker down with it.
pub async fn run_one<H, Fut>(
    queue: &Queue,
    handler: &H,
    now_ms: i64,
) -> Result<Option<Outcome>, QueueError>
where
    H: Fn(Job) -> Fut,
    Fut: Future<Output = Result<(), String>> + Send + 'static,
{
    let _ = (queue, handler, now_ms);
    todo!()
}

/// A set of workers sharing one queue.
pub struct WorkerPool {
    // Your fields here.
}

impl WorkerPool {
    /// Starts `workers` tasks. Each one runs jobs with `run_one`, at the time `clock` gives, for
    /// as long as jobs are due; when none is, it waits `poll_interval`, or less if a shutdown
    /// is requested meanwhile, before looking again.
    pub fn start<H, Fut>(
        queue: Arc<Queue>,
        handler: H,
        workers: usize,
        poll_interval: Duration,
        clock: Arc<dyn Clock>,
    ) -> WorkerPool
    where
        H: Fn(Job) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), String>> + Send + 'static,
    {
        let _ = (queue, handler, workers, poll_interval, clock);
        todo!()
    }

    /// Asks every worker to stop: idle ones stop at once, busy ones after their current job,
    /// and none claims another job. Returns immediately; `join` waits for them.
    pub fn request_shutdown(&self) {
        todo!()
    }

    /// Waits until every worker has stopped. Call `request_shutdown` first.
    pub async fn join(self) {
        todo!()
    }

    /// `request_shutdown`, then `join`: a graceful shutdown.
    pub async fn shutdown(self) {
        self.request_shutdown();
        self.join().await;
    }
}
