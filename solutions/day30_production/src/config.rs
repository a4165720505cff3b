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
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Config, ConfigError> {
        // An empty value counts as unset: `PORT=` in a deployment file is a mistake, not a port.
        let get = |key: &str| vars.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());

        let port = match get("PORT") {
            None => 8080,
            Some(value) => value
                .parse::<u16>()
                .ok()
                .filter(|&port| port != 0)
                .ok_or_else(|| invalid("PORT", value, "a port number from 1 to 65535"))?,
        };
        let log_level = match get("LOG_LEVEL") {
            None => Level::Info,
            Some(value) => Level::parse(value)
                .ok_or_else(|| invalid("LOG_LEVEL", value, "one of error, warn, info, debug"))?,
        };
        let database_url = get("DATABASE_URL")
            .ok_or(ConfigError::Missing("DATABASE_URL"))?
            .to_string();
        let shutdown_grace = match get("SHUTDOWN_GRACE_SECS") {
            None => Duration::from_secs(30),
            Some(value) => value
                .parse::<u64>()
                .map(Duration::from_secs)
                .map_err(|_| invalid("SHUTDOWN_GRACE_SECS", value, "a whole number of seconds"))?,
        };
        Ok(Config {
            port,
            log_level,
            database_url,
            shutdown_grace,
        })
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
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let Some(at) = url[scheme_end..].find('@').map(|i| scheme_end + i) else {
        return url.to_string();
    };
    match url[scheme_end..at].find(':') {
        Some(colon) => format!("{}***{}", &url[..scheme_end + colon + 1], &url[at..]),
        None => url.to_string(),
    }
}

// Written by hand instead of derived: `{:?}` of a config ends up in logs and crash reports, and
// the database password must not.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("port", &self.port)
            .field("log_level", &self.log_level)
            .field("database_url", &redact(&self.database_url))
            .field("shutdown_grace", &self.shutdown_grace)
            .finish()
    }
}
