//! Structured logs: one JSON object per line, which log collectors can search by field.

use std::io::Write;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

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
        if level > self.level {
            return;
        }
        let ts = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis() as u64;
        let mut line = Map::new();
        line.insert("ts".into(), ts.into());
        line.insert("level".into(), level.as_str().into());
        line.insert("msg".into(), msg.into());
        if let Value::Object(fields) = fields {
            line.extend(fields);
        }
        let mut text = Value::Object(line).to_string();
        text.push('\n');
        // One write per line, under the lock, so that lines from concurrent requests never
        // interleave. A failing log write must not fail the request: ignore the error.
        let mut out = self
            .out
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }
}
