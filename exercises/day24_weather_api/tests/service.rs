//! Day 24 from the outside: `cargo run -p day24_weather_api` in front of a stand-in for the
//! upstream weather service, found through `UPSTREAM_URL`.

use backlings_support::{Server, Stub, StubResponse, server_binary};
use serde_json::json;

#[test]
fn the_program_asks_its_upstream_once_then_answers_from_its_cache() {
    let upstream = Stub::start(|request| match request.query("city").as_deref() {
        Some("Atlantis") => StubResponse::status(404),
        city => StubResponse::json(&json!({
            "city": city, "temperature_c": 21.5, "wind_kph": 12.0, "humidity": 40,
            "condition": "sunny",
        })),
    });
    let server = Server::launch(server_binary!())
        .env("UPSTREAM_URL", &upstream.url(""))
        .start();
    server
        .get("/weather?city=Oslo")
        .expect_status(200)
        .expect_header("x-cache", "miss")
        .expect_json(json!({
            "city": "Oslo", "condition": "sunny", "units": "metric",
            "temperature": 21.5, "temperature_unit": "°C",
            "wind_speed": 12.0, "wind_speed_unit": "km/h", "humidity": 40,
        }));
    server
        .get("/weather?city=oslo&units=imperial")
        .because("the same city within the TTL comes from the cache, in the units asked for")
        .expect_status(200)
        .expect_header("x-cache", "hit")
        .expect_json_includes(json!({"temperature": 70.7}));
    server.get("/weather?city=Atlantis").expect_status(404);
    let asked: Vec<String> = upstream.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        asked,
        ["/v1/current?city=Oslo", "/v1/current?city=Atlantis"],
        "one upstream call per city within the TTL"
    );
}
