//! What "done" means for day 2: bytes in, a request or the right status code out, never a panic.

use std::io::{self, Read};

use day02_http_parser::{
    Limits, ParseError, Parsed, ReadError, Request, Version, parse, read_request,
};

const WITH_BODY: &[u8] =
    b"POST /todos?done=false HTTP/1.1\r\nHost: localhost\r\nContent-Length: 11\r\n\r\nhello world";

/// Parses `bytes` with the default limits and expects a complete request.
fn complete(bytes: &[u8]) -> (Request, usize) {
    match parse(bytes, Limits::default()) {
        Ok(Parsed::Complete { request, consumed }) => (request, consumed),
        other => panic!(
            "expected a complete request from {:?}, got {other:?}",
            String::from_utf8_lossy(bytes)
        ),
    }
}

/// A request whose head is `head_lines` (request line first) and that has no body.
fn head(head_lines: &str) -> Vec<u8> {
    format!("{head_lines}\r\n\r\n").into_bytes()
}

#[test]
fn parses_the_method_target_and_version() {
    let (request, _) = complete(b"GET /todos/42?full=1 HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_eq!(request.method, "GET", "the method is the first word");
    assert_eq!(
        request.target, "/todos/42?full=1",
        "the target is the second word, query string included"
    );
    assert_eq!(
        request.version,
        Version::Http11,
        "HTTP/1.1 is Version::Http11"
    );
    assert!(
        request.body.is_empty(),
        "no Content-Length means an empty body"
    );

    let (old, _) = complete(b"DELETE / HTTP/1.0\r\n\r\n");
    assert_eq!(old.method, "DELETE");
    assert_eq!(old.version, Version::Http10, "HTTP/1.0 is Version::Http10");
    assert!(
        old.headers.is_empty(),
        "a request may have no headers at all"
    );
}

#[test]
fn finds_headers_whatever_their_case() {
    let (request, _) = complete(
        b"GET / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Type: text/plain\r\nx-REQUEST-id:   abc-1 \t\r\n\r\n",
    );
    let headers = &request.headers;
    assert_eq!(headers.len(), 3, "three header lines were sent");
    assert_eq!(
        headers.get("content-type"),
        Some("text/plain"),
        "header names are case-insensitive: `content-type` must find `Content-Type`"
    );
    assert_eq!(
        headers.get("X-Request-Id"),
        Some("abc-1"),
        "values lose the spaces and tabs around them"
    );
    assert_eq!(
        headers.get("HOST"),
        Some("localhost:8080"),
        "split a header at its FIRST ':' only; the value may contain more"
    );
    assert_eq!(
        headers.get("Accept"),
        None,
        "a header that was not sent is None"
    );
}

#[test]
fn reads_exactly_content_length_bytes_of_body() {
    let (request, consumed) = complete(WITH_BODY);
    assert_eq!(
        request.body, b"hello world",
        "the body is the 11 bytes after the head"
    );
    assert_eq!(
        consumed,
        WITH_BODY.len(),
        "the whole buffer was one request"
    );

    // Two requests back to back on one connection ("pipelining").
    let mut two = WITH_BODY.to_vec();
    two.extend_from_slice(b"GET /next HTTP/1.1\r\ncontent-length: 0\r\n\r\n");
    let (first, consumed) = complete(&two);
    assert_eq!(first.body, b"hello world");
    assert_eq!(
        consumed,
        WITH_BODY.len(),
        "`consumed` must stop at the end of the first request's body"
    );
    let (second, _) = complete(&two[consumed..]);
    assert_eq!(
        second.target, "/next",
        "the bytes after `consumed` are the next request"
    );
}

#[test]
fn waits_for_more_bytes_while_the_request_is_incomplete() {
    for cut in 0..WITH_BODY.len() {
        let prefix = &WITH_BODY[..cut];
        assert_eq!(
            parse(prefix, Limits::default()),
            Ok(Parsed::Partial),
            "the first {cut} bytes are a valid start, so the answer is Partial (read more): {:?}",
            String::from_utf8_lossy(prefix)
        );
    }
}

#[test]
fn rejects_malformed_request_lines_with_400() {
    let cases = [
        ("", "an empty request line"),
        ("GET /", "a request line without a version"),
        ("GET  / HTTP/1.1", "two spaces in a row"),
        ("GET / HTTP/1.1 extra", "a fourth part"),
        ("get / HTTP/1.1", "a lowercase method"),
        (
            "GET index.html HTTP/1.1",
            "a target that does not start with '/'",
        ),
        ("GET / HTTP/1", "an incomplete version"),
        ("GET / HTTQ/1.1", "an unknown protocol"),
    ];
    for (line, what) in cases {
        let result = parse(&head(line), Limits::default());
        let Err(error) = result else {
            panic!("{what} ({line:?}) must be refused with 400, got {result:?}");
        };
        assert!(
            matches!(error, ParseError::BadRequest(_)),
            "{what} ({line:?}) is ParseError::BadRequest, got {error:?}"
        );
        assert_eq!(error.status(), 400, "BadRequest maps to status 400");
    }
}

#[test]
fn rejects_malformed_headers_with_400() {
    let cases = [
        ("Host localhost", "a header without ':'"),
        ("Host : localhost", "whitespace between the name and ':'"),
        (": nothing", "an empty header name"),
        (
            "Content-Length: abc",
            "a Content-Length that is not a number",
        ),
        ("Content-Length: -5", "a negative Content-Length"),
        ("Content-Length: +5", "a Content-Length with a sign"),
        ("Content-Length: 1 2", "a Content-Length with two numbers"),
        ("Content-Length:", "an empty Content-Length"),
        (
            "Content-Length: 5\r\nContent-Length: 6",
            "two different Content-Lengths",
        ),
    ];
    for (header, what) in cases {
        let bytes = head(&format!("POST / HTTP/1.1\r\nHost: x\r\n{header}"));
        let result = parse(&bytes, Limits::default());
        assert!(
            matches!(result, Err(ParseError::BadRequest(_))),
            "{what} ({header:?}) must be refused with ParseError::BadRequest, got {result:?}"
        );
    }
}

#[test]
fn rejects_a_too_large_body_with_413_before_it_arrives() {
    let limits = Limits {
        max_head: 1024,
        max_body: 100,
    };
    // Only the head has arrived; the client announces 101 bytes.
    let result = parse(&head("PUT /upload HTTP/1.1\r\nContent-Length: 101"), limits);
    assert_eq!(
        result,
        Err(ParseError::PayloadTooLarge),
        "a Content-Length above max_body is refused as soon as the head is read, without waiting for the body"
    );
    assert_eq!(
        ParseError::PayloadTooLarge.status(),
        413,
        "PayloadTooLarge maps to 413"
    );

    let huge = head("PUT /upload HTTP/1.1\r\nContent-Length: 99999999999999999999999999");
    assert_eq!(
        parse(&huge, limits),
        Err(ParseError::PayloadTooLarge),
        "a number too big for usize is a valid number, just far too large: 413, no panic"
    );

    let (exactly, _) = match parse(
        b"PUT / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
        Limits {
            max_head: 1024,
            max_body: 3,
        },
    ) {
        Ok(Parsed::Complete { request, consumed }) => (request, consumed),
        other => panic!("a body of exactly max_body bytes is allowed, got {other:?}"),
    };
    assert_eq!(exactly.body, b"abc");
}

#[test]
fn rejects_a_too_large_head_with_431_even_before_it_ends() {
    let limits = Limits {
        max_head: 64,
        max_body: 1024,
    };
    let cookie = format!("GET / HTTP/1.1\r\nCookie: {}", "c".repeat(100));
    assert_eq!(
        parse(cookie.as_bytes(), limits),
        Err(ParseError::HeadersTooLarge),
        "100 bytes without the blank line can never fit in max_head = 64: refuse now, do not wait"
    );
    assert_eq!(
        parse(&head(&cookie), limits),
        Err(ParseError::HeadersTooLarge),
        "a complete head longer than max_head is refused too"
    );
    assert_eq!(
        ParseError::HeadersTooLarge.status(),
        431,
        "HeadersTooLarge maps to 431"
    );

    let fits = head("GET / HTTP/1.1\r\nHost: a");
    assert!(
        matches!(parse(&fits, limits), Ok(Parsed::Complete { .. })),
        "a {}-byte head is within max_head = 64",
        fits.len()
    );
}

/// A small deterministic pseudo-random generator (xorshift), so the test is the same every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn never_panics_whatever_the_bytes() {
    let pieces: [&[u8]; 14] = [
        b"GET",
        b" ",
        b"/",
        b"HTTP/1.1",
        b"\r\n",
        b"\r",
        b"\n",
        b":",
        b"Content-Length",
        b"99999999999999999999",
        b"7",
        b"\xff\xfe",
        b"\xe2\x9c",
        b"\0",
    ];
    let limits = [
        Limits::default(),
        Limits {
            max_head: 16,
            max_body: 4,
        },
        Limits {
            max_head: 0,
            max_body: 0,
        },
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let mut bytes = Vec::new();
        for _ in 0..rng.next() % 24 {
            bytes.extend_from_slice(pieces[(rng.next() % pieces.len() as u64) as usize]);
        }
        for limits in limits {
            // A panic here fails the test: every input must give Ok or Err.
            let _ = parse(&bytes, limits);
        }
    }
    // Every byte of a valid request replaced by a troublemaker.
    for i in 0..WITH_BODY.len() {
        for bad in [b'\0', b' ', b':', b'\r', b'\n', 0xff] {
            let mut bytes = WITH_BODY.to_vec();
            bytes[i] = bad;
            let _ = parse(&bytes, Limits::default());
        }
    }
}

/// A reader that hands out at most `step` bytes per `read`, like a slow network.
struct Trickle {
    data: Vec<u8>,
    pos: usize,
    step: usize,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[test]
fn read_request_assembles_a_request_from_tiny_reads() {
    let mut reader = Trickle {
        data: WITH_BODY.to_vec(),
        pos: 0,
        step: 3,
    };
    let request = match read_request(&mut reader, Limits::default()) {
        Ok(request) => request,
        Err(e) => panic!("three bytes at a time still make a whole request, got {e:?}"),
    };
    assert_eq!(request.method, "POST");
    assert_eq!(request.headers.get("host"), Some("localhost"));
    assert_eq!(
        request.body, b"hello world",
        "keep reading until the whole body is there"
    );
}

#[test]
fn read_request_tells_a_hang_up_from_a_bad_request() {
    let mut cut_short = Trickle {
        data: WITH_BODY[..WITH_BODY.len() - 4].to_vec(),
        pos: 0,
        step: 16,
    };
    let result = read_request(&mut cut_short, Limits::default());
    assert!(
        matches!(result, Err(ReadError::Closed)),
        "the client hung up (read returned 0) before the body was complete: ReadError::Closed, got {result:?}"
    );

    let mut garbage = Trickle {
        data: b"HELLO THERE\r\n\r\n".to_vec(),
        pos: 0,
        step: 16,
    };
    let result = read_request(&mut garbage, Limits::default());
    assert!(
        matches!(result, Err(ReadError::Parse(ParseError::BadRequest(_)))),
        "a malformed request is ReadError::Parse(BadRequest), got {result:?}"
    );

    // A client that sends a head that never ends: 1 MB of 'a' and no blank line.
    let mut endless = Trickle {
        data: vec![b'a'; 1 << 20],
        pos: 0,
        step: 512,
    };
    let result = read_request(&mut endless, Limits::default());
    assert!(
        matches!(result, Err(ReadError::Parse(ParseError::HeadersTooLarge))),
        "a head that outgrows max_head is ReadError::Parse(HeadersTooLarge), got {result:?}"
    );
    assert!(
        endless.pos < 64 * 1024,
        "read_request should stop reading soon after max_head (8 KiB); it read {} bytes",
        endless.pos
    );
}
