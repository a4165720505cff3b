//! The server's life from the outside. The fixture servers are this test binary itself,
//! started again with `BACKLINGS_SUPPORT_FIXTURE` naming what it should be.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::panic::{AssertUnwindSafe, catch_unwind};

#[cfg(feature = "json")]
use serde_json::json;

use super::{Binary, Launch, Server};
use crate::Request;

const FIXTURE: &str = "BACKLINGS_SUPPORT_FIXTURE";

/// Not a test: the fixture servers, when this binary runs as one.
#[test]
fn fixture_server() {
    let Ok(kind) = std::env::var(FIXTURE) else {
        return;
    };
    match kind.as_str() {
        "exit" => {
            println!("starting");
            eprintln!("boom: cannot open the database");
            std::process::exit(3);
        }
        "http" => serve_http(),
        other => panic!("unknown fixture {other}"),
    }
}

/// Answers `/json` with a JSON link, anything else with its path as text; `/spawn` also
/// starts a child process and answers its pid.
fn serve_http() {
    let port = std::env::var("PORT").unwrap();
    let listener = TcpListener::bind(format!("127.0.0.1:{port}")).unwrap();
    println!("listening on http://127.0.0.1:{port}");
    let mut children = Vec::new();
    let mut open = Vec::new();
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            continue;
        }
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap_or(0) > 2 {
            line.clear();
        }
        let path = request_line.split(' ').nth(1).unwrap_or("/").to_string();
        println!("request {path}");
        if path == "/stream" {
            // Two events in three chunks, then the stream stays open.
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n\
                 9\r\ndata: 1\n\n\r\n5\r\ndata:\r\n6\r\n two\n\n\r\n"
            );
            open.push(stream);
            continue;
        }
        let (kind, body) = match path.as_str() {
            "/json" => ("application/json", r#"{"slug":"1","visits":0}"#.to_string()),
            "/spawn" => {
                let child = std::process::Command::new("sleep")
                    .arg("60")
                    .spawn()
                    .unwrap();
                let pid = child.id().to_string();
                children.push(child);
                ("text/plain", pid)
            }
            _ => ("text/plain", format!("hello {path}")),
        };
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
    }
}

fn fixture(kind: &str) -> Launch {
    let exe: &'static str = Box::leak(
        std::env::current_exe()
            .unwrap()
            .to_string_lossy()
            .into_owned()
            .into_boxed_str(),
    );
    Server::launch(Binary::new("fixture", Some(exe)))
        .env(FIXTURE, kind)
        .arg("server::tests::fixture_server")
        .arg("--exact")
        .arg("--nocapture")
}

fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("it should fail");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            !stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
        .unwrap_or(false)
}

#[test]
fn a_server_that_exits_first_is_reported_with_its_status_and_output() {
    let message = panic_message(|| {
        fixture("exit").start();
    });
    assert!(
        message.starts_with("the server exited before it listened (exit status: 3)"),
        "{message}"
    );
    assert!(message.contains("with PORT="), "{message}");
    assert!(
        message.contains("  boom: cannot open the database\n"),
        "{message}"
    );
}

#[test]
fn a_failed_expectation_shows_the_exchange_as_curl_and_the_server_output() {
    let server = fixture("http").start();
    let reply = server.get("/hello");
    reply.expect_status(200).expect_text("hello /hello");
    let message = panic_message(|| {
        reply.expect_status(201);
    });
    let port = server.addr().port();
    assert!(
        message.starts_with(&format!(
            "expected the status 201, got 200 OK\n\n$ curl -i http://127.0.0.1:{port}/hello\nHTTP/1.1 200 OK\n"
        )),
        "{message}"
    );
    assert!(message.contains("\nhello /hello\n"), "{message}");
    assert!(
        message.contains(&format!("  listening on http://127.0.0.1:{port}\n")),
        "{message}"
    );
    assert!(message.contains("  request /hello\n"), "{message}");
    let message = panic_message(|| {
        server
            .get("/again")
            .because("the greeting is public")
            .expect_status(401);
    });
    assert!(
        message.starts_with(&format!(
            "expected the status 401, got 200 OK\n(why it matters: the greeting is public)\n\n\
             $ curl -i http://127.0.0.1:{port}/hello\n"
        )),
        "the failing exchange comes last, after the earlier ones: {message}"
    );
    assert!(message.contains(&format!("$ curl -i http://127.0.0.1:{port}/again\n")));
}

#[cfg(feature = "json")]
#[test]
fn a_json_mismatch_is_listed_place_by_place() {
    let server = fixture("http").start();
    let reply = server.send(Request::get("/json").header("Accept", "application/json"));
    reply.expect_json(json!({"slug": "1", "visits": 0}));
    reply.expect_json_includes(json!({"visits": 0}));
    let message = panic_message(|| {
        reply.expect_json(json!({"slug": "rust", "visits": 0, "url": "https://x"}));
    });
    assert!(
        message.starts_with(
            "the body is not the JSON expected:\n  at /slug: expected \"rust\", got \"1\"\n  at /url: missing, expected \"https://x\"\n"
        ),
        "{message}"
    );
    assert!(
        message.contains(" -H 'Accept: application/json'\n"),
        "{message}"
    );
}

#[test]
fn dropping_the_server_takes_what_it_started_down_with_it() {
    if !std::path::Path::new("/proc/self/stat").exists() {
        return;
    }
    let server = fixture("http").start();
    let child: u32 = server.get("/spawn").text().parse().unwrap();
    assert!(alive(child));
    drop(server);
    let gone = (0..500).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(10));
        !alive(child)
    });
    assert!(gone, "the server's child {child} outlived it");
}

#[cfg(unix)]
#[test]
fn stop_sends_sigterm_and_a_restart_keeps_the_data_directory() {
    use std::os::unix::process::ExitStatusExt;

    let mut server = fixture("http").start();
    let data = server.data_dir().to_path_buf();
    let status = server.stop();
    assert_eq!(
        status.signal(),
        Some(15),
        "a std server ends by SIGTERM's default action"
    );
    let message = panic_message(|| {
        server.get("/after");
    });
    assert!(message.contains("GET /after got no response"), "{message}");
    server.start_again();
    assert_eq!(server.data_dir(), data);
    server.get("/again").expect_status(200);
}

#[test]
fn a_raw_connection_shows_bytes_escaped() {
    let server = fixture("http").start();
    let mut conn = server.connect();
    conn.send(b"GET /raw HTTP/1.1\r\n\r\n")
        .expect(b"HTTP/1.1 200 OK\r\n");
    let message = panic_message(|| {
        conn.expect(b"+PONG\r\n");
    });
    let port = server.addr().port();
    assert!(
        message.starts_with(&format!(
            "expected to receive \"+PONG\\r\\n\", got \"Content\"\n\n$ nc 127.0.0.1 {port}   # a raw TCP connection: > sent, < received\n\
             > \"GET /raw HTTP/1.1\\r\\n\\r\\n\"\n< \"HTTP/1.1 200 OK\\r\\n\"\n< \"Content\"\n"
        )),
        "{message}"
    );
}

#[test]
fn a_streaming_response_is_read_as_it_arrives() {
    let server = fixture("http").start();
    let mut events = server.open(Request::get("/stream"));
    events
        .expect_status(200)
        .expect_header("content-type", "text/event-stream");
    assert_eq!(events.read_until("\n\n"), "data: 1\n\n");
    assert_eq!(events.read_until("\n\n"), "data: two\n\n");
    events.timeout(std::time::Duration::from_millis(200));
    let message = panic_message(|| {
        events.read_until("data: 3");
    });
    let port = server.addr().port();
    assert!(
        message.starts_with(&format!(
            "expected \"data: 3\" within 200ms of asking\n\n$ curl -N -i http://127.0.0.1:{port}/stream\nHTTP/1.1 200 OK\n"
        )),
        "{message}"
    );
    assert!(
        message.contains("\ndata: 1\n\ndata: two\n\n(the response is still open)\n"),
        "{message}"
    );
}
