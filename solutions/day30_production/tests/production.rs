//! What "done" means for day 30: configuration parsed from a map (never the real environment),
//! and a real server on a free port for probes, metrics, logs and graceful shutdown.

use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::timeout;

use backlings_support::server_binary;
use day30_production::{AppState, Config, ConfigError, Level, app, serve};

const WAIT: Duration = Duration::from_secs(5);

fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn config(log_level: Level, shutdown_grace: Duration) -> Config {
    Config {
        port: 8080,
        log_level,
        database_url: "sqlite://test.db".into(),
        shutdown_grace,
    }
}

/// Log output the test can read back.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    /// Every line, parsed as JSON.
    fn lines(&self) -> Vec<Value> {
        let bytes = self.0.lock().unwrap().clone();
        String::from_utf8(bytes)
            .expect("logs are UTF-8")
            .lines()
            .map(|line| {
                serde_json::from_str(line).unwrap_or_else(|_| {
                    panic!("every log line must be one JSON object, got {line:?}")
                })
            })
            .collect()
    }

    fn requests(&self) -> Vec<Value> {
        self.lines()
            .into_iter()
            .filter(|line| line["msg"] == "request")
            .collect()
    }
}

/// A test API: `/fast`, `/items/{id}`, `/fail` (500) and `/slow`, which reports its arrival and
/// then waits for a permit on the gate.
#[derive(Clone)]
struct Api {
    gate: Arc<Semaphore>,
    arrived: mpsc::UnboundedSender<()>,
}

fn api() -> (Router, Arc<Semaphore>, mpsc::UnboundedReceiver<()>) {
    let (arrived, arrivals) = mpsc::unbounded_channel();
    let gate = Arc::new(Semaphore::new(0));
    let state = Api {
        gate: gate.clone(),
        arrived,
    };
    let router = Router::new()
        .route("/fast", get(|| async { "fast" }))
        .route("/items/{id}", get(|| async { "an item" }))
        .route(
            "/fail",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }),
        )
        .route(
            "/slow",
            get(|State(api): State<Api>| async move {
                let _ = api.arrived.send(());
                let _permit = api.gate.acquire().await.unwrap();
                "slow done"
            }),
        )
        .with_state(state);
    (router, gate, arrivals)
}

struct Running {
    url: String,
    state: Arc<AppState>,
    logs: Logs,
    gate: Arc<Semaphore>,
    arrivals: mpsc::UnboundedReceiver<()>,
    stop: Option<oneshot::Sender<()>>,
    server: JoinHandle<std::io::Result<()>>,
}

async fn start(config: Config) -> Running {
    let logs = Logs::default();
    let state = AppState::new(config, Box::new(logs.clone()));
    let (api, gate, arrivals) = api();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(serve(
        listener,
        app(state.clone(), api),
        state.clone(),
        async move {
            let _ = stopped.await;
        },
    ));
    Running {
        url: format!("http://{addr}"),
        state,
        logs,
        gate,
        arrivals,
        stop: Some(stop),
        server,
    }
}

async fn get_text(url: &str) -> (StatusCode, String) {
    let response = timeout(WAIT, reqwest::get(url))
        .await
        .expect("no response within 5 s")
        .expect("the request should get a response");
    let status = response.status();
    (status, response.text().await.unwrap())
}

/// The value of the metric line that starts with `series ` (name and labels exactly).
fn metric(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map(|value| value.trim().parse().expect("a metric value is a number"))
}

#[test]
fn config_reads_the_environment_and_fills_in_defaults() {
    let full = Config::from_vars(&vars(&[
        ("PORT", "3000"),
        ("LOG_LEVEL", "debug"),
        ("DATABASE_URL", "postgres://app@db/app"),
        ("SHUTDOWN_GRACE_SECS", "5"),
    ]))
    .expect("a complete configuration parses");
    assert_eq!(full.port, 3000);
    assert_eq!(full.log_level, Level::Debug);
    assert_eq!(full.database_url, "postgres://app@db/app");
    assert_eq!(full.shutdown_grace, Duration::from_secs(5));

    let minimal = Config::from_vars(&vars(&[("DATABASE_URL", "sqlite://x.db")]))
        .expect("only DATABASE_URL is required");
    assert_eq!(
        (minimal.port, minimal.log_level, minimal.shutdown_grace),
        (8080, Level::Info, Duration::from_secs(30)),
        "defaults: PORT 8080, LOG_LEVEL info, SHUTDOWN_GRACE_SECS 30"
    );
}

#[test]
fn config_rejects_missing_and_malformed_values_by_name() {
    assert_eq!(
        Config::from_vars(&vars(&[("PORT", "3000")])),
        Err(ConfigError::Missing("DATABASE_URL")),
        "without DATABASE_URL the service must refuse to start"
    );
    assert_eq!(
        Config::from_vars(&vars(&[("DATABASE_URL", "  ")])),
        Err(ConfigError::Missing("DATABASE_URL")),
        "a blank value counts as missing"
    );
    for (key, value) in [
        ("PORT", "http"),
        ("PORT", "70000"),
        ("LOG_LEVEL", "loud"),
        ("SHUTDOWN_GRACE_SECS", "-1"),
    ] {
        let result = Config::from_vars(&vars(&[("DATABASE_URL", "sqlite://x.db"), (key, value)]));
        assert!(
            matches!(&result, Err(ConfigError::Invalid { key: k, value: v, .. }) if *k == key && v == value),
            "{key}={value} should be ConfigError::Invalid naming the key and the value, got {result:?}"
        );
    }
}

#[test]
fn config_debug_output_never_shows_the_database_password() {
    let config = Config::from_vars(&vars(&[(
        "DATABASE_URL",
        "postgres://app:s3cret-pw@db.internal/app",
    )]))
    .expect("a valid configuration");
    let shown = format!("{config:?}");
    assert!(
        !shown.contains("s3cret-pw"),
        "`{{:?}}` of a Config ends up in logs: hide the password, got {shown}"
    );
    assert!(
        shown.contains("db.internal"),
        "the rest of the URL is useful when debugging, keep it: {shown}"
    );
}

#[tokio::test]
async fn healthz_is_always_ok_while_readyz_waits_until_the_app_is_ready() {
    let running = start(config(Level::Info, WAIT)).await;
    let url = &running.url;
    assert_eq!(
        get_text(&format!("{url}/healthz")).await.0,
        StatusCode::OK,
        "/healthz: the process is alive"
    );
    assert_eq!(
        get_text(&format!("{url}/readyz")).await.0,
        StatusCode::SERVICE_UNAVAILABLE,
        "/readyz answers 503 until start-up calls set_ready(true)"
    );
    running.state.set_ready(true);
    assert_eq!(
        get_text(&format!("{url}/readyz")).await.0,
        StatusCode::OK,
        "/readyz answers 200 once ready"
    );
}

#[tokio::test]
async fn metrics_count_requests_by_method_route_and_status() {
    let running = start(config(Level::Info, WAIT)).await;
    let url = &running.url;
    get_text(&format!("{url}/items/1")).await;
    get_text(&format!("{url}/items/2")).await;
    get_text(&format!("{url}/fail")).await;
    let response = timeout(WAIT, reqwest::get(format!("{url}/metrics")))
        .await
        .unwrap()
        .unwrap();
    let content_type = response
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        content_type.starts_with("text/plain"),
        "Prometheus scrapes text/plain; version=0.0.4, got {content_type}"
    );
    let text = response.text().await.unwrap();
    assert!(
        text.contains("# TYPE http_requests_total counter"),
        "each metric is declared with # TYPE:\n{text}"
    );
    assert_eq!(
        metric(
            &text,
            r#"http_requests_total{method="GET",route="/items/{id}",status="200"}"#
        ),
        Some(2.0),
        "two requests to /items/1 and /items/2 are one series, labelled with the route pattern:\n{text}"
    );
    assert_eq!(
        metric(
            &text,
            r#"http_requests_total{method="GET",route="/fail",status="500"}"#
        ),
        Some(1.0),
        "errors are counted by status:\n{text}"
    );
    assert!(
        !text.contains("/items/1"),
        "raw paths must not become labels (one series per id):\n{text}"
    );
}

#[tokio::test]
async fn metrics_show_requests_in_flight_and_a_latency_histogram() {
    let mut running = start(config(Level::Info, WAIT)).await;
    let url = running.url.clone();
    get_text(&format!("{url}/fast")).await;
    let slow = tokio::spawn(async move { get_text(&format!("{url}/slow")).await });
    timeout(WAIT, running.arrivals.recv())
        .await
        .expect("the /slow request never reached its handler");

    let text = get_text(&format!("{}/metrics", running.url)).await.1;
    assert_eq!(
        metric(&text, "http_requests_in_flight"),
        Some(1.0),
        "one API request is being handled (the /metrics scrape itself is not measured):\n{text}"
    );
    running.gate.add_permits(1);
    timeout(WAIT, slow)
        .await
        .expect("/slow never finished")
        .unwrap();

    let text = get_text(&format!("{}/metrics", running.url)).await.1;
    assert_eq!(
        metric(&text, "http_requests_in_flight"),
        Some(0.0),
        "nothing in flight any more:\n{text}"
    );
    assert!(
        text.contains("# TYPE http_request_duration_seconds histogram"),
        "declare the histogram:\n{text}"
    );
    assert_eq!(
        metric(&text, "http_request_duration_seconds_count"),
        Some(2.0),
        "two requests measured:\n{text}"
    );
    assert_eq!(
        metric(&text, r#"http_request_duration_seconds_bucket{le="+Inf"}"#),
        Some(2.0),
        "the +Inf bucket counts every request:\n{text}"
    );
    let fastest = metric(&text, r#"http_request_duration_seconds_bucket{le="0.005"}"#)
        .expect("a bucket line for le=\"0.005\"");
    let slowest = metric(&text, r#"http_request_duration_seconds_bucket{le="5"}"#)
        .expect("a bucket line for le=\"5\"");
    assert!(
        fastest <= slowest && slowest <= 2.0,
        "buckets are cumulative: each counts all requests up to its bound:\n{text}"
    );
    assert!(
        metric(&text, "http_request_duration_seconds_sum").is_some(),
        "the histogram has a _sum:\n{text}"
    );
}

#[tokio::test]
async fn every_api_request_is_logged_as_one_json_line() {
    let running = start(config(Level::Info, WAIT)).await;
    get_text(&format!("{}/items/7", running.url)).await;
    get_text(&format!("{}/fail", running.url)).await;
    let requests = running.logs.requests();
    assert_eq!(
        requests.len(),
        2,
        "one line with \"msg\":\"request\" per API request, got {requests:?}"
    );
    let ok = &requests[0];
    assert_eq!(
        ok["level"], "info",
        "a successful request logs at info: {ok}"
    );
    assert_eq!(ok["method"], "GET", "{ok}");
    assert_eq!(ok["path"], "/items/7", "{ok}");
    assert_eq!(ok["status"], 200, "{ok}");
    assert!(
        ok["duration_ms"].is_number(),
        "the duration is a number, for searching and graphs: {ok}"
    );
    assert!(ok["ts"].is_number(), "every line has a timestamp: {ok}");
    assert_eq!(
        requests[1]["level"], "error",
        "a 5xx logs at error: {}",
        requests[1]
    );
}

#[tokio::test]
async fn the_configured_log_level_filters_lines() {
    let running = start(config(Level::Warn, WAIT)).await;
    get_text(&format!("{}/fast", running.url)).await;
    get_text(&format!("{}/fail", running.url)).await;
    let requests = running.logs.requests();
    assert_eq!(
        requests.len(),
        1,
        "at LOG_LEVEL=warn the info line is dropped and the error line kept: {requests:?}"
    );
    assert_eq!(requests[0]["status"], 500);
}

#[tokio::test]
async fn graceful_shutdown_lets_the_request_in_flight_finish() {
    let mut running = start(config(Level::Info, WAIT)).await;
    running.state.set_ready(true);
    let url = running.url.clone();
    let slow = tokio::spawn(async move { get_text(&format!("{url}/slow")).await });
    timeout(WAIT, running.arrivals.recv())
        .await
        .expect("the /slow request never reached its handler");

    running.stop.take().unwrap().send(()).unwrap();
    timeout(WAIT, async {
        while running.state.is_ready() {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("once shutdown starts, the service reports not ready (set_ready(false))");
    assert!(
        !running.server.is_finished(),
        "serve must not return while a request is still in flight"
    );

    running.gate.add_permits(1);
    let (status, body) = timeout(WAIT, slow)
        .await
        .expect("the request in flight never finished")
        .unwrap();
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "slow done"),
        "the request in flight is answered in full"
    );
    timeout(WAIT, &mut running.server)
        .await
        .expect("serve should return once the last request is done")
        .unwrap()
        .expect("a clean shutdown returns Ok");
}

#[tokio::test]
async fn graceful_shutdown_gives_up_after_the_grace_period() {
    let mut running = start(config(Level::Info, Duration::from_millis(100))).await;
    let url = running.url.clone();
    let _stuck = tokio::spawn(async move { get_text(&format!("{url}/slow")).await });
    timeout(WAIT, running.arrivals.recv())
        .await
        .expect("the /slow request never reached its handler");

    running.stop.take().unwrap().send(()).unwrap();
    timeout(WAIT, &mut running.server)
        .await
        .expect("with a request that never ends, serve must still return once shutdown_grace (100 ms) is over")
        .unwrap()
        .expect("giving up on a stuck request is still Ok");
    let warned = running
        .logs
        .lines()
        .iter()
        .any(|line| line["level"] == "warn");
    assert!(
        warned,
        "abandoning requests deserves a warn log line: {:?}",
        running.logs.lines()
    );
}

/// The program itself (`cargo run -p day30_production`), configured by its environment as a
/// platform would: it answers, says it is ready, logs JSON lines on stdout, counts its
/// requests, and on SIGTERM shuts down and exits 0.
#[test]
fn the_program_runs_from_its_environment_and_stops_cleanly_on_sigterm() {
    let mut server = backlings_support::Server::launch(server_binary!())
        .env("DATABASE_URL", "sqlite://items.db")
        .env("LOG_LEVEL", "info")
        .env("SHUTDOWN_GRACE_SECS", "5")
        .start();
    server
        .get("/readyz")
        .because("main marks the service ready once it listens")
        .expect_status(200);
    server.get("/items/7").expect_status(200);
    let line = server.expect_output("a JSON log line for GET /items/7", |line| {
        serde_json::from_str::<Value>(line)
            .is_ok_and(|event| event["msg"] == "request" && event["path"] == "/items/7")
    });
    let event: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(
        (event["level"].as_str(), event["status"].as_u64()),
        (Some("info"), Some(200)),
        "{line}"
    );
    let metrics = server.get("/metrics");
    metrics.expect_status(200).ensure(
        metrics
            .text()
            .contains(r#"http_requests_total{method="GET",route="/items/{id}",status="200"} 1"#),
        "the request to /items/7 is counted under its route pattern",
    );
    let status = server.stop();
    assert!(
        status.success(),
        "on SIGTERM the service drains and exits 0, got {status}"
    );
}
