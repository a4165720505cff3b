//! What "done" means for day 7: every request gets an id, a structured log line, a bounded
//! duration, and a bug becomes a 500 that leaks nothing. A real server, real HTTP requests, and
//! the log captured from `tracing`.

use std::cell::RefCell;
use std::io;
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use day07_middleware::{Config, app};
use reqwest::{Client, StatusCode};
use serde_json::Value;

/// How long the app lets a handler run in these tests.
const TIMEOUT: Duration = Duration::from_millis(100);

/// Everything `tracing` writes on one test's thread, as bytes.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

thread_local! {
    /// Where the events of this thread go; `None` throws them away.
    static CURRENT_CAPTURE: RefCell<Option<Capture>> = const { RefCell::new(None) };
}

/// The writer the global subscriber gets for each event: this thread's capture, if any.
struct ThreadWriter;

impl io::Write for ThreadWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        CURRENT_CAPTURE.with(|current| {
            if let Some(capture) = current.borrow().as_ref() {
                capture.0.lock().unwrap().extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Stops capturing this thread's events when dropped.
struct CaptureGuard;

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        CURRENT_CAPTURE.with(|current| current.borrow_mut().take());
    }
}

impl Capture {
    /// Sends this thread's INFO-and-above events here, as JSON lines, until the guard drops.
    /// `#[tokio::test]` runs the server on the test's thread, so its events land here too.
    ///
    /// One global subscriber serves every test and routes each event by thread. (A subscriber
    /// per test, with `tracing::subscriber::set_default`, loses events: `tracing` caches per
    /// call site whether anyone listens, and a call site first reached on another test's
    /// thread can be cached as "nobody".)
    fn install(&self) -> CaptureGuard {
        static GLOBAL: Once = Once::new();
        GLOBAL.call_once(|| {
            let subscriber = tracing_subscriber::fmt()
                .json()
                .with_max_level(tracing::Level::INFO)
                .with_writer(|| ThreadWriter)
                .finish();
            tracing::subscriber::set_global_default(subscriber)
                .expect("no other test sets a global subscriber");
        });
        CURRENT_CAPTURE.with(|current| *current.borrow_mut() = Some(self.clone()));
        CaptureGuard
    }

    /// Every captured event, parsed.
    fn events(&self) -> Vec<Value> {
        let bytes = self.0.lock().unwrap().clone();
        String::from_utf8(bytes)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).expect("each log line is JSON"))
            .collect()
    }

    /// The `request finished` events' fields for `path`.
    fn finished(&self, path: &str) -> Vec<Value> {
        self.events()
            .into_iter()
            .map(|event| event["fields"].clone())
            .filter(|fields| fields["message"] == "request finished" && fields["path"] == path)
            .collect()
    }

    /// The `request finished` events for `path`, once there is at least one or after 2 s.
    /// A log line written just after the response was sent still counts.
    async fn finished_soon(&self, path: &str) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            let lines = self.finished(path);
            if !lines.is_empty() || Instant::now() >= deadline {
                return lines;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

struct Server {
    base: String,
    client: Client,
}

impl Server {
    async fn start() -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = app(Config { timeout: TIMEOUT });
        tokio::spawn(async move { axum::serve(listener, router).await });
        let client = Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        Server {
            base: format!("http://{addr}"),
            client,
        }
    }

    async fn get(&self, path: &str, request_id: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(id) = request_id {
            request = request.header("x-request-id", id);
        }
        request.send().await.unwrap()
    }
}

/// The response's `x-request-id`, or a failed test.
fn id_of(response: &reqwest::Response) -> String {
    let id = response
        .headers()
        .get("x-request-id")
        .unwrap_or_else(|| {
            panic!(
                "every response needs an x-request-id header; {} {} had none",
                response.status(),
                response.url().path()
            )
        })
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "a request id is 1 to 64 of A-Z, a-z, 0-9, '-' and '_', got {id:?}"
    );
    id
}

#[tokio::test]
async fn every_response_gets_a_fresh_request_id_the_handler_can_see() {
    let server = Server::start().await;
    let first = server.get("/hello", None).await;
    assert_eq!(
        first.status(),
        StatusCode::OK,
        "GET /hello works through the middleware"
    );
    let first_id = id_of(&first);
    let body: Value = first.json().await.unwrap();
    assert_eq!(body["message"], "hello");
    assert_eq!(
        body["requestId"], first_id,
        "the handler reads the same id from the request's extensions"
    );

    let second_id = id_of(&server.get("/hello", None).await);
    assert_ne!(first_id, second_id, "each request gets its own id");
}

#[tokio::test]
async fn keeps_a_valid_request_id_from_the_client() {
    let server = Server::start().await;
    let response = server.get("/hello", Some("checkout-42_retry")).await;
    assert_eq!(
        id_of(&response),
        "checkout-42_retry",
        "a valid incoming id is kept, so one id follows a request across services"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["requestId"], "checkout-42_retry");
}

#[tokio::test]
async fn replaces_a_request_id_that_is_not_safe_to_log() {
    let server = Server::start().await;
    let too_long = "a".repeat(65);
    for bad in ["two words", "<script>", "id\"quote", too_long.as_str(), ""] {
        let response = server.get("/hello", Some(bad)).await;
        let id = id_of(&response);
        assert_ne!(
            id, bad,
            "{bad:?} is not a valid request id: the server makes its own"
        );
    }
}

#[tokio::test]
async fn cuts_a_slow_handler_off_with_503() {
    let server = Server::start().await;
    let started = Instant::now();
    let response = server.get("/slow", None).await;
    assert_eq!(
        response.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "a handler that takes longer than the timeout gives 503 Service Unavailable"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the timeout is 100 ms, but the answer took {:?}",
        started.elapsed()
    );
    id_of(&response);
}

#[tokio::test]
async fn a_panic_becomes_a_500_problem_that_leaks_nothing() {
    let server = Server::start().await;
    let response = server.get("/panic", None).await;
    assert_eq!(
        response.status(),
        StatusCode::INTERNAL_SERVER_ERROR,
        "a panicking handler gives 500, not a dropped connection"
    );
    id_of(&response);
    assert_eq!(
        response.headers().get("content-type").unwrap(),
        "application/problem+json",
        "the 500 is a problem details body"
    );
    let text = response.text().await.unwrap();
    let body: Value = serde_json::from_str(&text).expect("the 500 body is JSON");
    assert_eq!(body["status"], 500);
    assert!(
        !text.contains("hunter2") && !text.contains("database"),
        "the panic message holds internals (a password!) and must not reach the client: {text}"
    );

    let after = server.get("/hello", None).await;
    assert_eq!(
        after.status(),
        StatusCode::OK,
        "the server keeps serving after a panic"
    );
}

#[tokio::test]
async fn logs_one_structured_line_per_request() {
    let capture = Capture::default();
    let _guard = capture.install();
    let server = Server::start().await;

    let response = server.get("/hello?token=sesame", Some("log-me-1")).await;
    assert_eq!(response.status(), StatusCode::OK);

    let lines = capture.finished_soon("/hello").await;
    assert_eq!(
        lines.len(),
        1,
        "one `request finished` event with path \"/hello\" per request; captured: {:?}",
        capture.events()
    );
    let fields = &lines[0];
    assert_eq!(
        fields["request_id"], "log-me-1",
        "the log line carries the request id"
    );
    assert_eq!(fields["method"], "GET");
    assert_eq!(fields["status"], 200, "status is logged as a number");
    assert!(
        fields["duration_ms"].as_f64().is_some_and(|ms| ms >= 0.0),
        "duration_ms is logged as a number, got {fields}"
    );
    let everything = serde_json::to_string(&capture.events()).unwrap();
    assert!(
        !everything.contains("sesame"),
        "query strings can hold secrets: log the path only"
    );
}

#[tokio::test]
async fn logs_failed_requests_with_their_status() {
    let capture = Capture::default();
    let _guard = capture.install();
    let server = Server::start().await;

    let panicked = server.get("/panic", None).await;
    let panic_id = id_of(&panicked);
    server.get("/slow", None).await;
    server.get("/missing", None).await;

    for (path, status) in [("/panic", 500), ("/slow", 503), ("/missing", 404)] {
        let lines = capture.finished_soon(path).await;
        assert_eq!(
            lines.len(),
            1,
            "GET {path} must be logged too; captured: {:?}",
            capture.events()
        );
        assert_eq!(
            lines[0]["status"], status,
            "GET {path} is logged with status {status}"
        );
    }
    assert_eq!(capture.finished("/panic")[0]["request_id"], panic_id);

    let errors: Vec<Value> = capture
        .events()
        .into_iter()
        .filter(|event| event["level"] == "ERROR")
        .collect();
    assert!(
        errors
            .iter()
            .any(|event| event.to_string().contains("lost the database connection")),
        "the panic's message goes to the log at ERROR level, for the people who run the service; got {errors:?}"
    );
}

#[tokio::test]
async fn unknown_routes_get_a_request_id_too() {
    let server = Server::start().await;
    let response = server.get("/nowhere", Some("lost-1")).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        id_of(&response),
        "lost-1",
        "the middleware wraps the whole router, its 404 fallback included"
    );
}
