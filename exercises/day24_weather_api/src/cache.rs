//! Day 23's loading cache, written for you: fresh values for a TTL measured by an injected
//! clock, and single-flight loading (concurrent misses for one key make one upstream call).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

/// Where the cache gets the time from.
pub trait Clock: Send + Sync {
    fn now(&self) -> Instant;
}

/// The real monotonic clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct ManualClock {
    start: Instant,
    elapsed: Mutex<Duration>,
}

impl ManualClock {
    pub fn new() -> Self {
        Self {
            start: Instant::now(),
            elapsed: Mutex::new(Duration::ZERO),
        }
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        *self.elapsed.lock().unwrap() += by;
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.start + *self.elapsed.lock().unwrap()
    }
}

type Flight<V, E> = Arc<OnceCell<Result<V, E>>>;

/// A TTL cache in front of a slow source, loading each missing key at most once at a time.
pub struct LoadingCache<K, V, E> {
    ttl: Duration,
    clock: Arc<dyn Clock>,
    entries: Mutex<HashMap<K, (V, Instant)>>,
    flights: Mutex<HashMap<K, Flight<V, E>>>,
}

impl<K, V, E> LoadingCache<K, V, E>
where
    K: Eq + Hash + Clone,
    V: Clone,
    E: Clone,
{
    pub fn new(ttl: Duration, clock: Arc<dyn Clock>) -> Self {
        Self {
            ttl,
            clock,
            entries: Mutex::new(HashMap::new()),
            flights: Mutex::new(HashMap::new()),
        }
    }

    /// The value for `key` if it is cached and fresh.
    pub fn get(&self, key: &K) -> Option<V> {
        let now = self.clock.now();
        let entries = self.entries.lock().unwrap();
        entries
            .get(key)
            .filter(|(_, expires_at)| now < *expires_at)
            .map(|(value, _)| value.clone())
    }

    fn insert(&self, key: K, value: V) {
        let expires_at = self.clock.now() + self.ttl;
        self.entries
            .lock()
            .unwrap()
            .insert(key, (value, expires_at));
    }

    /// The value for `key`: from the cache if fresh, otherwise from `load` (whose `Ok` value
    /// is then cached). Concurrent misses for one key share one call to a loader. Errors are
    /// never cached.
    pub async fn get_or_load<F, Fut>(&self, key: K, load: F) -> Result<V, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        let flight = {
            let mut flights = self.flights.lock().unwrap();
            if let Some(value) = self.get(&key) {
                return Ok(value);
            }
            Arc::clone(flights.entry(key.clone()).or_default())
        };
        let result = flight
            .get_or_init(|| async {
                let result = load().await;
                if let Ok(value) = &result {
                    self.insert(key.clone(), value.clone());
                }
                result
            })
            .await
            .clone();
        let mut flights = self.flights.lock().unwrap();
        if flights
            .get(&key)
            .is_some_and(|current| Arc::ptr_eq(current, &flight))
        {
            flights.remove(&key);
        }
        result
    }
}
