//! Day 23: a TTL cache, cache-aside loading and single-flight (solution).
//!
//! `TtlCache` keeps values for a fixed time, measured by an injected `Clock`. `LoadingCache`
//! puts it in front of a slow source (cache-aside): a hit is served from memory, a miss calls
//! the loader and stores what it returns. When many callers miss the same key at once, only one
//! of them (the leader) calls the loader; the others wait for its result (single-flight).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

/// Where the cache gets the time from. Tests use `ManualClock`, production `SystemClock`.
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

/// A clock that only moves when told to, so that tests can "wait" ten minutes instantly.
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

/// A map whose entries expire `ttl` after they were inserted.
pub struct TtlCache<K, V> {
    ttl: Duration,
    clock: Arc<dyn Clock>,
    /// Each value with the instant it expires at.
    entries: Mutex<HashMap<K, (V, Instant)>>,
}

impl<K: Eq + Hash + Clone, V: Clone> TtlCache<K, V> {
    pub fn new(ttl: Duration, clock: Arc<dyn Clock>) -> Self {
        Self {
            ttl,
            clock,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// A copy of the value for `key` if it is still fresh. An entry is fresh strictly before
    /// its expiry instant; an expired entry is removed on the way.
    pub fn get(&self, key: &K) -> Option<V> {
        let now = self.clock.now();
        let mut entries = self.entries.lock().unwrap();
        match entries.get(key) {
            Some((value, expires_at)) if now < *expires_at => Some(value.clone()),
            Some(_) => {
                entries.remove(key);
                None
            }
            None => None,
        }
    }

    /// Stores `value` for `key` for `ttl` from now, replacing any earlier value.
    pub fn insert(&self, key: K, value: V) {
        let expires_at = self.clock.now() + self.ttl;
        self.entries
            .lock()
            .unwrap()
            .insert(key, (value, expires_at));
    }

    /// Forgets `key` at once (for example because the data behind it changed).
    pub fn invalidate(&self, key: &K) {
        self.entries.lock().unwrap().remove(key);
    }

    /// How many entries are stored, fresh or expired: expired entries stay in memory until a
    /// `get` of their key or `purge_expired` removes them.
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes every expired entry and says how many there were. Without this, keys that are
    /// never read again would stay in memory forever.
    pub fn purge_expired(&self) -> usize {
        let now = self.clock.now();
        let mut entries = self.entries.lock().unwrap();
        let before = entries.len();
        entries.retain(|_, (_, expires_at)| now < *expires_at);
        before - entries.len()
    }
}

/// One load in progress: the leader fills the cell, everyone else waits on it.
type Flight<V, E> = Arc<OnceCell<Result<V, E>>>;

/// A `TtlCache` in front of a slow source, loading each missing key at most once at a time.
pub struct LoadingCache<K, V, E> {
    cache: TtlCache<K, V>,
    /// The loads in progress, by key.
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
            cache: TtlCache::new(ttl, clock),
            flights: Mutex::new(HashMap::new()),
        }
    }

    /// The cache underneath, to look at or invalidate entries.
    pub fn cache(&self) -> &TtlCache<K, V> {
        &self.cache
    }

    /// The value for `key`: from the cache if fresh, otherwise from `load`, which is then
    /// cached. Concurrent misses for one key share a single call to a loader and its result,
    /// success or error. Errors are never cached: the next miss loads again.
    pub async fn get_or_load<F, Fut>(&self, key: K, load: F) -> Result<V, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        // Look at the cache and join (or start) a flight under one lock. The leader stores its
        // value in the cache *before* it removes its flight, so whoever holds this lock sees
        // either the flight or the cached value: never neither, so never a second load.
        let flight = {
            let mut flights = self.flights.lock().unwrap();
            if let Some(value) = self.cache.get(&key) {
                return Ok(value);
            }
            Arc::clone(flights.entry(key.clone()).or_default())
        };

        // `get_or_init` runs our loader only if nobody else's is running or done; otherwise it
        // waits for that one. If the leader is cancelled (its caller went away), one of the
        // waiters runs its own loader instead, so nobody waits forever.
        let result = flight
            .get_or_init(|| async {
                let result = load().await;
                if let Ok(value) = &result {
                    self.cache.insert(key.clone(), value.clone());
                }
                result
            })
            .await
            .clone();

        // The flight is over: remove it (if nobody did yet) so that the next miss, after the
        // entry expires or after an error, starts a new one.
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
