//! Running jobs: `run_one` is one step (claim, handle, record), and `WorkerPool` is a set of
//! tasks that repeat that step until they are asked to stop.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::watch;
use tokio::task::JoinHandle;

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

/// Claims one job due at `now_ms`, runs `handler` on it and records the result. `Ok(None)`
/// when no job is due.
///
/// The handler runs in a task of its own, so a handler that panics fails its job (like one
/// that returns `Err`) instead of taking the worker down with it.
pub async fn run_one<H, Fut>(
    queue: &Queue,
    handler: &H,
    now_ms: i64,
) -> Result<Option<Outcome>, QueueError>
where
    H: Fn(Job) -> Fut,
    Fut: Future<Output = Result<(), String>> + Send + 'static,
{
    let Some(job) = queue.claim(now_ms).await? else {
        return Ok(None);
    };
    let id = job.id;
    let result = match tokio::spawn(handler(job)).await {
        Ok(result) => result,
        Err(join_error) => Err(format!("the handler panicked: {join_error}")),
    };
    let outcome = match result {
        Ok(()) => {
            queue.complete(id).await?;
            Outcome::Done { id }
        }
        Err(error) => queue.fail(id, &error, now_ms).await?,
    };
    Ok(Some(outcome))
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
        let (shutdown, _) = watch::channel(false);
        let handler = Arc::new(handler);
        let workers = (0..workers)
            .map(|_| {
                let (queue, handler, clock) = (queue.clone(), handler.clone(), clock.clone());
                let mut stop = shutdown.subscribe();
                tokio::spawn(async move {
                    // Checked before every claim: a worker asked to stop takes no new job, but
                    // the job in hand (inside `run_one`) is always finished and recorded.
                    while !*stop.borrow() {
                        match run_one(&queue, &*handler, clock.now_ms()).await {
                            // There may be more work: look again at once.
                            Ok(Some(_)) => continue,
                            Ok(None) => {}
                            Err(error) => eprintln!("worker: queue error: {error}"),
                        }
                        // Idle: sleep, but wake up at once for a shutdown. An error means the
                        // pool itself was dropped: stop too.
                        tokio::select! {
                            changed = stop.changed() => if changed.is_err() { return },
                            () = tokio::time::sleep(poll_interval) => {}
                        }
                    }
                })
            })
            .collect();
        WorkerPool { shutdown, workers }
    }

    /// Asks every worker to stop: idle ones stop at once, busy ones after their current job.
    /// Returns immediately; `join` waits for them.
    pub fn request_shutdown(&self) {
        self.shutdown.send_replace(true);
    }

    /// Waits until every worker has stopped. Call `request_shutdown` first.
    pub async fn join(self) {
        for worker in self.workers {
            if let Err(error) = worker.await {
                eprintln!("worker: {error}");
            }
        }
    }

    /// `request_shutdown`, then `join`: a graceful shutdown.
    pub async fn shutdown(self) {
        self.request_shutdown();
        self.join().await;
    }
}
