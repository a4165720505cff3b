//! Day 2: an HTTP/1.1 request parser (solution).
//!
//! Bytes come in from the network; a `Request` comes out, or an error that says which status
//! code the client deserves. Whatever the bytes are, the parser never panics.

use std::fmt;
use std::io::{self, Read};

/// How big a request may be. A server that accepts any size can be made to run out of memory by
/// a single client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes the head (request line + headers + the blank line) may take.
    pub max_head: usize,
    /// The most bytes the body (`Content-Length`) may take.
    pub max_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_head: 8 * 1024,
            max_body: 1024 * 1024,
        }
    }
}

/// The HTTP versions this parser understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Http10,
    Http11,
}

/// A request's headers, in the order they arrived, with the names as the client spelled them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    entries: Vec<(String, String)>,
}

impl Headers {
    /// No headers.
    pub fn new() -> Self {
        Headers::default()
    }

    /// Adds a header at the end (a name may appear more than once).
    pub fn append(&mut self, name: &str, value: &str) {
        self.entries.push((name.to_string(), value.to_string()));
    }

    /// The value of the first header called `name`, compared case-insensitively:
    /// `get("content-type")` finds `Content-Type`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// How many header lines there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no headers at all.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A complete, parsed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `POST`, ...: one or more uppercase ASCII letters.
    pub method: String,
    /// The request target, e.g. `/todos?done=true`. Always starts with `/`.
    pub target: String,
    pub version: Version,
    pub headers: Headers,
    /// Exactly `Content-Length` bytes (empty when there is no `Content-Length`).
    pub body: Vec<u8>,
}

/// What `parse` found in the bytes so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// A whole request, which took the first `consumed` bytes of the buffer. Any bytes after
    /// those belong to the next request on the same connection.
    Complete { request: Request, consumed: usize },
    /// The bytes are a valid beginning, but the request is not finished: read more.
    Partial,
}

/// Why a request was refused. Each kind maps to the status code the client gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// Malformed syntax: 400 Bad Request. The text says what was wrong.
    BadRequest(&'static str),
    /// The body is longer than `Limits::max_body`: 413 Content Too Large.
    PayloadTooLarge,
    /// The head is longer than `Limits::max_head`: 431 Request Header Fields Too Large.
    HeadersTooLarge,
}

impl ParseError {
    /// The HTTP status code to answer with.
    pub fn status(&self) -> u16 {
        match self {
            ParseError::BadRequest(_) => 400,
            ParseError::PayloadTooLarge => 413,
            ParseError::HeadersTooLarge => 431,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::BadRequest(why) => write!(f, "bad request: {why}"),
            ParseError::PayloadTooLarge => write!(f, "request body too large"),
            ParseError::HeadersTooLarge => write!(f, "request head too large"),
        }
    }
}

impl std::error::Error for ParseError {}

/// The blank line that ends the head.
const HEAD_END: &[u8] = b"\r\n\r\n";

/// Parses the request at the start of `buf`.
///
/// Returns `Parsed::Partial` while the bytes are a valid beginning of a request, and an error as
/// soon as they cannot become a valid one (even before the request is complete).
pub fn parse(buf: &[u8], limits: Limits) -> Result<Parsed, ParseError> {
    // 1. Find the end of the head. `windows` never indexes out of bounds, so no panic here.
    let Some(end) = buf.windows(HEAD_END.len()).position(|w| w == HEAD_END) else {
        // No blank line yet. If the head cannot fit any more, waiting is pointless.
        return if buf.len() >= limits.max_head {
            Err(ParseError::HeadersTooLarge)
        } else {
            Ok(Parsed::Partial)
        };
    };
    let head_len = end + HEAD_END.len();
    if head_len > limits.max_head {
        return Err(ParseError::HeadersTooLarge);
    }

    // 2. The head is text. Anything that is not UTF-8 is refused rather than guessed at.
    let head = std::str::from_utf8(&buf[..end])
        .map_err(|_| ParseError::BadRequest("the head is not valid UTF-8"))?;
    let mut lines = head.split("\r\n");

    // 3. The request line: exactly three parts separated by single spaces.
    let request_line = lines.next().unwrap_or_default();
    let (method, target, version) = parse_request_line(request_line)?;

    // 4. The header lines.
    let mut headers = Headers::new();
    for line in lines {
        let (name, value) = parse_header_line(line)?;
        headers.append(name, value);
    }

    // 5. The body: exactly Content-Length bytes, checked against the limit before we wait for
    //    it, so a client cannot make us buffer a body we will refuse anyway.
    let body_len = content_length(&headers, limits)?;
    let total = head_len + body_len; // body_len <= max_body, so this cannot overflow
    if buf.len() < total {
        return Ok(Parsed::Partial);
    }

    let request = Request {
        method: method.to_string(),
        target: target.to_string(),
        version,
        headers,
        body: buf[head_len..total].to_vec(),
    };
    Ok(Parsed::Complete {
        request,
        consumed: total,
    })
}

/// `GET /path HTTP/1.1` into its three parts.
fn parse_request_line(line: &str) -> Result<(&str, &str, Version), ParseError> {
    let parts: Vec<&str> = line.split(' ').collect();
    let [method, target, version] = parts[..] else {
        return Err(ParseError::BadRequest(
            "the request line needs a method, a target and a version",
        ));
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ParseError::BadRequest(
            "the method must be uppercase letters",
        ));
    }
    if !target.starts_with('/') {
        return Err(ParseError::BadRequest("the target must start with '/'"));
    }
    let version = match version {
        "HTTP/1.1" => Version::Http11,
        "HTTP/1.0" => Version::Http10,
        _ => return Err(ParseError::BadRequest("unknown HTTP version")),
    };
    Ok((method, target, version))
}

/// `Name: value` into the name and the value without surrounding spaces or tabs.
fn parse_header_line(line: &str) -> Result<(&str, &str), ParseError> {
    let Some((name, value)) = line.split_once(':') else {
        return Err(ParseError::BadRequest("a header line has no ':'"));
    };
    // RFC 9112 forbids whitespace inside or around the name, which also rules out the obsolete
    // "folded" continuation lines that start with a space.
    if name.is_empty()
        || name
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err(ParseError::BadRequest(
            "a header name is empty or has whitespace",
        ));
    }
    Ok((name, value.trim_matches([' ', '\t'])))
}

/// The body length the headers announce: 0 without `Content-Length`.
fn content_length(headers: &Headers, limits: Limits) -> Result<usize, ParseError> {
    let mut found: Option<&str> = None;
    for (name, value) in &headers.entries {
        if !name.eq_ignore_ascii_case("content-length") {
            continue;
        }
        // Two different lengths: one of them is a lie, and guessing which is how request
        // smuggling attacks work. Refuse.
        if found.is_some_and(|first| first != value) {
            return Err(ParseError::BadRequest("conflicting Content-Length headers"));
        }
        found = Some(value);
    }
    let Some(value) = found else {
        return Ok(0);
    };
    // `usize::from_str` would accept "+5": check the digits ourselves.
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParseError::BadRequest("Content-Length is not a number"));
    }
    // All digits, so the only way parsing fails is a number too big for usize: too large.
    match value.parse::<usize>() {
        Ok(len) if len <= limits.max_body => Ok(len),
        _ => Err(ParseError::PayloadTooLarge),
    }
}

/// Why `read_request` could not produce a request.
#[derive(Debug)]
pub enum ReadError {
    /// The bytes were refused: answer with `error.status()`.
    Parse(ParseError),
    /// The client closed the connection before a whole request arrived.
    Closed,
    /// The connection failed.
    Io(io::Error),
}

impl From<ParseError> for ReadError {
    fn from(error: ParseError) -> Self {
        ReadError::Parse(error)
    }
}

impl From<io::Error> for ReadError {
    fn from(error: io::Error) -> Self {
        ReadError::Io(error)
    }
}

/// Reads from `reader` until it holds one whole request, and returns it.
///
/// The bytes arrive in pieces of any size; after each piece, `parse` decides whether to keep
/// reading, to stop with a request, or to stop with an error.
pub fn read_request(reader: &mut impl Read, limits: Limits) -> Result<Request, ReadError> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let read = match reader.read(&mut chunk) {
            Ok(0) => return Err(ReadError::Closed),
            Ok(n) => n,
            // A signal interrupted the read: nothing went wrong, try again.
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        buf.extend_from_slice(&chunk[..read]);
        // Bytes after `consumed` (a pipelined next request) are dropped here; a keep-alive
        // server would keep them for the next call.
        if let Parsed::Complete { request, .. } = parse(&buf, limits)? {
            return Ok(request);
        }
    }
}
