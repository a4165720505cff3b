//! The one-character mark of a day, the same in the list, the watch screen and its bar.

use colored::ColoredString;

use super::palette;
use crate::progress::DayState;

/// `✓` done, `▶` current (green once it passes), `·` still to do.
pub fn day(state: DayState, passed: bool) -> ColoredString {
    match (state, passed) {
        (DayState::Done, _) => palette::good("✓"),
        (DayState::Current, true) => palette::good("▶"),
        (DayState::Current, false) => palette::warn("▶"),
        (DayState::Pending, _) => palette::dim("·"),
    }
}
