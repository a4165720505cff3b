//! Day 23: a TTL cache, cache-aside loading and single-flight.
//!
//! Yesterday's client calls the upstream on every request. Today you put a cache in front of
//! it: `TtlCache` keeps values for a fixed time, measured by an injected `Clock`, and
//! `LoadingCache` loads a missing key at most once at a time, however many callers ask for it.
//! Read `README.md` first. The clocks are written for you; the rest is yours, from the
//! contracts below and the tests.

use std::hash::Hash;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

/// A map whose entries expire `ttl` after they were inserted, by the injected clock.
pub struct TtlCache<K, V> {
    // Replace this with the fields you need.
    _yours: PhantomData<(K, V)>,
}

impl<K: Eq + Hash + Clone, V: Clone> TtlCache<K, V> {
    /// An empty cache whose entries live `ttl`, measured by `clock`.
    pub fn new(ttl: Duration, clock: Arc<dyn Clock>) -> Self {
        let _ = (ttl, clock);
        todo!()
    }

    /// A copy of the value for `key` if it is still fresh. An entry is fresh strictly before
    /// its expiry instant (inserted at `t`, it is gone at `t + ttl`); an expired entry is
    /// removed on the way.
    pub fn get(&self, key: &K) -> Option<V> {
        let _ = key;
        todo!()
    }

    /// Stores `value` for `key` for `ttl` from now, replacing any earlier value and its expiry.
    pub fn insert(&self, key: K, value: V) {
        let _ = (key, value);
        todo!()
    }

    /// Forgets `key` at once (for example because the data behind it changed).
    pub fn invalidate(&self, key: &K) {
        let _ = key;
        todo!()
    }

    /// How many entries are stored, fresh or expired: expired entries stay in memory until a
    /// `get` of their key or `purge_expired` removes them.
    pub fn len(&self) -> usize {
        todo!()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes every expired entry and says how many there were. Without this, keys that are
    /// never read again would stay in memory forever.
    pub fn purge_expired(&self) -> usize {
        todo!()
    }
}

/// A `TtlCache` in front of a slow source, loading each missing key at most once at a time.
pub struct LoadingCache<K, V, E> {
    // Replace this with the fields you need.
    _yours: PhantomData<(K, V, E)>,
}

impl<K, V, E> LoadingCache<K, V, E>
where
    K: Eq + Hash + Clone,
    V: Clone,
    E: Clone,
{
    /// An empty loading cache whose values live `ttl`, measured by `clock`.
    pub fn new(ttl: Duration, clock: Arc<dyn Clock>) -> Self {
        let _ = (ttl, clock);
        todo!()
    }

    /// The cache underneath, to look at or invalidate entries.
    pub fn cache(&self) -> &TtlCache<K, V> {
        todo!()
    }

    /// The value for `key`: from the cache if fresh, otherwise from `load`, which is then
    /// cached.
    ///
    /// - Single-flight: concurrent misses for one key share a single call to a loader and its
    ///   result, success or error; misses for different keys load in parallel.
    /// - Errors are never cached: the next miss loads again.
    /// - Cancellation-safe: if the caller whose loader is running is dropped, a waiting caller
    ///   loads instead, and nobody waits forever.
    pub async fn get_or_load<F, Fut>(&self, key: K, load: F) -> Result<V, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        let _ = (key, load);
        todo!()
    }
}
