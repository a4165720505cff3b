//! Login attempts per address: a token bucket for each (day 20), refilled lazily.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// One bucket per normalized email address, all of the same size and pace. Buckets live in
/// memory: a restart forgets them, which the spec allows.
pub struct LoginLimiter {
    burst: f64,
    /// Seconds for one token to come back.
    refill: Duration,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl LoginLimiter {
    pub fn new(burst: u32, refill: Duration) -> LoginLimiter {
        LoginLimiter {
            burst: f64::from(burst),
            refill,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Spends one attempt for `email`, or says how long until one is available. Taking the
    /// token before the password is checked (and giving it back on success) keeps concurrent
    /// guesses from slipping through while the first ones are still hashing.
    pub fn attempt(&self, email: &str) -> Result<(), Duration> {
        let now = Instant::now();
        // One lock for the whole read-modify-write, so two attempts cannot spend one token.
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let bucket = buckets.entry(email.to_string()).or_insert(Bucket {
            tokens: self.burst,
            updated: now,
        });
        let earned = now.duration_since(bucket.updated).as_secs_f64() / self.refill.as_secs_f64();
        bucket.tokens = (bucket.tokens + earned).min(self.burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(self.refill.mul_f64(1.0 - bucket.tokens))
        }
    }

    /// Gives back the token of an attempt that succeeded: only failures use up the budget.
    pub fn refund(&self, email: &str) {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(bucket) = buckets.get_mut(email) {
            bucket.tokens = (bucket.tokens + 1.0).min(self.burst);
        }
    }
}
