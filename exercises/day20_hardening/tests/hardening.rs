//! What "done" means for day 20: a token bucket on a clock the tests move, the defenses one by
//! one, then a real server, attacked over TCP.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use backlings_support::{Request, server_binary};
use day20_hardening::{
    ALLOWED_ORIGIN, AppState, Decision, MAX_BODY_BYTES, ManualClock, RateLimiter, TokenBucket, app,
    escape_html, safe_join,
};

const SEC: Duration = Duration::from_secs(1);

/// Burst of 3, then one request every 2 seconds.
const CAPACITY: u32 = 3;
const RATE: f64 = 0.5;

fn allowed(remaining: u32) -> Decision {
    Decision::Allowed { remaining }
}

fn limited(secs: f64) -> Decision {
    Decision::Limited {
        retry_after: Duration::from_secs_f64(secs),
    }
}

// Part 1: the token bucket.

#[test]
fn a_bucket_allows_a_burst_up_to_its_capacity_and_never_more() {
    let mut bucket = TokenBucket::new(CAPACITY, RATE, Duration::ZERO);
    let burst: Vec<Decision> = (0..4).map(|_| bucket.try_take(Duration::ZERO)).collect();
    assert_eq!(
        burst,
        [allowed(2), allowed(1), allowed(0), limited(2.0)],
        "a full bucket of 3 allows 3 requests at once; the 4th waits 2 s for a token at 0.5/s"
    );

    let mut bucket = TokenBucket::new(CAPACITY, RATE, Duration::ZERO);
    let an_hour_later = Duration::from_secs(3600);
    let burst: Vec<Decision> = (0..4).map(|_| bucket.try_take(an_hour_later)).collect();
    assert_eq!(
        burst,
        [allowed(2), allowed(1), allowed(0), limited(2.0)],
        "an hour of rest refills the bucket to its capacity, not to 1800 tokens"
    );
}

#[test]
fn tokens_come_back_at_the_refill_rate() {
    let mut bucket = TokenBucket::new(CAPACITY, RATE, Duration::ZERO);
    for _ in 0..3 {
        bucket.try_take(Duration::ZERO);
    }
    assert_eq!(
        bucket.try_take(SEC / 2),
        limited(1.5),
        "after 0.5 s a quarter token has come back: 1.5 s to go"
    );
    assert_eq!(
        bucket.try_take(2 * SEC),
        allowed(0),
        "after 2 s one token is back"
    );
    assert_eq!(bucket.try_take(2 * SEC), limited(2.0), "and only one");
}

#[test]
fn each_client_has_its_own_bucket_and_idle_ones_are_pruned() {
    let clock = ManualClock::default();
    let limiter = RateLimiter::new(CAPACITY, RATE, Arc::new(clock.clone()));
    for _ in 0..3 {
        assert!(matches!(limiter.check("alice"), Decision::Allowed { .. }));
    }
    assert!(
        matches!(limiter.check("alice"), Decision::Limited { .. }),
        "alice spent her burst"
    );
    assert_eq!(
        limiter.check("bob"),
        allowed(2),
        "bob has his own full bucket"
    );
    assert_eq!(limiter.tracked_clients(), 2);

    clock.advance(SEC);
    assert_eq!(
        limiter.prune(),
        0,
        "nobody's bucket is full yet: prune keeps both"
    );
    clock.advance(5 * SEC);
    limiter.check("alice");
    assert_eq!(
        limiter.prune(),
        1,
        "bob's bucket is full again (forgetting him changes nothing), alice just spent a token"
    );
    assert_eq!(limiter.tracked_clients(), 1);
}

// Part 2: the defenses on their own.

#[test]
fn escape_html_neutralizes_every_markup_character() {
    assert_eq!(
        escape_html(r#"<script>alert("hi")</script> & 'you'"#),
        "&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt; &amp; &#39;you&#39;"
    );
    assert_eq!(
        escape_html("plain text, ünïcode ✓"),
        "plain text, ünïcode ✓"
    );
    assert_eq!(
        escape_html("&lt;"),
        "&amp;lt;",
        "escaping twice must show the text as typed: & becomes &amp; too"
    );
}

#[test]
fn safe_join_accepts_plain_names_and_refuses_anything_that_could_leave_the_root() {
    let root = Path::new("/srv/public");
    assert_eq!(safe_join(root, "hello.txt"), Some(root.join("hello.txt")));
    assert_eq!(
        safe_join(root, "css/site.css"),
        Some(root.join("css").join("site.css"))
    );
    for requested in [
        "../secret.txt",
        "css/../../secret.txt",
        "css/../site.css",
        "..",
        "/etc/passwd",
        "",
        "..\\secret.txt",
        "hello.txt\0.png",
    ] {
        assert_eq!(
            safe_join(root, requested),
            None,
            "{requested:?} must be refused, not cleaned up"
        );
    }
}

// Part 3: the service, in this process, on a clock the tests move.

struct Server {
    base: String,
    clock: ManualClock,
    client: reqwest::Client,
    _dir: tempfile::TempDir,
}

/// A server whose limiter allows bursts of `capacity` on a manual clock, and whose public
/// directory holds hello.txt.
async fn start(capacity: u32) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("public");
    std::fs::create_dir(&public).unwrap();
    std::fs::write(public.join("hello.txt"), "hello, file\n").unwrap();

    let clock = ManualClock::default();
    let limiter = Arc::new(RateLimiter::new(capacity, RATE, Arc::new(clock.clone())));
    let service =
        app(AppState::new(limiter, public)).into_make_service_with_connect_info::<SocketAddr>();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, service).await });
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    Server {
        base: format!("http://{addr}"),
        clock,
        client,
        _dir: dir,
    }
}

impl Server {
    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, format!("{}{path}", self.base))
    }

    async fn get(&self, path: &str, api_key: Option<&str>) -> reqwest::Response {
        let mut request = self.request(reqwest::Method::GET, path);
        if let Some(key) = api_key {
            request = request.header("x-api-key", key);
        }
        request
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    async fn post_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.request(reqwest::Method::POST, path)
            .json(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
}

#[tokio::test]
async fn a_spent_client_gets_429_with_a_retry_after_rounded_up_then_gets_through() {
    let server = start(CAPACITY).await;
    for expected_remaining in ["2", "1", "0"] {
        let response = server.get("/hello", Some("alice")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, "x-ratelimit-limit").as_deref(), Some("3"));
        assert_eq!(
            header(&response, "x-ratelimit-remaining").as_deref(),
            Some(expected_remaining),
            "each allowed answer says how many requests are left"
        );
    }
    let response = server.get("/hello", Some("alice")).await;
    assert_eq!(
        response.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the 4th request: 429"
    );
    assert_eq!(
        header(&response, "retry-after").as_deref(),
        Some("2"),
        "Retry-After says in whole seconds when a token will be back"
    );

    server.clock.advance(SEC * 9 / 10);
    let response = server.get("/hello", Some("alice")).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        header(&response, "retry-after").as_deref(),
        Some("2"),
        "1.1 s to wait rounds up to 2: a client that comes back after 1 s would be refused again"
    );

    server.clock.advance(2 * SEC);
    let response = server.get("/hello", Some("alice")).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "after waiting as long as Retry-After said, the request goes through"
    );
    assert_eq!(response.text().await.unwrap(), "hello\n");
}

#[tokio::test]
async fn clients_are_told_apart_by_api_key_then_by_address_and_health_is_never_limited() {
    let server = start(CAPACITY).await;
    for _ in 0..4 {
        server.get("/hello", Some("alice")).await;
    }
    assert_eq!(
        server.get("/hello", Some("bob")).await.status(),
        StatusCode::OK,
        "bob's key has its own bucket"
    );
    for i in 0..3 {
        assert_eq!(
            server.get("/hello", None).await.status(),
            StatusCode::OK,
            "request {i} without a key uses the address's own bucket"
        );
    }
    assert_eq!(
        server.get("/hello", None).await.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "requests without a key share the bucket of their IP address"
    );
    for _ in 0..5 {
        assert_eq!(
            server.get("/health", None).await.status(),
            StatusCode::OK,
            "load balancers poll /health often; limiting it would take a healthy server offline"
        );
    }
}

#[tokio::test]
async fn the_guestbook_shows_messages_escaped() {
    let server = start(100).await;
    let entry = json!({ "name": "<b>eve</b>", "message": "<script>alert(1)</script>" });
    let response = server.post_json("/guestbook", &entry).await;
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "signing the guestbook: 201"
    );

    let response = server.get("/guestbook", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = header(&response, "content-type").unwrap_or_default();
    assert!(
        content_type.starts_with("text/html"),
        "the page is HTML, got {content_type}"
    );
    let page = response.text().await.unwrap();
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && page.contains("&lt;b&gt;eve"),
        "the page should show the message as text, escaped; got {page}"
    );
    assert!(
        !page.contains("<script>"),
        "a visitor's script must never reach the page: {page}"
    );
}

#[tokio::test]
async fn a_body_over_the_limit_gets_413() {
    let server = start(100).await;
    let huge = json!({ "name": "eve", "message": "x".repeat(MAX_BODY_BYTES + 1) });
    assert_eq!(
        server.post_json("/guestbook", &huge).await.status(),
        StatusCode::PAYLOAD_TOO_LARGE,
        "a body over MAX_BODY_BYTES: 413, before anyone parses it"
    );
    let small = json!({ "name": "ada", "message": "x".repeat(1000) });
    assert_eq!(
        server.post_json("/guestbook", &small).await.status(),
        StatusCode::CREATED,
        "a 1 KB entry is fine"
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers_errors_included() {
    // A burst of one: the second request of the same client is a 429. Every other request
    // has a key of its own, so none of them is refused by the limiter.
    let server = start(1).await;
    let page = server.get("/guestbook", Some("carol")).await;
    let too_many = server.get("/guestbook", Some("carol")).await;
    let missing = server.get("/no/such/page", Some("dave")).await;
    let huge = json!({ "name": "eve", "message": "x".repeat(MAX_BODY_BYTES + 1) });
    let too_large = server
        .request(reqwest::Method::POST, "/guestbook")
        .header("x-api-key", "erin")
        .json(&huge)
        .send()
        .await
        .unwrap();
    let answers = [
        ("GET /guestbook", &page, StatusCode::OK),
        ("a 429", &too_many, StatusCode::TOO_MANY_REQUESTS),
        ("a 404", &missing, StatusCode::NOT_FOUND),
        ("a 413", &too_large, StatusCode::PAYLOAD_TOO_LARGE),
    ];
    for (what, response, status) in answers {
        assert_eq!(response.status(), status, "{what}");
        for (name, value) in [
            ("x-content-type-options", "nosniff"),
            ("x-frame-options", "DENY"),
            ("referrer-policy", "no-referrer"),
        ] {
            assert_eq!(
                header(response, name).as_deref(),
                Some(value),
                "{what} should carry {name}: {value}"
            );
        }
        assert!(
            header(response, "content-security-policy")
                .is_some_and(|csp| csp.contains("default-src 'self'")),
            "{what} should carry a Content-Security-Policy with default-src 'self'"
        );
        assert!(
            header(response, "strict-transport-security").is_some(),
            "{what} should carry Strict-Transport-Security"
        );
    }
}

#[tokio::test]
async fn cors_lets_only_the_app_origin_in_and_preflights_spend_no_token() {
    // A burst of one, and every request from this test's address without a key: only the
    // first request that reaches the limiter is allowed.
    let server = start(1).await;
    let preflight = |origin: &'static str| {
        server
            .request(reqwest::Method::OPTIONS, "/guestbook")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let allowed = preflight(ALLOWED_ORIGIN).await.unwrap();
    assert_eq!(
        header(&allowed, "access-control-allow-origin").as_deref(),
        Some(ALLOWED_ORIGIN),
        "a preflight from {ALLOWED_ORIGIN} should be allowed, naming that origin (never *)"
    );
    let methods = header(&allowed, "access-control-allow-methods").unwrap_or_default();
    assert!(
        methods.contains("POST"),
        "POST should be allowed, got {methods:?}"
    );

    let evil = preflight("https://evil.example").await.unwrap();
    assert_eq!(
        header(&evil, "access-control-allow-origin"),
        None,
        "another origin must get no Access-Control-Allow-Origin"
    );

    let simple = || {
        server
            .request(reqwest::Method::GET, "/guestbook")
            .header("origin", ALLOWED_ORIGIN)
            .send()
    };
    let page = simple().await.unwrap();
    assert_eq!(
        page.status(),
        StatusCode::OK,
        "the preflights before it spent no token: a browser sends one before many requests"
    );
    assert_eq!(
        header(&page, "access-control-allow-origin").as_deref(),
        Some(ALLOWED_ORIGIN),
        "a GET from the app's origin may be read by its page"
    );
    let refused = simple().await.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        header(&refused, "access-control-allow-origin").as_deref(),
        Some(ALLOWED_ORIGIN),
        "the app's page must be able to read a 429 too, to know when to come back"
    );
}

// Part 4: the program itself (`cargo run -p day20_hardening`), over real sockets.

/// With a refill so slow that no token comes back during the test: alice spends her burst and
/// is refused; bob is not.
#[test]
fn the_program_limits_each_api_key_on_its_own() {
    let server = backlings_support::Server::launch(server_binary!())
        .env("BURST", "2")
        .env("REFILL_PER_SEC", "0.001")
        .start();
    let hello = |key: &str| server.send(Request::get("/hello").header("x-api-key", key));
    for remaining in ["1", "0"] {
        hello("alice")
            .expect_status(200)
            .expect_header("x-ratelimit-limit", "2")
            .expect_header("x-ratelimit-remaining", remaining);
    }
    let limited =
        hello("alice").because("the burst is spent: 429, with Retry-After in whole seconds");
    let retry_after = limited
        .expect_status(429)
        .header("retry-after")
        .and_then(|secs| secs.parse::<u64>().ok());
    limited.ensure(
        retry_after.is_some_and(|secs| (990..=1000).contains(&secs)),
        "Retry-After says when a token is back: about 1000 s at 0.001 a second",
    );
    hello("bob")
        .because("each API key has its own bucket")
        .expect_status(200);
    server
        .get("/health")
        .because("the health check is never limited")
        .expect_status(200);
}

/// The program serves `public/` in `DATA_DIR` and keeps `secret.txt` beside it. The requests
/// go out exactly as written: no client tidies up the `..` (curl and reqwest would).
#[test]
fn the_program_serves_public_files_and_never_the_secret() {
    let server = backlings_support::Server::launch(server_binary!())
        .env("BURST", "100")
        .start();
    let secret = std::fs::read_to_string(server.data_dir().join("secret.txt"))
        .expect("the program keeps secret.txt in DATA_DIR");
    server
        .get("/files/hello.txt")
        .expect_status(200)
        .expect_header("content-type", "text/plain; charset=utf-8")
        .expect_text("hello, file\n");
    server
        .get("/files/nope.txt")
        .because("a file that does not exist")
        .expect_status(404);
    for target in [
        "/files/../secret.txt",
        "/files/..%2fsecret.txt",
        "/files/%2e%2e%2fsecret.txt",
        "/files/hello.txt/../../secret.txt",
        "/files/%2fetc%2fpasswd",
    ] {
        let reply = server
            .get(target)
            .because("a path that could leave the public directory is refused with 404");
        reply.expect_status(404).ensure(
            !reply.text().contains(secret.trim()),
            format!("GET {target} leaked the secret file!"),
        );
    }
}
