//! Day 1: Hello, TCP.
//!
//! A web server is, underneath everything, a program that accepts TCP connections, reads bytes
//! and writes bytes back. Today you write one with nothing but the standard library: it answers
//! every connection with a valid HTTP/1.1 response. Read `README.md` first.

use std::io;
use std::net::{TcpListener, TcpStream};

/// The body every request gets today.
pub const GREETING: &str = "Hello from backlings!\n";

/// Builds a complete HTTP/1.1 `200 OK` response carrying `body` as plain text.
///
/// The response is a status line, the headers `Content-Type: text/plain; charset=utf-8`,
/// `Content-Length` (the body's length in **bytes**) and `Connection: close`, a blank line, and
/// the body. Every line ends with `\r\n`.
pub fn response(body: &str) -> String {
    // TODO: format the status line, the three headers, the blank line and the body.
    let _ = body;
    todo!("build the HTTP/1.1 response")
}

/// Reads one request's head from `stream` (every line up to and including the blank line that
/// ends it), then writes `response(GREETING)` and returns.
///
/// Reading the head first matters: a server that answers and closes before the client has sent
/// its request makes the client see a reset connection instead of the answer.
pub fn handle_connection(stream: TcpStream) -> io::Result<()> {
    // TODO: wrap the stream in a `std::io::BufReader` and read lines (`BufRead::read_line`)
    // until an empty line ("\r\n") or the end of the stream; then write the response to the
    // stream with `Write::write_all` and `flush`.
    let _ = stream;
    todo!("read the request head, then answer it")
}

/// Accepts connections on `listener` forever, answering each with `handle_connection`.
///
/// One client that misbehaves (disconnects early, sends garbage) must not stop the server: log
/// its error to stderr and go on with the next connection.
pub fn serve(listener: TcpListener) -> io::Result<()> {
    // TODO: loop over `listener.incoming()`; for each stream call `handle_connection` and print
    // (do not return) any error it gives.
    let _ = listener;
    todo!("accept connections in a loop")
}
