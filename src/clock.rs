//! Today's date and the time now: the clocks the runner reads.

use chrono::{DateTime, NaiveDate, Utc};

/// Today in the learner's time zone. `BACKLINGS_TODAY=YYYY-MM-DD` overrides it, which tests
/// use to check streaks and the plan's day count.
pub fn today() -> NaiveDate {
    std::env::var("BACKLINGS_TODAY")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// The time now, in UTC. `BACKLINGS_NOW=2026-11-24T09:30:00Z` (RFC 3339) overrides it, for
/// tests and reproducible reports.
pub fn now() -> DateTime<Utc> {
    std::env::var("BACKLINGS_NOW")
        .ok()
        .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc))
}
