//! What "done" means for day 23: a TTL cache on a manual clock, and a loading cache whose
//! concurrent misses are proven (with counters and gates, never sleeps) to make one load.
//!
//! The async tests run on tokio's single-threaded test runtime: a spawned task runs until it
//! has to wait, so once a task has counted itself as "started" it has already joined the load
//! or become its leader.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use day23_cache::{LoadingCache, ManualClock, TtlCache};

const TTL: Duration = Duration::from_secs(10);

fn ttl_cache() -> (Arc<ManualClock>, TtlCache<&'static str, String>) {
    let clock = Arc::new(ManualClock::new());
    (clock.clone(), TtlCache::new(TTL, clock))
}

type Weather = LoadingCache<&'static str, String, String>;

fn loading_cache() -> (Arc<ManualClock>, Arc<Weather>) {
    let clock = Arc::new(ManualClock::new());
    (clock.clone(), Arc::new(LoadingCache::new(TTL, clock)))
}

/// Counts its loads and holds each one until the test opens the gate.
#[derive(Clone)]
struct Upstream {
    loads: Arc<AtomicUsize>,
    started: Arc<AtomicUsize>,
    gate: Arc<Semaphore>,
}

impl Upstream {
    fn new() -> Self {
        Self {
            loads: Arc::default(),
            started: Arc::default(),
            gate: Arc::new(Semaphore::new(0)),
        }
    }

    fn loads(&self) -> usize {
        self.loads.load(Ordering::SeqCst)
    }

    /// Spawns a caller of `get_or_load(key)` whose loader waits for the gate, then returns
    /// `answer`.
    fn spawn_caller(
        &self,
        cache: &Arc<Weather>,
        key: &'static str,
        answer: Result<String, String>,
    ) -> JoinHandle<Result<String, String>> {
        let (cache, upstream) = (cache.clone(), self.clone());
        tokio::spawn(async move {
            upstream.started.fetch_add(1, Ordering::SeqCst);
            cache
                .get_or_load(key, || async move {
                    upstream.loads.fetch_add(1, Ordering::SeqCst);
                    let _permit = upstream.gate.acquire().await.unwrap();
                    answer
                })
                .await
        })
    }

    /// Yields to the spawned callers until `n` of them have started (at most 5 s).
    async fn wait_for_callers(&self, n: usize) {
        tokio::time::timeout(Duration::from_secs(5), async {
            while self.started.load(Ordering::SeqCst) < n {
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the spawned callers should start");
    }
}

/// Awaits a caller's result, failing the test after 5 s.
async fn finish(task: JoinHandle<Result<String, String>>) -> Result<String, String> {
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("a waiting caller should get its result once the load is done")
        .expect("the caller's task should not panic")
}

#[test]
fn serves_an_entry_until_its_ttl_runs_out() {
    let (clock, cache) = ttl_cache();
    cache.insert("oslo", "snow".to_string());
    assert_eq!(
        cache.get(&"oslo"),
        Some("snow".to_string()),
        "a new entry is fresh"
    );
    clock.advance(TTL - Duration::from_millis(1));
    assert_eq!(
        cache.get(&"oslo"),
        Some("snow".to_string()),
        "1 ms before its TTL runs out the entry is still fresh"
    );
    clock.advance(Duration::from_millis(1));
    assert_eq!(
        cache.get(&"oslo"),
        None,
        "an entry expires exactly TTL after it was inserted"
    );
}

#[test]
fn inserting_again_replaces_the_value_and_restarts_the_ttl() {
    let (clock, cache) = ttl_cache();
    cache.insert("lima", "fog".to_string());
    clock.advance(Duration::from_secs(8));
    cache.insert("lima", "sun".to_string());
    clock.advance(Duration::from_secs(8));
    assert_eq!(
        cache.get(&"lima"),
        Some("sun".to_string()),
        "the second insert replaces the value, and its TTL counts from the second insert"
    );
}

#[test]
fn invalidate_forgets_an_entry_at_once() {
    let (_clock, cache) = ttl_cache();
    cache.insert("oslo", "snow".to_string());
    cache.insert("lima", "fog".to_string());
    cache.invalidate(&"oslo");
    assert_eq!(cache.get(&"oslo"), None, "an invalidated entry is gone");
    assert_eq!(
        cache.get(&"lima"),
        Some("fog".to_string()),
        "invalidate removes only the key it is given"
    );
}

#[test]
fn expired_entries_stay_in_memory_until_purged() {
    let (clock, cache) = ttl_cache();
    cache.insert("oslo", "snow".to_string());
    clock.advance(Duration::from_secs(6));
    cache.insert("lima", "fog".to_string());
    clock.advance(Duration::from_secs(5));
    assert_eq!(
        cache.len(),
        2,
        "expiry is lazy: `len` counts the expired oslo entry until something removes it"
    );
    assert_eq!(
        cache.purge_expired(),
        1,
        "purge_expired removes (and counts) only the expired oslo entry"
    );
    assert_eq!(cache.len(), 1, "only lima is left");
    assert_eq!(cache.get(&"lima"), Some("fog".to_string()));
}

#[tokio::test]
async fn get_or_load_calls_the_loader_once_then_serves_from_the_cache() {
    let (_clock, cache) = loading_cache();
    let loads = AtomicUsize::new(0);
    for _ in 0..3 {
        let value = cache
            .get_or_load("oslo", || async {
                loads.fetch_add(1, Ordering::SeqCst);
                Ok("snow".to_string())
            })
            .await;
        assert_eq!(value, Ok("snow".to_string()));
    }
    assert_eq!(
        loads.load(Ordering::SeqCst),
        1,
        "the first call misses and loads; the next two are cache hits"
    );
}

#[tokio::test]
async fn get_or_load_loads_again_once_the_entry_expires() {
    let (clock, cache) = loading_cache();
    let first = cache
        .get_or_load("oslo", || async { Ok("snow".to_string()) })
        .await;
    assert_eq!(first, Ok("snow".to_string()));
    clock.advance(TTL);
    let second = cache
        .get_or_load("oslo", || async { Ok("rain".to_string()) })
        .await;
    assert_eq!(
        second,
        Ok("rain".to_string()),
        "after the TTL the cached value is stale, so the loader must run again"
    );
}

#[tokio::test]
async fn a_failed_load_is_not_cached() {
    let (_clock, cache) = loading_cache();
    let failed = cache
        .get_or_load("oslo", || async { Err("upstream is down".to_string()) })
        .await;
    assert_eq!(failed, Err("upstream is down".to_string()));
    let retried = cache
        .get_or_load("oslo", || async { Ok("snow".to_string()) })
        .await;
    assert_eq!(
        retried,
        Ok("snow".to_string()),
        "an error must not be cached: the next call should load again"
    );
}

#[tokio::test]
async fn concurrent_misses_for_one_key_make_one_upstream_call() {
    let (_clock, cache) = loading_cache();
    let upstream = Upstream::new();
    let callers: Vec<_> = (0..10)
        .map(|_| upstream.spawn_caller(&cache, "oslo", Ok("snow".to_string())))
        .collect();
    upstream.wait_for_callers(10).await;
    assert_eq!(
        upstream.loads(),
        1,
        "10 callers missed the same key at once: only the first may call the loader, the \
         other 9 must wait for its result"
    );
    upstream.gate.add_permits(10);
    for caller in callers {
        assert_eq!(
            finish(caller).await,
            Ok("snow".to_string()),
            "every waiting caller gets the leader's value"
        );
    }
    assert_eq!(
        upstream.loads(),
        1,
        "still one load after everyone finished"
    );
    let later = cache
        .get_or_load("oslo", || async { Ok("other".to_string()) })
        .await;
    assert_eq!(
        later,
        Ok("snow".to_string()),
        "the leader's value is cached"
    );
}

#[tokio::test]
async fn waiters_share_the_leaders_error() {
    let (_clock, cache) = loading_cache();
    let upstream = Upstream::new();
    let callers: Vec<_> = (0..5)
        .map(|_| upstream.spawn_caller(&cache, "oslo", Err("upstream is down".to_string())))
        .collect();
    upstream.wait_for_callers(5).await;
    upstream.gate.add_permits(5);
    for caller in callers {
        assert_eq!(
            finish(caller).await,
            Err("upstream is down".to_string()),
            "every waiting caller gets the leader's error"
        );
    }
    assert_eq!(
        upstream.loads(),
        1,
        "a failing upstream must not be called once per waiter: they share the one failure"
    );
}

#[tokio::test]
async fn misses_for_different_keys_load_in_parallel() {
    let (_clock, cache) = loading_cache();
    let upstream = Upstream::new();
    let oslo = upstream.spawn_caller(&cache, "oslo", Ok("snow".to_string()));
    let lima = upstream.spawn_caller(&cache, "lima", Ok("fog".to_string()));
    upstream.wait_for_callers(2).await;
    assert_eq!(
        upstream.loads(),
        2,
        "a slow load for one key must not block loads for other keys (is a lock held while \
         the loader runs?)"
    );
    upstream.gate.add_permits(2);
    assert_eq!(finish(oslo).await, Ok("snow".to_string()));
    assert_eq!(finish(lima).await, Ok("fog".to_string()));
}

#[tokio::test]
async fn a_cancelled_leader_does_not_strand_its_waiters() {
    let (_clock, cache) = loading_cache();
    let upstream = Upstream::new();
    let leader = upstream.spawn_caller(&cache, "oslo", Ok("from the leader".to_string()));
    let waiter = upstream.spawn_caller(&cache, "oslo", Ok("from the waiter".to_string()));
    upstream.wait_for_callers(2).await;
    assert_eq!(upstream.loads(), 1, "the waiter should wait for the leader");

    // The leader's caller goes away (think: its HTTP client disconnected).
    leader.abort();
    assert!(
        leader.await.unwrap_err().is_cancelled(),
        "the leader was cancelled"
    );
    upstream.gate.add_permits(1);
    assert_eq!(
        finish(waiter).await,
        Ok("from the waiter".to_string()),
        "when the leader is cancelled, a waiter must take over and load the value itself"
    );
    assert_eq!(upstream.loads(), 2, "the waiter ran its own load");
}
