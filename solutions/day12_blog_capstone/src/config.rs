//! Where the service listens and where it keeps its data, read once at start.

use std::path::{Path, PathBuf};

/// The port when neither `--port` nor `PORT` names one.
const DEFAULT_PORT: u16 = 3012;

/// The service's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub port: u16,
    pub data_dir: PathBuf,
}

impl Config {
    /// `--port N`, else `PORT`, else 3012; `DATA_DIR`, else `.backlings/data/<package>/` in the
    /// course (two levels above this crate), never wherever the server happens to start.
    pub fn from_env() -> Result<Config, String> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let port = match args.as_slice() {
            [] => std::env::var("PORT").ok(),
            [flag, value] if flag == "--port" => Some(value.clone()),
            _ => return Err(format!("usage: {} [--port N]", env!("CARGO_PKG_NAME"))),
        };
        let port = match port {
            None => DEFAULT_PORT,
            Some(text) => text
                .parse()
                .map_err(|_| format!("`{text}` is not a port number"))?,
        };
        let data_dir = match std::env::var_os("DATA_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => Path::new(env!("CARGO_MANIFEST_DIR"))
                .ancestors()
                .nth(2)
                .unwrap_or(Path::new("."))
                .join(".backlings/data")
                .join(env!("CARGO_PKG_NAME")),
        };
        Ok(Config { port, data_dir })
    }

    /// The SQLite file that holds the blog.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("blog.db")
    }
}
