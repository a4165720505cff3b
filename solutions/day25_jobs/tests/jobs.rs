//! What "done" means for day 25: a real SQLite queue (in memory, or in a temp file when
//! persistence is the point), time passed in explicitly, and a worker pool whose concurrency is
//! proven with barriers and channels, never sleeps.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Barrier, Semaphore, mpsc};

use day25_jobs::{Clock, DeadJob, Job, JobState, Outcome, Queue, QueueConfig, WorkerPool, run_one};

const CONFIG: QueueConfig = QueueConfig {
    max_attempts: 3,
    backoff_base_ms: 1_000,
    lease_ms: 30_000,
};

fn queue() -> Queue {
    Queue::open_in_memory(CONFIG).expect("open an in-memory queue")
}

fn state(queue: &Queue, id: i64) -> JobState {
    queue.state(id).unwrap().expect("the job should exist")
}

/// The workers' clock in the pool tests: always 1 s after the epoch, so every job enqueued
/// at 0 is due.
struct Fixed;

impl Clock for Fixed {
    fn now_ms(&self) -> i64 {
        1_000
    }
}

/// Waits for `n` messages (at most 5 s in all), failing the test with `why` otherwise.
async fn receive(rx: &mut mpsc::UnboundedReceiver<i64>, n: usize, why: &str) -> Vec<i64> {
    let mut got = Vec::new();
    let all = async {
        while got.len() < n {
            got.push(rx.recv().await.expect("the handler's sender is alive"));
        }
    };
    if tokio::time::timeout(Duration::from_secs(5), all)
        .await
        .is_err()
    {
        panic!("{why}");
    }
    got
}

async fn join_within_5s(pool: WorkerPool) {
    tokio::time::timeout(Duration::from_secs(5), pool.join())
        .await
        .expect("after request_shutdown, every worker should stop and `join` return");
}

#[test]
fn an_enqueued_job_survives_reopening_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jobs.db");
    let id = {
        let queue = Queue::open(&path, CONFIG).unwrap();
        queue
            .enqueue("send_email", r#"{"to":"ada@example.com"}"#, 0)
            .unwrap()
    }; // the queue (and its connection) is dropped here, like a process that exits
    let reopened = Queue::open(&path, CONFIG).unwrap();
    let job = reopened.claim(0).unwrap();
    assert_eq!(
        job,
        Some(Job {
            id,
            kind: "send_email".to_string(),
            payload: r#"{"to":"ada@example.com"}"#.to_string(),
            attempts: 1,
        }),
        "a job in the database file must still be there after reopening it"
    );
}

#[test]
fn claims_due_jobs_in_order_and_leaves_scheduled_ones() {
    let queue = queue();
    let later = queue.enqueue("report", "later", 5_000).unwrap();
    let first = queue.enqueue("report", "first", 1_000).unwrap();
    let second = queue.enqueue("report", "second", 1_000).unwrap();
    let claimed: Vec<Option<i64>> = (0..3)
        .map(|_| queue.claim(2_000).unwrap().map(|job| job.id))
        .collect();
    assert_eq!(
        claimed,
        vec![Some(first), Some(second), None],
        "at 2 s, the two jobs due at 1 s come out in the order they were enqueued, and the \
         job scheduled for 5 s is not due yet"
    );
    assert_eq!(state(&queue, later), JobState::Queued);
    assert_eq!(
        queue.claim(5_000).unwrap().map(|job| job.id),
        Some(later),
        "at 5 s the scheduled job is due"
    );
}

#[test]
fn a_claimed_job_is_not_handed_out_twice() {
    let queue = queue();
    let id = queue.enqueue("resize", "cat.png", 0).unwrap();
    let job = queue.claim(0).unwrap().expect("the job is due");
    assert_eq!(
        (job.id, job.attempts),
        (id, 1),
        "the first claim is attempt 1"
    );
    assert_eq!(state(&queue, id), JobState::Running);
    assert_eq!(
        queue.claim(0).unwrap(),
        None,
        "a running job (whose lease has not expired) must not be claimed again"
    );
    queue.complete(id).unwrap();
    assert_eq!(state(&queue, id), JobState::Done);
    assert_eq!(
        queue.claim(1_000_000).unwrap(),
        None,
        "a done job is never claimed again"
    );
}

#[test]
fn a_job_whose_lease_expired_is_claimed_again_until_its_attempts_run_out() {
    let queue = queue();
    let id = queue.enqueue("resize", "cat.png", 0).unwrap();
    queue.claim(0).unwrap().expect("attempt 1"); // ...and its worker crashes
    assert_eq!(
        queue.claim(29_999).unwrap(),
        None,
        "the lease (30 s) has not expired yet"
    );
    let again = queue.claim(30_000).unwrap();
    assert_eq!(
        again.map(|job| (job.id, job.attempts)),
        Some((id, 2)),
        "once the lease expires, the job is claimed again, as attempt 2"
    );
    queue
        .claim(60_000)
        .unwrap()
        .expect("attempt 3, after the second lease expired");
    assert_eq!(
        queue.claim(90_000).unwrap(),
        None,
        "after its last attempt's lease expired, the job must not run a fourth time"
    );
    assert_eq!(
        state(&queue, id),
        JobState::Dead,
        "a job whose worker vanished on its last attempt goes to the dead letters"
    );
}

#[test]
fn a_failed_job_is_retried_after_an_exponential_backoff() {
    let queue = queue();
    let id = queue.enqueue("charge", "order 7", 0).unwrap();
    queue.claim(10_000).unwrap().expect("attempt 1");
    assert_eq!(
        queue.fail(id, "card network down", 10_000).unwrap(),
        Outcome::Retrying { id, at_ms: 11_000 },
        "after attempt 1 fails at 10 s, the retry is due 1 s (the base) later"
    );
    assert_eq!(state(&queue, id), JobState::Queued);
    assert_eq!(queue.claim(10_999).unwrap(), None, "not due before 11 s");
    queue.claim(11_000).unwrap().expect("attempt 2 at 11 s");
    assert_eq!(
        queue.fail(id, "card network down", 11_000).unwrap(),
        Outcome::Retrying { id, at_ms: 13_000 },
        "after attempt 2 the wait doubles to 2 s"
    );
    assert_eq!(
        queue.retry_delay_ms(3),
        4_000,
        "and after attempt 3 it is 4 s"
    );
}

#[tokio::test]
async fn a_job_that_keeps_failing_ends_in_the_dead_letters() {
    let queue = Arc::new(queue());
    let id = queue.enqueue("charge", "order 7", 0).unwrap();
    let failing = |job: Job| async move { Err(format!("attempt {} failed", job.attempts)) };
    let mut outcomes = Vec::new();
    for now in [0, 1_000, 3_000] {
        outcomes.push(run_one(&queue, &failing, now).await.unwrap());
    }
    assert_eq!(
        outcomes,
        vec![
            Some(Outcome::Retrying { id, at_ms: 1_000 }),
            Some(Outcome::Retrying { id, at_ms: 3_000 }),
            Some(Outcome::Dead { id }),
        ],
        "with max_attempts = 3, the third failure is final"
    );
    assert_eq!(state(&queue, id), JobState::Dead);
    assert_eq!(
        queue.dead_letters().unwrap(),
        vec![DeadJob {
            id,
            kind: "charge".to_string(),
            payload: "order 7".to_string(),
            attempts: 3,
            last_error: "attempt 3 failed".to_string(),
        }],
        "the dead letters keep the job, its attempts and its last error for a human to look at"
    );
    assert_eq!(
        run_one(&queue, &failing, 1_000_000).await.unwrap(),
        None,
        "a dead job is never run again"
    );
}

#[tokio::test]
async fn run_one_runs_a_due_job_and_marks_it_done() {
    let queue = Arc::new(queue());
    let id = queue.enqueue("greet", "Ada", 0).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let handler = {
        let seen = seen.clone();
        move |job: Job| {
            seen.lock().unwrap().push((job.kind, job.payload));
            async { Ok(()) }
        }
    };
    assert_eq!(
        run_one(&queue, &handler, 0).await.unwrap(),
        Some(Outcome::Done { id }),
        "a handler that returns Ok completes the job"
    );
    assert_eq!(
        *seen.lock().unwrap(),
        vec![("greet".to_string(), "Ada".to_string())],
        "the handler receives the job's kind and payload"
    );
    assert_eq!(state(&queue, id), JobState::Done);
    assert_eq!(
        run_one(&queue, &handler, 0).await.unwrap(),
        None,
        "with nothing due, run_one returns None"
    );
}

#[tokio::test]
async fn a_panicking_handler_fails_its_job_not_the_worker() {
    let queue = Arc::new(queue());
    let id = queue.enqueue("parse", "{not json", 0).unwrap();
    let panicking = |_job: Job| async { panic!("the handler hit a bug (this panic is expected)") };
    let outcome = run_one(&queue, &panicking, 0).await;
    assert_eq!(
        outcome.unwrap(),
        Some(Outcome::Retrying { id, at_ms: 1_000 }),
        "a panic in the handler counts as a failed attempt (run the handler in its own task \
         with `tokio::spawn` and look at the JoinError)"
    );
    assert_eq!(state(&queue, id), JobState::Queued);
}

#[tokio::test]
async fn workers_run_jobs_in_parallel() {
    let queue = Arc::new(queue());
    let ids: Vec<i64> = (0..3)
        .map(|i| {
            queue
                .enqueue("thumbnail", &format!("photo {i}"), 0)
                .unwrap()
        })
        .collect();
    // Nobody passes the barrier until three handlers wait at it: three jobs at once.
    let barrier = Arc::new(Barrier::new(3));
    let (tx, mut rx) = mpsc::unbounded_channel();
    let handler = move |job: Job| {
        let (barrier, tx) = (barrier.clone(), tx.clone());
        async move {
            barrier.wait().await;
            tx.send(job.id).unwrap();
            Ok(())
        }
    };
    let pool = WorkerPool::start(
        queue.clone(),
        handler,
        3,
        Duration::from_millis(10),
        Arc::new(Fixed),
    );
    receive(
        &mut rx,
        3,
        "three workers should run three jobs at the same time (all three handlers wait at a \
         barrier for each other)",
    )
    .await;
    pool.request_shutdown();
    join_within_5s(pool).await;
    for id in ids {
        assert_eq!(state(&queue, id), JobState::Done, "job {id} should be done");
    }
}

#[tokio::test]
async fn the_pool_runs_every_job_exactly_once() {
    let queue = Arc::new(queue());
    let ids: Vec<i64> = (0..20)
        .map(|i| queue.enqueue("count", &i.to_string(), 0).unwrap())
        .collect();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let handler = move |job: Job| {
        let tx = tx.clone();
        async move {
            tx.send(job.id).unwrap();
            Ok(())
        }
    };
    let pool = WorkerPool::start(
        queue.clone(),
        handler,
        4,
        Duration::from_millis(10),
        Arc::new(Fixed),
    );
    let mut ran = receive(&mut rx, 20, "the pool should run all 20 jobs").await;
    pool.request_shutdown();
    join_within_5s(pool).await;
    while let Ok(extra) = rx.try_recv() {
        ran.push(extra);
    }
    ran.sort();
    assert_eq!(
        ran, ids,
        "every job runs exactly once, however many workers there are"
    );
    for id in ids {
        assert_eq!(state(&queue, id), JobState::Done);
    }
}

#[tokio::test]
async fn shutdown_lets_the_running_job_finish_and_leaves_the_rest_queued() {
    let queue = Arc::new(queue());
    let running = queue.enqueue("export", "big", 0).unwrap();
    let waiting = queue.enqueue("export", "next", 1).unwrap();
    let (started_tx, mut started) = mpsc::unbounded_channel();
    let gate = Arc::new(Semaphore::new(0));
    let handler = {
        let gate = gate.clone();
        move |job: Job| {
            let (gate, started_tx) = (gate.clone(), started_tx.clone());
            async move {
                started_tx.send(job.id).unwrap();
                let _permit = gate.acquire().await.unwrap();
                Ok(())
            }
        }
    };
    let pool = WorkerPool::start(
        queue.clone(),
        handler,
        1,
        Duration::from_millis(10),
        Arc::new(Fixed),
    );
    receive(&mut started, 1, "the worker should start the first job").await;

    pool.request_shutdown(); // e.g. SIGTERM during a deploy
    gate.add_permits(10); // the job in hand finishes
    join_within_5s(pool).await;

    assert_eq!(
        state(&queue, running),
        JobState::Done,
        "the job in hand when shutdown was requested must be finished and recorded"
    );
    assert_eq!(
        state(&queue, waiting),
        JobState::Queued,
        "after shutdown was requested, no new job may be claimed: it waits for the next start"
    );
}

#[tokio::test]
async fn an_idle_pool_stops_at_once_when_asked() {
    let queue = Arc::new(queue());
    let handler = |_job: Job| async { Ok(()) };
    // Idle workers sleep for an hour between looks at the queue; shutdown must wake them.
    let pool = WorkerPool::start(
        queue,
        handler,
        2,
        Duration::from_secs(3600),
        Arc::new(Fixed),
    );
    tokio::task::yield_now().await;
    pool.request_shutdown();
    join_within_5s(pool).await;
}
