//! A response read while it is still arriving: server-sent events, or any body that does not
//! end. The transcript shows the request (`curl -N`), the head, and the body received so far.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::http::{Request, find, parse_head};
use crate::render::{Transcript, curl_command, streaming_exchange};

/// How long a read waits for the expected text unless [`Streaming::timeout`] says otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// An open response. Read it with [`Streaming::read_until`].
pub struct Streaming {
    stream: TcpStream,
    transcript: Arc<Transcript>,
    index: usize,
    command: String,
    /// The status line and headers, as shown in the transcript.
    head: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    chunked: bool,
    /// Received body bytes not yet decoded (a chunk in the middle of arriving).
    raw: Vec<u8>,
    /// The body so far, de-chunked.
    body: Vec<u8>,
    /// How much of `body` earlier reads returned.
    taken: usize,
    ended: bool,
    timeout: Duration,
}

impl Streaming {
    #[track_caller]
    pub(crate) fn open(
        addr: SocketAddr,
        base_url: &str,
        request: &Request,
        transcript: Arc<Transcript>,
    ) -> Streaming {
        let url = format!("{base_url}{}", request.target);
        let command = curl_command(&request.method, &url, &request.headers, &request.body)
            .replacen("curl", "curl -N", 1);
        let index = transcript.record(format!("$ {command}\n"));
        let fail = |why: String| -> ! { panic!("{}", transcript.failure(&why, index)) };
        let deadline = Instant::now() + request.timeout;
        let mut stream = TcpStream::connect_timeout(&addr, request.timeout)
            .unwrap_or_else(|e| fail(format!("cannot connect: {e}")));
        if let Err(e) = stream.write_all(&request.encode(&addr.to_string())) {
            fail(format!("cannot send the request: {e}"));
        }
        let mut received = Vec::new();
        let head_end = loop {
            if let Some(end) = find(&received, b"\r\n\r\n") {
                break end;
            }
            match read_some(&mut stream, deadline) {
                Ok(Some(bytes)) => received.extend_from_slice(&bytes),
                Ok(None) => fail(format!(
                    "{} {} got no response head",
                    request.method, request.target
                )),
                Err(why) => fail(why),
            }
        };
        let (status, reason, headers) =
            parse_head(&received[..head_end]).unwrap_or_else(|why| fail(why));
        let mut head = format!("HTTP/1.1 {status} {reason}\n");
        for (name, value) in &headers {
            head.push_str(&format!("{name}: {value}\n"));
        }
        let chunked = headers.iter().any(|(n, v)| {
            n.eq_ignore_ascii_case("transfer-encoding")
                && v.to_ascii_lowercase().contains("chunked")
        });
        let mut streaming = Streaming {
            stream,
            transcript,
            index,
            command,
            head,
            status,
            headers,
            chunked,
            raw: received[head_end + 4..].to_vec(),
            body: Vec::new(),
            taken: 0,
            ended: false,
            timeout: DEFAULT_TIMEOUT,
        };
        streaming.decode();
        streaming.sync();
        streaming
    }

    /// How long each read waits (default 5 s).
    pub fn timeout(&mut self, timeout: Duration) -> &mut Streaming {
        self.timeout = timeout;
        self
    }

    /// The first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    #[track_caller]
    pub fn expect_status(&mut self, status: u16) -> &mut Streaming {
        if self.status != status {
            self.fail(format!("expected the status {status}, got {}", self.status));
        }
        self
    }

    /// The header `name` is present and equal to `value`.
    #[track_caller]
    pub fn expect_header(&mut self, name: &str, value: &str) -> &mut Streaming {
        match self.header(name) {
            Some(actual) if actual == value => self,
            Some(actual) => {
                let actual = actual.to_string();
                self.fail(format!(
                    "expected the header `{name}: {value}`, got `{name}: {actual}`"
                ))
            }
            None => self.fail(format!(
                "expected the header `{name}: {value}`, but it is missing"
            )),
        }
    }

    /// Reads until the body holds `needle` after what earlier reads returned, and returns the
    /// text from there up to and including it; fails if it does not arrive within the timeout.
    #[track_caller]
    pub fn read_until(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + self.timeout;
        loop {
            if let Some(at) = find(&self.body[self.taken..], needle.as_bytes()) {
                let end = self.taken + at + needle.len();
                let text = String::from_utf8_lossy(&self.body[self.taken..end]).into_owned();
                self.taken = end;
                return text;
            }
            if self.ended {
                self.fail(format!("expected {needle:?}, but the response ended"));
            }
            match read_some(&mut self.stream, deadline) {
                Ok(Some(bytes)) => self.raw.extend_from_slice(&bytes),
                Ok(None) => self.ended = true,
                Err(_) => self.fail(format!(
                    "expected {needle:?} within {:?} of asking",
                    self.timeout
                )),
            }
            self.decode();
            self.sync();
        }
    }

    /// Fails the test with `message` and the exchange so far.
    #[track_caller]
    pub fn fail(&self, message: impl std::fmt::Display) -> ! {
        panic!(
            "{}",
            self.transcript.failure(&message.to_string(), self.index)
        )
    }

    /// Moves complete chunks (or, unchunked, everything) from `raw` to `body`.
    fn decode(&mut self) {
        if !self.chunked {
            self.body.append(&mut self.raw);
            return;
        }
        loop {
            let Some(line_end) = find(&self.raw, b"\r\n") else {
                return;
            };
            let size_text = String::from_utf8_lossy(&self.raw[..line_end]).into_owned();
            let size_text = size_text.split(';').next().unwrap_or_default().trim();
            let Ok(size) = usize::from_str_radix(size_text, 16) else {
                self.ended = true;
                return;
            };
            if size == 0 {
                self.ended = true;
                return;
            }
            let start = line_end + 2;
            if self.raw.len() < start + size + 2 {
                return;
            }
            self.body.extend_from_slice(&self.raw[start..start + size]);
            self.raw.drain(..start + size + 2);
        }
    }

    fn sync(&self) {
        let entry = streaming_exchange(&self.command, &self.head, &self.body, self.ended);
        self.transcript.update(self.index, entry);
    }
}

/// Some bytes, `None` at the end of the stream, `Err` at the deadline or on an error.
fn read_some(stream: &mut TcpStream, deadline: Instant) -> Result<Option<Vec<u8>>, String> {
    let mut chunk = [0u8; 8192];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err("nothing arrived in time".to_string());
        }
        let _ = stream.set_read_timeout(Some(left));
        match stream.read(&mut chunk) {
            Ok(0) => return Ok(None),
            Ok(n) => return Ok(Some(chunk[..n].to_vec())),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock
                        | std::io::ErrorKind::TimedOut
                        | std::io::ErrorKind::Interrupted
                ) => {}
            Err(e) => return Err(format!("the connection failed: {e}")),
        }
    }
}
