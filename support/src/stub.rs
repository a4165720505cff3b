//! A stand-in for a service the day's server calls (a weather upstream, a load balancer's
//! backends): a small HTTP server on a free port, on threads of the test process, that answers
//! with a function of the request and remembers every request it got.

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[cfg(feature = "json")]
use serde_json::Value;

/// A request the stub received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StubRequest {
    pub method: String,
    /// The path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl StubRequest {
    /// The path, without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The first query parameter called `name`, percent-decoded (`+` is a space).
    pub fn query(&self, name: &str) -> Option<String> {
        let query = self.target.split_once('?')?.1;
        query.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key) == name).then(|| decode(value))
        })
    }

    /// The first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the stub answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StubResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl StubResponse {
    /// `status` with an empty body.
    pub fn status(status: u16) -> StubResponse {
        StubResponse {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// `status` with a plain-text body.
    pub fn text(status: u16, body: &str) -> StubResponse {
        StubResponse::status(status)
            .header("Content-Type", "text/plain; charset=utf-8")
            .body(body)
    }

    /// 200 with a JSON body.
    #[cfg(feature = "json")]
    pub fn json(value: &Value) -> StubResponse {
        StubResponse::status(200)
            .header("Content-Type", "application/json")
            .body(value.to_string())
    }

    pub fn header(mut self, name: &str, value: &str) -> StubResponse {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> StubResponse {
        self.body = body.into();
        self
    }
}

type Answer = dyn Fn(&StubRequest) -> StubResponse + Send + Sync;

/// A running stub. Dropping it stops it: its port refuses connections from then on, as a
/// backend that went down would.
pub struct Stub {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<StubRequest>>>,
    stopped: Arc<AtomicBool>,
    accepting: Option<std::thread::JoinHandle<()>>,
}

impl Stub {
    /// Starts a stub on 127.0.0.1 and a free port that answers every request with `answer`.
    pub fn start(answer: impl Fn(&StubRequest) -> StubResponse + Send + Sync + 'static) -> Stub {
        let listener =
            TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("cannot bind 127.0.0.1:0");
        let addr = listener
            .local_addr()
            .expect("a bound socket has an address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stopped = Arc::new(AtomicBool::new(false));
        let answer: Arc<Answer> = Arc::new(answer);
        let (seen, stop) = (Arc::clone(&requests), Arc::clone(&stopped));
        let accepting = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (seen, answer) = (Arc::clone(&seen), Arc::clone(&answer));
                // A connection per thread: a client that holds one open blocks nobody else.
                std::thread::spawn(move || serve(stream, &seen, &*answer));
            }
        });
        Stub {
            addr,
            requests,
            stopped,
            accepting: Some(accepting),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<StubRequest> {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag, then waits until it has closed the port.
        let woken = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1)).is_ok();
        if let (true, Some(accepting)) = (woken, self.accepting.take()) {
            let _ = accepting.join();
        }
    }
}

/// Answers one request, then closes the connection (`Connection: close`): no client keeps a
/// connection to a stub that could outlive it.
fn serve(stream: TcpStream, seen: &Mutex<Vec<StubRequest>>, answer: &Answer) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    if let Some(request) = read_request(&mut BufReader::new(stream)) {
        seen.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(request.clone());
        let _ = writer.write_all(&encode(&answer(&request)));
    }
}

fn read_request(reader: &mut impl BufRead) -> Option<StubRequest> {
    let mut line = String::new();
    reader.read_line(&mut line).ok().filter(|n| *n > 0)?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?.to_string(), parts.next()?.to_string());
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).ok().filter(|n| *n > 0)?;
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(StubRequest {
        method,
        target,
        headers,
        body,
    })
}

fn encode(response: &StubResponse) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {} Stub\r\n", response.status);
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        response.body.len()
    ));
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&response.body);
    bytes
}

/// Percent-decoding of a query component; `+` is a space.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len()
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit() =>
            {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("00");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(0));
                i += 2;
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::{Stub, StubResponse, decode};
    use crate::http::{Request, exchange};

    #[test]
    fn decodes_query_components() {
        for (raw, decoded) in [
            ("Oslo", "Oslo"),
            ("S%C3%A3o+Paulo", "São Paulo"),
            ("100%", "100%"),
            ("%zz", "%zz"),
            ("a%2", "a%2"),
        ] {
            assert_eq!(decode(raw), decoded, "{raw}");
        }
    }

    #[test]
    fn answers_with_the_function_and_remembers_the_requests() {
        let stub = Stub::start(|request| match request.query("city").as_deref() {
            Some("Atlantis") => StubResponse::status(404),
            city => StubResponse::text(200, &format!("city={}", city.unwrap_or_default())),
        });
        let oslo = exchange(stub.addr(), &Request::get("/v1/current?city=Oslo")).unwrap();
        assert_eq!(
            (oslo.status, oslo.body.as_slice()),
            (200, &b"city=Oslo"[..])
        );
        let lost = exchange(stub.addr(), &Request::get("/v1/current?city=Atlantis")).unwrap();
        assert_eq!(lost.status, 404);
        let posted = exchange(stub.addr(), &Request::post("/echo").body("hi")).unwrap();
        assert_eq!(posted.status, 200);
        let seen = stub.requests();
        assert_eq!(seen.len(), 3);
        assert_eq!(
            (seen[0].method.as_str(), seen[0].path()),
            ("GET", "/v1/current")
        );
        assert_eq!(
            (seen[2].method.as_str(), seen[2].body.as_slice()),
            ("POST", &b"hi"[..])
        );
        let addr = stub.addr();
        drop(stub);
        assert!(
            std::net::TcpStream::connect(addr).is_err(),
            "a dropped stub refuses connections"
        );
    }
}
