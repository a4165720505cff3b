//! The app around an API: probes, metrics, request logs, and a graceful shutdown.

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::config::Config;
use crate::logging::{Level, Logger};
use crate::metrics::Metrics;

/// What the probes, the middleware and `serve` share.
pub struct AppState {
    pub config: Config,
    pub metrics: Metrics,
    pub logger: Logger,
    ready: AtomicBool,
}

impl AppState {
    /// A state that logs to `log_output` and starts *not ready*.
    pub fn new(config: Config, log_output: Box<dyn io::Write + Send>) -> Arc<AppState> {
        let logger = Logger::new(config.log_level, log_output);
        Arc::new(AppState {
            config,
            metrics: Metrics::default(),
            logger,
            ready: AtomicBool::new(false),
        })
    }

    /// Marks the service ready for traffic (after start-up work) or not (while shutting down).
    pub fn set_ready(&self, ready: bool) {
        self.ready.store(ready, Ordering::SeqCst);
    }

    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }
}

/// `GET /healthz`: liveness. "The process is running and not wedged." Always 200: if this
/// fails, the orchestrator restarts the process.
async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: readiness. "Send me traffic." 200 when ready, 503 while starting up or
/// shutting down: the load balancer stops routing here, nothing is restarted.
async fn readyz(State(state): State<Arc<AppState>>) -> (StatusCode, &'static str) {
    if state.is_ready() {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not ready")
    }
}

/// `GET /metrics`: the Prometheus text format.
async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}

/// Middleware around every API request: in-flight gauge, duration, counters and a log line.
async fn track(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_string();
    // The route pattern, not the path: `/items/{id}` is one time series, while `/items/1`,
    // `/items/2`, ... would be a new series per id and overwhelm Prometheus.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |matched| matched.as_str())
        .to_string();

    let _in_flight = state.metrics.track_in_flight();
    let started = Instant::now();
    let response = next.run(request).await;
    let elapsed = started.elapsed();

    let status = response.status().as_u16();
    state.metrics.record(&method, &route, status, elapsed);
    let level = if status >= 500 {
        Level::Error
    } else {
        Level::Info
    };
    state.logger.log(
        level,
        "request",
        json!({
            "method": method,
            "path": path,
            "route": route,
            "status": status,
            "duration_ms": elapsed.as_secs_f64() * 1000.0,
        }),
    );
    response
}

/// The whole app: `/healthz`, `/readyz` and `/metrics`, plus `api` with every request measured
/// and logged. (The probes and scrapes are left out of the metrics: they would drown the API's
/// own traffic.)
pub fn app(state: Arc<AppState>, api: Router) -> Router {
    let ops = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(state.clone());
    let api = api.layer(middleware::from_fn_with_state(state, track));
    ops.merge(api)
}

/// Serves `app` until `shutdown` completes, then shuts down gracefully: readiness goes to 503,
/// no new connections are accepted, and the requests in flight may finish, for at most
/// `config.shutdown_grace`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let (draining_tx, draining_rx) = oneshot::channel::<()>();
    let signal_state = state.clone();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        shutdown.await;
        signal_state.set_ready(false);
        signal_state.logger.log(
            Level::Info,
            "shutdown started, draining requests",
            json!({}),
        );
        let _ = draining_tx.send(());
    });
    // `IntoFuture` turns the builder into the future that runs the server.
    let mut server = std::pin::pin!(std::future::IntoFuture::into_future(server));

    tokio::select! {
        // The server stopped by itself (an error, or a shutdown with nothing to drain).
        result = &mut server => return result,
        // The signal came: from now on the drain gets a deadline.
        _ = draining_rx => {}
    }
    let grace = state.config.shutdown_grace;
    match tokio::time::timeout(grace, server).await {
        Ok(result) => {
            state
                .logger
                .log(Level::Info, "shutdown complete", json!({}));
            result
        }
        Err(_) => {
            // Better a few cut requests than a process that never exits: the orchestrator
            // would kill it anyway, without the log line that explains why.
            state.logger.log(
                Level::Warn,
                "shutdown grace period over, abandoning requests in flight",
                json!({ "grace_ms": grace.as_millis() as u64 }),
            );
            Ok(())
        }
    }
}

/// Completes on Ctrl-C or, on Unix, on SIGTERM (what `docker stop` and Kubernetes send).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}
