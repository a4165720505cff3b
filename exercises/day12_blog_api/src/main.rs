//! `cargo run -p day12_blog_api` (or `backlings serve`): the blog API on
//! http://127.0.0.1:3012.
//!
//! The port is `--port N`, else the `PORT` environment variable, else 3012. The blog is the
//! SQLite file `blog.db` in `DATA_DIR` (default: `.backlings/data/day12_blog_api/` in the
//! course), so it survives a restart; delete the file to start afresh. Each request is logged on
//! stdout. Ctrl-C or SIGTERM stop the server once the requests in flight are answered.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use day12_blog_api::app;
use day12_blog_api::store::Store;

const DEFAULT_PORT: u16 = 3012;

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
    let store = match std::fs::create_dir_all(&data)
        .map_err(|e| e.to_string())
        .and_then(|()| Store::open(&data.join("blog.db")).map_err(|e| e.to_string()))
    {
        Ok(store) => store,
        Err(e) => {
            eprintln!("error: cannot open the blog in `{}`: {e}", data.display());
            return ExitCode::FAILURE;
        }
    };
    println!("the blog is kept in {}", data.join("blog.db").display());
    let app = app(store).layer(middleware::from_fn(log_request));
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Ok(addr) = listener.local_addr() {
        println!("listening on http://{addr}");
    }
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await;
    match served {
        Ok(()) => {
            println!("stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Logs `METHOD /path -> status in N ms`. The handler runs in a task of its own, so one that
/// panics (a `todo!()` not written yet) answers 500 instead of dropping the connection; its
/// panic message is on stderr.
async fn log_request(request: Request, next: Next) -> Response {
    let line = format!("{} {}", request.method(), request.uri());
    let started = Instant::now();
    let response = match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    println!("{line} -> {} in {millis:.1} ms", response.status().as_u16());
    response
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
