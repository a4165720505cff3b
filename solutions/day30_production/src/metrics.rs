//! Request metrics in the Prometheus text format, written by hand.

use std::collections::BTreeMap;
use std::fmt::Write;
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
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(self)
    }

    /// A request is done: count it by method, route (the pattern, such as `/items/{id}`) and
    /// status, and add its duration to the histogram.
    pub fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let mut recorded = self.recorded.lock().unwrap();
        *recorded
            .requests
            .entry((method.to_string(), route.to_string(), status))
            .or_insert(0) += 1;
        if let Some(bucket) = BUCKETS.iter().position(|&bound| seconds <= bound) {
            recorded.buckets[bucket] += 1;
        }
        recorded.sum_seconds += seconds;
        recorded.count += 1;
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let recorded = self.recorded.lock().unwrap();
        let mut out = String::new();
        // `write!` to a String cannot fail; the results are ignored on purpose.
        let _ = writeln!(
            out,
            "# HELP http_requests_total Requests handled, by method, route and status."
        );
        let _ = writeln!(out, "# TYPE http_requests_total counter");
        for ((method, route, status), count) in &recorded.requests {
            let _ = writeln!(
                out,
                "http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {count}",
                escape(method),
                escape(route),
            );
        }
        let _ = writeln!(
            out,
            "# HELP http_requests_in_flight Requests being handled right now."
        );
        let _ = writeln!(out, "# TYPE http_requests_in_flight gauge");
        let _ = writeln!(
            out,
            "http_requests_in_flight {}",
            self.in_flight.load(Ordering::SeqCst)
        );
        let _ = writeln!(
            out,
            "# HELP http_request_duration_seconds Time taken to handle requests."
        );
        let _ = writeln!(out, "# TYPE http_request_duration_seconds histogram");
        // Prometheus buckets are cumulative: `le="0.5"` counts everything up to 0.5 s.
        let mut cumulative = 0;
        for (bound, count) in BUCKETS.iter().zip(recorded.buckets) {
            cumulative += count;
            let _ = writeln!(
                out,
                "http_request_duration_seconds_bucket{{le=\"{bound}\"}} {cumulative}"
            );
        }
        let _ = writeln!(
            out,
            "http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}",
            recorded.count
        );
        let _ = writeln!(
            out,
            "http_request_duration_seconds_sum {}",
            recorded.sum_seconds
        );
        let _ = writeln!(
            out,
            "http_request_duration_seconds_count {}",
            recorded.count
        );
        out
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
