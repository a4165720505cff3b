//! Timestamped watch-mode events, written to the file named by `BACKLINGS_TRACE` when set: what
//! the benchmark measures save-to-verdict with, and what a person diagnosing reruns reads.
//! Each line is `<unix time in µs> <event> <detail>`.

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

pub fn event(kind: &str, detail: &str) {
    let Some(path) = std::env::var_os("BACKLINGS_TRACE") else {
        return;
    };
    let micros = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros());
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path);
    if let Ok(mut file) = file {
        let _ = writeln!(file, "{micros} {kind} {detail}");
    }
}
