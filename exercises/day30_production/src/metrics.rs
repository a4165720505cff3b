//! Request metrics in the Prometheus text format, written by hand.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// Upper bounds (seconds) of the latency histogram's buckets; `+Inf` comes after them.
pub const BUCKETS: [f64; 4] = [0.005, 0.05, 0.5, 5.0];

/// Counters for the RED method: Rate, Errors (by status) and Duration.
#[derive(Default)]
pub struct Metrics {
    in_flight: AtomicI64,
    recorded: Mutex<Recorded>,
}

#[derive(Default)]
struct Recorded {
    /// (method, route, status) -> requests. A BTreeMap renders in a stable order.
    requests: BTreeMap<(String, String, u16), u64>,
    /// How many requests took at most `BUCKETS[i]` seconds (not cumulative yet).
    buckets: [u64; BUCKETS.len()],
    sum_seconds: f64,
    count: u64,
}

impl Metrics {
    /// Counts one request in flight until the returned guard is dropped.
    ///
    /// A guard, not a pair of calls: if the client hangs up, the server drops the request's
    /// future halfway, and only a `Drop` still runs to take the request off the gauge.
    pub fn track_in_flight(&self) -> InFlight<'_> {
        // TODO: increment `in_flight`, return `InFlight(self)` (its Drop decrements).
        todo!("count a request in flight")
    }

    /// A request is done: count it by method, route (the pattern, such as `/items/{id}`) and
    /// status, and add its duration to the histogram.
    pub fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        // TODO: lock `recorded`; add 1 to `requests[(method, route, status)]`; add 1 to the
        // first bucket whose bound is >= the duration in seconds (none: only +Inf, which is
        // `count`); add to `sum_seconds` and `count`.
        let _ = (method, route, status, elapsed);
        todo!("record a finished request")
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        // TODO: write, line by line (`writeln!` into a String works with `std::fmt::Write`):
        //   # HELP http_requests_total Requests handled, by method, route and status.
        //   # TYPE http_requests_total counter
        //   http_requests_total{method="GET",route="/items/{id}",status="200"} 2   (one per entry)
        //   # HELP / # TYPE http_requests_in_flight gauge, then `http_requests_in_flight 1`
        //   # HELP / # TYPE http_request_duration_seconds histogram, then
        //   http_request_duration_seconds_bucket{le="0.005"} N   (one per bound in BUCKETS,
        //     CUMULATIVE: each counts every request up to its bound)
        //   http_request_duration_seconds_bucket{le="+Inf"} <count>
        //   http_request_duration_seconds_sum <seconds>
        //   http_request_duration_seconds_count <count>
        // Label values go through `escape`.
        todo!("render the metrics")
    }
}

/// Keeps a request on the `http_requests_in_flight` gauge while it lives.
pub struct InFlight<'a>(&'a Metrics);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Label values escape `\`, `"` and newlines.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
