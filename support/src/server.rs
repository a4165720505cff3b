//! The day's server as a process: started on a free port with its own temporary data
//! directory, waited for (bounded), talked to, and always taken down with the test.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::conn::Conn;
use crate::http::{self, Reply, Request};
use crate::process::{self, OutputLog};
use crate::render::{self, Transcript};
use crate::scratch::ScratchDir;
use crate::stream::Streaming;

/// How long a server may take from its start to accepting connections.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a server may take to stop after SIGTERM.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);
/// How long `expect_output` waits for a line.
const OUTPUT_TIMEOUT: Duration = Duration::from_secs(10);
/// A port taken by someone else between our probe and the server's bind is retried this often.
const START_ATTEMPTS: usize = 3;

/// A package's server binary, as [`server_binary!`](crate::server_binary) finds it.
#[derive(Debug, Clone, Copy)]
pub struct Binary {
    package: &'static str,
    path: Option<&'static str>,
}

impl Binary {
    /// `path` is cargo's `CARGO_BIN_EXE_<package>`, if the package has that binary.
    pub fn new(package: &'static str, path: Option<&'static str>) -> Binary {
        Binary { package, path }
    }

    #[track_caller]
    fn path(&self) -> PathBuf {
        match self.path {
            Some(path) => PathBuf::from(path),
            None => panic!(
                "the package `{0}` has no binary called `{0}`: a server day's `src/main.rs` \
                 starts its server (`cargo run -p {0}`). If you deleted it, `backlings reset` \
                 brings the day's starter files back.",
                self.package
            ),
        }
    }
}

/// How to start a server: the binary, and environment variables or arguments beyond `PORT`
/// and `DATA_DIR`.
#[derive(Debug, Clone)]
pub struct Launch {
    binary: PathBuf,
    package: &'static str,
    env: Vec<(String, String)>,
    args: Vec<String>,
}

impl Launch {
    /// Sets an environment variable for the server (an upstream's URL, a secret).
    pub fn env(mut self, name: &str, value: &str) -> Launch {
        self.env.push((name.to_string(), value.to_string()));
        self
    }

    /// Adds a command-line argument.
    pub fn arg(mut self, arg: &str) -> Launch {
        self.args.push(arg.to_string());
        self
    }

    /// Starts the server and waits until it accepts connections.
    #[track_caller]
    pub fn start(self) -> Server {
        let data_dir =
            ScratchDir::new("backlings-data-").expect("cannot create a temporary data directory");
        let output = Arc::new(OutputLog::default());
        let transcript = Arc::new(Transcript::new(Arc::clone(&output)));
        let mut server = Server {
            launch: self,
            data_dir,
            output,
            transcript,
            running: Mutex::new(None),
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        };
        server.start_again();
        server
    }
}

/// A running server. Dropping it kills the server and whatever the server started.
pub struct Server {
    launch: Launch,
    data_dir: ScratchDir,
    output: Arc<OutputLog>,
    transcript: Arc<Transcript>,
    running: Mutex<Option<Child>>,
    addr: SocketAddr,
}

impl Server {
    /// Starts `binary` with `PORT` (a free port) and `DATA_DIR` (a fresh temporary directory)
    /// and waits until it accepts connections.
    #[track_caller]
    pub fn start(binary: Binary) -> Server {
        Server::launch(binary).start()
    }

    /// A server to start with more settings: `Server::launch(server_binary!()).env(..).start()`.
    #[track_caller]
    pub fn launch(binary: Binary) -> Launch {
        Launch {
            binary: binary.path(),
            package: binary.package,
            env: Vec::new(),
            args: Vec::new(),
        }
    }

    /// Where the server listens: `127.0.0.1` and the port it was given.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The directory given to the server as `DATA_DIR`; it outlives restarts.
    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    /// Every line the server printed so far (stdout and stderr), oldest first.
    pub fn output(&self) -> Vec<String> {
        self.output.lines()
    }

    /// Waits (at most 10 s) for a line of the server's output that `matches`, and returns it;
    /// fails the test, naming `what` was expected, if none comes. Output arrives through a pipe,
    /// a little after the response it belongs to, so a test waits for it rather than reads it.
    #[track_caller]
    pub fn expect_output(&self, what: &str, matches: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let generation = self.output.generation();
            if let Some(line) = self.output.lines().into_iter().rev().find(|l| matches(l)) {
                return line;
            }
            if started.elapsed() > OUTPUT_TIMEOUT {
                self.fail(&format!(
                    "expected the server to print {what} within {OUTPUT_TIMEOUT:?}"
                ));
            }
            self.output
                .wait_after(generation, Duration::from_millis(100));
        }
    }

    /// `GET path`.
    #[track_caller]
    pub fn get(&self, path: &str) -> Reply {
        self.send(Request::get(path))
    }

    /// Sends `request` and returns the response; a request that gets none fails the test.
    #[track_caller]
    pub fn send(&self, request: Request) -> Reply {
        match self.try_send(request) {
            Ok(reply) => reply,
            Err(failure) => panic!("{failure}"),
        }
    }

    /// Sends `request`; `Err` holds the failure message (the exchange included) when no
    /// response came back, for a test that expects the server to refuse or hang up.
    pub fn try_send(&self, request: Request) -> Result<Reply, String> {
        let outcome = http::exchange(self.addr, &request);
        let entry = render::http_exchange(&self.url(""), &request, &outcome);
        let index = self.transcript.record(entry);
        match outcome {
            Ok(response) => Ok(Reply::new(response, Arc::clone(&self.transcript), index)),
            Err(no) => {
                let mut message = format!(
                    "{} {} got no response: {}",
                    request.method, request.target, no.why
                );
                message.push_str(&self.exit_note());
                Err(self.transcript.failure(&message, index))
            }
        }
    }

    /// Sends `request` and returns the response as soon as its head has arrived, to read its
    /// body while it is still coming (server-sent events).
    #[track_caller]
    pub fn open(&self, request: Request) -> Streaming {
        Streaming::open(
            self.addr,
            &self.url(""),
            &request,
            Arc::clone(&self.transcript),
        )
    }

    /// A raw TCP connection to the server, whose bytes join the transcript.
    #[track_caller]
    pub fn connect(&self) -> Conn {
        Conn::open(self.addr, Arc::clone(&self.transcript))
    }

    /// Fails the test with `message`, the recent exchanges and the server's output.
    #[track_caller]
    pub fn fail(&self, message: &str) -> ! {
        panic!("{}", self.transcript.failure(message, usize::MAX))
    }

    /// Asks the server to stop with SIGTERM and waits for it; fails the test if it is still
    /// running after 10 s (it is killed then). Returns how it exited.
    #[track_caller]
    pub fn stop(&mut self) -> ExitStatus {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let Some(mut child) = running.take() else {
            self.fail("stop: the server is not running");
        };
        let others = process::descendants(child.id());
        process::signal("TERM", &[child.id()]);
        let status = wait_for(&mut child, STOP_TIMEOUT);
        drop(running);
        match status {
            Some(status) => {
                self.output.wait_closed(Duration::from_secs(1));
                process::signal("KILL", &others);
                self.output.note(&format!("stopped by SIGTERM: {status}"));
                status
            }
            None => {
                kill(&mut child, &others);
                self.fail(&format!(
                    "the server did not stop within {STOP_TIMEOUT:?} of SIGTERM (it was killed): \
                     a server stops cleanly when asked (tokio::signal, or the default action of \
                     SIGTERM)"
                ));
            }
        }
    }

    /// Kills the server at once (SIGKILL), as a crash or a power cut would.
    #[track_caller]
    pub fn kill(&mut self) {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let Some(mut child) = running.take() else {
            drop(running);
            self.fail("kill: the server is not running");
        };
        let others = process::descendants(child.id());
        kill(&mut child, &others);
        self.output.note("killed");
    }

    /// Stops the server with SIGTERM and starts it again with the same data directory and
    /// settings, on a new free port.
    #[track_caller]
    pub fn restart(&mut self) {
        self.stop();
        self.start_again();
    }

    /// Starts the server again after [`Server::stop`] or [`Server::kill`].
    #[track_caller]
    pub fn start_again(&mut self) {
        let mut last_failure = String::new();
        for _ in 0..START_ATTEMPTS {
            match self.try_start() {
                Ok(()) => return,
                // Someone took the port between our probe and the server's bind: try another.
                Err(Start::PortTaken(failure)) => last_failure = failure,
                Err(Start::Failed(failure)) => panic!("{failure}"),
            }
        }
        panic!("{last_failure}");
    }

    fn try_start(&mut self) -> Result<(), Start> {
        let port = free_port();
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let mut command = Command::new(&self.launch.binary);
        command
            .args(&self.launch.args)
            .env("PORT", port.to_string())
            .env("DATA_DIR", self.data_dir.path())
            // A backtrace would push the panic message out of the last lines a failure shows.
            .env("RUST_BACKTRACE", "0")
            .envs(self.launch.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start `{}`: {e}", self.launch.binary.display()));
        if let Some(stdout) = child.stdout.take() {
            self.output.follow(stdout);
        }
        if let Some(stderr) = child.stderr.take() {
            self.output.follow(stderr);
        }
        self.addr = addr;
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                self.output.wait_closed(Duration::from_secs(2));
                let failure = format!(
                    "the server exited before it listened ({status})\n\
                     It was started as `{}` with PORT={port} and DATA_DIR={}: it should listen \
                     on 127.0.0.1:{port} and keep running.\n{}",
                    [self.launch.package.to_string()]
                        .into_iter()
                        .chain(self.launch.args.iter().cloned())
                        .collect::<Vec<_>>()
                        .join(" "),
                    self.data_dir.path().display(),
                    self.output.tail_report(20)
                );
                let taken = self
                    .output
                    .lines()
                    .iter()
                    .any(|l| l.contains("Address already in use") || l.contains("AddrInUse"));
                return Err(if taken {
                    Start::PortTaken(failure)
                } else {
                    Start::Failed(failure)
                });
            }
            let generation = self.output.generation();
            if TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok() {
                *self.running.lock().unwrap_or_else(|e| e.into_inner()) = Some(child);
                return Ok(());
            }
            if started.elapsed() > STARTUP_TIMEOUT {
                let others = process::descendants(child.id());
                kill(&mut child, &others);
                return Err(Start::Failed(format!(
                    "the server did not accept connections on 127.0.0.1:{port} within \
                     {STARTUP_TIMEOUT:?} (it was started with PORT={port}; does it read PORT?)\n{}",
                    self.output.tail_report(20)
                )));
            }
            // Not listening yet: wait for its next line of output, or a moment.
            self.output
                .wait_after(generation, Duration::from_millis(20));
        }
    }

    /// "; the server has exited (status)" when it has, or does within a second: a server
    /// that dropped a connection is often on its way out (a panic prints its message first).
    fn exit_note(&self) -> String {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let Some(child) = running.as_mut() else {
            return "; the server is not running".to_string();
        };
        match wait_for(child, Duration::from_secs(1)) {
            Some(status) => {
                self.output.wait_closed(Duration::from_secs(1));
                format!("; the server has exited ({status})")
            }
            None => String::new(),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(mut child) = running.take() {
            let others = process::descendants(child.id());
            kill(&mut child, &others);
        }
    }
}

enum Start {
    PortTaken(String),
    Failed(String),
}

/// A port nobody listens on right now: the kernel picks it for a socket we close at once.
fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("cannot bind 127.0.0.1:0");
    listener
        .local_addr()
        .expect("a bound socket has an address")
        .port()
}

/// SIGKILL for the server and the processes it started, and reaps the server.
fn kill(child: &mut Child, others: &[u32]) {
    let _ = child.kill();
    process::signal("KILL", others);
    let _ = wait_for(child, Duration::from_secs(5));
}

/// The child's exit status, if it exits within `timeout`.
fn wait_for(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if started.elapsed() > timeout {
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[cfg(test)]
mod tests;
