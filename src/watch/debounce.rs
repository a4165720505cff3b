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

/// Quiet time after a file was closed by its writer or renamed into place: the save is
/// complete, and only what belongs to the same save (the rename after an editor closes its
/// temporary file, the other files of a "save all") still comes within a couple of
/// milliseconds.
pub const SETTLED: Duration = Duration::from_millis(2);

/// A save this soon after the last window closed belongs to a burst (a script, a checkout, a
/// formatter writing again): it waits the full [`QUIET`], so a burst of closed files costs a
/// run or two, not one each.
pub const BURST: Duration = Duration::from_millis(100);

#[derive(Default)]
pub struct Debounce {
    /// The days touched since the last run.
    pending: BTreeSet<String>,
    /// When the window closes, while one is open.
    deadline: Option<Instant>,
    /// When the last window closed.
    closed: Option<Instant>,
}

impl Debounce {
    /// A file of day `name` changed at `now`: the window (re)opens.
    pub fn touch(&mut self, name: String, now: Instant) {
        self.pending.insert(name);
        self.deadline = Some(now + QUIET);
    }

    /// A file of day `name` was closed by its writer or renamed into place at `now`: the
    /// window closes after [`SETTLED`], sooner than a bare write's (a later write reopens it);
    /// within a [`BURST`], after [`QUIET`] like any write.
    pub fn settle(&mut self, name: String, now: Instant) {
        if self
            .closed
            .is_some_and(|closed| now.duration_since(closed) < BURST)
        {
            return self.touch(name, now);
        }
        self.pending.insert(name);
        self.deadline = Some(now + SETTLED);
    }

    /// [`settle`](Self::settle) when the event completed a save, else [`touch`](Self::touch).
    pub fn record(&mut self, name: String, now: Instant, saved: bool) {
        match saved {
            true => self.settle(name, now),
            false => self.touch(name, now),
        }
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
        self.closed = Some(now);
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

    #[test]
    fn a_closed_file_ends_the_window_early_and_a_later_write_reopens_it() {
        let start = Instant::now();
        let mut debounce = Debounce::default();
        debounce.touch("day01".into(), start);
        debounce.settle("day01".into(), start + Duration::from_millis(1));
        assert_eq!(
            debounce.deadline(),
            Some(start + Duration::from_millis(1) + SETTLED)
        );
        assert!(SETTLED < QUIET);
        // Another file of the same save, written after the first was closed.
        debounce.touch("day02".into(), start + Duration::from_millis(2));
        assert_eq!(
            debounce.due(start + Duration::from_millis(1) + SETTLED),
            None
        );
        let due = debounce
            .due(start + Duration::from_millis(2) + QUIET)
            .unwrap();
        assert_eq!(due.into_iter().collect::<Vec<_>>(), ["day01", "day02"]);
    }

    #[test]
    fn saves_in_a_burst_wait_the_full_window_and_a_lone_save_does_not() {
        let start = Instant::now();
        let mut debounce = Debounce::default();
        debounce.settle("day01".into(), start);
        let fired = start + SETTLED;
        assert!(debounce.due(fired).is_some());
        let soon = fired + BURST / 2;
        debounce.settle("day01".into(), soon);
        assert_eq!(debounce.deadline(), Some(soon + QUIET), "part of a burst");
        let closed = soon + QUIET;
        assert!(debounce.due(closed).is_some());
        let later = closed + BURST;
        debounce.settle("day01".into(), later);
        assert_eq!(
            debounce.deadline(),
            Some(later + SETTLED),
            "a save on its own"
        );
    }
}
