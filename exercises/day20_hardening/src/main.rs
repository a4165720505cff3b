//! `cargo run -p day20_hardening` (or `backlings serve`): the hardened service on
//! http://127.0.0.1:3020.
//!
//! The port is `--port N`, else the `PORT` environment variable, else 3020. Each client (API key,
//! else address) may send a burst of `BURST` requests (default 3) and then `REFILL_PER_SEC` a
//! second (default 0.5). `GET /files/...` serves `public/` in `DATA_DIR` (default:
//! `.backlings/data/day20_hardening/` in the course), where it writes a `hello.txt`, and keeps a
//! `secret.txt` beside it that must never be served. Guestbook entries live in memory. Each
//! request is logged on stdout. Ctrl-C or SIGTERM stop the server once the requests in flight are
//! answered.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use day20_hardening::{AppState, RateLimiter, SystemClock, app};

const DEFAULT_PORT: u16 = 3020;

#[tokio::main]
async fn main() -> ExitCode {
    let port = match port() {
        Ok(port) => port,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let (burst, per_sec) = match (setting("BURST", 3), setting("REFILL_PER_SEC", 0.5)) {
        (Ok(burst), Ok(per_sec)) => (burst, per_sec),
        (Err(message), _) | (_, Err(message)) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let data = data_dir();
    let public = data.join("public");
    if let Err(e) = prepare(&data, &public) {
        eprintln!("error: cannot prepare `{}`: {e}", public.display());
        return ExitCode::FAILURE;
    }
    println!("each client may send {burst} requests at once, then {per_sec} a second");
    println!("serving the files in {}", public.display());
    let clock = Arc::new(SystemClock::default());
    let limiter = Arc::new(RateLimiter::new(burst, per_sec, clock));
    let app = app(AppState::new(limiter, public)).layer(middleware::from_fn(log_request));
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
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
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

/// Gives `GET /files/...` something to serve, `public/hello.txt`, and beside the public
/// directory a `secret.txt` that no request may ever read (try to!).
fn prepare(data: &Path, public: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(public)?;
    for (path, text) in [
        (public.join("hello.txt"), "hello, file\n"),
        (
            data.join("secret.txt"),
            "the secret: never served over HTTP\n",
        ),
    ] {
        if !path.exists() {
            std::fs::write(path, text)?;
        }
    }
    Ok(())
}

/// `name` from the environment as a number, else `default`.
fn setting<T: std::str::FromStr>(name: &str, default: T) -> Result<T, String> {
    match std::env::var(name) {
        Ok(text) => text
            .parse()
            .map_err(|_| format!("{name}={text:?} is not a number")),
        Err(_) => Ok(default),
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
