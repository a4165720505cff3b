//! Day 1: Hello, TCP (solution).
//!
//! A web server is, underneath everything, a program that accepts TCP connections, reads bytes
//! and writes bytes back. This one answers every connection with a valid HTTP/1.1 response.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};

/// The body every request gets today.
pub const GREETING: &str = "Hello from backlings!\n";

/// Builds a complete HTTP/1.1 `200 OK` response carrying `body` as plain text.
///
/// The response is a status line, the headers `Content-Type: text/plain; charset=utf-8`,
/// `Content-Length` (the body's length in **bytes**) and `Connection: close`, a blank line, and
/// the body. Every line ends with `\r\n`.
pub fn response(body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\n\
         Connection: close\r\n\
         \r\n\
         {body}",
        body.len()
    )
}

/// Reads one request's head from `stream` (every line up to and including the blank line that
/// ends it), then writes `response(GREETING)` and returns.
pub fn handle_connection(stream: TcpStream) -> io::Result<()> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        let read = reader.read_line(&mut line)?;
        // End of stream, or the empty line that ends the head.
        if read == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut stream = reader.into_inner();
    stream.write_all(response(GREETING).as_bytes())?;
    stream.flush()
}

/// Accepts connections on `listener` forever, answering each with `handle_connection`.
///
/// One client that misbehaves must not stop the server: its error is logged and the loop goes on.
pub fn serve(listener: TcpListener) -> io::Result<()> {
    for stream in listener.incoming() {
        let result = stream.and_then(handle_connection);
        if let Err(error) = result {
            eprintln!("connection failed: {error}");
        }
    }
    Ok(())
}
