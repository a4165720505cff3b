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
    /// The frame's bytes on the wire, as each variant's comment shows.
    pub fn to_bytes(&self) -> Vec<u8> {
        todo!()
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
/// - `Err(_)`: the bytes are not RESP, however many more arrive: an unknown type byte, or a
///   length or count that is not a number.
///
/// Bulk strings are counted, never searched for, so they may hold any bytes, `\r\n` included.
pub fn parse_frame(buf: &[u8]) -> Result<Option<(Frame, usize)>, ProtocolError> {
    let _ = buf;
    todo!()
}
