//! What "done" means for day 24: the learner's API on a free port, in front of a fake upstream
//! weather service (also on a free port) that the test scripts and counts; real HTTP requests.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use day24_weather_api::cache::ManualClock;
use day24_weather_api::upstream::UpstreamClient;
use day24_weather_api::{AppState, app};

const TTL: Duration = Duration::from_secs(60);

/// The upstream timeout where the fake answers at once: so long that an answer is never late,
/// even on a busy machine, so every status and call count below is exact.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(3);

/// The upstream timeout where the fake stalls: the time the stalled call costs.
const STALL_TIMEOUT: Duration = Duration::from_secs(1);

/// What the fake upstream does with one call.
#[derive(Clone, Copy, Debug)]
enum Reply {
    /// 200 with the weather (21.5 °C, 12 km/h) for the requested city; 404 for "Atlantis".
    Weather,
    /// This status, with a body full of internal details that must not leak.
    Status(u16),
    /// Never answers.
    Stall,
}

#[derive(Clone)]
struct Fake {
    script: Arc<Mutex<VecDeque<Reply>>>,
    then: Reply,
    calls: Arc<AtomicUsize>,
}

async fn current(
    State(fake): State<Fake>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    fake.calls.fetch_add(1, Ordering::SeqCst);
    let reply = fake.script.lock().unwrap().pop_front().unwrap_or(fake.then);
    let city = query.get("city").cloned().unwrap_or_default();
    match reply {
        Reply::Weather if city == "Atlantis" => StatusCode::NOT_FOUND.into_response(),
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
            "connection to db-7.internal refused (password hunter2)",
        )
            .into_response(),
        Reply::Stall => std::future::pending().await,
    }
}

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

struct Api {
    url: String,
    upstream_calls: Arc<AtomicUsize>,
    clock: Arc<ManualClock>,
    http: reqwest::Client,
}

impl Api {
    /// Starts a fake upstream that answers `script` in order and then `then` forever, and the
    /// learner's API in front of it (upstream timeout `UPSTREAM_TIMEOUT`, cache TTL 60 s on a
    /// manual clock).
    async fn start(script: Vec<Reply>, then: Reply) -> Api {
        Api::start_with_timeout(script, then, UPSTREAM_TIMEOUT).await
    }

    /// `start`, with this upstream timeout.
    async fn start_with_timeout(script: Vec<Reply>, then: Reply, timeout: Duration) -> Api {
        let fake = Fake {
            script: Arc::new(Mutex::new(script.into())),
            then,
            calls: Arc::default(),
        };
        let upstream_calls = fake.calls.clone();
        let upstream_url = serve(
            Router::new()
                .route("/v1/current", get(current))
                .with_state(fake),
        )
        .await;
        let clock = Arc::new(ManualClock::new());
        let upstream = UpstreamClient::new(upstream_url, timeout);
        let url = serve(app(AppState::new(upstream, TTL, clock.clone()))).await;
        Api {
            url,
            upstream_calls,
            clock,
            http: reqwest::Client::new(),
        }
    }

    fn upstream_calls(&self) -> usize {
        self.upstream_calls.load(Ordering::SeqCst)
    }

    /// `GET {path_and_query}` on the API (at most 5 s): status, `x-cache`, content type, body.
    async fn get(&self, path_and_query: &str) -> Answer {
        let request = self
            .http
            .get(format!("{}{path_and_query}", self.url))
            .send();
        let response = tokio::time::timeout(Duration::from_secs(5), request)
            .await
            .expect("the API should answer within 5 s")
            .expect("the API should answer");
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        let (x_cache, content_type) = (header("x-cache"), header("content-type"));
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Answer {
            status,
            x_cache,
            content_type,
            body,
        }
    }
}

#[derive(Debug)]
struct Answer {
    status: u16,
    x_cache: String,
    content_type: String,
    body: Value,
}

impl Answer {
    /// Asserts that this is an RFC 9457 problem with `status`.
    fn assert_problem(&self, status: u16, why: &str) {
        assert_eq!(self.status, status, "{why}; got {self:?}");
        assert!(
            self.content_type.starts_with("application/problem+json"),
            "errors are problem details with `Content-Type: application/problem+json`, got {self:?}"
        );
        assert_eq!(
            self.body["status"], status,
            "the problem body repeats the status code, got {self:?}"
        );
    }
}

#[tokio::test]
async fn returns_the_weather_in_metric_units_by_default() {
    let api = Api::start(vec![], Reply::Weather).await;
    let answer = api.get("/weather?city=Oslo").await;
    assert_eq!(answer.status, 200, "a known city gives 200, got {answer:?}");
    assert!(
        answer.content_type.starts_with("application/json"),
        "the weather is JSON, got {answer:?}"
    );
    assert_eq!(
        answer.body,
        json!({
            "city": "Oslo",
            "condition": "sunny",
            "units": "metric",
            "temperature": 21.5,
            "temperature_unit": "°C",
            "wind_speed": 12.0,
            "wind_speed_unit": "km/h",
            "humidity": 40,
        }),
        "without `units`, the report is metric"
    );
}

#[tokio::test]
async fn converts_to_imperial_units_on_request() {
    let api = Api::start(vec![], Reply::Weather).await;
    let answer = api.get("/weather?city=Oslo&units=imperial").await;
    assert_eq!(answer.status, 200, "got {answer:?}");
    assert_eq!(answer.body["units"], "imperial");
    assert_eq!(
        (
            &answer.body["temperature"],
            &answer.body["temperature_unit"]
        ),
        (&json!(70.7), &json!("°F")),
        "21.5 °C is 70.7 °F (F = C * 9/5 + 32, rounded to one decimal)"
    );
    assert_eq!(
        (&answer.body["wind_speed"], &answer.body["wind_speed_unit"]),
        (&json!(7.5), &json!("mph")),
        "12 km/h is 7.5 mph (1 mile = 1.609344 km, rounded to one decimal)"
    );
}

#[tokio::test]
async fn rejects_a_request_without_a_city_with_400() {
    let api = Api::start(vec![], Reply::Weather).await;
    api.get("/weather").await.assert_problem(
        400,
        "a request without the `city` parameter is malformed: 400",
    );
    api.get("/weather?units=metric").await.assert_problem(
        400,
        "a request without the `city` parameter is malformed: 400",
    );
    assert_eq!(
        api.upstream_calls(),
        0,
        "a bad request never reaches upstream"
    );
}

#[tokio::test]
async fn rejects_an_invalid_city_name_with_422() {
    let api = Api::start(vec![], Reply::Weather).await;
    let too_long = "a".repeat(65);
    for city in [
        "",
        "%20%20%20",
        too_long.as_str(),
        "Oslo%3Cscript%3E",
        "12345",
    ] {
        api.get(&format!("/weather?city={city}")).await.assert_problem(
            422,
            &format!(
                "city={city:?} is well-formed but not a city name (blank, over 64 characters, or \
                 not letters, spaces, hyphens, apostrophes and dots): 422"
            ),
        );
    }
    assert_eq!(
        api.upstream_calls(),
        0,
        "validate before calling upstream: an invalid name must not cost an upstream call"
    );
}

#[tokio::test]
async fn accepts_real_city_names_with_accents_and_punctuation() {
    let api = Api::start(vec![], Reply::Weather).await;
    for (query, city) in [
        ("S%C3%A3o%20Paulo", "São Paulo"),
        ("Port-au-Prince", "Port-au-Prince"),
        ("St.%20John's", "St. John's"),
        ("%20%20Oslo%20", "Oslo"),
    ] {
        let answer = api.get(&format!("/weather?city={query}")).await;
        assert_eq!(
            answer.status, 200,
            "{city:?} is a real city name and should be accepted, got {answer:?}"
        );
        assert_eq!(
            answer.body["city"], city,
            "the city (trimmed) should reach the upstream unchanged"
        );
    }
}

#[tokio::test]
async fn rejects_unknown_units_with_422() {
    let api = Api::start(vec![], Reply::Weather).await;
    let answer = api.get("/weather?city=Oslo&units=kelvin").await;
    answer.assert_problem(422, "units must be `metric` or `imperial`");
    assert_eq!(
        api.upstream_calls(),
        0,
        "invalid units never reach upstream"
    );
}

#[tokio::test]
async fn serves_repeated_requests_from_the_cache() {
    let api = Api::start(vec![], Reply::Weather).await;
    let first = api.get("/weather?city=Oslo").await;
    assert_eq!(first.status, 200, "got {first:?}");
    assert_eq!(first.x_cache, "miss", "the first request is a cache miss");

    let second = api.get("/weather?city=oslo&units=imperial").await;
    assert_eq!(second.status, 200, "got {second:?}");
    assert_eq!(
        second.x_cache, "hit",
        "the same city (in any case, in any units) within the TTL is a cache hit"
    );
    assert_eq!(
        second.body["temperature"],
        json!(70.7),
        "the cached observation is converted to the units of each request"
    );
    assert_eq!(
        api.upstream_calls(),
        1,
        "two requests for one city within the TTL make one upstream call"
    );
}

#[tokio::test]
async fn asks_upstream_again_once_the_cache_entry_expires() {
    let api = Api::start(vec![], Reply::Weather).await;
    assert_eq!(api.get("/weather?city=Oslo").await.status, 200);
    api.clock.advance(TTL);
    let again = api.get("/weather?city=Oslo").await;
    assert_eq!(again.status, 200, "got {again:?}");
    assert_eq!(again.x_cache, "miss", "after the TTL the entry is stale");
    assert_eq!(api.upstream_calls(), 2, "a stale entry is fetched again");
}

#[tokio::test]
async fn maps_an_unknown_city_to_404() {
    let api = Api::start(vec![], Reply::Weather).await;
    api.get("/weather?city=Atlantis")
        .await
        .assert_problem(404, "a city the upstream does not know is 404");
}

#[tokio::test]
async fn maps_an_upstream_failure_to_502_without_leaking_details() {
    let api = Api::start(vec![Reply::Status(500)], Reply::Weather).await;
    let failed = api.get("/weather?city=Oslo").await;
    failed.assert_problem(502, "an upstream 5xx is a Bad Gateway: 502");
    assert!(
        !failed.body.to_string().contains("hunter2") && !failed.body.to_string().contains("db-7"),
        "the upstream's error text is internal and must not reach our clients, got {failed:?}"
    );
    let retried = api.get("/weather?city=Oslo").await;
    assert_eq!(
        retried.status, 200,
        "a failure must not be cached: the next request asks upstream again, got {retried:?}"
    );
    assert_eq!(api.upstream_calls(), 2);
}

#[tokio::test]
async fn maps_an_upstream_timeout_to_504() {
    let api = Api::start_with_timeout(vec![], Reply::Stall, STALL_TIMEOUT).await;
    api.get("/weather?city=Oslo").await.assert_problem(
        504,
        "an upstream that does not answer within its timeout is a Gateway Timeout: 504",
    );
}
