//! `cargo run -p day07_middleware` (or `backlings serve`): the service with its middleware on
//! http://127.0.0.1:3007.
//!
//! The port is `--port N`, else the `PORT` environment variable, else 3007. A handler may take 2
//! seconds. The app logs each request as a line of JSON on stdout. Ctrl-C or SIGTERM stop the
//! server once the requests in flight are answered.

use std::process::ExitCode;
use std::time::Duration;

use day07_middleware::{Config, app};

const DEFAULT_PORT: u16 = 3007;

#[tokio::main]
async fn main() -> ExitCode {
    let port = match port() {
        Ok(port) => port,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    // The app logs one JSON object per request through `tracing`: print them on stdout.
    tracing_subscriber::fmt()
        .json()
        .with_max_level(tracing::Level::INFO)
        .with_writer(std::io::stdout)
        .init();
    let app = app(Config {
        timeout: Duration::from_secs(2),
    });
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
