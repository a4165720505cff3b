//! `cargo run -p day28_load_balancer` (or `backlings serve`): the proxy on
//! http://127.0.0.1:3028.
//!
//! The port is `--port N`, else the `PORT` environment variable, else 3028. It balances over
//! `BACKENDS`, a comma-separated list of addresses (default `127.0.0.1:9001,127.0.0.1:9002`),
//! with `STRATEGY` `round-robin` (the default) or `least-connections`. With
//! `HEALTH_CHECK_SECS` set, it checks every backend's `/health` that often; without, a
//! backend leaves the rotation only when it refuses a connection. Ctrl-C or SIGTERM stop it
//! at once.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use day28_load_balancer::{LoadBalancer, Strategy, serve};

const DEFAULT_PORT: u16 = 3028;

#[tokio::main]
async fn main() -> ExitCode {
    let settings = port().and_then(|port| Ok((port, backends()?, strategy()?, health_every()?)));
    let (port, backends, strategy, health_every) = match settings {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let list: Vec<String> = backends.iter().map(SocketAddr::to_string).collect();
    println!("balancing over {} ({strategy:?})", list.join(", "));
    let lb = Arc::new(LoadBalancer::new(backends, strategy));
    if let Some(every) = health_every {
        let lb = Arc::clone(&lb);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            loop {
                ticks.tick().await;
                lb.check_health().await;
            }
        });
    }
    if let Ok(addr) = listener.local_addr() {
        println!("listening on http://{addr}");
    }
    // The proxy answers requests in flight until the process ends: a stop is immediate.
    tokio::select! {
        served = serve(listener, lb) => match served {
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

/// `BACKENDS`: comma-separated `ip:port` addresses.
fn backends() -> Result<Vec<SocketAddr>, String> {
    let text = std::env::var("BACKENDS").unwrap_or_else(|_| "127.0.0.1:9001,127.0.0.1:9002".into());
    text.split(',')
        .map(|addr| {
            addr.trim()
                .parse()
                .map_err(|_| format!("BACKENDS: `{addr}` is not an address like 127.0.0.1:9001"))
        })
        .collect()
}

/// `STRATEGY`: `round-robin` (default) or `least-connections`.
fn strategy() -> Result<Strategy, String> {
    match std::env::var("STRATEGY").as_deref() {
        Err(_) | Ok("round-robin") => Ok(Strategy::RoundRobin),
        Ok("least-connections") => Ok(Strategy::LeastConnections),
        Ok(other) => Err(format!(
            "STRATEGY: `{other}` is neither round-robin nor least-connections"
        )),
    }
}

/// `HEALTH_CHECK_SECS`: how often to check the backends' health, if at all.
fn health_every() -> Result<Option<Duration>, String> {
    match std::env::var("HEALTH_CHECK_SECS") {
        Err(_) => Ok(None),
        Ok(text) => match text.parse::<u64>() {
            Ok(secs) if secs > 0 => Ok(Some(Duration::from_secs(secs))),
            _ => Err(format!(
                "HEALTH_CHECK_SECS: `{text}` is not a number of seconds"
            )),
        },
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
