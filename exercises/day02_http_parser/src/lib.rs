//! Day 2: an HTTP/1.1 request parser.
//!
//! Bytes come in from the network; a `Request` comes out, or an error that says which status
//! code the client deserves. Whatever the bytes are, the parser must never panic: it is the first
//! code on your server that an attacker gets to talk to. Read `README.md` first.

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
        // TODO: find the first entry whose name equals `name` ignoring ASCII case
        // (`str::eq_ignore_ascii_case`) and return its value.
        let _ = name;
        todo!("look a header up case-insensitively")
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
        // TODO: `match self` and return 400, 413 or 431.
        todo!("map each error to its status code")
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

/// Parses the request at the start of `buf`.
///
/// Returns `Parsed::Partial` while the bytes are a valid beginning of a request, and an error as
/// soon as they cannot become a valid one (even before the request is complete).
///
/// The rules:
/// - the head ends at the first `\r\n\r\n`; it may be at most `limits.max_head` bytes including
///   that blank line, else `HeadersTooLarge` (also when no blank line has come yet but the
///   buffer already holds `max_head` bytes or more);
/// - the head must be UTF-8; its lines are separated by `\r\n`;
/// - request line: exactly `METHOD SP TARGET SP VERSION`; the method is one or more uppercase
///   ASCII letters, the target starts with `/`, the version is `HTTP/1.1` or `HTTP/1.0`;
/// - header line: `Name: value`, split at the first `:`; the name is not empty and has no
///   whitespace; the value loses the spaces and tabs around it;
/// - `Content-Length` (any case): ASCII digits only, else `BadRequest`; two different values are
///   a `BadRequest`; above `limits.max_body` (or too big for `usize`) is `PayloadTooLarge`;
///   no `Content-Length` means an empty body;
/// - any other problem is a `BadRequest`, and nothing may panic.
pub fn parse(buf: &[u8], limits: Limits) -> Result<Parsed, ParseError> {
    // TODO: follow the rules above, in order: find the end of the head (or decide between
    // Partial and HeadersTooLarge), check the head is UTF-8, parse the request line, parse each
    // header line into a `Headers`, work out the body length, then either return Partial (body
    // still arriving) or Complete with `consumed = head length + body length`.
    // Write small helper functions: one for the request line, one for a header line.
    let _ = (buf, limits);
    todo!("parse a request from bytes")
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
    // TODO: keep a growing `Vec<u8>`. In a loop, `read` into a fixed buffer (e.g. 4096 bytes):
    // 0 bytes read means the client hung up (`ReadError::Closed`); otherwise append what was
    // read and call `parse`: `Complete` returns the request, `Partial` reads again, and an error
    // is returned as it is (`?` converts it thanks to the `From` impls above).
    let _ = (reader, limits);
    todo!("read until parse has a whole request")
}
