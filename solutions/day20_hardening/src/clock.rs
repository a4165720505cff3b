//! Time, injected so tests can move it (given, complete).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A monotonic source of "now": the time elapsed since some fixed starting point. Only
/// differences between two readings mean anything.
pub trait Clock: Send + Sync {
    fn now(&self) -> Duration;
}

/// The real, monotonic time (it never jumps back when the wall clock is adjusted).
pub struct SystemClock {
    start: Instant,
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock {
            start: Instant::now(),
        }
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.start.elapsed()
    }
}

/// A clock that only moves when told to. Clones share the same time.
#[derive(Clone, Default)]
pub struct ManualClock {
    now: Arc<Mutex<Duration>>,
}

impl ManualClock {
    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        *self.now.lock().unwrap() += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        *self.now.lock().unwrap()
    }
}
