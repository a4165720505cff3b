//! Day 23: a TTL cache, cache-aside loading and single-flight.
//!
//! Yesterday's client calls the upstream on every request. Today you put a cache in front of
//! it: `TtlCache` keeps values for a fixed time, measured by an injected `Clock`, and
//! `LoadingCache` loads a missing key at most once at a time, however many callers ask for it.
//! Read `README.md` first. The clocks are written for you.

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
        // TODO: read `self.clock.now()`, lock `self.entries`, and return a clone of the value if
        // `now < expires_at`. If the entry is expired, remove it and return `None`.
        let _ = (&self.clock, &self.entries, key);
        todo!("look up a fresh entry")
    }

    /// Stores `value` for `key` for `ttl` from now, replacing any earlier value.
    pub fn insert(&self, key: K, value: V) {
        // TODO: store `(value, now + ttl)` under `key`.
        let _ = (self.ttl, key, value);
        todo!("store an entry with its expiry instant")
    }

    /// Forgets `key` at once (for example because the data behind it changed).
    pub fn invalidate(&self, key: &K) {
        // TODO: remove `key` from the map.
        let _ = key;
        todo!("remove an entry")
    }

    /// How many entries are stored, fresh or expired: expired entries stay in memory until a
    /// `get` of their key or `purge_expired` removes them.
    pub fn len(&self) -> usize {
        // TODO: the number of entries in the map.
        todo!("count the stored entries")
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes every expired entry and says how many there were. Without this, keys that are
    /// never read again would stay in memory forever.
    pub fn purge_expired(&self) -> usize {
        // TODO: `HashMap::retain` keeps the fresh entries; compare the length before and after.
        todo!("remove every expired entry")
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
        // TODO: cache-aside with single-flight, in three steps.
        //  1. Lock `self.flights`. While holding that lock, return the cached value if there is
        //     one; otherwise clone the `Flight` for `key` (`entry(..).or_default()` creates it).
        //     Drop the lock before any `.await`.
        //  2. `flight.get_or_init(|| async { .. }).await`: inside, call `load()`, and if it gave
        //     `Ok(value)` insert the value into `self.cache` before returning the result. Only
        //     one caller's closure runs at a time; the others wait for the cell's value. Clone
        //     the result out of the cell.
        //  3. Lock `self.flights` again and remove `key` if its flight is still this one
        //     (`Arc::ptr_eq`), so that the next miss starts a new flight. Return the result.
        let _ = (&self.flights, key, load);
        todo!("load a missing key once, however many callers wait for it")
    }
}
