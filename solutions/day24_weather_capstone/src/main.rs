//! The weather API (day 24's capstone): current weather and forecasts from an upstream service,
//! cached, retried and served stale when the upstream fails. README.md is the specification.
//!
//! `cargo run -p day24_weather_capstone` (or `backlings serve`) listens on 127.0.0.1:3024;
//! `--port N` or `PORT` pick another port, and the other settings come from the environment
//! (`config.rs`). Each request is logged on stdout; Ctrl-C or SIGTERM stop the server once the
//! requests in flight are answered.

mod cache;
mod config;
mod problem;
mod routes;
mod upstream;
mod validate;

use std::process::ExitCode;
use std::time::Instant;

use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;

use crate::config::Config;
use crate::routes::{AppState, app};
use crate::upstream::Upstream;

#[tokio::main]
async fn main() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let upstream = match Upstream::new(&config) {
        Ok(upstream) => upstream,
        Err(e) => {
            eprintln!("error: cannot build the upstream client: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "upstream {} (timeout {:?}, {} retries), answers cached for {:?}",
        config.upstream_url, config.upstream_timeout, config.upstream_retries, config.cache_ttl
    );
    let app = app(AppState::new(&config, upstream)).layer(middleware::from_fn(log_request));
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{}: {e}", config.port);
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

/// Logs `METHOD /path?query -> status in N ms` on stdout.
async fn log_request(request: Request, next: Next) -> Response {
    let line = format!("{} {}", request.method(), request.uri());
    let started = Instant::now();
    let response = next.run(request).await;
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
