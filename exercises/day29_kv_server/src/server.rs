//! The TCP side: accept connections, turn bytes into commands and replies back into bytes.

use std::io;

use tokio::net::TcpListener;

use crate::db::Db;

/// Accepts connections forever, serving each client in its own task, all on the same `db`.
///
/// A client sends commands as RESP arrays of bulk strings, as many as it likes without waiting
/// (pipelining), split across reads however TCP likes; each gets its reply, in order. The
/// commands (names in any case):
///
/// - `PING [message]`: `+PONG`, or the message as a bulk string.
/// - `GET key`: the value, or null for a missing or expired key.
/// - `SET key value`: `+OK`; the key loses any expiry it had.
/// - `DEL key [key ...]`: how many of the keys existed.
/// - `EXPIRE key seconds`: 1, or 0 for a missing key. `PEXPIREAT key unix-millis`: the same
///   with an absolute deadline. A key is gone from its deadline on, by the `Db`'s clock.
/// - `TTL key`: the seconds left, rounded up; -1 for a key without expiry, -2 for a missing one.
///
/// An unknown command or a wrong number of arguments gets an `-ERR ...` reply and the
/// connection stays open. Bytes that can never be RESP get an `-ERR ...` reply, and then the
/// connection is closed. A command that changes data is in the log before its reply is sent.
pub async fn serve(listener: TcpListener, db: Db) -> io::Result<()> {
    let _ = (listener, db);
    todo!()
}
