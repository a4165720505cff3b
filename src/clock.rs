//! Today's date, the one clock the runner reads.

use chrono::NaiveDate;

/// Today in the learner's time zone. `BACKLINGS_TODAY=YYYY-MM-DD` overrides it, which tests
/// use to check streaks and the plan's day count.
pub fn today() -> NaiveDate {
    std::env::var("BACKLINGS_TODAY")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}
