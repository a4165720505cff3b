//! Day 28: a load-balancing reverse proxy.
//!
//! Clients talk to the proxy; the proxy picks one of several identical backends, forwards the
//! request and relays the answer. It balances with round robin or least connections, takes
//! backends that fail out of rotation, and retries a request on another backend when the first
//! one could not even be reached, so that no request is lost. Read `README.md` first.

// Some private items are unused until you write the bodies that use them; delete this line then.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::response::Response;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
// You will want more imports as you go: `axum::body::Body`, `axum::http::{StatusCode, header,
// HeaderName, HeaderValue}` and `axum::response::IntoResponse`.

/// The path every backend answers health checks on.
pub const HEALTH_PATH: &str = "/health";
/// How long a health check may take before the backend counts as down.
pub const HEALTH_TIMEOUT: Duration = Duration::from_millis(250);
/// The largest request body the proxy buffers (it must keep the body to retry it).
pub const MAX_BODY: usize = 1024 * 1024;

/// Headers that describe one connection, not the message: never forwarded (RFC 9110, 7.6.1).
const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// How the proxy chooses a backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Each healthy backend in turn.
    RoundRobin,
    /// The healthy backend with the fewest requests in flight right now.
    LeastConnections,
}

/// One upstream server and what the proxy knows about it.
#[derive(Debug)]
struct Backend {
    addr: SocketAddr,
    healthy: AtomicBool,
    in_flight: AtomicUsize,
}

/// The proxy's shared state: the backends, the strategy and an HTTP client.
#[derive(Debug)]
pub struct LoadBalancer {
    backends: Vec<Backend>,
    strategy: Strategy,
    /// Round robin's turn counter.
    next: AtomicUsize,
    client: reqwest::Client,
}

/// Counts one request in flight on a backend for as long as it lives.
struct InFlight<'a>(&'a Backend);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        // Runs on every path out of `forward`, including errors and early returns.
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl LoadBalancer {
    /// A balancer over `backends`, all of them healthy to start with.
    pub fn new(backends: Vec<SocketAddr>, strategy: Strategy) -> LoadBalancer {
        let backends = backends
            .into_iter()
            .map(|addr| Backend {
                addr,
                healthy: AtomicBool::new(true),
                in_flight: AtomicUsize::new(0),
            })
            .collect();
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(1))
            .build()
            .expect("a client without TLS always builds");
        LoadBalancer {
            backends,
            strategy,
            next: AtomicUsize::new(0),
            client,
        }
    }

    /// Whether backend `index` is in rotation.
    pub fn is_healthy(&self, index: usize) -> bool {
        self.backends[index].healthy.load(Ordering::SeqCst)
    }

    /// Puts backend `index` in or out of rotation.
    pub fn set_healthy(&self, index: usize, healthy: bool) {
        self.backends[index]
            .healthy
            .store(healthy, Ordering::SeqCst);
    }

    /// Chooses the backend for the next attempt: a healthy one whose index is not in `tried`.
    /// `None` when there is none left.
    ///
    /// Round robin gives the candidates turns, starting with the first (count turns with
    /// `self.next`). Least connections takes the candidate with the fewest requests in flight.
    pub fn pick(&self, tried: &[usize]) -> Option<usize> {
        // TODO: collect the candidate indexes (healthy and not tried); return None if there are
        // none. RoundRobin: `self.next.fetch_add(1, Ordering::SeqCst)` modulo the number of
        // candidates. LeastConnections: `min_by_key` over each candidate's `in_flight`.
        let _ = tried;
        todo!("pick a backend")
    }

    /// Checks every backend once: `GET HEALTH_PATH` answered with a 2xx within
    /// `HEALTH_TIMEOUT` puts it in rotation, anything else takes it out.
    pub async fn check_health(&self) {
        // TODO: for each backend, `self.client.get(url).timeout(HEALTH_TIMEOUT).send().await`;
        // healthy means `Ok(response)` with `response.status().is_success()`. Call `set_healthy`.
        todo!("check every backend's health")
    }

    /// Forwards `request` from `client` to a backend and returns the backend's response.
    ///
    /// A backend that cannot be connected to is marked unhealthy and the request is tried on
    /// the next one. Every attempt failing is `502 Bad Gateway`; no healthy backend at all is
    /// `503 Service Unavailable`.
    pub async fn forward(&self, client: SocketAddr, request: Request) -> Response {
        // TODO:
        // 1. Split the request into parts and body; buffer the body with
        //    `axum::body::to_bytes(body, MAX_BODY)` (too large: 413). A retry needs it again.
        // 2. Build the backend's headers with `upstream_headers`.
        // 3. `while let Some(index) = self.pick(&tried)`: remember the index in `tried`, count the
        //    request in flight (increment, then hold an `InFlight` guard), and send
        //    `self.client.request(method, "http://{addr}{path and query}")` with the headers
        //    and a clone of the body.
        //    - Ok: return `relay(upstream).await`.
        //    - Err where `error.is_connect()`: the backend never saw the request. Mark it
        //      unhealthy and go round the loop again.
        //    - any other Err: 502 (the backend may have run the request: do not repeat it).
        // 4. Out of the loop: 503 if nothing was tried, else 502.
        let _ = (client, request);
        todo!("forward the request to a backend")
    }
}

/// The client's headers as the backend should see them: without hop-by-hop headers, `Host`
/// and `Content-Length` (the HTTP client sets those for its own request), plus
/// `X-Forwarded-For` with the client's IP (appended after any earlier value: `earlier, ip`).
fn upstream_headers(incoming: &HeaderMap, client: SocketAddr) -> HeaderMap {
    // TODO: clone, `strip_hop_by_hop`, remove HOST and CONTENT_LENGTH, insert x-forwarded-for.
    let _ = (incoming, client);
    todo!("build the upstream headers")
}

fn strip_hop_by_hop(headers: &mut HeaderMap) {
    for name in HOP_BY_HOP {
        headers.remove(name);
    }
}

/// Turns the backend's response into ours: same status, headers (less hop-by-hop ones and
/// `Content-Length`, which our server sets itself) and body.
async fn relay(upstream: reqwest::Response) -> Response {
    // TODO: read `status()` and `headers()`, then `bytes().await` (an error is a 502); build
    // `Response::new(Body::from(bytes))` and set its status and headers.
    let _ = upstream;
    todo!("relay the backend's response")
}

/// The proxy's one handler: every method, every path.
async fn proxy(
    State(lb): State<Arc<LoadBalancer>>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    lb.forward(client, request).await
}

/// The proxy as an axum router: everything goes to `proxy`.
pub fn router(lb: Arc<LoadBalancer>) -> Router {
    Router::new().fallback(proxy).with_state(lb)
}

/// Serves the proxy on `listener` (with the client's address available to handlers).
pub async fn serve(listener: TcpListener, lb: Arc<LoadBalancer>) -> std::io::Result<()> {
    let app = router(lb).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).await
}

/// Runs `check_health` every `every`, forever, in a background task.
pub fn spawn_health_checks(lb: Arc<LoadBalancer>, every: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            lb.check_health().await;
        }
    })
}
