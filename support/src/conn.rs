//! A raw TCP connection for servers that do not speak HTTP (the key-value server): bytes sent
//! and received, escaped, in the server's transcript.

use std::fmt::Display;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::escape::escape_bytes;
use crate::render::{Transcript, capped_escape};

/// How long a read may wait unless [`Conn::timeout`] says otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// A TCP connection to the server. Its `expect*` methods fail the test with everything sent
/// and received on it (and the server's output).
pub struct Conn {
    stream: TcpStream,
    addr: SocketAddr,
    transcript: Arc<Transcript>,
    index: usize,
    /// The lines of this connection's transcript entry: `> sent`, `< received`.
    lines: Vec<String>,
    /// Received and not yet taken by an `expect` or `receive`.
    pending: Vec<u8>,
    closed: bool,
    timeout: Duration,
}

impl Conn {
    #[track_caller]
    pub(crate) fn open(addr: SocketAddr, transcript: Arc<Transcript>) -> Conn {
        let index = transcript.record(header(addr));
        let stream = match TcpStream::connect_timeout(&addr, DEFAULT_TIMEOUT) {
            Ok(stream) => stream,
            Err(e) => panic!(
                "{}",
                transcript.failure(&format!("cannot connect: {e}"), index)
            ),
        };
        Conn {
            stream,
            addr,
            transcript,
            index,
            lines: Vec::new(),
            pending: Vec::new(),
            closed: false,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// How long a read waits for the server (default 5 s).
    pub fn timeout(&mut self, timeout: Duration) -> &mut Conn {
        self.timeout = timeout;
        self
    }

    /// Sends `bytes`.
    #[track_caller]
    pub fn send(&mut self, bytes: &[u8]) -> &mut Conn {
        self.log(format!("> {}", capped_escape(bytes)));
        if let Err(e) = self.stream.write_all(bytes) {
            self.fail(format!("cannot send: {e}"));
        }
        self
    }

    /// Reads exactly `expected.len()` bytes and fails unless they are `expected`.
    #[track_caller]
    pub fn expect(&mut self, expected: &[u8]) -> &mut Conn {
        self.fill(|pending| pending.len() >= expected.len());
        let got = self.take(expected.len());
        if got != expected {
            self.fail(format!(
                "expected to receive {}, got {}",
                escape_bytes(expected),
                escape_bytes(&got)
            ));
        }
        self
    }

    /// Sends `request`, then expects `reply`: one round trip.
    #[track_caller]
    pub fn round_trip(&mut self, request: &[u8], reply: &[u8]) -> &mut Conn {
        self.send(request).expect(reply)
    }

    /// Reads until `complete` says the bytes received so far hold a whole message, and
    /// returns that many bytes: `complete` returns the message's length once it has one.
    #[track_caller]
    pub fn receive(&mut self, complete: impl Fn(&[u8]) -> Option<usize>) -> Vec<u8> {
        self.fill(|pending| complete(pending).is_some());
        match complete(&self.pending) {
            Some(length) => self.take(length),
            None => {
                let got = self.take(self.pending.len());
                self.fail(format!(
                    "expected a complete message, got {}",
                    escape_bytes(&got)
                ))
            }
        }
    }

    /// Expects the server to close the connection (nothing more arrives).
    #[track_caller]
    pub fn expect_closed(&mut self) -> &mut Conn {
        self.fill(|_| false);
        if !self.pending.is_empty() {
            let got = self.take(self.pending.len());
            self.fail(format!(
                "expected the server to close the connection, got {}",
                escape_bytes(&got)
            ));
        }
        if !self.closed {
            self.fail(format!(
                "expected the server to close the connection within {:?}",
                self.timeout
            ));
        }
        self
    }

    /// Closes the sending half: the server reads the end of the stream.
    pub fn shutdown_write(&mut self) -> &mut Conn {
        self.log("> (end of stream)".to_string());
        let _ = self.stream.shutdown(Shutdown::Write);
        self
    }

    /// Fails the test with `message` and this connection's transcript.
    #[track_caller]
    pub fn fail(&self, message: impl Display) -> ! {
        panic!(
            "{}",
            self.transcript.failure(&message.to_string(), self.index)
        )
    }

    /// Reads into `pending` until `enough` holds, the server closes, or the timeout passes.
    fn fill(&mut self, enough: impl Fn(&[u8]) -> bool) {
        let deadline = Instant::now() + self.timeout;
        let mut chunk = [0u8; 8192];
        while !enough(&self.pending) && !self.closed {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                self.log(format!("(nothing more within {:?})", self.timeout));
                return;
            }
            let _ = self.stream.set_read_timeout(Some(left));
            match self.stream.read(&mut chunk) {
                Ok(0) => {
                    self.closed = true;
                    self.log("< (connection closed)".to_string());
                }
                Ok(n) => self.pending.extend_from_slice(&chunk[..n]),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock
                            | std::io::ErrorKind::TimedOut
                            | std::io::ErrorKind::Interrupted
                    ) => {}
                Err(e) => {
                    self.closed = true;
                    self.log(format!("< (connection failed: {e})"));
                }
            }
        }
    }

    /// Takes up to `length` received bytes and logs them.
    fn take(&mut self, length: usize) -> Vec<u8> {
        let length = length.min(self.pending.len());
        let taken: Vec<u8> = self.pending.drain(..length).collect();
        if !taken.is_empty() {
            // The closing note, if any, goes after the bytes that came before it.
            let at = if self.closed
                && self
                    .lines
                    .last()
                    .is_some_and(|l| l.starts_with("< (connection"))
            {
                self.lines.len() - 1
            } else {
                self.lines.len()
            };
            self.lines
                .insert(at, format!("< {}", capped_escape(&taken)));
            self.sync();
        }
        taken
    }

    fn log(&mut self, line: String) {
        self.lines.push(line);
        self.sync();
    }

    fn sync(&self) {
        let mut entry = header(self.addr);
        for line in &self.lines {
            entry.push_str(line);
            entry.push('\n');
        }
        self.transcript.update(self.index, entry);
    }
}

fn header(addr: SocketAddr) -> String {
    format!(
        "$ nc {} {}   # a raw TCP connection: > sent, < received\n",
        addr.ip(),
        addr.port()
    )
}
