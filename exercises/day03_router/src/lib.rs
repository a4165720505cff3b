//! Day 3: a router.
//!
//! A router maps a request's method and path to the handler that should answer it, captures
//! the parameters in the path (`/users/{id}`), and answers 404, 405 or 400 itself when no
//! handler fits. Read `README.md` first.

use std::fmt;

/// The request methods this router knows, in the order `Allow` lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    /// The method as it is written on the wire: `GET`, `HEAD`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// The parts of a request a router looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    /// The request target: a path, maybe followed by `?` and a query string.
    pub target: String,
}

impl Request {
    pub fn new(method: Method, target: &str) -> Self {
        Request {
            method,
            target: target.to_string(),
        }
    }
}

/// A response: a status code, headers and a text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    /// A response with no headers.
    pub fn text(status: u16, body: &str) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: body.to_string(),
        }
    }

    /// The same response with one more header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The values captured by a pattern's `{name}` segments, percent-decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    entries: Vec<(String, String)>,
}

impl Params {
    pub fn new() -> Self {
        Params::default()
    }

    pub fn insert(&mut self, name: &str, value: &str) {
        self.entries.push((name.to_string(), value.to_string()));
    }

    /// The value captured for `{name}`, if the pattern has such a segment.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What handlers are: a function from the request and its parameters to a response.
pub type Handler = Box<dyn Fn(&Request, &Params) -> Response + Send + Sync>;

/// One segment of a pattern (the text between two `/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Matches exactly this text.
    Literal(String),
    /// `{name}`: matches any non-empty segment and captures it as `name`.
    Param(String),
}

/// Why `Router::add` refused a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteError {
    /// The pattern is not valid; the text says why.
    InvalidPattern(String),
    /// A route with the same method and the same shape of pattern already exists.
    Conflict(String),
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteError::InvalidPattern(why) => write!(f, "invalid pattern: {why}"),
            RouteError::Conflict(what) => write!(f, "conflicting route: {what}"),
        }
    }
}

impl std::error::Error for RouteError {}

/// Splits a pattern such as `/users/{id}/posts` into segments.
///
/// Rules: it starts with `/`; a segment containing `{` or `}` must be exactly `{name}` with a
/// name of ASCII letters, digits and `_`; no name appears twice.
pub fn parse_pattern(pattern: &str) -> Result<Vec<Segment>, RouteError> {
    // TODO: strip the leading '/' (else InvalidPattern) and split the rest on '/'. Each part
    // without braces is a Literal; `{name}` is a Param (check the name's characters and that it
    // is not used twice); any other part with a brace is InvalidPattern.
    let _ = pattern;
    todo!("split a pattern into segments")
}

/// Decodes `%XX` escapes (`a%20b` is `a b`). `None` if an escape is malformed or the decoded
/// bytes are not UTF-8.
pub fn percent_decode(input: &str) -> Option<String> {
    // TODO: walk the bytes: `%` and the two hex digits after it become one byte, any other
    // byte is kept as it is. A short or non-hex escape, or decoded bytes that are not UTF-8,
    // give None.
    let _ = input;
    todo!("decode %XX escapes")
}

/// A registered route.
pub struct Route {
    pub method: Method,
    pub segments: Vec<Segment>,
    pub handler: Handler,
}

impl Route {
    /// If `path` (already split on `/`, still percent-encoded) fits this route's pattern, the raw
    /// captured values as `(name, value)` pairs.
    pub fn matches<'p>(&self, path: &[&'p str]) -> Option<Vec<(String, &'p str)>> {
        // TODO: None unless `path` has as many parts as the pattern has segments. Then zip
        // them: a Literal must equal its part; a Param takes any NON-empty part and captures
        // `(name.clone(), part)`.
        let _ = path;
        todo!("fit a path to this route's pattern")
    }
}

/// A table of routes.
#[derive(Default)]
pub struct Router {
    routes: Vec<Route>,
}

impl fmt::Debug for Router {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Router")
            .field("routes", &self.routes.len())
            .finish()
    }
}

impl Router {
    pub fn new() -> Self {
        Router::default()
    }

    /// Registers `handler` for `method` requests whose path fits `pattern`.
    ///
    /// Refuses an invalid pattern, and a route whose method and pattern shape (its segments,
    /// where any two parameters count as equal whatever their names) are already registered.
    pub fn add(
        &mut self,
        method: Method,
        pattern: &str,
        handler: impl Fn(&Request, &Params) -> Response + Send + Sync + 'static,
    ) -> Result<(), RouteError> {
        // TODO: parse the pattern into a `Route` (the handler boxed); refuse it with
        // `RouteError::Conflict` if a registered route has the same method and the same shape;
        // else keep it in `self.routes`.
        let _ = (method, pattern, handler);
        todo!("register a route")
    }

    /// Answers `request`: with the best-fitting route's handler, or 404, 405 (+ `Allow`) or 400.
    pub fn handle(&self, request: &Request) -> Response {
        // TODO:
        // 1. Drop the query string, strip the leading '/' (none: 404) and split the path on
        //    '/'.
        // 2. Collect every route whose pattern `matches` the path, whatever its method. None
        //    at all: 404 "Not Found".
        // 3. Keep those for `request.method` (for a HEAD request with none: the GET ones) and
        //    take the most specific: compare patterns segment by segment from the left; at the
        //    first difference a Literal beats a Param.
        // 4. None for the method: 405 "Method Not Allowed" with an `Allow` header: the fitting
        //    routes' methods (GET adds HEAD), in `Method` order, joined by ", ".
        // 5. Percent-decode each captured value into a `Params` (failure: 400 "Bad Request"),
        //    call `(route.handler)(request, &params)`, and empty the body when a GET route
        //    answered a HEAD request.
        let _ = request;
        todo!("route the request")
    }
}
