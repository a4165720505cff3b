//! `cargo run -p day30_production` (or `backlings serve`): the production-ready service,
//! configured like a deployment, by its environment.
//!
//! `DATABASE_URL` is required (it refuses to start without it, and says why); `PORT` (default
//! 8080, the container convention the lesson's `Config` follows; `--port N` overrides it),
//! `LOG_LEVEL` and `SHUTDOWN_GRACE_SECS` are optional. It serves a one-route API,
//! `GET /items/{id}`, beside `/healthz`, `/readyz` and `/metrics`, and logs JSON lines on
//! stdout (and nothing else: the line saying where it listens goes to stderr). Ctrl-C or
//! SIGTERM start a graceful shutdown: not ready, drain, exit.

use std::collections::HashMap;
use std::process::ExitCode;

use axum::extract::Path;
use axum::routing::get;
use axum::{Json, Router};
use day30_production::{AppState, Config, app, serve};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> ExitCode {
    let config =
        match settings().and_then(|vars| Config::from_vars(&vars).map_err(|e| e.to_string())) {
            Ok(config) => config,
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        };
    let port = config.port;
    // A container would bind 0.0.0.0 so the platform's network reaches it; on your own
    // machine, 127.0.0.1 keeps it to yourself.
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let state = AppState::new(config, Box::new(std::io::stdout()));
    let app = app(state.clone(), api());
    // Stdout carries only JSON log lines, for the platform's log collector; this line is for
    // the person who started the service.
    if let Ok(addr) = listener.local_addr() {
        eprintln!("listening on http://{addr}");
    }
    state.set_ready(true);
    match serve(listener, app, state, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The API this service exists for; the lesson's code wraps it with health, readiness,
/// metrics and logging.
fn api() -> Router {
    Router::new().route("/items/{id}", get(item))
}

/// `GET /items/{id}`: a made-up item.
async fn item(Path(id): Path<u64>) -> Json<Value> {
    Json(json!({ "id": id, "name": format!("item {id}") }))
}

/// The environment, with `--port N` in `PORT` when given on the command line.
fn settings() -> Result<HashMap<String, String>, String> {
    let mut vars: HashMap<String, String> = std::env::vars().collect();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => {}
        [flag, value] if flag == "--port" => {
            vars.insert("PORT".to_string(), value.clone());
        }
        _ => return Err(format!("usage: {} [--port N]", env!("CARGO_PKG_NAME"))),
    }
    Ok(vars)
}

/// Completes on Ctrl-C or SIGTERM (what `backlings serve`, Docker and Kubernetes send).
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
