//! The app around an API: probes, metrics, request logs, and a graceful shutdown.

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use tokio::net::TcpListener;
// You will want more as you go: `std::time::Instant`, `axum::extract::MatchedPath`,
// `axum::http::header`, `axum::response::IntoResponse`, `serde_json::json`,
// `tokio::sync::oneshot` and `crate::logging::Level`.

use crate::config::Config;
use crate::logging::Logger;
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
    // TODO: answer "ok".
    todo!("liveness")
}

/// `GET /readyz`: readiness. "Send me traffic." 200 when ready, 503 while starting up or
/// shutting down: the load balancer stops routing here, nothing is restarted.
async fn readyz(State(state): State<Arc<AppState>>) -> (StatusCode, &'static str) {
    // TODO: 200 "ready" or 503 "not ready", from `state.is_ready()`.
    let _ = state;
    todo!("readiness")
}

/// `GET /metrics`: the Prometheus text format.
async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    // TODO: `state.metrics.render()` with the header
    // `Content-Type: text/plain; version=0.0.4` (a `([(header::CONTENT_TYPE, ..)], body)`
    // tuple is a response).
    let _ = state;
    todo!("serve the metrics")
}

/// Middleware around every API request: in-flight gauge, duration, counters and a log line.
///
/// Records the request in the metrics (method, route pattern from `MatchedPath` or
/// "unmatched", status, duration) and logs one line: `msg` "request" with the fields `method`,
/// `path`, `route`, `status` and `duration_ms`, at `error` level for a 5xx and `info` otherwise.
async fn track(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    // TODO: read the method, path and route (`request.extensions().get::<MatchedPath>()`)
    // before `next.run(request)` consumes the request. Hold `state.metrics.track_in_flight()`
    // and an `Instant` across `next.run(request).await`, then record and log.
    let _ = (state, request, next);
    todo!("measure and log a request")
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
    // TODO:
    // 1. `axum::serve(listener, app).with_graceful_shutdown(async move { ... })`: inside, await
    //    `shutdown`, then `set_ready(false)`, log "shutdown started", and tell the code below
    //    (a `tokio::sync::oneshot` channel) that draining has begun.
    // 2. Pin the server future (`std::pin::pin!(server.into_future())`, with
    //    `std::future::IntoFuture` in scope) and `tokio::select!` between it finishing (return
    //    its result) and the oneshot firing.
    // 3. After the signal, `tokio::time::timeout(state.config.shutdown_grace, server)`: Ok is
    //    the server's result; a timeout logs at warn level and returns Ok(()).
    let _ = (listener, app, state, shutdown);
    todo!("serve with a graceful, bounded shutdown")
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
