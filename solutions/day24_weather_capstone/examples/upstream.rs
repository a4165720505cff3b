//! A stand-in for the upstream weather service, to try the API by hand (it is not part of
//! the exercise): `cargo run -p day24_weather_capstone --example upstream` listens on
//! http://127.0.0.1:4024 (or `--port N`) and answers the two routes README.md documents, with
//! made-up but steady weather: the same city always gets the same numbers. It knows every
//! city but Atlantis. Stop it (Ctrl-C) to see what your API does when its upstream is down.

use std::collections::HashMap;

use axum::Json;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::{Value, json};

const CONDITIONS: [&str; 5] = ["sunny", "cloudy", "rain", "snow", "fog"];

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let port = match args.as_slice() {
        [_, flag, port] if flag == "--port" => port.parse().expect("--port takes a number"),
        _ => 4024,
    };
    let app = axum::Router::new()
        .route("/v1/current", get(current))
        .route("/v1/forecast", get(forecast));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("cannot listen: is another upstream running?");
    println!("fake upstream listening on http://127.0.0.1:{port}");
    axum::serve(listener, app).await.expect("the server failed");
}

/// A number from 0 to 99 that depends only on the city's name (in any letter case).
fn seed(city: &str) -> u32 {
    let bytes = city.to_lowercase().into_bytes();
    bytes.iter().fold(7u32, |hash, byte| {
        hash.wrapping_mul(31).wrapping_add(u32::from(*byte))
    }) % 100
}

fn city(query: &HashMap<String, String>) -> Result<String, StatusCode> {
    match query.get("city") {
        Some(city) if !city.eq_ignore_ascii_case("atlantis") => Ok(city.clone()),
        Some(_) => Err(StatusCode::NOT_FOUND),
        None => Err(StatusCode::BAD_REQUEST),
    }
}

async fn current(Query(query): Query<HashMap<String, String>>) -> Result<Json<Value>, StatusCode> {
    let city = city(&query)?;
    let seed = seed(&city);
    println!("GET /v1/current?city={city}");
    Ok(Json(json!({
        "city": city,
        "temperature_c": f64::from(seed % 40) - 10.5,
        "wind_kph": f64::from(seed % 30) + 0.5,
        "humidity": 30 + seed % 70,
        "condition": CONDITIONS[seed as usize % CONDITIONS.len()],
    })))
}

async fn forecast(Query(query): Query<HashMap<String, String>>) -> Result<Json<Value>, StatusCode> {
    let city = city(&query)?;
    let days: u32 = match query.get("days").map(|d| d.parse()) {
        None => 7,
        Some(Ok(days)) if (1..=7).contains(&days) => days,
        Some(_) => return Err(StatusCode::BAD_REQUEST),
    };
    let seed = seed(&city);
    println!("GET /v1/forecast?city={city}&days={days}");
    let days: Vec<Value> = (0..days)
        .map(|day| {
            let min = f64::from((seed + day * 3) % 30) - 12.5;
            json!({
                "date": format!("2026-12-{:02}", 4 + day),
                "min_c": min,
                "max_c": min + 6.0,
                "condition": CONDITIONS[(seed + day) as usize % CONDITIONS.len()],
            })
        })
        .collect();
    Ok(Json(json!({"city": city, "days": days})))
}
