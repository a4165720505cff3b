//! Configuration from environment variables, parsed from a map so that tests control it.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

/// How serious a log line is. The order matters: `Error < Warn < Info < Debug`, and a service
/// set to a level writes that level and everything more serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warn,
    Info,
    Debug,
}

/// Everything the service needs to know to start.
#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    /// `PORT`, default 8080.
    pub port: u16,
    /// `LOG_LEVEL`: error, warn, info or debug; default info.
    pub log_level: Level,
    /// `DATABASE_URL`, required. May hold a password: never log it.
    pub database_url: String,
    /// `SHUTDOWN_GRACE_SECS`, default 30: how long a shutdown waits for requests in flight.
    pub shutdown_grace: Duration,
}

/// Why the configuration is unusable. The service should refuse to start, loudly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// A required variable is not set (or is empty).
    Missing(&'static str),
    /// A variable is set to something unusable.
    Invalid {
        key: &'static str,
        value: String,
        expected: &'static str,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Missing(key) => write!(f, "{key} is required but not set"),
            ConfigError::Invalid {
                key,
                value,
                expected,
            } => write!(f, "{key}={value:?} is invalid: expected {expected}"),
        }
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads the configuration from `vars` (in production: `std::env::vars().collect()`).
    ///
    /// `DATABASE_URL` is required; `PORT` (1-65535, default 8080), `LOG_LEVEL` (error, warn,
    /// info or debug, in any case; default info) and `SHUTDOWN_GRACE_SECS` (whole seconds,
    /// default 30) are optional. A blank value counts as unset. Problems are
    /// `ConfigError::Missing(key)` or `ConfigError::Invalid { key, value, expected }`, with the
    /// value exactly as it was set.
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Config, ConfigError> {
        let _ = vars;
        todo!()
    }

    /// Reads the configuration from the real process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_vars(&std::env::vars().collect())
    }
}

/// Shows every field, like a derived `Debug`, except the password in `database_url`
/// (`scheme://user:password@host/...`), which appears as `***`; the rest of the URL stays, since
/// it helps when debugging. `{:?}` of a config ends up in logs and crash reports.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _ = f;
        todo!()
    }
}
