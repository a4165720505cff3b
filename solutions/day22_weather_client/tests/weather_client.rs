//! What "done" means for day 22: the learner's client against a fake upstream weather service,
//! a real axum server on a free loopback port that the test scripts (answer, fail, stall).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use day22_weather_client::{Backoff, ClientConfig, Observation, WeatherClient, WeatherError};

/// What the fake service does with one call.
#[derive(Clone, Copy, Debug)]
enum Reply {
    /// 200 with the weather for the requested city (404 for "Atlantis").
    Weather,
    /// This status with a short text body.
    Status(u16),
    /// Never answers.
    Stall,
    /// 200 with this body as `application/json`.
    Body(&'static str),
}

#[derive(Clone)]
struct Fake {
    script: Arc<Mutex<VecDeque<Reply>>>,
    then: Reply,
    calls: Arc<AtomicUsize>,
    call_times: Arc<Mutex<Vec<Instant>>>,
}

impl Fake {
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

async fn current(
    State(fake): State<Fake>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    fake.calls.fetch_add(1, Ordering::SeqCst);
    fake.call_times.lock().unwrap().push(Instant::now());
    if headers.get("x-api-key").and_then(|v| v.to_str().ok()) != Some("test-key") {
        return (StatusCode::UNAUTHORIZED, "missing or wrong X-Api-Key").into_response();
    }
    let reply = fake.script.lock().unwrap().pop_front().unwrap_or(fake.then);
    let city = query.get("city").cloned().unwrap_or_default();
    match reply {
        Reply::Weather if city == "Atlantis" => {
            (StatusCode::NOT_FOUND, "unknown city").into_response()
        }
        Reply::Weather => axum::Json(json!({
            "city": city,
            "temperature_c": 21.5,
            "wind_kph": 12.0,
            "humidity": 40,
            "condition": "sunny",
        }))
        .into_response(),
        Reply::Status(code) => (
            StatusCode::from_u16(code).unwrap(),
            "upstream trouble, try later",
        )
            .into_response(),
        Reply::Stall => std::future::pending().await,
        Reply::Body(text) => ([(header::CONTENT_TYPE, "application/json")], text).into_response(),
    }
}

/// Starts a fake upstream that answers the calls in `script` in order, then `then` forever.
async fn start_fake(script: Vec<Reply>, then: Reply) -> (String, Fake) {
    let fake = Fake {
        script: Arc::new(Mutex::new(script.into())),
        then,
        calls: Arc::default(),
        call_times: Arc::default(),
    };
    let app = Router::new()
        .route("/v1/current", get(current))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), fake)
}

/// The timeout where the fake answers at once: so long that an answer is never late, even on
/// a busy machine, so every call count below is exact.
const TIMEOUT: Duration = Duration::from_secs(3);

/// The timeout in the tests where the fake stalls: the time a stalled call costs. Still far
/// longer than any answer the fake gives takes.
const STALL_TIMEOUT: Duration = Duration::from_secs(1);

/// A timeout no answer reaches and no waiting between retries, so that the tests stay fast.
fn config(base_url: &str) -> ClientConfig {
    ClientConfig {
        base_url: base_url.to_string(),
        api_key: "test-key".to_string(),
        timeout: TIMEOUT,
        max_retries: 2,
        backoff: Backoff {
            base: Duration::ZERO,
            max: Duration::ZERO,
        },
    }
}

/// Runs `client.current(city)`, failing the test if it takes more than 6 s.
async fn current_weather(client: &WeatherClient, city: &str) -> Result<Observation, WeatherError> {
    tokio::time::timeout(Duration::from_secs(6), client.current(city))
        .await
        .expect("`current` should return within 6 s; is the configured timeout set on the client?")
}

#[tokio::test]
async fn fetches_the_current_weather_with_the_api_key() {
    let (url, fake) = start_fake(vec![], Reply::Weather).await;
    let client = WeatherClient::new(config(&url)).unwrap();
    let observation = current_weather(&client, "Oslo").await;
    assert_eq!(
        observation,
        Ok(Observation {
            city: "Oslo".to_string(),
            temperature_c: 21.5,
            wind_kph: 12.0,
            humidity: 40,
            condition: "sunny".to_string(),
        }),
        "GET /v1/current?city=Oslo with the header `x-api-key: test-key` should give the weather \
         (a 401 becomes `Rejected {{ status: 401 }}`: is the key sent?)"
    );
    assert_eq!(fake.calls(), 1, "one success takes exactly one call");
}

#[tokio::test]
async fn encodes_the_city_name_in_the_query_string() {
    let (url, _fake) = start_fake(vec![], Reply::Weather).await;
    let client = WeatherClient::new(config(&url)).unwrap();
    let observation = current_weather(&client, "São Paulo & Co").await.unwrap();
    assert_eq!(
        observation.city, "São Paulo & Co",
        "the upstream should receive the city exactly; spaces, `&` and accents must be \
         percent-encoded in the query string"
    );
}

#[tokio::test]
async fn maps_a_404_to_city_not_found_without_retrying() {
    let (url, fake) = start_fake(vec![], Reply::Weather).await;
    let client = WeatherClient::new(config(&url)).unwrap();
    let result = current_weather(&client, "Atlantis").await;
    assert_eq!(
        result,
        Err(WeatherError::CityNotFound("Atlantis".to_string())),
        "a 404 from upstream means the city does not exist"
    );
    assert_eq!(
        fake.calls(),
        1,
        "a 404 will be a 404 again: it must not be retried"
    );
}

#[tokio::test]
async fn retries_a_5xx_until_the_upstream_recovers() {
    let (url, fake) =
        start_fake(vec![Reply::Status(500), Reply::Status(503)], Reply::Weather).await;
    let client = WeatherClient::new(config(&url)).unwrap();
    let result = current_weather(&client, "Lima").await;
    assert!(
        result.is_ok(),
        "two 5xx then a 200, with max_retries = 2, should end in success, got {result:?}"
    );
    assert_eq!(fake.calls(), 3, "expected 1 call + 2 retries");
}

#[tokio::test]
async fn gives_up_after_max_retries_with_the_last_status() {
    let (url, fake) = start_fake(vec![], Reply::Status(503)).await;
    let client = WeatherClient::new(config(&url)).unwrap();
    let result = current_weather(&client, "Lima").await;
    assert_eq!(
        result,
        Err(WeatherError::Unavailable { status: 503 }),
        "an upstream that keeps failing should end in `Unavailable` with its status"
    );
    assert_eq!(
        fake.calls(),
        3,
        "max_retries = 2 means 3 calls in all, never more"
    );
}

#[tokio::test]
async fn does_not_retry_a_request_the_upstream_rejects() {
    let (url, fake) = start_fake(vec![], Reply::Status(400)).await;
    let client = WeatherClient::new(config(&url)).unwrap();
    let result = current_weather(&client, "Lima").await;
    assert_eq!(
        result,
        Err(WeatherError::Rejected { status: 400 }),
        "a 4xx other than 404 is `Rejected` with its status"
    );
    assert_eq!(
        fake.calls(),
        1,
        "a 4xx says our request is wrong: sending it again cannot help"
    );
}

#[tokio::test]
async fn reports_a_malformed_body_as_an_invalid_response() {
    let (url, fake) = start_fake(vec![], Reply::Body(r#"{"city": "Lima", "temp": "hot"}"#)).await;
    let client = WeatherClient::new(config(&url)).unwrap();
    let result = current_weather(&client, "Lima").await;
    assert!(
        matches!(result, Err(WeatherError::InvalidResponse(_))),
        "a 200 whose body is not an Observation should be `InvalidResponse`, got {result:?}"
    );
    assert_eq!(fake.calls(), 1, "a malformed body is not retried");
}

#[tokio::test]
async fn retries_after_a_call_that_times_out() {
    let (url, fake) = start_fake(vec![Reply::Stall], Reply::Weather).await;
    let client = WeatherClient::new(ClientConfig {
        timeout: STALL_TIMEOUT,
        ..config(&url)
    })
    .unwrap();
    let started = Instant::now();
    let result = current_weather(&client, "Quito").await;
    assert!(
        result.is_ok(),
        "the first call stalls, the retry answers: expected the weather, got {result:?}"
    );
    assert_eq!(fake.calls(), 2, "expected the stalled call and one retry");
    assert!(
        started.elapsed() < STALL_TIMEOUT * 3,
        "the stalled call should be abandoned after the configured timeout ({STALL_TIMEOUT:?}), \
         took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn reports_a_timeout_when_every_attempt_stalls() {
    let (url, fake) = start_fake(vec![], Reply::Stall).await;
    let client = WeatherClient::new(ClientConfig {
        max_retries: 1,
        timeout: STALL_TIMEOUT,
        ..config(&url)
    })
    .unwrap();
    let result = current_weather(&client, "Quito").await;
    assert_eq!(
        result,
        Err(WeatherError::Timeout),
        "an upstream that never answers should end in `Timeout`"
    );
    assert_eq!(fake.calls(), 2, "max_retries = 1 means 2 calls in all");
}

#[tokio::test]
async fn reports_a_network_error_when_nothing_listens() {
    // Take a free port, then close it: connecting to it is refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let client = WeatherClient::new(config(&url)).unwrap();
    let result = current_weather(&client, "Quito").await;
    assert!(
        matches!(result, Err(WeatherError::Network(_))),
        "a refused connection is a `Network` error, got {result:?}"
    );
}

#[test]
fn backoff_doubles_from_the_base_up_to_the_cap() {
    let backoff = Backoff {
        base: Duration::from_millis(100),
        max: Duration::from_secs(1),
    };
    let delays: Vec<u128> = (0..6)
        .map(|retry| backoff.delay(retry).as_millis())
        .collect();
    assert_eq!(
        delays,
        vec![100, 200, 400, 800, 1000, 1000],
        "retry n waits base * 2^n, capped at max"
    );
    assert_eq!(
        backoff.delay(200),
        Duration::from_secs(1),
        "a huge retry number must not overflow: it is simply capped"
    );
}

#[tokio::test]
async fn waits_the_backoff_delay_between_retries() {
    let (url, fake) =
        start_fake(vec![Reply::Status(502), Reply::Status(502)], Reply::Weather).await;
    let base = Duration::from_millis(100);
    let client = WeatherClient::new(ClientConfig {
        backoff: Backoff {
            base,
            max: Duration::from_secs(1),
        },
        ..config(&url)
    })
    .unwrap();
    current_weather(&client, "Cusco").await.unwrap();
    let times = fake.call_times.lock().unwrap().clone();
    assert_eq!(times.len(), 3, "expected 1 call + 2 retries");
    let first_gap = times[1] - times[0];
    let second_gap = times[2] - times[1];
    assert!(
        first_gap >= base,
        "the first retry should wait at least the base ({base:?}), waited {first_gap:?}"
    );
    assert!(
        second_gap >= base * 2,
        "the second retry should wait at least twice the base, waited {second_gap:?}"
    );
}
