//! The token bucket, and one bucket per client.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::clock::Clock;

/// The verdict on one request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    /// Go ahead; `remaining` more requests would be allowed right now.
    Allowed { remaining: u32 },
    /// Too many requests: the next token arrives after `retry_after`.
    Limited { retry_after: Duration },
}

/// A bucket that holds up to `capacity` tokens and gains `refill_per_sec` tokens a second.
/// Each request takes one token; with none left, the request is refused.
///
/// So a client may burst `capacity` requests at once, and sustain `refill_per_sec` a second.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    capacity: f64,
    refill_per_sec: f64,
    tokens: f64,
    /// When `tokens` was last brought up to date.
    updated: Duration,
}

impl TokenBucket {
    /// A full bucket at time `now`.
    pub fn new(capacity: u32, refill_per_sec: f64, now: Duration) -> Self {
        TokenBucket {
            capacity: f64::from(capacity),
            refill_per_sec,
            tokens: f64::from(capacity),
            updated: now,
        }
    }

    /// Adds the tokens earned since the last update, never above capacity. Nothing runs in the
    /// background: the bucket catches up lazily whenever it is looked at.
    fn refill(&mut self, now: Duration) {
        // `saturating_sub`: a clock read slightly out of order must not panic or add tokens.
        let elapsed = now.saturating_sub(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.refill_per_sec).min(self.capacity);
        self.updated = now;
    }

    /// Takes one token at time `now`, or says how long until one is available.
    pub fn try_take(&mut self, now: Duration) -> Decision {
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Decision::Allowed {
                remaining: self.tokens.floor() as u32,
            }
        } else {
            let missing = 1.0 - self.tokens;
            Decision::Limited {
                retry_after: Duration::from_secs_f64(missing / self.refill_per_sec),
            }
        }
    }

    /// Whether the bucket is full at `now`: its client has been idle long enough that
    /// forgetting it changes nothing.
    pub fn is_full(&mut self, now: Duration) -> bool {
        self.refill(now);
        self.tokens >= self.capacity
    }
}

/// One token bucket per client key, all with the same capacity and rate.
pub struct RateLimiter {
    capacity: u32,
    refill_per_sec: f64,
    clock: Arc<dyn Clock>,
    buckets: Mutex<HashMap<String, TokenBucket>>,
}

impl RateLimiter {
    pub fn new(capacity: u32, refill_per_sec: f64, clock: Arc<dyn Clock>) -> Self {
        RateLimiter {
            capacity,
            refill_per_sec,
            clock,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// The burst size, for the `X-RateLimit-Limit` header.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// Takes a token from `client`'s bucket (a new client starts with a full one).
    pub fn check(&self, client: &str) -> Decision {
        let now = self.clock.now();
        // One lock for the whole read-modify-write: two concurrent requests from one client
        // must not both spend the same last token.
        let mut buckets = self.buckets.lock().unwrap();
        buckets
            .entry(client.to_string())
            .or_insert_with(|| TokenBucket::new(self.capacity, self.refill_per_sec, now))
            .try_take(now)
    }

    /// Forgets clients whose bucket is full again; returns how many were dropped. Without
    /// this, every address that ever sent one request would stay in memory forever.
    pub fn prune(&self) -> usize {
        let now = self.clock.now();
        let mut buckets = self.buckets.lock().unwrap();
        let before = buckets.len();
        buckets.retain(|_, bucket| !bucket.is_full(now));
        before - buckets.len()
    }

    /// How many clients have a bucket.
    pub fn tracked_clients(&self) -> usize {
        self.buckets.lock().unwrap().len()
    }
}
