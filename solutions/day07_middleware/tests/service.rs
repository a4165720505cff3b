//! Day 7 from the outside: `cargo run -p day07_middleware` answers with request ids, hides its
//! panics from clients, and writes one JSON log line per request on stdout.

use backlings_support::{Request, Server, server_binary};
use serde_json::{Value, json};

#[test]
fn the_program_tags_requests_hides_panics_and_logs_json_on_stdout() {
    let server = Server::start(server_binary!());
    server
        .send(Request::get("/hello").header("x-request-id", "abc-1"))
        .expect_status(200)
        .expect_header("x-request-id", "abc-1")
        .expect_json_includes(json!({"requestId": "abc-1"}));
    let failed = server.send(Request::get("/panic").header("x-request-id", "abc-2"));
    failed
        .expect_status(500)
        .expect_header("x-request-id", "abc-2")
        .ensure(
            !failed.text().contains("hunter2"),
            "a 500 must not show the panic's message to the client",
        );

    let logged = |id: &'static str| {
        move |line: &str| {
            serde_json::from_str::<Value>(line).is_ok_and(|event| {
                event["fields"]["message"] == "request finished"
                    && event["fields"]["request_id"] == id
            })
        }
    };
    let line = server.expect_output("a JSON line `request finished` for abc-2", logged("abc-2"));
    let event: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(
        event["fields"]["status"], 500,
        "the log line has the final status: {line}"
    );
    server.expect_output("a JSON line `request finished` for abc-1", logged("abc-1"));
}
