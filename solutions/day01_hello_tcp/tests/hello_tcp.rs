//! What "done" means for day 1: a real server on a free port, real clients over TCP.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use day01_hello_tcp::{GREETING, response, serve};

/// Starts the learner's server on a free port in a background thread.
fn start_server() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || serve(listener));
    addr
}

/// Sends `request`, then reads until the server closes the connection (at most 5 s).
fn exchange(addr: std::net::SocketAddr, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect to the server");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

const GET: &str = "GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: test\r\n\r\n";

#[test]
fn response_starts_with_a_200_status_line() {
    let text = response("hi");
    assert!(
        text.starts_with("HTTP/1.1 200 OK\r\n"),
        "a response must start with `HTTP/1.1 200 OK\\r\\n`, got: {text:?}"
    );
}

#[test]
fn response_ends_its_head_with_a_blank_line_then_the_body() {
    let text = response("hi there");
    assert!(
        text.ends_with("\r\n\r\nhi there"),
        "the headers end with an empty line (`\\r\\n\\r\\n`) and the body follows it, got: {text:?}"
    );
}

#[test]
fn response_counts_the_content_length_in_bytes() {
    let text = response("héllo ✓");
    assert!(
        text.contains("\r\nContent-Length: 10\r\n"),
        "\"héllo ✓\" is 7 characters but 10 bytes; Content-Length counts bytes, got: {text:?}"
    );
}

#[test]
fn response_says_it_is_utf8_text_and_closes_the_connection() {
    let text = response("x");
    assert!(
        text.contains("\r\nContent-Type: text/plain; charset=utf-8\r\n"),
        "expected a `Content-Type: text/plain; charset=utf-8` header, got: {text:?}"
    );
    assert!(
        text.contains("\r\nConnection: close\r\n"),
        "expected a `Connection: close` header, got: {text:?}"
    );
}

#[test]
fn server_answers_a_get_request_with_the_greeting() {
    let addr = start_server();
    let answer = exchange(addr, GET);
    assert_eq!(
        answer,
        response(GREETING),
        "the server should answer with response(GREETING) and then close the connection"
    );
}

#[test]
fn server_answers_many_clients_one_after_another() {
    let addr = start_server();
    for i in 0..5 {
        let answer = exchange(addr, GET);
        assert!(
            answer.starts_with("HTTP/1.1 200 OK\r\n"),
            "client number {i} got no valid answer: {answer:?}; does `serve` loop forever?"
        );
    }
}

#[test]
fn server_survives_a_client_that_hangs_up_without_a_request() {
    let addr = start_server();
    let rude = TcpStream::connect(addr).unwrap();
    rude.shutdown(Shutdown::Both).unwrap();
    drop(rude);
    let answer = exchange(addr, GET);
    assert!(
        answer.ends_with(GREETING),
        "after a client hung up early the next one should still be answered, got: {answer:?}"
    );
}

/// Reads for `window` and fails the test if the server answered or hung up in that time:
/// it must still be waiting for the rest of the request.
fn assert_still_waiting(stream: &mut TcpStream, window: Duration, sent: &str) {
    stream.set_read_timeout(Some(window)).unwrap();
    let mut byte = [0u8; 1];
    match stream.read(&mut byte) {
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
        Ok(0) => panic!(
            "the server hung up after only {sent:?}: the head ends with an empty line, keep reading until it arrives"
        ),
        Ok(_) => panic!(
            "the server answered after only {sent:?}: a request can arrive in several TCP segments, \
             so keep reading until the empty line that ends the head"
        ),
        Err(e) => panic!("reading from the server failed after {sent:?}: {e}"),
    }
}

#[test]
fn server_waits_for_a_request_that_arrives_in_pieces() {
    let addr = start_server();
    let mut stream = TcpStream::connect(addr).unwrap();
    // Three pieces: part of the request line, then everything but the final empty line, then
    // that line. After each of the first two the server has had time to read what was sent
    // (half a second is thousands of reads) and must still be waiting for more.
    let window = Duration::from_millis(500);
    let (first, rest) = GET.split_at(10);
    let (second, last) = rest.split_at(rest.len() - 2);
    stream.write_all(first.as_bytes()).unwrap();
    assert_still_waiting(&mut stream, window, first);
    stream.write_all(second.as_bytes()).unwrap();
    assert_still_waiting(&mut stream, window, &GET[..GET.len() - 2]);
    stream.write_all(last.as_bytes()).unwrap();

    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert_eq!(
        answer,
        response(GREETING),
        "once the empty line arrives, the server answers"
    );
}
