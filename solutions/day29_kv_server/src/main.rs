//! `cargo run -p day29_kv_server` (or `backlings serve`): the key-value server on
//! 127.0.0.1:3029, speaking RESP like Redis (`redis-cli -p 3029`).
//!
//! The port is `--port N`, else the `PORT` environment variable, else 3029. The append-only
//! log lives in `DATA_DIR` (default: `.backlings/data/day29_kv_server/` in the course), so
//! the data survives a restart. Each write reaches the log before its reply is sent, so
//! Ctrl-C and SIGTERM simply stop the server at once.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use day29_kv_server::{AOF_FILE, Db, SystemClock, serve};

const DEFAULT_PORT: u16 = 3029;

#[tokio::main]
async fn main() -> ExitCode {
    let port = match port() {
        Ok(port) => port,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let data = data_dir();
    let db = match std::fs::create_dir_all(&data)
        .and_then(|()| Db::open(&data, Arc::new(SystemClock)))
    {
        Ok(db) => db,
        Err(e) => {
            eprintln!("error: cannot open the data in `{}`: {e}", data.display());
            return ExitCode::FAILURE;
        }
    };
    println!("the log is {}", data.join(AOF_FILE).display());
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Ok(addr) = listener.local_addr() {
        println!("listening on {addr} (RESP: redis-cli -p {})", addr.port());
    }
    tokio::select! {
        served = serve(listener, db) => match served {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        () = shutdown_signal() => {
            println!("stopped");
            ExitCode::SUCCESS
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM (what `backlings serve`, Docker and Kubernetes send).
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        () = terminate => {}
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

/// Where the day keeps its files: `DATA_DIR`, else `.backlings/data/<package>/` in the course
/// (two levels above this crate), never wherever the server happens to be started.
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
