//! Day 1 from the outside: `cargo run -p day01_hello_tcp` is a server that curl can talk to.

use backlings_support::{Server, server_binary};
use day01_hello_tcp::GREETING;

#[test]
fn the_program_answers_curl_with_the_greeting() {
    let server = Server::start(server_binary!());
    for _ in 0..2 {
        server
            .get("/")
            .expect_status(200)
            .expect_header("content-type", "text/plain; charset=utf-8")
            .expect_text(GREETING);
    }
}
