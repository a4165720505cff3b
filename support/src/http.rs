//! A small blocking HTTP/1.1 client: one connection per request, `Connection: close`, and
//! every byte it sends or receives is what the transcript shows. [`Request`] is what a test
//! sends; [`Reply`] is what came back, with expectations that print the exchange on failure.

use std::fmt::Display;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[cfg(feature = "json")]
use serde_json::Value;

#[cfg(feature = "json")]
use crate::json_diff::{json_diff, json_subset_diff};
use crate::render::Transcript;

/// How long a request may take unless [`Request::timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// A response head larger than this is refused (a server that never ends its headers).
const MAX_HEAD: usize = 64 * 1024;
/// A response body larger than this is cut (a server that streams forever).
const MAX_BODY: usize = 16 * 1024 * 1024;

/// An HTTP request a test sends. Build it with [`Request::get`], [`Request::post`], ...
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) method: String,
    pub(crate) target: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) timeout: Duration,
}

impl Request {
    /// A request with any method; `target` is the path and query (`/links?limit=2`).
    pub fn new(method: &str, target: &str) -> Request {
        Request {
            method: method.to_string(),
            target: target.to_string(),
            headers: Vec::new(),
            body: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    pub fn get(target: &str) -> Request {
        Request::new("GET", target)
    }

    pub fn head(target: &str) -> Request {
        Request::new("HEAD", target)
    }

    pub fn post(target: &str) -> Request {
        Request::new("POST", target)
    }

    pub fn put(target: &str) -> Request {
        Request::new("PUT", target)
    }

    pub fn patch(target: &str) -> Request {
        Request::new("PATCH", target)
    }

    pub fn delete(target: &str) -> Request {
        Request::new("DELETE", target)
    }

    /// Adds a header (several with one name are sent in order).
    pub fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// `Authorization: Bearer <token>`.
    pub fn bearer(self, token: &str) -> Request {
        self.header("Authorization", &format!("Bearer {token}"))
    }

    /// A JSON body, with `Content-Type: application/json`.
    #[cfg(feature = "json")]
    pub fn json(self, value: &Value) -> Request {
        self.header("Content-Type", "application/json")
            .body(value.to_string())
    }

    /// A body as it is, with no `Content-Type` unless you add one.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Request {
        self.body = body.into();
        self
    }

    /// How long to wait for the whole response (default 10 s).
    pub fn timeout(mut self, timeout: Duration) -> Request {
        self.timeout = timeout;
        self
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// The bytes on the wire: the test's headers, plus `Host`, `Content-Length` and
    /// `Connection: close` unless the test set them itself.
    pub(crate) fn encode(&self, host: &str) -> Vec<u8> {
        let mut head = format!("{} {} HTTP/1.1\r\n", self.method, self.target);
        if !self.has_header("host") {
            head.push_str(&format!("Host: {host}\r\n"));
        }
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        let sends_body =
            !self.body.is_empty() || matches!(self.method.as_str(), "POST" | "PUT" | "PATCH");
        if sends_body && !self.has_header("content-length") && !self.has_header("transfer-encoding")
        {
            head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        }
        if !self.has_header("connection") {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

/// A response as parsed off the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Response {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Why no response came back, with whatever bytes did.
#[derive(Debug, Clone)]
pub(crate) struct NoResponse {
    pub why: String,
    pub received: Vec<u8>,
}

/// Sends `request` to `addr` on a new connection and reads the response, within its timeout.
pub(crate) fn exchange(addr: SocketAddr, request: &Request) -> Result<Response, NoResponse> {
    let deadline = Instant::now() + request.timeout;
    let fail = |why: String, received: &[u8]| NoResponse {
        why,
        received: received.to_vec(),
    };
    let mut stream = TcpStream::connect_timeout(&addr, request.timeout)
        .map_err(|e| fail(format!("cannot connect: {e}"), &[]))?;
    stream
        .write_all(&request.encode(&addr.to_string()))
        .map_err(|e| fail(format!("cannot send the request: {e}"), &[]))?;
    let mut received = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        match parse(&received, request.method == "HEAD") {
            Parsed::Complete(response) => return Ok(response),
            Parsed::Invalid(why) => return Err(fail(why, &received)),
            Parsed::Partial => {}
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            let why = format!("no complete response within {:?}", request.timeout);
            return Err(fail(why, &received));
        }
        let _ = stream.set_read_timeout(Some(left));
        match stream.read(&mut chunk) {
            Ok(0) => {
                return match parse_at_eof(&received, request.method == "HEAD") {
                    Some(response) => Ok(response),
                    None if received.is_empty() => Err(fail(
                        "the server closed the connection without answering".into(),
                        &received,
                    )),
                    None => Err(fail(
                        "the server closed the connection in the middle of its response".into(),
                        &received,
                    )),
                };
            }
            Ok(n) => received.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => return Err(fail(format!("the connection failed: {e}"), &received)),
        }
    }
}

#[derive(Debug)]
enum Parsed {
    Complete(Response),
    Partial,
    Invalid(String),
}

/// The response in `bytes` if it is complete by its own framing (`Content-Length`, chunked).
fn parse(bytes: &[u8], head_request: bool) -> Parsed {
    let Some(head_end) = find(bytes, b"\r\n\r\n") else {
        return if bytes.len() > MAX_HEAD {
            Parsed::Invalid(format!("the response head is longer than {MAX_HEAD} bytes"))
        } else {
            Parsed::Partial
        };
    };
    let (status, reason, headers) = match parse_head(&bytes[..head_end]) {
        Ok(head) => head,
        Err(why) => return Parsed::Invalid(why),
    };
    let rest = &bytes[head_end + 4..];
    let response = |body: Vec<u8>| Response {
        status,
        reason: reason.clone(),
        headers: headers.clone(),
        body,
    };
    if head_request || status == 204 || status == 304 || (100..200).contains(&status) {
        return Parsed::Complete(response(Vec::new()));
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_ascii_lowercase())
    };
    if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        return match dechunk(rest) {
            Ok(Some(body)) => Parsed::Complete(response(body)),
            Ok(None) if rest.len() > MAX_BODY => {
                Parsed::Complete(response(rest[..MAX_BODY].to_vec()))
            }
            Ok(None) => Parsed::Partial,
            Err(why) => Parsed::Invalid(why),
        };
    }
    if let Some(length) = header("content-length") {
        let Ok(length) = length.parse::<usize>() else {
            return Parsed::Invalid(format!("the Content-Length `{length}` is not a number"));
        };
        if rest.len() >= length.min(MAX_BODY) {
            return Parsed::Complete(response(rest[..length.min(MAX_BODY)].to_vec()));
        }
        return Parsed::Partial;
    }
    // No framing: the body runs to the end of the connection.
    if rest.len() >= MAX_BODY {
        return Parsed::Complete(response(rest[..MAX_BODY].to_vec()));
    }
    Parsed::Partial
}

/// At the end of the stream, a response without framing is complete; one with framing that
/// has not arrived in full is not.
fn parse_at_eof(bytes: &[u8], head_request: bool) -> Option<Response> {
    match parse(bytes, head_request) {
        Parsed::Complete(response) => Some(response),
        Parsed::Invalid(_) => None,
        Parsed::Partial => {
            let head_end = find(bytes, b"\r\n\r\n")?;
            let (status, reason, headers) = parse_head(&bytes[..head_end]).ok()?;
            let framed = headers.iter().any(|(n, _)| {
                n.eq_ignore_ascii_case("content-length")
                    || n.eq_ignore_ascii_case("transfer-encoding")
            });
            (!framed).then(|| Response {
                status,
                reason,
                headers,
                body: bytes[head_end + 4..].to_vec(),
            })
        }
    }
}

pub(crate) type Head = (u16, String, Vec<(String, String)>);

pub(crate) fn parse_head(head: &[u8]) -> Result<Head, String> {
    let text =
        std::str::from_utf8(head).map_err(|_| "the response head is not UTF-8".to_string())?;
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    if !version.starts_with("HTTP/1.") {
        return Err(format!("the status line `{status_line}` is not HTTP/1.x"));
    }
    let status = parts
        .next()
        .and_then(|code| code.parse::<u16>().ok())
        .filter(|code| (100..1000).contains(code))
        .ok_or_else(|| format!("the status line `{status_line}` has no status code"))?;
    let reason = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("the header line `{line}` has no `:`"))?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    Ok((status, reason, headers))
}

/// A chunked body decoded: `Ok(None)` while it is incomplete.
fn dechunk(mut bytes: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let mut body = Vec::new();
    loop {
        let Some(line_end) = find(bytes, b"\r\n") else {
            return Ok(None);
        };
        let size_text = String::from_utf8_lossy(&bytes[..line_end]);
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| format!("the chunk size `{size_text}` is not hexadecimal"))?;
        bytes = &bytes[line_end + 2..];
        if size == 0 {
            // Trailers, if any, end with an empty line.
            return Ok(find(bytes, b"\r\n").map(|_| body));
        }
        if bytes.len() < size + 2 {
            return Ok(None);
        }
        body.extend_from_slice(&bytes[..size]);
        bytes = &bytes[size + 2..];
    }
}

pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A response to a test's request. Its `expect_*` methods fail the test with the exchange:
/// the request as a `curl` command, the response, and the server's last output lines.
#[derive(Clone)]
pub struct Reply {
    /// The status code, e.g. 201.
    pub status: u16,
    /// The reason phrase of the status line, e.g. `Created`.
    pub reason: String,
    /// Every header in order, as sent (names keep their case).
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
    transcript: Arc<Transcript>,
    /// This exchange's place in the transcript.
    index: usize,
    /// Why the expectations matter, shown with a failure.
    because: Option<String>,
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reply")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

impl Reply {
    pub(crate) fn new(response: Response, transcript: Arc<Transcript>, index: usize) -> Reply {
        Reply {
            status: response.status,
            reason: response.reason,
            headers: response.headers,
            body: response.body,
            transcript,
            index,
            because: None,
        }
    }

    /// Says why the expectations that follow matter; a failure shows it under its message:
    /// `server.send(stale).because("a stale ETag must not overwrite a newer change").expect_status(412)`.
    pub fn because(mut self, why: &str) -> Reply {
        self.because = Some(why.to_string());
        self
    }

    /// The first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_all(name).into_iter().next()
    }

    /// Every header called `name` (any case), in order: `Set-Cookie` may come several times.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON; fails the test if it is not JSON.
    #[cfg(feature = "json")]
    #[track_caller]
    pub fn json(&self) -> Value {
        match serde_json::from_slice(&self.body) {
            Ok(value) => value,
            Err(e) => self.fail(format!("the body is not JSON ({e})")),
        }
    }

    /// Fails the test with `message` and the exchange.
    #[track_caller]
    pub fn fail(&self, message: impl Display) -> ! {
        let mut message = message.to_string();
        if let Some(why) = &self.because {
            message.push_str(&format!("\n(why it matters: {why})"));
        }
        panic!("{}", self.transcript.failure(&message, self.index))
    }

    /// Fails the test with `message` and the exchange unless `condition` holds.
    #[track_caller]
    pub fn ensure(&self, condition: bool, message: impl Display) -> &Reply {
        if !condition {
            self.fail(message);
        }
        self
    }

    #[track_caller]
    pub fn expect_status(&self, status: u16) -> &Reply {
        self.ensure(
            self.status == status,
            format!(
                "expected the status {status}, got {} {}",
                self.status, self.reason
            ),
        )
    }

    /// The header `name` is present and equal to `value`.
    #[track_caller]
    pub fn expect_header(&self, name: &str, value: &str) -> &Reply {
        match self.header(name) {
            Some(actual) if actual == value => self,
            Some(actual) => self.fail(format!(
                "expected the header `{name}: {value}`, got `{name}: {actual}`"
            )),
            None => self.fail(format!(
                "expected the header `{name}: {value}`, but it is missing"
            )),
        }
    }

    /// No header called `name`.
    #[track_caller]
    pub fn expect_no_header(&self, name: &str) -> &Reply {
        match self.header(name) {
            Some(actual) => self.fail(format!(
                "expected no `{name}` header, got `{name}: {actual}`"
            )),
            None => self,
        }
    }

    /// The body is exactly `text`.
    #[track_caller]
    pub fn expect_text(&self, text: &str) -> &Reply {
        self.ensure(
            self.body == text.as_bytes(),
            format!("expected the body {text:?}, got {:?}", self.text()),
        )
    }

    /// The body is JSON equal to `expected`; a difference is listed place by place.
    #[cfg(feature = "json")]
    #[track_caller]
    pub fn expect_json(&self, expected: Value) -> &Reply {
        let actual = self.json();
        let lines = json_diff(&expected, &actual);
        self.ensure(
            lines.is_empty(),
            difference("is not the JSON expected", &lines),
        )
    }

    /// The body is JSON that has at least what `expected` has: objects may carry more keys
    /// (ids, timestamps) at any depth; arrays compare in full.
    #[cfg(feature = "json")]
    #[track_caller]
    pub fn expect_json_includes(&self, expected: Value) -> &Reply {
        let actual = self.json();
        let lines = json_subset_diff(&expected, &actual);
        self.ensure(
            lines.is_empty(),
            difference("lacks some of the JSON expected", &lines),
        )
    }
}

#[cfg(feature = "json")]
fn difference(what: &str, lines: &[String]) -> String {
    let mut message = format!("the body {what}:");
    for line in lines {
        message.push_str("\n  ");
        message.push_str(line);
    }
    message
}

#[cfg(test)]
mod tests {
    use super::{Parsed, Request, dechunk, parse, parse_at_eof};

    fn complete(bytes: &[u8]) -> super::Response {
        match parse(bytes, false) {
            Parsed::Complete(response) => response,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn encodes_host_length_and_close_unless_the_test_set_them() {
        let get = Request::get("/links?limit=2").header("Accept", "application/json");
        assert_eq!(
            String::from_utf8(get.encode("127.0.0.1:3005")).unwrap(),
            "GET /links?limit=2 HTTP/1.1\r\nHost: 127.0.0.1:3005\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
        );
        let post = Request::post("/links").body("{}");
        assert_eq!(
            String::from_utf8(post.encode("h")).unwrap(),
            "POST /links HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
        );
        let empty_post = Request::post("/logout").header("Connection", "keep-alive");
        assert_eq!(
            String::from_utf8(empty_post.encode("h")).unwrap(),
            "POST /logout HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"
        );
    }

    #[test]
    fn a_response_is_complete_by_its_length_or_its_last_chunk() {
        let r = complete(b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\nLocation: /x\r\n\r\n{}");
        assert_eq!(
            (r.status, r.reason.as_str(), r.body.as_slice()),
            (201, "Created", &b"{}"[..])
        );
        assert_eq!(r.headers[1], ("Location".to_string(), "/x".to_string()));
        let r = complete(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n");
        assert_eq!(r.body, b"abcde");
        let r = complete(b"HTTP/1.1 204 No Content\r\n\r\n");
        assert!(r.body.is_empty());
        assert!(matches!(
            parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", false),
            Parsed::Partial
        ));
        assert!(matches!(
            parse(b"HTTP/1.1 200 OK\r\nContent-Le", false),
            Parsed::Partial
        ));
        assert!(matches!(
            parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", true),
            Parsed::Complete(_)
        ));
    }

    #[test]
    fn garbage_is_named_not_waited_for() {
        for bytes in [
            &b"hello\r\n\r\n"[..],
            b"HTTP/1.1 abc\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
        ] {
            assert!(
                matches!(parse(bytes, false), Parsed::Invalid(_)),
                "{bytes:?}"
            );
        }
        assert!(dechunk(b"zz\r\n").is_err());
    }

    #[test]
    fn at_the_end_of_the_stream_only_an_unframed_body_is_complete() {
        let r = parse_at_eof(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nHello",
            false,
        )
        .unwrap();
        assert_eq!(r.body, b"Hello");
        assert!(
            parse_at_eof(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nHello", false).is_none()
        );
        assert!(parse_at_eof(b"HTTP/1.1 200 OK\r\n", false).is_none());
    }
}
