//! The blog capstone (solution): the blog with a database, as README.md specifies it.
//!
//! `cargo run -p day12_blog_capstone_solution` serves it on http://127.0.0.1:3012 (`--port N`
//! or `PORT` pick another) and keeps it in `blog.db` under `DATA_DIR`. Each request is logged
//! on stdout; Ctrl-C or SIGTERM stop the server once the requests in flight are answered.

mod config;
mod db;
mod error;
mod etag;
mod http;
mod model;
mod rules;
mod slug;
mod store;

use std::process::ExitCode;

use crate::config::Config;
use crate::store::Store;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let config = Config::from_env()?;
    let path = config.database_path();
    let store = std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| e.to_string())
        .and_then(|()| db::open(&path).map_err(|e| e.to_string()))
        .map(Store::new)
        .map_err(|e| format!("cannot open the blog in `{}`: {e}", path.display()))?;
    println!("the blog is kept in {}", path.display());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port))
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", config.port))?;
    if let Ok(addr) = listener.local_addr() {
        println!("listening on http://{addr}");
    }
    axum::serve(listener, http::app(store))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    println!("stopped");
    Ok(())
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
