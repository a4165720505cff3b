//! What "done" means for day 20: a token bucket on a clock the tests move, then a real server.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;

use backlings_support::{Request, server_binary};
use day20_rate_limit::{Decision, ManualClock, RateLimiter, TokenBucket, app};

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

#[test]
fn a_new_bucket_allows_a_burst_up_to_its_capacity() {
    let mut bucket = TokenBucket::new(CAPACITY, RATE, Duration::ZERO);
    let burst: Vec<Decision> = (0..4).map(|_| bucket.try_take(Duration::ZERO)).collect();
    assert_eq!(
        burst,
        [allowed(2), allowed(1), allowed(0), limited(2.0)],
        "a full bucket of 3 allows 3 requests at once; the 4th waits 2 s for a token at 0.5/s"
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
fn an_idle_bucket_never_holds_more_than_its_capacity() {
    let mut bucket = TokenBucket::new(CAPACITY, RATE, Duration::ZERO);
    let later = Duration::from_secs(3600);
    let burst: Vec<Decision> = (0..4).map(|_| bucket.try_take(later)).collect();
    assert_eq!(
        burst,
        [allowed(2), allowed(1), allowed(0), limited(2.0)],
        "an hour of rest refills the bucket to its capacity, not to 1800 tokens"
    );
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

struct Server {
    base: String,
    clock: ManualClock,
    client: reqwest::Client,
}

async fn start() -> Server {
    let clock = ManualClock::default();
    let limiter = Arc::new(RateLimiter::new(CAPACITY, RATE, Arc::new(clock.clone())));
    let service = app(limiter).into_make_service_with_connect_info::<SocketAddr>();
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
    }
}

impl Server {
    async fn get(&self, path: &str, api_key: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(key) = api_key {
            request = request.header("x-api-key", key);
        }
        request
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
}

#[tokio::test]
async fn the_server_answers_429_with_retry_after_once_the_burst_is_spent() {
    let server = start().await;
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
}

/// The program itself (`cargo run -p day20_rate_limit`), with a refill so slow that no token
/// comes back during the test: alice spends her burst and is refused; bob is not.
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

#[tokio::test]
async fn retry_after_rounds_up_to_whole_seconds() {
    let server = start().await;
    for _ in 0..3 {
        server.get("/hello", Some("alice")).await;
    }
    server.clock.advance(SEC / 2);
    let response = server.get("/hello", Some("alice")).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        header(&response, "retry-after").as_deref(),
        Some("2"),
        "1.5 s to wait rounds up to 2: a client that comes back after 1 s would be refused again"
    );
}

#[tokio::test]
async fn a_limited_client_gets_through_again_after_waiting() {
    let server = start().await;
    for _ in 0..4 {
        server.get("/hello", Some("alice")).await;
    }
    server.clock.advance(2 * SEC);
    let response = server.get("/hello", Some("alice")).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "after Retry-After has passed the request goes through"
    );
    assert_eq!(response.text().await.unwrap(), "hello\n");
}

#[tokio::test]
async fn clients_are_told_apart_by_api_key_and_otherwise_by_address() {
    let server = start().await;
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
}

#[tokio::test]
async fn the_health_check_is_never_limited() {
    let server = start().await;
    for _ in 0..4 {
        server.get("/hello", None).await;
    }
    for _ in 0..10 {
        let response = server.get("/health", None).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "load balancers poll /health often; limiting it would take a healthy server offline"
        );
    }
}
