//! Settings from the environment, read once at start and checked there: a bad value stops the
//! server with a message instead of surprising it later.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::passwords::Cost;

const DEFAULT_PORT: u16 = 3021;

/// Everything the service reads from its environment.
#[derive(Debug, Clone)]
pub struct Config {
    pub port: u16,
    pub data_dir: PathBuf,
    pub cost: Cost,
    /// How many login attempts one address may make at once.
    pub login_burst: u32,
    /// One more attempt is allowed every this long.
    pub login_refill: Duration,
    /// How long a session lives after login.
    pub session_ttl: Duration,
    /// The address that becomes an admin when it signs up.
    pub admin_email: Option<String>,
}

impl Config {
    /// The command line (`--port N`) and the environment.
    pub fn load() -> Result<Config> {
        Ok(Config {
            port: port()?,
            data_dir: data_dir(),
            cost: Cost {
                memory_kib: number("ARGON2_MEMORY_KIB", Cost::RECOMMENDED.memory_kib)?,
                iterations: number("ARGON2_ITERATIONS", Cost::RECOMMENDED.iterations)?,
            },
            login_burst: positive("LOGIN_BURST", 5)?,
            login_refill: Duration::from_secs(positive("LOGIN_REFILL_SECS", 60)?.into()),
            session_ttl: Duration::from_secs(positive("SESSION_TTL_SECS", 86_400)?.into()),
            admin_email: std::env::var("ADMIN_EMAIL").ok(),
        })
    }
}

/// `--port N`, else `PORT`, else the day's port.
fn port() -> Result<u16> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => number("PORT", DEFAULT_PORT),
        [flag, value] if flag == "--port" => value
            .parse()
            .with_context(|| format!("`{value}` is not a port number")),
        _ => bail!("usage: {} [--port N]", env!("CARGO_PKG_NAME")),
    }
}

/// `DATA_DIR`, else `.backlings/data/<package>/` in the course (two levels above this crate),
/// never wherever the server happens to be started.
fn data_dir() -> PathBuf {
    match std::env::var_os("DATA_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .nth(2)
            .unwrap_or(Path::new("."))
            .join(".backlings/data")
            .join(env!("CARGO_PKG_NAME")),
    }
}

fn number<T: std::str::FromStr>(name: &str, default: T) -> Result<T> {
    match std::env::var(name) {
        Ok(text) => text
            .parse()
            .ok()
            .with_context(|| format!("{name}=`{text}` is not a valid number")),
        Err(_) => Ok(default),
    }
}

fn positive(name: &str, default: u32) -> Result<u32> {
    match number(name, default)? {
        0 => bail!("{name} must be at least 1"),
        n => Ok(n),
    }
}
