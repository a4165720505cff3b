//! Structured logs: one JSON object per line, which log collectors can search by field.

use std::io::Write;
use std::sync::Mutex;

use serde_json::Value;
// You will want `std::time::{SystemTime, UNIX_EPOCH}` and `serde_json::Map` too.

/// How serious a log line is. The order matters: `Error < Warn < Info < Debug`, and a logger
/// set to a level writes that level and everything more serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warn,
    Info,
    Debug,
}

impl Level {
    /// Parses `error`, `warn`, `info` or `debug`, in any case.
    pub fn parse(text: &str) -> Option<Level> {
        match text.to_ascii_lowercase().as_str() {
            "error" => Some(Level::Error),
            "warn" => Some(Level::Warn),
            "info" => Some(Level::Info),
            "debug" => Some(Level::Debug),
            _ => None,
        }
    }

    /// The level's name as it appears in log lines.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
        }
    }
}

/// Writes JSON log lines at or above a level to any `Write` (stdout in production).
pub struct Logger {
    level: Level,
    out: Mutex<Box<dyn Write + Send>>,
}

impl Logger {
    pub fn new(level: Level, out: Box<dyn Write + Send>) -> Logger {
        Logger {
            level,
            out: Mutex::new(out),
        }
    }

    /// Writes `{"ts":<unix ms>,"level":..,"msg":..,<fields>}` and a newline, if `level` is
    /// enabled. `fields` is a JSON object whose entries are added to the line.
    pub fn log(&self, level: Level, msg: &str, fields: Value) {
        // TODO: return early if `level > self.level`. Build a `serde_json::Map` with "ts" (unix
        // milliseconds from `SystemTime::now()`), "level" (`level.as_str()`), "msg" and every
        // entry of `fields` (if it is a `Value::Object`). Write it with a trailing newline in
        // ONE `write_all` while holding the lock, so concurrent lines never interleave. Ignore
        // write errors: a failing log must not fail a request.
        let _ = (level, msg, fields);
        todo!("write one JSON log line")
    }
}
