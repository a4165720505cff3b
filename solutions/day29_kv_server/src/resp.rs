//! RESP, the REdis Serialization Protocol (version 2): frames, encoding and an incremental parser.

use std::fmt;

/// The longest bulk string we accept, so that a client cannot make us reserve gigabytes.
const MAX_BULK_LEN: usize = 64 * 1024 * 1024;
/// The most elements an array may announce.
const MAX_ARRAY_LEN: usize = 1024 * 1024;

/// One RESP value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// `+OK\r\n`: a short, binary-unsafe status.
    Simple(String),
    /// `-ERR message\r\n`: an error reply.
    Error(String),
    /// `:42\r\n`
    Integer(i64),
    /// `$3\r\nfoo\r\n`: binary-safe bytes, prefixed by their length.
    Bulk(Vec<u8>),
    /// `$-1\r\n`: "no value" (a missing key).
    Null,
    /// `*2\r\n...`: a sequence of frames. Clients send every command as an array of bulks.
    Array(Vec<Frame>),
}

impl Frame {
    /// The frame's bytes on the wire.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_to(&mut out);
        out
    }

    fn write_to(&self, out: &mut Vec<u8>) {
        match self {
            Frame::Simple(text) => {
                out.push(b'+');
                out.extend_from_slice(text.as_bytes());
            }
            Frame::Error(text) => {
                out.push(b'-');
                out.extend_from_slice(text.as_bytes());
            }
            Frame::Integer(n) => out.extend_from_slice(format!(":{n}").as_bytes()),
            Frame::Bulk(bytes) => {
                out.extend_from_slice(format!("${}\r\n", bytes.len()).as_bytes());
                out.extend_from_slice(bytes);
            }
            Frame::Null => out.extend_from_slice(b"$-1"),
            Frame::Array(items) => {
                out.extend_from_slice(format!("*{}\r\n", items.len()).as_bytes());
                for item in items {
                    item.write_to(out);
                }
                // Every element wrote its own terminator: nothing more to add.
                return;
            }
        }
        out.extend_from_slice(b"\r\n");
    }
}

/// The bytes can never become a valid frame, however many more arrive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolError(pub String);

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "protocol error: {}", self.0)
    }
}

impl std::error::Error for ProtocolError {}

/// Parses one frame from the start of `buf`.
///
/// - `Ok(Some((frame, used)))`: a whole frame; it took the first `used` bytes of `buf`.
/// - `Ok(None)`: the bytes so far are the beginning of a frame; read more and try again.
/// - `Err(_)`: the bytes are not RESP.
pub fn parse_frame(buf: &[u8]) -> Result<Option<(Frame, usize)>, ProtocolError> {
    parse_at(buf, 0)
}

/// Parses the frame that starts at `pos`; on success returns it with the position just past it.
fn parse_at(buf: &[u8], pos: usize) -> Result<Option<(Frame, usize)>, ProtocolError> {
    let Some((line, after_line)) = read_line(buf, pos) else {
        return Ok(None);
    };
    let Some((&kind, rest)) = line.split_first() else {
        return Err(ProtocolError(
            "empty line where a frame was expected".into(),
        ));
    };
    match kind {
        b'+' => Ok(Some((Frame::Simple(text(rest)?), after_line))),
        b'-' => Ok(Some((Frame::Error(text(rest)?), after_line))),
        b':' => Ok(Some((Frame::Integer(number(rest)?), after_line))),
        b'$' => {
            let len = number(rest)?;
            if len == -1 {
                return Ok(Some((Frame::Null, after_line)));
            }
            let len = length(len, MAX_BULK_LEN)?;
            // The payload is counted, not searched for: it may itself contain "\r\n".
            let end = after_line + len;
            if buf.len() < end + 2 {
                return Ok(None);
            }
            if &buf[end..end + 2] != b"\r\n" {
                return Err(ProtocolError("bulk string longer than announced".into()));
            }
            Ok(Some((Frame::Bulk(buf[after_line..end].to_vec()), end + 2)))
        }
        b'*' => {
            let count = length(number(rest)?, MAX_ARRAY_LEN)?;
            let mut items = Vec::with_capacity(count.min(64));
            let mut pos = after_line;
            for _ in 0..count {
                match parse_at(buf, pos)? {
                    Some((item, next)) => {
                        items.push(item);
                        pos = next;
                    }
                    None => return Ok(None),
                }
            }
            Ok(Some((Frame::Array(items), pos)))
        }
        other => Err(ProtocolError(format!(
            "unknown frame type byte {:?}",
            other as char
        ))),
    }
}

/// The line starting at `pos` without its `\r\n`, and the position after it; `None` if the
/// line is not complete yet.
fn read_line(buf: &[u8], pos: usize) -> Option<(&[u8], usize)> {
    let rest = buf.get(pos..)?;
    let newline = rest.windows(2).position(|pair| pair == b"\r\n")?;
    Some((&rest[..newline], pos + newline + 2))
}

fn text(bytes: &[u8]) -> Result<String, ProtocolError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| ProtocolError("line is not UTF-8".into()))
}

fn number(bytes: &[u8]) -> Result<i64, ProtocolError> {
    std::str::from_utf8(bytes)
        .ok()
        .and_then(|digits| digits.parse().ok())
        .ok_or_else(|| ProtocolError("expected an integer".into()))
}

fn length(n: i64, max: usize) -> Result<usize, ProtocolError> {
    usize::try_from(n)
        .ok()
        .filter(|&n| n <= max)
        .ok_or_else(|| ProtocolError(format!("invalid length {n}")))
}
