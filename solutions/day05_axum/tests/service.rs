//! Day 5 from the outside: `cargo run -p day05_axum` is a link shortener that curl can use.

use backlings_support::{Request, Server, server_binary};
use serde_json::json;

#[test]
fn the_program_shortens_a_link_and_redirects_to_it() {
    let server = Server::start(server_binary!());
    server.get("/health").expect_status(200).expect_text("ok");
    let link = json!({"url": "https://www.rust-lang.org/learn", "slug": "rust"});
    server
        .send(Request::post("/links").json(&link))
        .expect_status(201)
        .expect_header("location", "/links/rust")
        .expect_json(
            json!({"slug": "rust", "url": "https://www.rust-lang.org/learn", "visits": 0}),
        );
    server
        .get("/rust")
        .expect_status(307)
        .expect_header("location", "https://www.rust-lang.org/learn");
    server
        .get("/links/rust")
        .expect_status(200)
        .expect_json_includes(json!({"visits": 1}));
    server
        .send(Request::post("/links").json(&link))
        .expect_status(409);
}
