//! Day 28: a load-balancing reverse proxy (solution).
//!
//! Clients talk to the proxy; the proxy picks one of several identical backends, forwards the
//! request and relays the answer. It balances with round robin or least connections, takes
//! backends that fail out of rotation, and retries a request on another backend when the first
//! one could not even be reached, so that no request is lost.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The path every backend answers health checks on.
pub const HEALTH_PATH: &str = "/health";
/// How long a health check may take before the backend counts as down.
pub const HEALTH_TIMEOUT: Duration = Duration::from_secs(1);
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
    pub fn pick(&self, tried: &[usize]) -> Option<usize> {
        let candidates: Vec<usize> = (0..self.backends.len())
            .filter(|i| self.is_healthy(*i) && !tried.contains(i))
            .collect();
        if candidates.is_empty() {
            return None;
        }
        match self.strategy {
            Strategy::RoundRobin => {
                // Counting turns over the candidates (not over all backends) keeps the spread
                // even when some backends are down.
                let turn = self.next.fetch_add(1, Ordering::SeqCst);
                Some(candidates[turn % candidates.len()])
            }
            Strategy::LeastConnections => candidates
                .into_iter()
                .min_by_key(|&i| self.backends[i].in_flight.load(Ordering::SeqCst)),
        }
    }

    /// Checks every backend once: `GET HEALTH_PATH` answered with a 2xx within
    /// `HEALTH_TIMEOUT` puts it in rotation, anything else takes it out.
    pub async fn check_health(&self) {
        for (index, backend) in self.backends.iter().enumerate() {
            let url = format!("http://{}{HEALTH_PATH}", backend.addr);
            let answer = self.client.get(url).timeout(HEALTH_TIMEOUT).send().await;
            let healthy = matches!(answer, Ok(response) if response.status().is_success());
            self.set_healthy(index, healthy);
        }
    }

    /// Forwards `request` from `client` to a backend and returns the backend's response.
    ///
    /// A backend that cannot be connected to is marked unhealthy and the request is tried on
    /// the next one. Every attempt failing is `502 Bad Gateway`; no healthy backend at all is
    /// `503 Service Unavailable`.
    pub async fn forward(&self, client: SocketAddr, request: Request) -> Response {
        let (parts, body) = request.into_parts();
        // Buffer the body: a stream can be sent only once, and a retry needs it again.
        let body = match axum::body::to_bytes(body, MAX_BODY).await {
            Ok(bytes) => bytes,
            Err(_) => {
                return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
            }
        };
        let path_and_query = parts
            .uri
            .path_and_query()
            .map_or("/", |pq| pq.as_str())
            .to_string();
        let headers = upstream_headers(&parts.headers, client);

        let mut tried = Vec::new();
        while let Some(index) = self.pick(&tried) {
            tried.push(index);
            let backend = &self.backends[index];
            backend.in_flight.fetch_add(1, Ordering::SeqCst);
            let _in_flight = InFlight(backend);

            let url = format!("http://{}{path_and_query}", backend.addr);
            let attempt = self
                .client
                .request(parts.method.clone(), url)
                .headers(headers.clone())
                // `Bytes` clones share one buffer: retries copy nothing.
                .body(body.clone())
                .send()
                .await;
            match attempt {
                Ok(upstream) => return relay(upstream).await,
                // The connection was refused: the backend never saw the request, so sending it
                // elsewhere cannot run it twice. That is what makes this retry safe for a POST.
                Err(error) if error.is_connect() => {
                    eprintln!(
                        "backend {} unreachable, failing over: {error}",
                        backend.addr
                    );
                    self.set_healthy(index, false);
                }
                // Anything else (a reset mid-response, say) may have reached the backend;
                // retrying could charge a card twice. Report it instead.
                Err(error) => {
                    eprintln!("backend {} failed: {error}", backend.addr);
                    return (StatusCode::BAD_GATEWAY, "upstream failed").into_response();
                }
            }
        }
        if tried.is_empty() {
            (StatusCode::SERVICE_UNAVAILABLE, "no healthy backend").into_response()
        } else {
            (StatusCode::BAD_GATEWAY, "every backend failed").into_response()
        }
    }
}

/// The client's headers as the backend should see them: without hop-by-hop headers and `Host`
/// (the client sets both for its own connection), plus `X-Forwarded-For`.
fn upstream_headers(incoming: &HeaderMap, client: SocketAddr) -> HeaderMap {
    let mut headers = incoming.clone();
    strip_hop_by_hop(&mut headers);
    headers.remove(header::HOST);
    headers.remove(header::CONTENT_LENGTH);
    // Append to a chain an earlier proxy may have started.
    let forwarded_for = match incoming
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
    {
        Some(earlier) => format!("{earlier}, {}", client.ip()),
        None => client.ip().to_string(),
    };
    if let Ok(value) = HeaderValue::from_str(&forwarded_for) {
        headers.insert(HeaderName::from_static("x-forwarded-for"), value);
    }
    headers
}

fn strip_hop_by_hop(headers: &mut HeaderMap) {
    for name in HOP_BY_HOP {
        headers.remove(name);
    }
}

/// Turns the backend's response into ours: same status, headers and body.
async fn relay(upstream: reqwest::Response) -> Response {
    let status = upstream.status();
    let mut headers = upstream.headers().clone();
    strip_hop_by_hop(&mut headers);
    // The body is re-framed by our server, which sets its own length.
    headers.remove(header::CONTENT_LENGTH);
    let body: Bytes = match upstream.bytes().await {
        Ok(bytes) => bytes,
        Err(_) => return (StatusCode::BAD_GATEWAY, "upstream body failed").into_response(),
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
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
