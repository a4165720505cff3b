//! What "done" means for day 25: a queue on a real PostgreSQL (a fresh database per test),
//! time passed in explicitly, and workers whose concurrency is proven with barriers, channels
//! and row locks the test holds itself, never with sleeps.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use backlings_support::TestDatabase;
use day25_jobs::{Clock, DeadJob, Job, JobState, Outcome, Queue, QueueConfig, WorkerPool, run_one};
use tokio::sync::{Barrier, Semaphore, mpsc};
use tokio_postgres::NoTls;

const CONFIG: QueueConfig = QueueConfig {
    max_attempts: 3,
    backoff_base_ms: 1_000,
    lease_ms: 30_000,
};

/// A queue in a fresh database. Keep the `TestDatabase`: dropping it drops the database.
async fn queue() -> (TestDatabase, Arc<Queue>) {
    let db = TestDatabase::create();
    let queue = Queue::connect(db.url(), CONFIG)
        .await
        .expect("connect the queue");
    (db, Arc::new(queue))
}

async fn state(queue: &Queue, id: i64) -> JobState {
    queue
        .state(id)
        .await
        .unwrap()
        .expect("the job should exist")
}

/// The workers' clock in the pool tests: always 1 s after the epoch, so every job enqueued
/// at 0 is due.
struct Fixed;

impl Clock for Fixed {
    fn now_ms(&self) -> i64 {
        1_000
    }
}

/// Waits for `n` messages (at most 10 s in all), failing the test with `why` otherwise.
async fn receive(rx: &mut mpsc::UnboundedReceiver<i64>, n: usize, why: &str) -> Vec<i64> {
    let mut got = Vec::new();
    let all = async {
        while got.len() < n {
            got.push(rx.recv().await.expect("the handler's sender is alive"));
        }
    };
    if tokio::time::timeout(Duration::from_secs(10), all)
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

#[tokio::test]
async fn an_enqueued_job_survives_reconnecting() {
    let db = TestDatabase::create();
    let id = {
        let queue = Queue::connect(db.url(), CONFIG).await.unwrap();
        queue
            .enqueue("send_email", r#"{"to":"ada@example.com"}"#, 0)
            .await
            .unwrap()
    }; // the queue (and its connections) is dropped here, like a process that exits
    let reconnected = Queue::connect(db.url(), CONFIG).await.unwrap();
    let job = reconnected.claim(0).await.unwrap();
    assert_eq!(
        job,
        Some(Job {
            id,
            kind: "send_email".to_string(),
            payload: r#"{"to":"ada@example.com"}"#.to_string(),
            attempts: 1,
        }),
        "a job in the database must still be there for the next process"
    );
}

#[tokio::test]
async fn claims_due_jobs_in_order_and_leaves_scheduled_ones() {
    let (_db, queue) = queue().await;
    let later = queue.enqueue("report", "later", 5_000).await.unwrap();
    let first = queue.enqueue("report", "first", 1_000).await.unwrap();
    let second = queue.enqueue("report", "second", 1_000).await.unwrap();
    let mut claimed = Vec::new();
    for _ in 0..3 {
        claimed.push(queue.claim(2_000).await.unwrap().map(|job| job.id));
    }
    assert_eq!(
        claimed,
        vec![Some(first), Some(second), None],
        "at 2 s, the two jobs due at 1 s come out in the order they were enqueued, and the \
         job scheduled for 5 s is not due yet"
    );
    assert_eq!(state(&queue, later).await, JobState::Queued);
    assert_eq!(
        queue.claim(5_000).await.unwrap().map(|job| job.id),
        Some(later),
        "at 5 s the scheduled job is due"
    );
}

#[tokio::test]
async fn a_claimed_job_is_not_handed_out_twice() {
    let (_db, queue) = queue().await;
    let id = queue.enqueue("resize", "cat.png", 0).await.unwrap();
    let job = queue.claim(0).await.unwrap().expect("the job is due");
    assert_eq!(
        (job.id, job.attempts),
        (id, 1),
        "the first claim is attempt 1"
    );
    assert_eq!(state(&queue, id).await, JobState::Running);
    assert_eq!(
        queue.claim(0).await.unwrap(),
        None,
        "a running job (whose lease has not expired) must not be claimed again"
    );
    queue.complete(id).await.unwrap();
    assert_eq!(state(&queue, id).await, JobState::Done);
    assert_eq!(
        queue.claim(1_000_000).await.unwrap(),
        None,
        "a done job is never claimed again"
    );
}

#[tokio::test]
async fn a_claim_skips_a_job_another_worker_is_claiming() {
    let (db, queue) = queue().await;
    let first = queue.enqueue("resize", "a.png", 0).await.unwrap();
    let second = queue.enqueue("resize", "b.png", 0).await.unwrap();
    // Another worker is in the middle of claiming the first job: it holds the row's lock.
    let (mut other, connection) = tokio_postgres::connect(db.url(), NoTls).await.unwrap();
    tokio::spawn(connection);
    let other_claim = other.transaction().await.unwrap();
    other_claim
        .execute("SELECT 1 FROM jobs WHERE id = $1 FOR UPDATE", &[&first])
        .await
        .unwrap();

    let claim = tokio::spawn({
        let queue = queue.clone();
        async move { queue.claim(0).await }
    });
    // The claim must come back without waiting for the other worker's lock.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !claim.is_finished() {
        let waiting: i64 = other_claim
            .query_one(
                "SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock'",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        assert_eq!(
            waiting, 0,
            "the claim waits for the row another worker has locked: with many workers, they \
             would all queue behind one job. Pick the job with FOR UPDATE SKIP LOCKED"
        );
        assert!(
            Instant::now() < deadline,
            "the claim did not finish in 10 s"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let job = claim.await.unwrap().unwrap();
    assert_eq!(
        job.map(|job| job.id),
        Some(second),
        "the first job belongs to the other worker: this claim takes the next one"
    );
    other_claim.rollback().await.unwrap();
}

#[tokio::test]
async fn a_job_whose_lease_expired_is_claimed_again_until_its_attempts_run_out() {
    let (_db, queue) = queue().await;
    let id = queue.enqueue("resize", "cat.png", 0).await.unwrap();
    queue.claim(0).await.unwrap().expect("attempt 1"); // ...and its worker crashes
    assert_eq!(
        queue.claim(29_999).await.unwrap(),
        None,
        "the lease (30 s) has not expired yet"
    );
    let again = queue.claim(30_000).await.unwrap();
    assert_eq!(
        again.map(|job| (job.id, job.attempts)),
        Some((id, 2)),
        "once the lease expires, the job is claimed again, as attempt 2"
    );
    queue
        .claim(60_000)
        .await
        .unwrap()
        .expect("attempt 3, after the second lease expired");
    assert_eq!(
        queue.claim(90_000).await.unwrap(),
        None,
        "after its last attempt's lease expired, the job must not run a fourth time"
    );
    assert_eq!(
        state(&queue, id).await,
        JobState::Dead,
        "a job whose worker vanished on its last attempt goes to the dead letters"
    );
}

#[tokio::test]
async fn a_failed_job_is_retried_after_an_exponential_backoff() {
    let (_db, queue) = queue().await;
    let id = queue.enqueue("charge", "order 7", 0).await.unwrap();
    queue.claim(10_000).await.unwrap().expect("attempt 1");
    assert_eq!(
        queue.fail(id, "card network down", 10_000).await.unwrap(),
        Outcome::Retrying { id, at_ms: 11_000 },
        "after attempt 1 fails at 10 s, the retry is due 1 s (the base) later"
    );
    assert_eq!(state(&queue, id).await, JobState::Queued);
    assert_eq!(
        queue.claim(10_999).await.unwrap(),
        None,
        "not due before 11 s"
    );
    queue
        .claim(11_000)
        .await
        .unwrap()
        .expect("attempt 2 at 11 s");
    assert_eq!(
        queue.fail(id, "card network down", 11_000).await.unwrap(),
        Outcome::Retrying { id, at_ms: 13_000 },
        "after attempt 2 the wait doubles to 2 s"
    );
    assert_eq!(
        queue.retry_delay_ms(3),
        4_000,
        "and after attempt 3 it is 4 s"
    );
    assert_eq!(
        queue.retry_delay_ms(200),
        i64::MAX,
        "a huge attempt count saturates instead of overflowing"
    );
}

#[tokio::test]
async fn a_job_that_keeps_failing_ends_in_the_dead_letters() {
    let (_db, queue) = queue().await;
    let id = queue.enqueue("charge", "order 7", 0).await.unwrap();
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
    assert_eq!(state(&queue, id).await, JobState::Dead);
    assert_eq!(
        queue.dead_letters().await.unwrap(),
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
async fn run_one_completes_a_job_and_fails_one_whose_handler_panics() {
    let (_db, queue) = queue().await;
    let id = queue.enqueue("greet", "Ada", 0).await.unwrap();
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
    assert_eq!(state(&queue, id).await, JobState::Done);
    assert_eq!(
        run_one(&queue, &handler, 0).await.unwrap(),
        None,
        "with nothing due, run_one returns None"
    );

    let bad = queue.enqueue("parse", "{not json", 0).await.unwrap();
    let panicking = |_job: Job| async { panic!("the handler hit a bug (this panic is expected)") };
    let outcome = run_one(&queue, &panicking, 0).await;
    assert_eq!(
        outcome.unwrap(),
        Some(Outcome::Retrying {
            id: bad,
            at_ms: 1_000
        }),
        "a panic in the handler counts as a failed attempt (run the handler in its own task \
         with `tokio::spawn` and look at the JoinError)"
    );
    assert_eq!(state(&queue, bad).await, JobState::Queued);
}

#[tokio::test]
async fn workers_run_jobs_in_parallel() {
    let (_db, queue) = queue().await;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(
            queue
                .enqueue("thumbnail", &format!("photo {i}"), 0)
                .await
                .unwrap(),
        );
    }
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
        assert_eq!(
            state(&queue, id).await,
            JobState::Done,
            "job {id} should be done"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_workers_in_two_processes_run_every_job_exactly_once() {
    const JOBS: usize = 200;
    let (db, queue) = queue().await;
    // A second queue on the same database: another process with workers of its own.
    let other_process = Arc::new(Queue::connect(db.url(), CONFIG).await.unwrap());
    let mut ids = Vec::new();
    for i in 0..JOBS {
        ids.push(queue.enqueue("count", &i.to_string(), 0).await.unwrap());
    }
    let (tx, mut rx) = mpsc::unbounded_channel();
    let handler = move |job: Job| {
        let tx = tx.clone();
        async move {
            tx.send(job.id).unwrap();
            Ok(())
        }
    };
    let pools = [
        WorkerPool::start(
            queue.clone(),
            handler.clone(),
            4,
            Duration::from_millis(10),
            Arc::new(Fixed),
        ),
        WorkerPool::start(
            other_process,
            handler,
            4,
            Duration::from_millis(10),
            Arc::new(Fixed),
        ),
    ];
    let mut ran = receive(&mut rx, JOBS, "eight workers should run all 200 jobs").await;
    for pool in pools {
        pool.request_shutdown();
        join_within_5s(pool).await;
    }
    while let Ok(extra) = rx.try_recv() {
        ran.push(extra);
    }
    let mut runs: HashMap<i64, usize> = HashMap::new();
    for id in ran {
        *runs.entry(id).or_default() += 1;
    }
    let twice: Vec<_> = runs.iter().filter(|(_, n)| **n > 1).take(5).collect();
    assert!(
        twice.is_empty(),
        "jobs ran more than once (job id, runs; the first five): {twice:?}. Two workers took the same job: \
         picking a job and marking it running must be one atomic step that locks the row"
    );
    assert_eq!(runs.len(), JOBS, "every job runs");
    for id in ids {
        assert_eq!(state(&queue, id).await, JobState::Done);
    }
}

#[tokio::test]
async fn shutdown_lets_the_running_job_finish_and_leaves_the_rest_queued() {
    let (_db, queue) = queue().await;
    let running = queue.enqueue("export", "big", 0).await.unwrap();
    let waiting = queue.enqueue("export", "next", 1).await.unwrap();
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
        state(&queue, running).await,
        JobState::Done,
        "the job in hand when shutdown was requested must be finished and recorded"
    );
    assert_eq!(
        state(&queue, waiting).await,
        JobState::Queued,
        "after shutdown was requested, no new job may be claimed: it waits for the next start"
    );
}

#[tokio::test]
async fn an_idle_pool_stops_at_once_when_asked() {
    let (_db, queue) = queue().await;
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
