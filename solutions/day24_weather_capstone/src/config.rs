//! The service's settings, read once at start from `--port` and the environment. A value that
//! is present but unreadable stops the program with a message naming it, rather than being
//! silently replaced by its default.

use std::time::Duration;

/// Everything the README's "Configuration" table lists.
#[derive(Debug, Clone)]
pub struct Config {
    pub port: u16,
    pub upstream_url: String,
    /// The longest one upstream attempt may take, from connecting to the end of the body.
    pub upstream_timeout: Duration,
    /// How many times a 5xx answer is tried again.
    pub upstream_retries: u32,
    /// The wait before the first retry; each next wait doubles.
    pub upstream_backoff: Duration,
    /// How long a fetched answer is served from the cache.
    pub cache_ttl: Duration,
    /// How long after expiring an answer may still be served when the upstream fails.
    pub stale_if_error: Duration,
}

const DEFAULT_PORT: u16 = 3024;

impl Config {
    /// Reads the settings; `Err` says which one is wrong and why.
    pub fn from_env() -> Result<Config, String> {
        Ok(Config {
            port: port()?,
            upstream_url: std::env::var("UPSTREAM_URL")
                .unwrap_or_else(|_| "http://127.0.0.1:4024".to_string()),
            upstream_timeout: Duration::from_millis(number("UPSTREAM_TIMEOUT_MS", 2000)?),
            upstream_retries: u32::try_from(number("UPSTREAM_RETRIES", 2)?)
                .map_err(|_| "UPSTREAM_RETRIES is too large".to_string())?,
            upstream_backoff: Duration::from_millis(number("UPSTREAM_BACKOFF_MS", 100)?),
            cache_ttl: Duration::from_secs(number("CACHE_TTL_SECS", 60)?),
            stale_if_error: Duration::from_secs(number("STALE_IF_ERROR_SECS", 600)?),
        })
    }
}

/// The variable `name` as a whole number, else `default` when it is not set.
fn number(name: &str, default: u64) -> Result<u64, String> {
    match std::env::var(name) {
        Ok(text) => text
            .trim()
            .parse()
            .map_err(|_| format!("{name}={text:?} is not a whole number")),
        Err(_) => Ok(default),
    }
}

/// The port: `--port N`, else the `PORT` environment variable, else the day's default.
fn port() -> Result<u16, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text = match args.as_slice() {
        [] => match std::env::var("PORT") {
            Ok(text) => text,
            Err(_) => return Ok(DEFAULT_PORT),
        },
        [flag, value] if flag == "--port" => value.clone(),
        _ => return Err(format!("usage: {} [--port N]", env!("CARGO_PKG_NAME"))),
    };
    text.parse()
        .map_err(|_| format!("`{text}` is not a port number"))
}
