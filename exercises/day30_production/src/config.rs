//! Configuration from environment variables, parsed from a map so that tests control it.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use crate::logging::Level;

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
    /// info, debug; default info) and `SHUTDOWN_GRACE_SECS` (whole seconds, default 30) are
    /// optional. A blank value counts as unset. Problems are `ConfigError::Missing(key)` or
    /// `ConfigError::Invalid { key, value, expected }`.
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Config, ConfigError> {
        // TODO: a small closure `get(key) -> Option<&str>` (trimmed, blank = None) keeps this
        // short. Parse each variable with `str::parse` (`u16` for the port, then reject 0;
        // `Level::parse` for the level; `u64` seconds for the grace period) and map a failure
        // to `ConfigError::Invalid`.
        let _ = vars;
        todo!("parse the configuration")
    }

    /// Reads the configuration from the real process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_vars(&std::env::vars().collect())
    }
}

fn invalid(key: &'static str, value: &str, expected: &'static str) -> ConfigError {
    ConfigError::Invalid {
        key,
        value: value.to_string(),
        expected,
    }
}

/// `scheme://user:password@host/...` with the password replaced by `***`.
fn redact(url: &str) -> String {
    // TODO: find "://", then the '@' after it; if the part in between has a ':', replace what
    // follows that ':' (up to the '@') with "***". Anything else comes back unchanged.
    let _ = url;
    todo!("hide the password in a URL")
}

// Written by hand instead of derived: `{:?}` of a config ends up in logs and crash reports, and
// the database password must not.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // TODO: `f.debug_struct("Config").field("port", &self.port)...finish()`, with
        // `redact(&self.database_url)` in place of the URL.
        let _ = f;
        todo!("debug-format the config without its secrets")
    }
}
