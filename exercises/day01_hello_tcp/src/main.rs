//! `cargo run -p day01_hello_tcp` (or `backlings serve`): today's server on
//! http://127.0.0.1:3001.
//!
//! `--port N`, or else the `PORT` environment variable, picks another port. The server keeps
//! nothing worth saving, so Ctrl-C and SIGTERM simply end the process (their default action),
//! and the kernel closes its sockets.

use std::net::TcpListener;
use std::process::ExitCode;

use day01_hello_tcp::serve;

const DEFAULT_PORT: u16 = 3001;

fn main() -> ExitCode {
    let port = match port() {
        Ok(port) => port,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind(("127.0.0.1", port)) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Ok(addr) = listener.local_addr() {
        println!("listening on http://{addr}");
    }
    match serve(listener) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The port: `--port N`, else the `PORT` environment variable, else the day's default.
fn port() -> Result<u16, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text = match args.as_slice() {
        [] => match std::env::var("PORT") {
            Ok(text) => text,
            Err(_) => return Ok(DEFAULT_PORT),
        },
        [flag, value] if flag == "--port" => value.clone(),
        _ => return Err(format!("usage: {} [--port N]", env!("CARGO_PKG_NAME"))),
    };
    text.parse()
        .map_err(|_| format!("`{text}` is not a port number"))
}
