//! The server process from the outside: its output kept line by line, signals, and the
//! processes it started.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// The output keeps this many lines, the newest.
const KEPT_LINES: usize = 500;
/// A line longer than this is cut.
const LINE_CAP: usize = 1000;

/// Everything the server printed, stdout and stderr interleaved as lines arrive.
#[derive(Default)]
pub(crate) struct OutputLog {
    state: Mutex<Log>,
    changed: Condvar,
}

#[derive(Default)]
struct Log {
    lines: VecDeque<String>,
    /// Lines pushed out of `lines` by newer ones.
    dropped: usize,
    /// Bumped on every line and every closed stream, so a waiter knows something happened.
    generation: u64,
    open_streams: usize,
}

impl OutputLog {
    fn lock(&self) -> std::sync::MutexGuard<'_, Log> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn push(&self, mut line: String) {
        if line.len() > LINE_CAP {
            let mut cut = LINE_CAP;
            while !line.is_char_boundary(cut) {
                cut -= 1;
            }
            line.truncate(cut);
            line.push_str(" ...");
        }
        let mut log = self.lock();
        if log.lines.len() == KEPT_LINES {
            log.lines.pop_front();
            log.dropped += 1;
        }
        log.lines.push_back(line);
        log.generation += 1;
        self.changed.notify_all();
    }

    /// A marker line, such as a restart, so the output reads in order.
    pub(crate) fn note(&self, line: &str) {
        self.push(format!("[{line}]"));
    }

    /// Reads `stream` line by line on its own thread until it closes.
    pub(crate) fn follow(self: &Arc<Self>, stream: impl Read + Send + 'static) {
        self.lock().open_streams += 1;
        let log = Arc::clone(self);
        std::thread::spawn(move || {
            for line in BufReader::new(stream).split(b'\n') {
                let Ok(mut bytes) = line else { break };
                if bytes.last() == Some(&b'\r') {
                    bytes.pop();
                }
                log.push(String::from_utf8_lossy(&bytes).into_owned());
            }
            let mut state = log.lock();
            state.open_streams -= 1;
            state.generation += 1;
            log.changed.notify_all();
        });
    }

    pub(crate) fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// Waits until something is printed after `generation`, at most `timeout`.
    pub(crate) fn wait_after(&self, generation: u64, timeout: Duration) {
        let log = self.lock();
        let _ = self
            .changed
            .wait_timeout_while(log, timeout, |log| log.generation == generation);
    }

    /// Waits until every followed stream has closed (the server and anything holding its
    /// output are gone), at most `timeout`.
    pub(crate) fn wait_closed(&self, timeout: Duration) {
        let log = self.lock();
        let _ = self
            .changed
            .wait_timeout_while(log, timeout, |log| log.open_streams > 0);
    }

    /// Waits until the server has printed nothing for a moment (at most a second), so a
    /// failure report holds what it printed just before answering: its output comes through
    /// a pipe and a reader thread, a little behind its response.
    pub(crate) fn settle(&self) {
        let quiet = Duration::from_millis(100);
        let started = std::time::Instant::now();
        while started.elapsed() < Duration::from_secs(1) {
            let generation = self.generation();
            self.wait_after(generation, quiet);
            if self.generation() == generation {
                return;
            }
        }
    }

    /// All the lines kept, oldest first.
    pub(crate) fn lines(&self) -> Vec<String> {
        self.lock().lines.iter().cloned().collect()
    }

    /// The last `count` lines, as a paragraph for a failure message.
    pub(crate) fn tail_report(&self, count: usize) -> String {
        let log = self.lock();
        if log.lines.is_empty() {
            return "\nthe server printed nothing\n".to_string();
        }
        let skipped = log.lines.len().saturating_sub(count) + log.dropped;
        let mut text = String::from("\nthe server's last output lines:\n");
        if skipped > 0 {
            text.push_str(&format!("  ({skipped} earlier lines not shown)\n"));
        }
        for line in log.lines.iter().skip(log.lines.len().saturating_sub(count)) {
            text.push_str("  ");
            text.push_str(line);
            text.push('\n');
        }
        text
    }
}

/// Sends `signal` (`TERM`, `KILL`) to each of `pids`, through the shell's `kill` builtin: the
/// standard library has no call for it, and every Unix has a shell.
#[cfg(unix)]
pub(crate) fn signal(signal: &str, pids: &[u32]) {
    if pids.is_empty() {
        return;
    }
    let _ = Command::new("sh")
        .args(["-c", "kill -s \"$0\" \"$@\" 2>/dev/null", signal])
        .args(pids.iter().map(u32::to_string))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

#[cfg(not(unix))]
pub(crate) fn signal(_signal: &str, _pids: &[u32]) {}

/// Every process below `pid` (children, their children, ...), found in `/proc` on Linux.
/// Elsewhere it is empty: a server's own children then go with the test's process group,
/// which `backlings` ends after every run.
pub(crate) fn descendants(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut parents = Vec::new();
    for entry in entries.flatten() {
        let Some(child) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (name) state ppid ...`: the name may hold spaces and parentheses.
        let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
        if let Some(parent) = after_name
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse::<u32>().ok())
        {
            parents.push((child, parent));
        }
    }
    let mut found = Vec::new();
    let mut frontier = vec![pid];
    while let Some(parent) = frontier.pop() {
        for &(child, _) in parents.iter().filter(|(_, p)| *p == parent) {
            if !found.contains(&child) {
                found.push(child);
                frontier.push(child);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::{OutputLog, descendants};

    #[test]
    fn the_output_keeps_the_newest_lines_and_cuts_long_ones() {
        let log = OutputLog::default();
        assert_eq!(log.tail_report(3), "\nthe server printed nothing\n");
        for n in 0..600 {
            log.push(format!("line {n}"));
        }
        log.push("x".repeat(5000));
        let lines = log.lines();
        assert_eq!(lines.len(), 500);
        assert_eq!(lines[0], "line 101");
        assert_eq!(lines[499].len(), 1004);
        let report = log.tail_report(2);
        assert!(report.starts_with("\nthe server's last output lines:\n  (599 earlier lines not shown)\n  line 599\n  xxx"), "{report}");
    }

    #[test]
    fn following_a_stream_splits_lines_and_notices_the_end() {
        let log = Arc::new(OutputLog::default());
        log.follow(&b"listening on http://127.0.0.1:1\r\nbye"[..]);
        log.wait_closed(Duration::from_secs(5));
        assert_eq!(log.lines(), ["listening on http://127.0.0.1:1", "bye"]);
    }

    #[test]
    fn finds_the_children_of_a_process() {
        if !std::path::Path::new("/proc/self/stat").exists() {
            return;
        }
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let found = descendants(std::process::id());
        let _ = child.kill();
        let _ = child.wait();
        assert!(
            found.contains(&child.id()),
            "{found:?} lacks {}",
            child.id()
        );
    }
}
