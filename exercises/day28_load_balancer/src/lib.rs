//! Day 28: a load-balancing reverse proxy.
//!
//! Clients talk to the proxy; the proxy picks one of several identical backends, forwards the
//! request and relays the answer. It balances with round robin or least connections, takes
//! backends that fail out of rotation, and retries a request on another backend when the first
//! one could not even be reached, so that no request is lost. Read `README.md` first: the
//! contracts below and the tests are your spec; the fields and helpers are yours to design.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

/// The path every backend answers health checks on.
pub const HEALTH_PATH: &str = "/health";
/// How long a health check may take before the backend counts as down.
pub const HEALTH_TIMEOUT: Duration = Duration::from_secs(1);
/// The largest request body the proxy accepts: it must keep the body to retry it.
pub const MAX_BODY: usize = 1024 * 1024;

/// How the proxy chooses a backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Each healthy backend in turn.
    RoundRobin,
    /// The healthy backend with the fewest requests in flight right now.
    LeastConnections,
}

/// The proxy's shared state: the backends and what it knows about them.
#[derive(Debug)]
pub struct LoadBalancer {
    // Your fields here.
}

impl LoadBalancer {
    /// A balancer over `backends` (indexes follow their order), all of them healthy to start
    /// with.
    pub fn new(backends: Vec<SocketAddr>, strategy: Strategy) -> LoadBalancer {
        let _ = (backends, strategy);
        todo!()
    }

    /// Whether backend `index` is in rotation.
    pub fn is_healthy(&self, index: usize) -> bool {
        let _ = index;
        todo!()
    }

    /// Puts backend `index` in or out of rotation.
    pub fn set_healthy(&self, index: usize, healthy: bool) {
        let _ = (index, healthy);
        todo!()
    }

    /// Chooses the backend for the next attempt: a healthy one whose index is not in `tried`.
    /// `None` when there is none left.
    ///
    /// Round robin gives the candidates turns, starting with the first, and counts turns over
    /// the candidates only, so no backend gets a double share when another is skipped. Least
    /// connections takes the candidate with the fewest requests in flight.
    pub fn pick(&self, tried: &[usize]) -> Option<usize> {
        let _ = tried;
        todo!()
    }

    /// Checks every backend once: `GET HEALTH_PATH` answered with a 2xx within
    /// `HEALTH_TIMEOUT` puts it in rotation, anything else (another status, a refused
    /// connection, no answer in time) takes it out.
    pub async fn check_health(&self) {
        todo!()
    }
}

/// Serves the proxy on `listener`: every request, whatever its method and path, goes to the
/// backend `pick` chooses, and the backend's status, headers and body come back to the client.
///
/// - The backend gets the client's method, path, query, headers and body, without the
///   hop-by-hop headers (RFC 9110, section 7.6.1) and with `X-Forwarded-For` set to the
///   client's IP, after any earlier value (`earlier, ip`). The backend's hop-by-hop headers do
///   not reach the client either.
/// - A body over `MAX_BODY` bytes is 413.
/// - A request counts as in flight on its backend until its answer is complete.
/// - A backend that refuses the connection never saw the request: it is taken out of rotation
///   and the request goes to the next pick, so no request is lost while a backend is up. Any
///   other failure is 502 at once (that backend may have done the work; it is not repeated).
///   Every pick failing: 502. No healthy backend to try at all: 503.
pub async fn serve(listener: TcpListener, lb: Arc<LoadBalancer>) -> std::io::Result<()> {
    let _ = (listener, lb);
    todo!()
}
