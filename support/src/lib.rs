//! Black-box tests for the course's server days.
//!
//! A day that builds a server is a program (`src/main.rs`). Its black-box tests start that
//! program as a process, exactly as `cargo run` would, and talk to it over real sockets:
//!
//! ```ignore
//! use backlings_support::{Request, Server, server_binary};
//! use serde_json::json;
//!
//! #[test]
//! fn creates_a_link() {
//!     let server = Server::start(server_binary!());
//!     server
//!         .send(Request::post("/links").json(&json!({"url": "https://example.com"})))
//!         .expect_status(201)
//!         .expect_header("location", "/links/1");
//! }
//! ```
//!
//! - [`Server::start`] reserves a free port, starts the binary with `PORT` set to it and
//!   `DATA_DIR` set to a fresh temporary directory, and waits (bounded) until the port accepts
//!   connections. A server that exits first fails the test with "the server exited before it
//!   listened", its exit status and its last output lines.
//! - Requests go through a small blocking HTTP/1.1 client (std's `TcpStream`, one connection
//!   per request, `Connection: close`). Blocking is deliberate: the server is another process,
//!   so a test needs no async runtime, and the bytes on the wire are exactly the ones the
//!   transcript shows.
//! - A failed expectation ([`Reply::expect_status`], [`Reply::expect_header`], ...) panics
//!   with the exchange: each request as an equivalent `curl` command line, the response's
//!   status, headers and body (capped), and the server's last output lines. With the `json`
//!   feature, `Reply::expect_json` lists a JSON difference place by place.
//! - A response that does not end (server-sent events) is read as it arrives with
//!   [`Server::open`] and [`Streaming::read_until`].
//! - Raw TCP servers get [`Conn`]: bytes sent and received, escaped, in the same transcript.
//! - A day whose server calls other services (an upstream API, a proxy's backends) gets
//!   [`Stub`]: a small HTTP server in the test process that answers with a function of the
//!   request and counts what it received.
//! - Dropping the [`Server`] kills it and whatever it started; [`Server::stop`] asks it to
//!   stop with SIGTERM first, as `backlings serve` and container platforms do.
//!
//! Every wait is bounded; nothing here sleeps to synchronise except the short pauses between
//! attempts of a bounded poll.

mod conn;
mod escape;
mod http;
#[cfg(feature = "json")]
mod json_diff;
#[cfg(feature = "postgres")]
mod pg;
mod process;
mod render;
mod scratch;
mod server;
mod stream;
mod stub;

pub use conn::Conn;
pub use escape::escape_bytes;
pub use http::{Reply, Request};
#[cfg(feature = "json")]
pub use json_diff::json_diff;
#[cfg(feature = "postgres")]
pub use pg::{DATABASE_PREFIX, TestDatabase, with_database};
pub use render::curl_command;
pub use server::{Binary, Launch, Server};
pub use stream::Streaming;
pub use stub::{Stub, StubRequest, StubResponse};

/// The day's own server binary, for [`Server::start`].
///
/// It expands in the test crate, so it sees that crate's environment: cargo sets
/// `CARGO_BIN_EXE_<name>` for the binaries of the package under test, and a package's binary is
/// named like the package (`day05_axum` in `exercises/`, `day05_axum_solution` in
/// `solutions/`). The same test file therefore finds the right binary in both.
#[macro_export]
macro_rules! server_binary {
    () => {
        $crate::Binary::new(
            env!("CARGO_PKG_NAME"),
            option_env!(concat!("CARGO_BIN_EXE_", env!("CARGO_PKG_NAME"))),
        )
    };
}
