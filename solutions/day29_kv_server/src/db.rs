//! The keyspace, its expiry deadlines and its append-only file (AOF).

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::clock::Clock;
use crate::resp::{Frame, parse_frame};

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
    pub fn open(dir: &Path, clock: Arc<dyn Clock>) -> io::Result<Db> {
        let mut log = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(dir.join(AOF_FILE))?;
        let mut bytes = Vec::new();
        log.read_to_end(&mut bytes)?;

        let mut state = State {
            entries: HashMap::new(),
            log,
        };
        let now = clock.now_millis();
        let mut pos = 0;
        loop {
            match parse_frame(&bytes[pos..]) {
                Ok(Some((frame, used))) => {
                    pos += used;
                    let args = command_args(frame).ok_or_else(|| corrupt("not a command"))?;
                    // Replaying must not log the command a second time: ignore what `apply` asks
                    // to persist.
                    let _ = state.apply(&args, now);
                }
                // A torn command at the end: the process died in the middle of a write. That
                // command was never acknowledged, so dropping it loses nothing a client was
                // promised. Cut it off, or the next append would be glued to the garbage.
                Ok(None) => {
                    if pos < bytes.len() {
                        state.log.set_len(pos as u64)?;
                    }
                    break;
                }
                Err(error) => return Err(corrupt(&error.to_string())),
            }
        }
        Ok(Db {
            state: Arc::new(Mutex::new(state)),
            clock,
        })
    }

    /// Runs one command (`["SET", "key", "value"]`, name in any case) and returns the reply.
    ///
    /// A command that changes data is in the log before this returns.
    pub fn execute(&self, args: &[Vec<u8>]) -> Frame {
        let now = self.clock.now_millis();
        // A std mutex is fine in async code as long as it is never held across an `.await`.
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (reply, to_log) = state.apply(args, now);
        if let Some(command) = to_log {
            let bytes = Frame::Array(command.into_iter().map(Frame::Bulk).collect()).to_bytes();
            // One `write_all` on an unbuffered file: the bytes are in the kernel before we reply,
            // so they survive the process crashing. (`sync_data` would survive a power cut too,
            // at the price of a disk flush per write.) Without a flush this is a copy into the
            // page cache, short enough for an async task: no `spawn_blocking` here.
            if let Err(error) = state.log.write_all(&bytes) {
                return Frame::Error(format!("ERR could not persist the write: {error}"));
            }
        }
        reply
    }
}

impl State {
    /// Applies a command at time `now`. Returns the reply and, for a write that changed
    /// something, the command to append to the log.
    fn apply(&mut self, args: &[Vec<u8>], now: u64) -> (Frame, Option<Vec<Vec<u8>>>) {
        let Some((name, rest)) = args.split_first() else {
            return (err("ERR empty command"), None);
        };
        let name = String::from_utf8_lossy(name).to_ascii_uppercase();
        let arity_ok = match name.as_str() {
            "PING" => rest.len() <= 1,
            "GET" | "TTL" => rest.len() == 1,
            "SET" | "EXPIRE" | "PEXPIREAT" => rest.len() == 2,
            "DEL" => !rest.is_empty(),
            _ => return (err(&format!("ERR unknown command '{name}'")), None),
        };
        if !arity_ok {
            let message = format!("ERR wrong number of arguments for '{name}' command");
            return (err(&message), None);
        }

        match name.as_str() {
            "PING" => match rest.first() {
                Some(message) => (Frame::Bulk(message.clone()), None),
                None => (Frame::Simple("PONG".into()), None),
            },
            "GET" => match self.live(&rest[0], now) {
                Some(entry) => (Frame::Bulk(entry.value.clone()), None),
                None => (Frame::Null, None),
            },
            "SET" => {
                // A plain SET also forgets any earlier expiry, as in Redis.
                let entry = Entry {
                    value: rest[1].clone(),
                    expires_at: None,
                };
                self.entries.insert(rest[0].clone(), entry);
                (Frame::Simple("OK".into()), Some(args.to_vec()))
            }
            "DEL" => {
                let mut removed = 0;
                for key in rest {
                    if self.live(key, now).is_some() {
                        self.entries.remove(key);
                        removed += 1;
                    }
                }
                let to_log = (removed > 0).then(|| args.to_vec());
                (Frame::Integer(removed), to_log)
            }
            "EXPIRE" | "PEXPIREAT" => {
                let Some(n) = parse_u64(&rest[1]) else {
                    return (err("ERR value is not an integer or out of range"), None);
                };
                // EXPIRE is relative to *now*; replaying it later would restart the countdown.
                // The log therefore always holds the absolute deadline.
                let deadline = if name == "EXPIRE" {
                    now.saturating_add(n.saturating_mul(1000))
                } else {
                    n
                };
                match self.live_mut(&rest[0], now) {
                    Some(entry) => {
                        entry.expires_at = Some(deadline);
                        let logged = vec![
                            b"PEXPIREAT".to_vec(),
                            rest[0].clone(),
                            deadline.to_string().into_bytes(),
                        ];
                        (Frame::Integer(1), Some(logged))
                    }
                    None => (Frame::Integer(0), None),
                }
            }
            "TTL" => match self.live(&rest[0], now) {
                None => (Frame::Integer(-2), None),
                Some(Entry {
                    expires_at: None, ..
                }) => (Frame::Integer(-1), None),
                Some(Entry {
                    expires_at: Some(at),
                    ..
                }) => {
                    // Round up, so a key with 200 ms left does not report 0 seconds.
                    let seconds = (at - now).div_ceil(1000);
                    (Frame::Integer(seconds as i64), None)
                }
            },
            _ => unreachable!("arity check rejected unknown commands"),
        }
    }

    /// The entry for `key` if it exists and has not expired. An expired key is removed on the
    /// spot ("lazy expiry"): nobody can tell it was still in memory.
    fn live(&mut self, key: &[u8], now: u64) -> Option<&Entry> {
        self.live_mut(key, now).map(|entry| &*entry)
    }

    fn live_mut(&mut self, key: &[u8], now: u64) -> Option<&mut Entry> {
        let expired = self
            .entries
            .get(key)
            .is_some_and(|entry| entry.expires_at.is_some_and(|at| at <= now));
        if expired {
            self.entries.remove(key);
        }
        self.entries.get_mut(key)
    }
}

/// A command frame (an array of bulk strings) as its arguments.
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

fn err(message: &str) -> Frame {
    Frame::Error(message.to_string())
}

fn parse_u64(bytes: &[u8]) -> Option<u64> {
    std::str::from_utf8(bytes).ok()?.parse().ok()
}

fn corrupt(detail: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{AOF_FILE} is corrupt: {detail}"),
    )
}
