//! What "done" means for day 28: a real proxy on a free port in front of fake backends, each a
//! small axum server on its own free port. Nothing sleeps: busy backends wait on a semaphore the
//! test opens, and health checks run when the test calls `check_health`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{any, get};
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::{Semaphore, mpsc};
use tokio::time::timeout;

use day28_load_balancer::{HEALTH_TIMEOUT, LoadBalancer, Strategy, serve};

const WAIT: Duration = Duration::from_secs(5);

/// A fake backend: answers with its name, can be made unhealthy, and holds `/slow` requests
/// until the test adds a permit to `gate`.
#[derive(Clone)]
struct Fake {
    name: &'static str,
    healthy: Arc<AtomicBool>,
    gate: Arc<Semaphore>,
    arrived: mpsc::UnboundedSender<&'static str>,
}

struct Backend {
    addr: SocketAddr,
    healthy: Arc<AtomicBool>,
    gate: Arc<Semaphore>,
}

async fn health(State(fake): State<Fake>) -> StatusCode {
    if fake.healthy.load(Ordering::SeqCst) {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    }
}

async fn slow(State(fake): State<Fake>) -> &'static str {
    let _ = fake.arrived.send(fake.name);
    let _permit = fake.gate.acquire().await.unwrap();
    fake.name
}

/// Echoes what arrived: "name METHOD uri forwarded-for body", with status 201 for a POST.
async fn echo(State(fake): State<Fake>, request: Request) -> impl IntoResponse {
    let method = request.method().clone();
    let uri = request.uri().clone();
    let forwarded = request
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string();
    let body = axum::body::to_bytes(request.into_body(), 1 << 20)
        .await
        .unwrap();
    let status = if method == "POST" {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let text = format!(
        "{} {method} {uri} {forwarded} {}",
        fake.name,
        String::from_utf8_lossy(&body)
    );
    (status, [("x-backend", fake.name)], text)
}

async fn whoami(State(fake): State<Fake>) -> &'static str {
    fake.name
}

async fn start_backend(
    name: &'static str,
    arrived: mpsc::UnboundedSender<&'static str>,
) -> Backend {
    let fake = Fake {
        name,
        healthy: Arc::new(AtomicBool::new(true)),
        gate: Arc::new(Semaphore::new(0)),
        arrived,
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let backend = Backend {
        addr: listener.local_addr().unwrap(),
        healthy: fake.healthy.clone(),
        gate: fake.gate.clone(),
    };
    let app = Router::new()
        .route("/health", get(health))
        .route("/slow", get(slow))
        .route("/echo", any(echo))
        .fallback(whoami)
        .with_state(fake);
    tokio::spawn(async move { axum::serve(listener, app).await });
    backend
}

/// Starts `names.len()` fake backends; the receiver hears which one got each `/slow` request.
async fn start_backends(
    names: &[&'static str],
) -> (Vec<Backend>, mpsc::UnboundedReceiver<&'static str>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let mut backends = Vec::new();
    for name in names {
        backends.push(start_backend(name, tx.clone()).await);
    }
    (backends, rx)
}

/// A port that refuses connections: bound but never listening, so no one else can take it.
fn dead_backend() -> (SocketAddr, TcpSocket) {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    (socket.local_addr().unwrap(), socket)
}

/// Starts the proxy over `addrs` and returns its base URL and the balancer.
async fn start_proxy(addrs: Vec<SocketAddr>, strategy: Strategy) -> (String, Arc<LoadBalancer>) {
    let lb = Arc::new(LoadBalancer::new(addrs, strategy));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(serve(listener, lb.clone()));
    (url, lb)
}

async fn get_text(url: &str) -> (StatusCode, String) {
    let response = timeout(WAIT, reqwest::get(url))
        .await
        .expect("the proxy did not answer within 5 s")
        .expect("the request should reach the proxy");
    let status = response.status();
    (status, response.text().await.unwrap())
}

#[test]
fn pick_takes_turns_and_skips_unhealthy_or_tried_backends() {
    let addrs: Vec<SocketAddr> = (1..=3)
        .map(|port| SocketAddr::from(([127, 0, 0, 1], port)))
        .collect();
    let lb = LoadBalancer::new(addrs, Strategy::RoundRobin);
    let picks: Vec<_> = (0..6).map(|_| lb.pick(&[])).collect();
    assert_eq!(
        picks,
        [Some(0), Some(1), Some(2), Some(0), Some(1), Some(2)],
        "round robin gives each backend a turn, starting with the first"
    );

    lb.set_healthy(1, false);
    let picks: Vec<_> = (0..4).map(|_| lb.pick(&[]).unwrap()).collect();
    assert!(
        !picks.contains(&1),
        "an unhealthy backend is never picked, got {picks:?}"
    );
    assert!(
        picks.contains(&0) && picks.contains(&2),
        "the healthy ones share the work, got {picks:?}"
    );

    assert_eq!(
        lb.pick(&[0]),
        Some(2),
        "a backend already tried for this request is skipped"
    );
    assert_eq!(
        lb.pick(&[0, 2]),
        None,
        "None when every healthy backend has been tried"
    );
}

#[tokio::test]
async fn round_robin_spreads_requests_evenly_over_the_backends() {
    let (backends, _rx) = start_backends(&["a", "b", "c"]).await;
    let (url, _lb) = start_proxy(
        backends.iter().map(|b| b.addr).collect(),
        Strategy::RoundRobin,
    )
    .await;
    let mut seen = Vec::new();
    for _ in 0..6 {
        let (status, body) = get_text(&format!("{url}/")).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "a proxied request to a healthy backend succeeds"
        );
        seen.push(body);
    }
    assert_eq!(
        seen,
        ["a", "b", "c", "a", "b", "c"],
        "six requests over three backends, in turn"
    );
}

#[tokio::test]
async fn the_proxy_forwards_method_path_query_body_and_status() {
    let (backends, _rx) = start_backends(&["only"]).await;
    let (url, _lb) = start_proxy(vec![backends[0].addr], Strategy::RoundRobin).await;
    let response = timeout(
        WAIT,
        reqwest::Client::new()
            .post(format!("{url}/echo?page=2&q=rust"))
            .body("hello")
            .send(),
    )
    .await
    .expect("the proxy did not answer within 5 s")
    .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "the backend's status code is relayed"
    );
    assert_eq!(
        response
            .headers()
            .get("x-backend")
            .map(|v| v.to_str().unwrap()),
        Some("only"),
        "the backend's response headers are relayed"
    );
    assert_eq!(
        response.text().await.unwrap(),
        "only POST /echo?page=2&q=rust 127.0.0.1 hello",
        "the backend should see the same method, path, query string and body, and an \
         X-Forwarded-For header with the client's IP"
    );
}

#[tokio::test]
async fn least_connections_avoids_the_backend_that_is_busy() {
    let (backends, mut arrived) = start_backends(&["a", "b"]).await;
    let (url, _lb) = start_proxy(
        backends.iter().map(|b| b.addr).collect(),
        Strategy::LeastConnections,
    )
    .await;

    let mut slow = tokio::spawn(get_text_owned(format!("{url}/slow")));
    let busy = tokio::select! {
        name = arrived.recv() => name.unwrap(),
        done = &mut slow => panic!("the /slow request ended before any backend held it: {done:?}"),
        _ = tokio::time::sleep(WAIT) => panic!("the /slow request never reached a backend"),
    };
    let idle = if busy == "a" { "b" } else { "a" };

    for i in 0..4 {
        let (_, body) = get_text(&format!("{url}/")).await;
        assert_eq!(
            body, idle,
            "request {i}: backend {busy} still has a request in flight, {idle} has none; \
             least connections must send new requests to {idle}"
        );
    }

    for backend in &backends {
        backend.gate.add_permits(1);
    }
    let (_, body) = timeout(WAIT, slow)
        .await
        .expect("the slow request never finished")
        .unwrap();
    assert_eq!(
        body, busy,
        "the held request is answered by the backend that held it"
    );
}

async fn get_text_owned(url: String) -> (StatusCode, String) {
    get_text(&url).await
}

#[tokio::test]
async fn a_dead_backend_fails_over_and_no_request_is_lost() {
    let (backends, _rx) = start_backends(&["alive"]).await;
    let (dead, _keep) = dead_backend();
    let (url, lb) = start_proxy(vec![dead, backends[0].addr], Strategy::RoundRobin).await;
    for i in 0..4 {
        let (status, body) = get_text(&format!("{url}/")).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::OK, "alive"),
            "request {i}: when a backend refuses the connection, retry on the next one"
        );
    }
    assert!(
        !lb.is_healthy(0),
        "a backend that refused a connection is taken out of rotation (set_healthy(i, false))"
    );
}

#[tokio::test]
async fn a_post_body_is_sent_again_to_the_backend_that_takes_over() {
    let (backends, _rx) = start_backends(&["alive"]).await;
    let (dead, _keep) = dead_backend();
    let (url, _lb) = start_proxy(vec![dead, backends[0].addr], Strategy::RoundRobin).await;
    let response = timeout(
        WAIT,
        reqwest::Client::new()
            .post(format!("{url}/echo"))
            .body("order #7")
            .send(),
    )
    .await
    .expect("the proxy did not answer within 5 s")
    .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let text = response.text().await.unwrap();
    assert!(
        text.starts_with("alive POST /echo") && text.ends_with("order #7"),
        "the retried POST must carry its whole body: buffer it once, send a copy per attempt; got {text:?}"
    );
}

#[tokio::test]
async fn when_every_backend_is_down_the_client_gets_502_then_503() {
    let (first, _keep1) = dead_backend();
    let (second, _keep2) = dead_backend();
    let (url, lb) = start_proxy(vec![first, second], Strategy::RoundRobin).await;
    let (status, _) = get_text(&format!("{url}/")).await;
    assert_eq!(
        status,
        StatusCode::BAD_GATEWAY,
        "every attempt failed: the proxy answers 502 Bad Gateway instead of hanging or dropping the connection"
    );
    assert!(
        !lb.is_healthy(0) && !lb.is_healthy(1),
        "both backends are marked down now"
    );
    let (status, _) = get_text(&format!("{url}/")).await;
    assert_eq!(
        status,
        StatusCode::SERVICE_UNAVAILABLE,
        "no healthy backend to even try: 503 Service Unavailable"
    );
}

#[tokio::test]
async fn health_checks_take_a_failing_backend_out_and_bring_it_back() {
    let (backends, _rx) = start_backends(&["a", "b"]).await;
    let (url, lb) = start_proxy(
        backends.iter().map(|b| b.addr).collect(),
        Strategy::RoundRobin,
    )
    .await;

    backends[1].healthy.store(false, Ordering::SeqCst);
    timeout(WAIT, lb.check_health())
        .await
        .expect("check_health took longer than 5 s");
    assert!(
        lb.is_healthy(0),
        "a answers /health with 200: it stays in rotation"
    );
    assert!(
        !lb.is_healthy(1),
        "b answers /health with 503: it leaves the rotation"
    );
    for _ in 0..3 {
        assert_eq!(
            get_text(&format!("{url}/")).await.1,
            "a",
            "only a gets traffic while b is down"
        );
    }

    backends[1].healthy.store(true, Ordering::SeqCst);
    timeout(WAIT, lb.check_health())
        .await
        .expect("check_health took longer than 5 s");
    assert!(
        lb.is_healthy(1),
        "b answers 200 again: the next check brings it back"
    );
    let mut seen = Vec::new();
    for _ in 0..2 {
        seen.push(get_text(&format!("{url}/")).await.1);
    }
    assert!(
        seen.contains(&"b".to_string()),
        "b gets traffic again, got {seen:?}"
    );
}

#[tokio::test]
async fn a_backend_that_hangs_on_its_health_check_is_marked_down() {
    // Accepts connections and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hung = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let (backends, _rx) = start_backends(&["ok"]).await;
    let lb = LoadBalancer::new(vec![hung, backends[0].addr], Strategy::RoundRobin);
    timeout(HEALTH_TIMEOUT * 3, lb.check_health())
        .await
        .expect("check_health must not wait much longer than HEALTH_TIMEOUT for a backend: give each check that timeout");
    assert!(
        !lb.is_healthy(0),
        "a backend that does not answer its health check in time is down"
    );
    assert!(lb.is_healthy(1), "the healthy backend stays up");
}
