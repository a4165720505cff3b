//! The keyspace, its expiry deadlines and its append-only file (AOF).

// The starter's private items are unused until you write the bodies; delete this line then.
#![allow(dead_code)]

use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::clock::Clock;
use crate::resp::Frame;

/// The log's file name inside the data directory.
pub const AOF_FILE: &str = "appendonly.aof";

/// A handle on the database. Cloning it is cheap; every clone sees the same data.
#[derive(Clone)]
pub struct Db {
    state: Arc<Mutex<State>>,
    clock: Arc<dyn Clock>,
}

struct State {
    entries: HashMap<Vec<u8>, Entry>,
    /// Opened in append mode: every write lands at the end of the file.
    log: File,
}

struct Entry {
    value: Vec<u8>,
    /// When the key stops existing, in the clock's milliseconds.
    expires_at: Option<u64>,
}

impl Db {
    /// Opens the database stored in `dir`: replays `dir/AOF_FILE` if it exists, creates it if not.
    ///
    /// A torn command at the very end of the file (the process died while appending it) is cut
    /// off; anything else that is not a valid command is an `io::ErrorKind::InvalidData` error.
    pub fn open(dir: &Path, clock: Arc<dyn Clock>) -> io::Result<Db> {
        // TODO: open the file with `OpenOptions` (read, append, create) and read it all. Then
        // loop `parse_frame` over the bytes, turning each frame into arguments (`command_args`)
        // and applying it with `State::apply` (ignore what it asks you to log: it is already
        // in the file). On `Ok(None)` with bytes left over, `set_len` the file to the good part.
        let _ = (dir, clock);
        todo!("replay the log")
    }

    /// Runs one command (`["SET", "key", "value"]`, name in any case) and returns the reply.
    ///
    /// A command that changes data is in the log before this returns.
    pub fn execute(&self, args: &[Vec<u8>]) -> Frame {
        // TODO: lock the state, `apply` the command at the clock's current time; if it returns a
        // command to log, append it to the file as an array of bulk strings (`write_all`) before
        // returning the reply. A failed write becomes an `-ERR` reply.
        let _ = args;
        todo!("execute a command")
    }
}

impl State {
    /// Applies a command at time `now` (milliseconds). Returns the reply and, for a write that
    /// changed something, the command to append to the log.
    ///
    /// Commands: `PING [message]`, `GET key`, `SET key value` (clears any expiry),
    /// `DEL key [key ...]` (the number removed), `EXPIRE key seconds` (1, or 0 for a missing
    /// key), `PEXPIREAT key unix-millis` and `TTL key` (seconds left rounded up, -1 without
    /// expiry, -2 missing). Unknown commands and wrong argument counts get `-ERR ...`.
    fn apply(&mut self, args: &[Vec<u8>], now: u64) -> (Frame, Option<Vec<Vec<u8>>>) {
        // TODO: match on the upper-cased command name. Log EXPIRE as
        // `PEXPIREAT key <now + seconds * 1000>`: replaying a *relative* expiry after a
        // restart would start its countdown all over again.
        let _ = (args, now);
        todo!("apply a command")
    }

    /// The entry for `key` if it exists and has not expired (`expires_at <= now` means
    /// expired). Remove an expired entry on the spot: that is "lazy expiry".
    fn live_mut(&mut self, key: &[u8], now: u64) -> Option<&mut Entry> {
        // TODO: check the deadline, remove the entry if it has passed, then `get_mut`.
        let _ = (key, now);
        todo!("look up a key that has not expired")
    }
}

/// A command frame (an array of bulk strings) as its arguments; `None` for any other frame.
pub(crate) fn command_args(frame: Frame) -> Option<Vec<Vec<u8>>> {
    let Frame::Array(items) = frame else {
        return None;
    };
    items
        .into_iter()
        .map(|item| match item {
            Frame::Bulk(bytes) => Some(bytes),
            _ => None,
        })
        .collect()
}
