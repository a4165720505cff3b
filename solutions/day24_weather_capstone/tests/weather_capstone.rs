//! The weather API from the outside: your binary, started with the environment the README's
//! "Configuration" names, in front of a fake upstream (a `Stub` on loopback) that counts its
//! calls, fails on demand and answers slowly on demand. Every test checks something a client
//! of the API can see; README.md is the specification they follow.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use backlings_support::{Reply, Server, Stub, StubRequest, StubResponse, server_binary};
use serde_json::{Value, json};

/// How long a test polls for something that takes a second or two to happen.
const PATIENCE: Duration = Duration::from_secs(15);

/// What the fake upstream says about the weather now in `city`.
fn current_in(city: &str) -> Value {
    json!({
        "city": city, "temperature_c": -3.5, "wind_kph": 12.6, "humidity": 80,
        "condition": "snow",
    })
}

/// What the fake upstream forecasts for `city`, `days` days from tomorrow.
fn forecast_for(city: &str, days: usize) -> Value {
    let days: Vec<Value> = (0..days)
        .map(|i| {
            json!({
                "date": format!("2026-12-{:02}", 4 + i), "min_c": -6.5 + i as f64,
                "max_c": 1.5 + i as f64, "condition": "cloudy",
            })
        })
        .collect();
    json!({"city": city, "days": days})
}

/// The upstream the README documents: `/v1/current` and `/v1/forecast` (`days` from 1 to 7,
/// 7 when absent), and 404 for a city it does not know.
fn weather(request: &StubRequest) -> StubResponse {
    let city = request.query("city").unwrap_or_default();
    if city.eq_ignore_ascii_case("Atlantis") {
        return StubResponse::status(404);
    }
    match request.path() {
        "/v1/current" => StubResponse::json(&current_in(&city)),
        "/v1/forecast" => {
            let days = request.query("days").and_then(|d| d.parse().ok());
            StubResponse::json(&forecast_for(&city, days.unwrap_or(7).clamp(1, 7)))
        }
        _ => StubResponse::status(404),
    }
}

/// Starts the learner's binary pointed at `upstream`, with extra settings.
#[track_caller]
fn start(upstream: &Stub, settings: &[(&str, &str)]) -> Server {
    let mut launch = Server::launch(server_binary!()).env("UPSTREAM_URL", &upstream.url(""));
    for (name, value) in settings {
        launch = launch.env(name, value);
    }
    launch.start()
}

/// How many requests the upstream got for `path`.
fn calls(upstream: &Stub, path: &str) -> usize {
    upstream
        .requests()
        .iter()
        .filter(|r| r.path() == path)
        .count()
}

/// A problem+json error with `status` (RFC 9457, as the README's "Errors" shows).
#[track_caller]
fn expect_problem(reply: &Reply, status: u16) {
    reply.expect_status(status);
    let content_type = reply.header("content-type").unwrap_or_default();
    reply.ensure(
        content_type.starts_with("application/problem+json"),
        "an error's Content-Type is application/problem+json",
    );
    let body = reply.json();
    reply.ensure(
        body["status"] == json!(status)
            && body["type"].is_string()
            && body["title"].is_string()
            && body["detail"].is_string(),
        format!("a problem has `type`, `title` and `detail` strings and `status` {status}"),
    );
}

/// A header that holds a whole number of seconds (`Age`).
#[track_caller]
fn seconds(reply: &Reply, name: &str) -> u64 {
    match reply.header(name).map(|v| v.trim().parse()) {
        Some(Ok(seconds)) => seconds,
        _ => reply.fail(format!("expected a `{name}` header with a whole number")),
    }
}

/// The `max-age` directive of `Cache-Control`.
#[track_caller]
fn max_age(reply: &Reply) -> u64 {
    let directive = reply.header("cache-control").and_then(|value| {
        value
            .split(',')
            .find_map(|d| d.trim().strip_prefix("max-age=")?.parse().ok())
    });
    match directive {
        Some(seconds) => seconds,
        None => reply.fail("expected `Cache-Control` with a `max-age=N` directive"),
    }
}

/// Asks `path` again and again (a short pause between tries) until `done` says so; fails the
/// test after `PATIENCE`. Every reply is checked by `done` itself.
#[track_caller]
fn poll(server: &Server, path: &str, what: &str, mut done: impl FnMut(&Reply) -> bool) -> Reply {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let reply = server.get(path);
        if done(&reply) {
            return reply;
        }
        if Instant::now() > deadline {
            reply.fail(format!("after {PATIENCE:?}, still not {what}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn health_answers_ok_without_asking_the_upstream() {
    let upstream = Stub::start(weather);
    let server = start(&upstream, &[]);
    server
        .get("/health")
        .expect_status(200)
        .expect_json(json!({"status": "ok"}));
    assert_eq!(
        upstream.requests().len(),
        0,
        "/health never calls the upstream"
    );
}

#[test]
fn current_weather_is_the_upstreams_answer_with_fresh_cache_headers() {
    let upstream = Stub::start(weather);
    let server = start(&upstream, &[("CACHE_TTL_SECS", "60")]);
    let reply = server.get("/weather/current?city=Oslo");
    reply
        .expect_status(200)
        .expect_json(current_in("Oslo"))
        .expect_header("x-cache", "miss")
        .expect_header("age", "0");
    let content_type = reply.header("content-type").unwrap_or_default();
    reply.ensure(
        content_type.starts_with("application/json"),
        "an answer's Content-Type is application/json",
    );
    reply.ensure(max_age(&reply) == 60, "a miss is fresh for the whole TTL");
    assert_eq!(
        calls(&upstream, "/v1/current"),
        1,
        "one miss, one upstream call"
    );
    let asked = upstream.requests();
    let city = asked.iter().find_map(|r| r.query("city"));
    assert_eq!(
        city.as_deref(),
        Some("Oslo"),
        "the city goes upstream as given"
    );
}

#[test]
fn a_forecast_has_the_days_asked_for_and_three_by_default() {
    let upstream = Stub::start(weather);
    let server = start(&upstream, &[]);
    server
        .get("/weather/forecast?city=Oslo&days=2")
        .expect_status(200)
        .expect_json(forecast_for("Oslo", 2));
    server
        .get("/weather/forecast?city=Lima")
        .expect_status(200)
        .expect_json(forecast_for("Lima", 3));
}

#[test]
fn bad_input_is_a_problem_and_costs_no_upstream_call() {
    let upstream = Stub::start(weather);
    let server = start(&upstream, &[]);
    expect_problem(&server.get("/weather/current"), 400);
    expect_problem(&server.get("/weather/forecast?days=2"), 400);
    let long = "a".repeat(65);
    for path in [
        "/weather/current?city=",
        "/weather/current?city=%20%20",
        &format!("/weather/current?city={long}"),
        "/weather/current?city=12345",
        "/weather/current?city=Oslo%3Cscript%3E",
        "/weather/forecast?city=Oslo&days=0",
        "/weather/forecast?city=Oslo&days=8",
        "/weather/forecast?city=Oslo&days=two",
    ] {
        expect_problem(&server.get(path), 422);
    }
    assert_eq!(
        upstream.requests().len(),
        0,
        "invalid input never reaches the upstream"
    );
    server
        .get("/weather/current?city=St.%20John%27s")
        .because("letters, spaces, dots and apostrophes make a valid city")
        .expect_status(200);
    server
        .get(&format!("/weather/current?city={}", "%C3%A9".repeat(64)))
        .because("64 characters are allowed, however many bytes they take")
        .expect_status(200);
}

#[test]
fn an_unknown_city_is_a_404_problem_asked_once() {
    let upstream = Stub::start(weather);
    let server = start(&upstream, &[("UPSTREAM_RETRIES", "2")]);
    expect_problem(&server.get("/weather/current?city=Atlantis"), 404);
    assert_eq!(
        calls(&upstream, "/v1/current"),
        1,
        "a 404 from the upstream is an answer: never retried"
    );
}

#[test]
fn the_same_city_within_the_ttl_comes_from_the_cache_whatever_its_case() {
    let upstream = Stub::start(weather);
    let server = start(&upstream, &[("CACHE_TTL_SECS", "60")]);
    server.get("/weather/current?city=Oslo").expect_status(200);
    server
        .get("/weather/current?city=OSLO")
        .because("city names are case-insensitive: one cache entry for Oslo and OSLO")
        .expect_status(200)
        .expect_header("x-cache", "hit")
        .expect_json(current_in("Oslo"));
    assert_eq!(calls(&upstream, "/v1/current"), 1);
    server
        .get("/weather/forecast?city=Oslo&days=2")
        .because("a forecast is not the current weather: it has a cache entry of its own")
        .expect_status(200)
        .expect_json(forecast_for("Oslo", 2));
    server
        .get("/weather/forecast?city=oslo&days=2")
        .expect_status(200)
        .expect_header("x-cache", "hit");
    assert_eq!(calls(&upstream, "/v1/forecast"), 1);
}

#[test]
fn concurrent_requests_for_a_cold_city_make_one_upstream_call() {
    // A slow upstream: the eight requests all arrive while the first call is still out.
    let upstream = Stub::start(|request| {
        std::thread::sleep(Duration::from_secs(1));
        weather(request)
    });
    let server = start(&upstream, &[("UPSTREAM_TIMEOUT_MS", "10000")]);
    let replies: Vec<Reply> = std::thread::scope(|scope| {
        let asking: Vec<_> = (0..8)
            .map(|_| scope.spawn(|| server.get("/weather/current?city=Oslo")))
            .collect();
        asking.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for reply in &replies {
        reply.expect_status(200).expect_json(current_in("Oslo"));
    }
    assert_eq!(
        calls(&upstream, "/v1/current"),
        1,
        "concurrent misses for one city share one upstream call (single-flight)"
    );
}

#[test]
fn age_counts_the_seconds_since_the_fetch_and_max_age_what_is_left() {
    let upstream = Stub::start(weather);
    let server = start(&upstream, &[("CACHE_TTL_SECS", "60")]);
    let path = "/weather/current?city=Oslo";
    let started = Instant::now();
    server
        .get(path)
        .expect_status(200)
        .expect_header("age", "0");
    let older = poll(
        &server,
        path,
        "an answer at least one second old",
        |reply| {
            reply.expect_status(200).expect_header("x-cache", "hit");
            let age = seconds(reply, "age");
            reply.ensure(
                age <= started.elapsed().as_secs() + 1,
                "Age is the seconds since the fetch, no more",
            );
            reply.ensure(age + max_age(reply) == 60, "max-age is the TTL minus Age");
            age >= 1
        },
    );
    older.expect_json(current_in("Oslo"));
    assert_eq!(calls(&upstream, "/v1/current"), 1, "all hits, one fetch");
}

#[test]
fn after_the_ttl_the_next_request_asks_the_upstream_again() {
    let upstream = Stub::start(weather);
    let server = start(&upstream, &[("CACHE_TTL_SECS", "1")]);
    let path = "/weather/current?city=Oslo";
    server.get(path).expect_status(200);
    poll(&server, path, "asking the upstream again", |reply| {
        reply.expect_status(200).expect_json(current_in("Oslo"));
        calls(&upstream, "/v1/current") == 2
    })
    .expect_header("x-cache", "miss");
}

#[test]
fn an_expired_answer_is_served_stale_while_the_upstream_fails() {
    let down = Arc::new(AtomicBool::new(false));
    let is_down = Arc::clone(&down);
    let upstream = Stub::start(move |request| {
        if is_down.load(Ordering::SeqCst) {
            StubResponse::status(503)
        } else {
            weather(request)
        }
    });
    let settings = [("CACHE_TTL_SECS", "1"), ("STALE_IF_ERROR_SECS", "600")];
    let server = start(&upstream, &settings);
    let path = "/weather/current?city=Oslo";
    server.get(path).expect_status(200);
    down.store(true, Ordering::SeqCst);
    let stale = poll(&server, path, "served stale", |reply| {
        reply
            .clone()
            .because("while the upstream fails, the last good answer stands in for 600 s")
            .expect_status(200)
            .expect_json(current_in("Oslo"));
        reply.header("x-cache") == Some("stale")
    });
    stale.ensure(
        seconds(&stale, "age") >= 1,
        "a stale answer's Age is past the TTL",
    );
    stale.ensure(max_age(&stale) == 0, "a stale answer has `max-age=0`");
    expect_problem(&server.get("/weather/current?city=Lima"), 502);
}

#[test]
fn a_5xx_is_retried_with_doubling_waits_until_the_upstream_answers() {
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&arrivals);
    let upstream = Stub::start(move |request| {
        let mut seen = seen.lock().unwrap();
        seen.push(Instant::now());
        if seen.len() <= 2 {
            StubResponse::status(503)
        } else {
            weather(request)
        }
    });
    let settings = [("UPSTREAM_RETRIES", "2"), ("UPSTREAM_BACKOFF_MS", "200")];
    let server = start(&upstream, &settings);
    server
        .get("/weather/current?city=Oslo")
        .because("two 503s then an answer: the second retry gets it")
        .expect_status(200)
        .expect_json(current_in("Oslo"));
    let arrivals = arrivals.lock().unwrap();
    assert_eq!(arrivals.len(), 3, "one call and two retries");
    let (first, second) = (arrivals[1] - arrivals[0], arrivals[2] - arrivals[1]);
    assert!(
        first >= Duration::from_millis(200),
        "waited {first:?} before the first retry, not the 200 ms of UPSTREAM_BACKOFF_MS"
    );
    assert!(
        second >= Duration::from_millis(400),
        "waited {second:?} before the second retry, not twice the first wait"
    );
}

#[test]
fn an_upstream_that_keeps_failing_is_a_502_problem_after_the_retries() {
    let upstream = Stub::start(|_| StubResponse::text(500, "database on fire"));
    let settings = [("UPSTREAM_RETRIES", "2"), ("UPSTREAM_BACKOFF_MS", "10")];
    let server = start(&upstream, &settings);
    let reply = server.get("/weather/current?city=Oslo");
    expect_problem(&reply, 502);
    reply.ensure(
        !reply.text().contains("database on fire"),
        "the upstream's own words never reach the client",
    );
    assert_eq!(
        calls(&upstream, "/v1/current"),
        3,
        "one call and two retries"
    );
}

#[test]
fn an_upstream_rate_limit_is_a_503_with_its_retry_after_and_no_retry() {
    let upstream = Stub::start(|_| StubResponse::status(429).header("Retry-After", "42"));
    let server = start(&upstream, &[("UPSTREAM_RETRIES", "2")]);
    let reply = server.get("/weather/forecast?city=Oslo");
    expect_problem(&reply, 503);
    reply.expect_header("retry-after", "42");
    assert_eq!(
        calls(&upstream, "/v1/forecast"),
        1,
        "a 4xx is never retried: the next attempt would be refused too"
    );
}

#[test]
fn a_slow_upstream_is_a_504_problem() {
    let upstream = Stub::start(|request| {
        // Far longer than UPSTREAM_TIMEOUT_MS: the API must give up long before.
        std::thread::sleep(Duration::from_secs(5));
        weather(request)
    });
    let server = start(&upstream, &[("UPSTREAM_TIMEOUT_MS", "300")]);
    expect_problem(&server.get("/weather/current?city=Oslo"), 504);
}
