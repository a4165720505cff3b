//! The debounce window: editors write a burst of events per save, so a run starts only after
//! a quiet spell, for every day touched during the burst.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// Trailing quiet time after the last file event before a run starts. An editor's save is a
/// burst of writes a few milliseconds apart; a burst that outlasts the window only costs a run
/// that the next event cancels (the verdict shown is always the last files'). On a day whose
/// tests take milliseconds, the window is a visible share of save-to-verdict: 40 ms was 8 % of
/// day 1's.
pub const QUIET: Duration = Duration::from_millis(15);

#[derive(Default)]
pub struct Debounce {
    /// The days touched since the last run.
    pending: BTreeSet<String>,
    /// When the window closes, while one is open.
    deadline: Option<Instant>,
}

impl Debounce {
    /// A file of day `name` changed at `now`: the window (re)opens.
    pub fn touch(&mut self, name: String, now: Instant) {
        self.pending.insert(name);
        self.deadline = Some(now + QUIET);
    }

    /// When the window closes, if one is open.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// The days touched, once the window has closed at `now`; the window is then reset.
    pub fn due(&mut self, now: Instant) -> Option<BTreeSet<String>> {
        if self.deadline.is_none_or(|deadline| now < deadline) {
            return None;
        }
        self.deadline = None;
        Some(std::mem::take(&mut self.pending))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_ends_in_one_window_with_every_day_touched() {
        let start = Instant::now();
        let mut debounce = Debounce::default();
        assert_eq!(debounce.due(start), None);
        debounce.touch("day02".into(), start);
        debounce.touch("day01".into(), start + QUIET / 2);
        assert_eq!(
            debounce.due(start + QUIET),
            None,
            "the second event moved the deadline"
        );
        let due = debounce.due(start + QUIET / 2 + QUIET).unwrap();
        assert_eq!(due.into_iter().collect::<Vec<_>>(), ["day01", "day02"]);
        assert_eq!(debounce.deadline(), None);
        assert_eq!(debounce.due(start + QUIET * 10), None);
    }
}
