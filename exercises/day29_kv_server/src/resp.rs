//! RESP, the REdis Serialization Protocol (version 2): frames, encoding and an incremental parser.

use std::fmt;

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
        // TODO: one arm per variant. Simple, Error and Integer are a type byte, the text and
        // "\r\n"; Bulk is "$<byte length>\r\n<bytes>\r\n"; Null is "$-1\r\n"; Array is
        // "*<count>\r\n" followed by each element's own bytes (call `to_bytes` on them).
        todo!("encode the frame")
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
    // TODO: find the first "\r\n" (none yet: Ok(None)). Its first byte says the type:
    // `+` `-` `:` are complete after that line; `$<len>` is followed by exactly len bytes and
    // "\r\n" (len -1 is Null); `*<count>` is followed by count frames: parse them one after
    // another (a helper that parses "the frame starting at position p" makes this recursive and
    // easy). Anything else, or a length that is not a number, is an Err.
    let _ = buf;
    todo!("parse one RESP frame")
}
