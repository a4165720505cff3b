//! A learner's service, started for `backlings serve`: a long-running child in a process group
//! of its own, its output streamed line by line, and stopped the way a process manager stops a
//! service (SIGTERM to the whole group, then SIGKILL after a grace period).

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::process::{self, Exit, Registered};

/// Lines of output kept to explain a crash.
const TAIL_LINES: usize = 20;
/// The longest line passed on whole; longer ones are cut (a service printing one endless line
/// must not grow memory without bound).
const MAX_LINE: usize = 4096;

/// Which stream a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Called with each line the service prints.
pub type OnLine = Arc<dyn Fn(Stream, &str) + Send + Sync>;

/// A running service. Dropping it kills its process group.
pub struct Service {
    pid: u32,
    exited: Receiver<Exit>,
    exit: Option<Exit>,
    tail: Arc<Mutex<VecDeque<String>>>,
    _registered: Registered,
}

/// How waiting for a service to listen ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listening {
    Ready,
    /// It exited first.
    Exited(Exit),
    /// It neither listened nor exited in time.
    TimedOut,
}

impl Service {
    /// Starts `cmd` with null stdin, in a process group of its own.
    pub fn start(mut cmd: Command, on_line: OnLine) -> io::Result<Service> {
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        process::isolate(&mut cmd);
        let (mut child, registered) = process::ACTIVE.spawn(&mut cmd)?;
        let pid = child.id();
        let tail = Arc::new(Mutex::new(VecDeque::new()));
        if let Some(out) = child.stdout.take() {
            stream_lines(out, Stream::Stdout, on_line.clone(), tail.clone());
        }
        if let Some(err) = child.stderr.take() {
            stream_lines(err, Stream::Stderr, on_line, tail.clone());
        }
        let (tx, exited) = mpsc::channel();
        // The waiter owns the child, so it is reaped exactly once whatever happens.
        thread::spawn(move || {
            let exit = child.wait().map_or(Exit::Code(-1), process::exit_of);
            let _ = tx.send(exit);
        });
        Ok(Service {
            pid,
            exited,
            exit: None,
            tail,
            _registered: registered,
        })
    }

    /// How the service ended, if it has.
    pub fn exit(&mut self) -> Option<Exit> {
        if self.exit.is_none() {
            self.exit = self.exited.try_recv().ok();
        }
        self.exit
    }

    /// Waits until `addr` accepts connections, the service exits, or `timeout` passes.
    pub fn wait_listening(&mut self, addr: SocketAddr, timeout: Duration) -> Listening {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(exit) = self.exit() {
                return Listening::Exited(exit);
            }
            let listening = super::ports::listening(addr.port()).unwrap_or_else(|| {
                TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
            });
            if listening {
                return Listening::Ready;
            }
            if Instant::now() >= deadline {
                return Listening::TimedOut;
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// The last lines the service printed.
    pub fn last_lines(&self) -> Vec<String> {
        let tail = self.tail.lock().unwrap_or_else(|e| e.into_inner());
        tail.iter().cloned().collect()
    }

    /// Stops the service: SIGTERM to its group, then SIGKILL once `grace` has passed. Returns
    /// how it ended; everything it started is gone either way.
    pub fn stop(mut self, grace: Duration) -> Exit {
        if let Some(exit) = self.exit() {
            process::kill_group(self.pid);
            return exit;
        }
        process::terminate_group(self.pid);
        let exit = match self.exited.recv_timeout(grace) {
            Ok(exit) => exit,
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                process::kill_group(self.pid);
                self.exited.recv().unwrap_or(Exit::Code(-1))
            }
        };
        // Children it left behind in its group go too.
        process::kill_group(self.pid);
        self.exit = Some(exit);
        exit
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        process::kill_group(self.pid);
    }
}

fn stream_lines(
    stream: impl Read + Send + 'static,
    which: Stream,
    on_line: OnLine,
    tail: Arc<Mutex<VecDeque<String>>>,
) {
    thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut buffer = Vec::new();
        loop {
            buffer.clear();
            match read_line_capped(&mut reader, &mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let line = String::from_utf8_lossy(&buffer);
            let line = line.trim_end_matches(['\n', '\r']);
            on_line(which, line);
            let mut tail = tail.lock().unwrap_or_else(|e| e.into_inner());
            if tail.len() == TAIL_LINES {
                tail.pop_front();
            }
            tail.push_back(line.to_string());
        }
    });
}

/// Reads one line into `buffer`, keeping at most `MAX_LINE` bytes of it (the rest is read and
/// dropped). Returns the bytes read, 0 at the end.
fn read_line_capped(reader: &mut impl BufRead, buffer: &mut Vec<u8>) -> io::Result<usize> {
    let mut read = 0;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(read);
        }
        let (part, done) = match available.iter().position(|b| *b == b'\n') {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let room = MAX_LINE.saturating_sub(buffer.len());
        buffer.extend_from_slice(&part[..part.len().min(room)]);
        let used = part.len();
        reader.consume(used);
        read += used;
        if done {
            return Ok(read);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_cut_and_the_rest_still_read() {
        let text = format!("{}\nsecond\n", "x".repeat(MAX_LINE * 3));
        let mut reader = BufReader::with_capacity(64, text.as_bytes());
        let mut line = Vec::new();
        assert_eq!(
            read_line_capped(&mut reader, &mut line).unwrap(),
            MAX_LINE * 3 + 1
        );
        assert_eq!(line.len(), MAX_LINE);
        line.clear();
        read_line_capped(&mut reader, &mut line).unwrap();
        assert_eq!(line, b"second\n");
        line.clear();
        assert_eq!(read_line_capped(&mut reader, &mut line).unwrap(), 0);
    }

    #[test]
    fn a_service_that_ignores_sigterm_is_killed_after_the_grace_period() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "trap '' TERM; echo up; while :; do sleep 1; done"]);
        let lines = Arc::new(Mutex::new(Vec::new()));
        let seen = lines.clone();
        let service = Service::start(
            cmd,
            Arc::new(move |_, line: &str| seen.lock().unwrap().push(line.to_string())),
        )
        .unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while lines.lock().unwrap().is_empty() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(10));
        }
        let started = Instant::now();
        let exit = service.stop(Duration::from_millis(300));
        assert_eq!(exit, Exit::Signal(9));
        assert!(started.elapsed() >= Duration::from_millis(300));
        assert_eq!(*lines.lock().unwrap(), ["up"]);
    }
}
