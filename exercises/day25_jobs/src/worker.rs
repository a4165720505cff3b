//! Running jobs: `run_one` is one step (claim, handle, record), and `WorkerPool` is a set of
//! tasks that repeat that step until they are asked to stop.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::queue::{Job, Outcome, Queue};

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

/// Claims one job due at `now_ms`, runs `handler` on it and records the result. `Ok(None)`
/// when no job is due.
///
/// The handler runs in a task of its own, so a handler that panics fails its job (like one
/// that returns `Err`) instead of taking the worker down with it.
pub async fn run_one<H, Fut>(
    queue: &Queue,
    handler: &H,
    now_ms: i64,
) -> rusqlite::Result<Option<Outcome>>
where
    H: Fn(Job) -> Fut,
    Fut: Future<Output = Result<(), String>> + Send + 'static,
{
    // TODO: claim a job (none due: `Ok(None)`). Run the handler in its own task,
    // `tokio::spawn(handler(job)).await`: an `Err(JoinError)` means it panicked, which counts
    // as a failure like an `Err(message)`. Then `complete` or `fail` (at `now_ms`) the job and
    // return the outcome.
    let _ = (queue, handler, now_ms);
    todo!("run one job")
}

/// A set of workers sharing one queue.
pub struct WorkerPool {
    shutdown: watch::Sender<bool>,
    workers: Vec<JoinHandle<()>>,
}

impl WorkerPool {
    /// Starts `workers` tasks. Each one runs jobs with `run_one` for as long as there are due
    /// jobs, and when there are none waits `poll_interval` (or until shutdown) before looking
    /// again.
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
        // TODO: make a `watch::channel(false)` for the shutdown flag and put the handler in an
        // `Arc`. Spawn `workers` tasks; each one loops:
        //   - stop if the flag (`receiver.borrow()`) is true: checked before every claim;
        //   - `run_one(&queue, &*handler, clock.now_ms())`: after a job, look again at once;
        //   - when idle, `tokio::select!` between `receiver.changed()` (shutdown, or the pool
        //     was dropped if it returns `Err`) and `tokio::time::sleep(poll_interval)`.
        // Keep the sender and the `JoinHandle`s in the `WorkerPool`.
        let _ = (queue, handler, workers, poll_interval, clock);
        todo!("start the workers")
    }

    /// Asks every worker to stop: idle ones stop at once, busy ones after their current job.
    /// Returns immediately; `join` waits for them.
    pub fn request_shutdown(&self) {
        // TODO: set the flag to true (`send_replace` works even when no worker listens).
        let _ = &self.shutdown;
        todo!("signal the workers")
    }

    /// Waits until every worker has stopped. Call `request_shutdown` first.
    pub async fn join(self) {
        // TODO: await every `JoinHandle`.
        let _ = self.workers;
        todo!("wait for the workers")
    }

    /// `request_shutdown`, then `join`: a graceful shutdown.
    pub async fn shutdown(self) {
        self.request_shutdown();
        self.join().await;
    }
}
