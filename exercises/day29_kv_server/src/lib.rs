//! Day 29: a Redis-like key-value server.
//!
//! Clients speak RESP, the Redis protocol, over TCP. Every command that changes data is appended
//! to a log file before it is acknowledged, and replaying that log on start-up brings the data
//! back after a restart. Read `README.md` first.
//!
//! The work is in three files, in this order: `resp.rs` (the protocol), `db.rs` (the data and
//! its log) and `server.rs` (the TCP side). `clock.rs` is done for you.

mod clock;
mod db;
mod resp;
mod server;

pub use clock::{Clock, ManualClock, SystemClock};
pub use db::{AOF_FILE, Db};
pub use resp::{Frame, ProtocolError, parse_frame};
pub use server::{handle_connection, serve};
