//! Day 23's cache, grown two things: it remembers when each value was fetched (for `Age`), and
//! it keeps an expired value a while longer, to serve when the refresh fails (stale-if-error).
//! Concurrent misses for one key still share a single fetch (single-flight).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

/// Where an answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Fresh from the cache.
    Hit,
    /// Fetched for this request (or for one it shared a fetch with).
    Miss,
    /// Expired, served because the refresh failed.
    Stale,
}

/// A value and what the API says about it in its headers.
#[derive(Debug, Clone)]
pub struct Cached<V> {
    pub value: V,
    pub fetched_at: Instant,
    pub source: Source,
}

/// A fetch that failed, with the expired value that may stand in for it, if any.
#[derive(Debug, Clone)]
pub struct Failed<V, E> {
    pub error: E,
    pub stale: Option<Cached<V>>,
}

#[derive(Clone)]
struct Entry<V> {
    value: V,
    fetched_at: Instant,
}

type Flight<V, E> = Arc<OnceCell<Result<Entry<V>, E>>>;

/// Both maps under one lock, so that "is it cached?" and "is it in flight?" are one decision.
struct Maps<K, V, E> {
    entries: HashMap<K, Entry<V>>,
    flights: HashMap<K, Flight<V, E>>,
}

pub struct Cache<K, V, E> {
    ttl: Duration,
    stale_if_error: Duration,
    maps: Mutex<Maps<K, V, E>>,
}

impl<K, V, E> Cache<K, V, E>
where
    K: Eq + Hash + Clone,
    V: Clone,
    E: Clone,
{
    pub fn new(ttl: Duration, stale_if_error: Duration) -> Self {
        let maps = Maps {
            entries: HashMap::new(),
            flights: HashMap::new(),
        };
        Cache {
            ttl,
            stale_if_error,
            maps: Mutex::new(maps),
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// The value for `key`: fresh from the cache, or from `fetch` (one fetch at a time per
    /// key; the others wait for its result). A failed fetch comes back with the expired value
    /// if it expired less than `stale_if_error` ago; failures are never cached.
    pub async fn get<F, Fut>(&self, key: K, fetch: F) -> Result<Cached<V>, Failed<V, E>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        let flight = {
            let mut maps = self.maps.lock().unwrap();
            if let Some(entry) = maps.entries.get(&key)
                && entry.fetched_at.elapsed() < self.ttl
            {
                return Ok(cached(entry.clone(), Source::Hit));
            }
            Arc::clone(maps.flights.entry(key.clone()).or_default())
        };

        // No lock is held while fetching: a slow city must not block the others. If the
        // leader is cancelled (its client went away), a waiter's own fetch runs instead.
        let result = flight
            .get_or_init(|| async {
                let value = fetch().await?;
                let entry = Entry {
                    value,
                    fetched_at: Instant::now(),
                };
                let mut maps = self.maps.lock().unwrap();
                maps.entries.insert(key.clone(), entry.clone());
                Ok(entry)
            })
            .await
            .clone();

        let mut maps = self.maps.lock().unwrap();
        if maps
            .flights
            .get(&key)
            .is_some_and(|current| Arc::ptr_eq(current, &flight))
        {
            maps.flights.remove(&key);
        }
        result
            .map(|entry| cached(entry, Source::Miss))
            .map_err(|error| Failed {
                error,
                stale: self.stale(&mut maps.entries, &key),
            })
    }

    /// The expired value for `key` if it may still stand in; a value too old even for that is
    /// dropped on the way.
    fn stale(&self, entries: &mut HashMap<K, Entry<V>>, key: &K) -> Option<Cached<V>> {
        let entry = entries.get(key)?;
        if entry.fetched_at.elapsed() < self.ttl + self.stale_if_error {
            Some(cached(entry.clone(), Source::Stale))
        } else {
            entries.remove(key);
            None
        }
    }
}

fn cached<V>(entry: Entry<V>, source: Source) -> Cached<V> {
    Cached {
        value: entry.value,
        fetched_at: entry.fetched_at,
        source,
    }
}
