//! Day 28 from the outside: `cargo run -p day28_load_balancer` in front of two stand-in
//! backends, found through `BACKENDS`, one of which goes down.

use backlings_support::{Server, Stub, StubResponse, server_binary};

#[test]
fn the_program_takes_turns_and_loses_no_request_when_a_backend_goes_down() {
    let a = Stub::start(|_| StubResponse::text(200, "a"));
    let b = Stub::start(|_| StubResponse::text(200, "b"));
    let server = Server::launch(server_binary!())
        .env("BACKENDS", &format!("{},{}", a.addr(), b.addr()))
        .start();
    let mut answers = Vec::new();
    for _ in 0..4 {
        let reply = server.get("/");
        answers.push(reply.expect_status(200).text());
    }
    if !(answers[0] != answers[1] && answers[0] == answers[2] && answers[1] == answers[3]) {
        server.fail(&format!(
            "round robin: the two backends take turns, got answers from {answers:?}"
        ));
    }

    drop(b);
    for _ in 0..3 {
        server
            .get("/")
            .because("a backend that refuses the connection never saw the request: try the next")
            .expect_status(200)
            .expect_text("a");
    }
    drop(a);
    server
        .get("/")
        .because("every backend tried failed: 502 Bad Gateway")
        .expect_status(502);
    server
        .get("/")
        .because("no backend left in rotation: 503 Service Unavailable")
        .expect_status(503);
}
