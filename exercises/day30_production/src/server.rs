//! The app around an API: probes, metrics, request logs, and a graceful shutdown.

use std::future::Future;
use std::io;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;

use crate::config::Config;

/// What the probes, the measuring of requests and `serve` share.
pub struct AppState {
    // Your fields here.
}

impl AppState {
    /// A state built from `config`, whose JSON log lines go to `log_output` (stdout in
    /// production). It starts *not ready*.
    pub fn new(config: Config, log_output: Box<dyn io::Write + Send>) -> Arc<AppState> {
        let _ = (config, log_output);
        todo!()
    }

    /// Marks the service ready for traffic (after start-up work) or not (while shutting down).
    pub fn set_ready(&self, ready: bool) {
        let _ = ready;
        todo!()
    }

    /// Whether the service said it is ready.
    pub fn is_ready(&self) -> bool {
        todo!()
    }
}

/// The whole app: `api`, with every request measured and logged, plus three operational
/// endpoints that are not measured (probes and scrapes would drown the API's own traffic).
///
/// - `GET /healthz`: liveness. Always 200 `ok` while the process runs.
/// - `GET /readyz`: readiness. 200 `ready` after `set_ready(true)`; 503 `not ready` before that
///   and after `set_ready(false)`.
/// - `GET /metrics`: the Prometheus text format, `Content-Type: text/plain; version=0.0.4`,
///   each metric declared with `# HELP` and `# TYPE`:
///   - `http_requests_total{method="GET",route="/items/{id}",status="200"}`, a counter per
///     method, route and status. The route is the pattern that matched (`unmatched` if none),
///     never the raw path.
///   - `http_requests_in_flight`, a gauge of the API requests being handled right now. A
///     request whose client hangs up leaves it too.
///   - `http_request_duration_seconds`, a histogram: `_bucket` lines for `le` 0.005, 0.05, 0.5
///     and 5 seconds and `+Inf`, each counting every request up to its bound, then `_sum` and
///     `_count`.
/// - Every API request writes one JSON object on one line to the log output:
///   `{"ts": <unix ms>, "level": ..., "msg": "request", "method", "path", "route", "status",
///   "duration_ms"}`, at level `error` for a 5xx and `info` otherwise. Lines below the
///   configured level are not written, and lines of concurrent requests never interleave.
pub fn app(state: Arc<AppState>, api: Router) -> Router {
    let _ = (state, api);
    todo!()
}

/// Serves `app` on `listener` until `shutdown` completes, then shuts down gracefully: readiness
/// turns to 503 at once, no new connections are accepted, and the requests in flight may
/// finish, for at most `config.shutdown_grace`. Returns `Ok(())` once they are done, or once the
/// grace period is over, in which case it first logs a line at level `warn`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let _ = (listener, app, state, shutdown);
    todo!()
}
