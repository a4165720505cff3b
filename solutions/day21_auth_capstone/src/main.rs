//! `cargo run -p day21_auth_capstone` (or `backlings serve`): the user authentication system on
//! http://127.0.0.1:3021.
//!
//! README.md is the specification. The port is `--port N`, else `PORT`, else 3021; accounts,
//! sessions and notes are the SQLite file `auth.db` in `DATA_DIR` (default:
//! `.backlings/data/day21_auth_capstone/` in the course). Each request is logged on stdout
//! (method, path, status: never a body or a cookie). Ctrl-C or SIGTERM stop the server once
//! the requests in flight are answered.

mod app;
mod config;
mod email;
mod error;
mod limiter;
mod passwords;
mod routes;
mod session;
mod store;
mod tokens;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::config::Config;
use crate::limiter::LoginLimiter;
use crate::passwords::Passwords;
use crate::store::Store;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => {
            println!("stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> anyhow::Result<()> {
    let config = Config::load()?;
    let state = state(config.clone())?;
    let app = app::router(state).layer(middleware::from_fn(log_request));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port))
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", config.port))?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

fn state(config: Config) -> anyhow::Result<AppState> {
    let dir = &config.data_dir;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let path = dir.join("auth.db");
    let store = Store::open(&path).with_context(|| format!("cannot open `{}`", path.display()))?;
    println!("accounts and sessions are kept in {}", path.display());
    let cost = config.cost;
    println!(
        "argon2id: {} KiB, {} passes; login: {} attempts per address, one more every {} s",
        cost.memory_kib,
        cost.iterations,
        config.login_burst,
        config.login_refill.as_secs()
    );
    Ok(AppState {
        store,
        passwords: Arc::new(Passwords::new(cost)?),
        limiter: Arc::new(LoginLimiter::new(config.login_burst, config.login_refill)),
        config: Arc::new(config),
    })
}

/// Logs `METHOD /path -> status in N ms`: the path only, never the query, the headers or the
/// body, which is where passwords and session tokens travel. A handler that panics answers 500
/// instead of dropping the connection.
async fn log_request(request: Request, next: Next) -> Response {
    let line = format!("{} {}", request.method(), request.uri().path());
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
