//! Day 3: a router (solution).
//!
//! A router maps a request's method and path to the handler that should answer it, captures
//! the parameters in the path (`/users/{id}`), and answers 404, 405 or 400 itself when no
//! handler fits.

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
    let invalid = |why: &str| RouteError::InvalidPattern(format!("{pattern:?}: {why}"));
    let rest = pattern
        .strip_prefix('/')
        .ok_or_else(|| invalid("must start with '/'"))?;

    let mut segments = Vec::new();
    for part in rest.split('/') {
        if !part.contains(['{', '}']) {
            segments.push(Segment::Literal(part.to_string()));
            continue;
        }
        let name = part
            .strip_prefix('{')
            .and_then(|p| p.strip_suffix('}'))
            .ok_or_else(|| invalid("a parameter must be a whole segment: {name}"))?;
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(invalid("a parameter name is letters, digits and '_'"));
        }
        if segments.contains(&Segment::Param(name.to_string())) {
            return Err(invalid("a parameter name is used twice"));
        }
        segments.push(Segment::Param(name.to_string()));
    }
    Ok(segments)
}

/// Decodes `%XX` escapes (`a%20b` is `a b`). `None` if an escape is malformed or the decoded
/// bytes are not UTF-8.
pub fn percent_decode(input: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(input.len());
    let mut rest = input.as_bytes();
    while let Some((&first, tail)) = rest.split_first() {
        if first == b'%' {
            // `get` instead of indexing: "%4" at the end is an error, not a panic.
            let hex = std::str::from_utf8(tail.get(..2)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(first);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok()
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
        if path.len() != self.segments.len() {
            return None;
        }
        let mut captured = Vec::new();
        for (segment, &part) in self.segments.iter().zip(path) {
            match segment {
                Segment::Literal(text) if text == part => {}
                Segment::Param(name) if !part.is_empty() => captured.push((name.clone(), part)),
                _ => return None,
            }
        }
        Some(captured)
    }

    /// How specific the pattern is: compared segment by segment, a literal beats a parameter.
    /// Smaller is more specific.
    fn specificity(&self) -> Vec<bool> {
        self.segments
            .iter()
            .map(|s| matches!(s, Segment::Param(_)))
            .collect()
    }

    /// The pattern with parameter names erased: two routes with the same shape match exactly
    /// the same paths.
    fn shape(&self) -> Vec<Option<&str>> {
        self.segments
            .iter()
            .map(|s| match s {
                Segment::Literal(text) => Some(text.as_str()),
                Segment::Param(_) => None,
            })
            .collect()
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
    pub fn add(
        &mut self,
        method: Method,
        pattern: &str,
        handler: impl Fn(&Request, &Params) -> Response + Send + Sync + 'static,
    ) -> Result<(), RouteError> {
        let route = Route {
            method,
            segments: parse_pattern(pattern)?,
            handler: Box::new(handler),
        };
        // Two routes that match the same paths with the same method: which one should win?
        // Refuse at startup rather than pick one silently at request time.
        if self
            .routes
            .iter()
            .any(|r| r.method == method && r.shape() == route.shape())
        {
            return Err(RouteError::Conflict(format!(
                "{} {pattern}",
                method.as_str()
            )));
        }
        self.routes.push(route);
        Ok(())
    }

    /// Answers `request`: with the best-fitting route's handler, or 404, 405 (+ `Allow`) or 400.
    pub fn handle(&self, request: &Request) -> Response {
        // The query string is not part of the path.
        let path = match request.target.split_once('?') {
            Some((path, _query)) => path,
            None => &request.target,
        };
        let Some(rest) = path.strip_prefix('/') else {
            return Response::text(404, "Not Found");
        };
        let parts: Vec<&str> = rest.split('/').collect();

        // Every route whose pattern fits the path, whatever its method.
        let fitting: Vec<(&Route, Vec<(String, &str)>)> = self
            .routes
            .iter()
            .filter_map(|route| route.matches(&parts).map(|raw| (route, raw)))
            .collect();
        if fitting.is_empty() {
            return Response::text(404, "Not Found");
        }

        // The most specific fitting route for the method. HEAD falls back to GET: it is a GET
        // whose body is not sent.
        let best_for = |method: Method| {
            fitting
                .iter()
                .filter(|(route, _)| route.method == method)
                .min_by_key(|(route, _)| route.specificity())
        };
        let (chosen, is_head_fallback) = match best_for(request.method) {
            Some(found) => (found, false),
            None if request.method == Method::Head => match best_for(Method::Get) {
                Some(found) => (found, true),
                None => return self.not_allowed(&fitting),
            },
            None => return self.not_allowed(&fitting),
        };

        let (route, raw) = chosen;
        let mut params = Params::new();
        for (name, value) in raw {
            let Some(decoded) = percent_decode(value) else {
                return Response::text(400, "Bad Request: malformed percent-encoding in the path");
            };
            params.insert(name, &decoded);
        }
        let mut response = (route.handler)(request, &params);
        if is_head_fallback {
            response.body.clear();
        }
        response
    }

    /// 405 with the methods that would have worked, in `Method` order, GET implying HEAD.
    fn not_allowed(&self, fitting: &[(&Route, Vec<(String, &str)>)]) -> Response {
        let mut methods: Vec<Method> = fitting.iter().map(|(route, _)| route.method).collect();
        if methods.contains(&Method::Get) {
            methods.push(Method::Head);
        }
        methods.sort();
        methods.dedup();
        let allow: Vec<&str> = methods.iter().map(|m| m.as_str()).collect();
        Response::text(405, "Method Not Allowed").with_header("Allow", &allow.join(", "))
    }
}
