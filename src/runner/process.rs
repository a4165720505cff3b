//! The only place backlings starts processes. Each child gets null stdin, its own process group
//! (so a learner's server or child process dies with it), a timeout, capped output, and is reaped
//! exactly once by a waiter thread.

use std::io::{self, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

/// How often a wait checks for cancellation.
const POLL: Duration = Duration::from_millis(10);
/// How long to wait for the pipes to close once the process group is dead.
const DRAIN_GRACE: Duration = Duration::from_secs(2);

/// A flag another thread sets to stop a run early (watch mode: a newer save arrived).
#[derive(Clone, Default, Debug)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// How a process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
    TimedOut(Duration),
    Cancelled,
}

/// Captured bytes of one stream: the first and the last half of the cap, so both the start of
/// a flood and the panic message at its end survive; `dropped` counts what was cut between.
#[derive(Debug, Default, Clone)]
pub struct Captured {
    pub head: Vec<u8>,
    pub tail: Vec<u8>,
    pub dropped: usize,
}

impl Captured {
    /// The output as text, with a note where it was cut.
    pub fn text(&self) -> String {
        let mut text = String::from_utf8_lossy(&self.head).into_owned();
        if self.dropped > 0 {
            text.push_str(&format!(
                "\n[... {} cut from this output ...]\n",
                human_bytes(self.dropped)
            ));
        }
        text.push_str(&String::from_utf8_lossy(&self.tail));
        text
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.head.len() + self.tail.len()
    }

    fn push(&mut self, bytes: &[u8], cap: usize) {
        let half = cap / 2;
        let to_head = bytes.len().min(half.saturating_sub(self.head.len()));
        self.head.extend_from_slice(&bytes[..to_head]);
        let rest = &bytes[to_head..];
        let tail_cap = cap - half;
        self.tail.extend_from_slice(rest);
        // Trim in batches so a flood costs amortised O(1) per byte.
        if self.tail.len() > tail_cap.max(1) * 2 || (self.tail.len() > tail_cap && rest.is_empty())
        {
            self.trim_tail(tail_cap);
        }
    }

    fn trim_tail(&mut self, tail_cap: usize) {
        if self.tail.len() > tail_cap {
            let excess = self.tail.len() - tail_cap;
            self.dropped += excess;
            self.tail.drain(..excess);
        }
    }
}

/// `65536` as `64 KiB`, for notes a person reads.
pub fn human_bytes(n: usize) -> String {
    match n {
        0..1024 => format!("{n} bytes"),
        1024..1_048_576 => format!("{} KiB", n / 1024),
        _ => format!("{:.1} MiB", n as f64 / 1_048_576.0),
    }
}

/// What a finished (or stopped) process left behind.
#[derive(Debug)]
pub struct Outcome {
    pub exit: Exit,
    pub stdout: Captured,
    pub stderr: Captured,
    pub duration: Duration,
}

/// A callback that sees every complete stdout line (used to follow cargo's JSON messages).
pub type LineSink = Arc<dyn Fn(&str) + Send + Sync>;

/// Limits for one process.
#[derive(Clone, Default)]
pub struct Limits {
    pub timeout: Option<Duration>,
    /// Bytes kept per stream; the rest is read and dropped so the child never blocks on a pipe.
    pub output_cap: usize,
    pub cancel: Option<Cancel>,
    pub on_stdout_line: Option<LineSink>,
}

/// Runs `cmd` to completion under `limits`.
pub fn run(mut cmd: Command, limits: &Limits) -> io::Result<Outcome> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    isolate(&mut cmd);
    let started = Instant::now();
    let (mut child, _registered) = ACTIVE.spawn(&mut cmd)?;
    let pid = child.id();
    let readers = spawn_readers(&mut child, limits);
    let (status_tx, status_rx) = mpsc::channel();
    // The waiter owns the child, so it is reaped exactly once whatever happens here.
    thread::spawn(move || {
        let _ = status_tx.send(child.wait());
    });
    let exit = wait(&status_rx, pid, started, limits)?;
    // Whatever the test started (a server, a child) must not outlive it.
    kill_group(pid);
    let (stdout, stderr) = readers.collect();
    Ok(Outcome {
        exit,
        stdout,
        stderr,
        duration: started.elapsed(),
    })
}

fn wait(
    status_rx: &mpsc::Receiver<io::Result<ExitStatus>>,
    pid: u32,
    started: Instant,
    limits: &Limits,
) -> io::Result<Exit> {
    loop {
        match status_rx.recv_timeout(POLL) {
            Ok(status) => return Ok(exit_of(status?)),
            Err(RecvTimeoutError::Disconnected) => {
                return Err(io::Error::other("lost track of a child process"));
            }
            Err(RecvTimeoutError::Timeout) => {}
        }
        let stop = if limits.cancel.as_ref().is_some_and(Cancel::is_cancelled) {
            Some(Exit::Cancelled)
        } else {
            limits
                .timeout
                .filter(|t| started.elapsed() >= *t)
                .map(Exit::TimedOut)
        };
        if let Some(exit) = stop {
            kill_group(pid);
            // Reap it before returning so no zombie is left.
            let _ = status_rx.recv();
            return Ok(exit);
        }
    }
}

pub(super) fn exit_of(status: ExitStatus) -> Exit {
    if let Some(code) = status.code() {
        return Exit::Code(code);
    }
    use std::os::unix::process::ExitStatusExt;
    match status.signal() {
        Some(signal) => Exit::Signal(signal),
        None => Exit::Code(-1),
    }
}

struct Readers {
    done: mpsc::Receiver<(bool, Captured)>,
}

impl Readers {
    /// Both streams, waiting a bounded time for pipes held open by an escaped grandchild.
    fn collect(self) -> (Captured, Captured) {
        let (mut stdout, mut stderr) = (Captured::default(), Captured::default());
        for _ in 0..2 {
            match self.done.recv_timeout(DRAIN_GRACE) {
                Ok((true, c)) => stdout = c,
                Ok((false, c)) => stderr = c,
                Err(_) => break,
            }
        }
        (stdout, stderr)
    }
}

fn spawn_readers(child: &mut Child, limits: &Limits) -> Readers {
    let (tx, done) = mpsc::channel();
    if let Some(out) = child.stdout.take() {
        let (tx, cap, sink) = (tx.clone(), limits.output_cap, limits.on_stdout_line.clone());
        thread::spawn(move || {
            let _ = tx.send((true, drain(out, cap, sink)));
        });
    }
    if let Some(err) = child.stderr.take() {
        let cap = limits.output_cap;
        thread::spawn(move || {
            let _ = tx.send((false, drain(err, cap, None)));
        });
    }
    Readers { done }
}

/// Reads a stream to its end, keeping at most `cap` bytes and feeding complete lines to `sink`.
fn drain(mut stream: impl Read, cap: usize, sink: Option<LineSink>) -> Captured {
    let mut captured = Captured::default();
    let mut line = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        let n = match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        captured.push(&chunk[..n], cap);
        if let Some(sink) = &sink {
            feed_lines(&mut line, &chunk[..n], sink);
        }
    }
    if let (Some(sink), false) = (&sink, line.is_empty()) {
        sink(&String::from_utf8_lossy(&line));
    }
    captured.trim_tail(cap - cap / 2);
    captured
}

fn feed_lines(line: &mut Vec<u8>, bytes: &[u8], sink: &LineSink) {
    for part in bytes.split_inclusive(|b| *b == b'\n') {
        line.extend_from_slice(part);
        if part.ends_with(b"\n") {
            sink(String::from_utf8_lossy(line).trim_end());
            line.clear();
        }
    }
}

pub(super) fn isolate(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    cmd.process_group(0);
}

/// Process groups started and not yet cleaned up, so a signal to backlings can take them down
/// too (they are in groups of their own, so the terminal's Ctrl-C does not reach them).
pub(super) static ACTIVE: Groups = Groups::new();

/// A set of running process groups that can be stopped all at once.
pub(super) struct Groups {
    state: std::sync::Mutex<GroupsState>,
}

struct GroupsState {
    /// Set by [`Groups::kill_all`]: no group starts after it.
    stopping: bool,
    pids: Vec<u32>,
}

impl Groups {
    pub(super) const fn new() -> Groups {
        Groups {
            state: std::sync::Mutex::new(GroupsState {
                stopping: false,
                pids: Vec::new(),
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, GroupsState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts `cmd` and records its group in one step, under the lock that [`Groups::kill_all`]
    /// takes: a group started just before a Ctrl-C is among those killed, and none starts
    /// after one.
    pub(super) fn spawn(&'static self, cmd: &mut Command) -> io::Result<(Child, Registered)> {
        let mut state = self.state();
        if state.stopping {
            return Err(io::Error::new(
                io::ErrorKind::Interrupted,
                "backlings is stopping",
            ));
        }
        let child = cmd.spawn()?;
        state.pids.push(child.id());
        let registered = Registered {
            groups: self,
            pid: child.id(),
        };
        Ok((child, registered))
    }

    /// Kills every group still running, for good.
    pub(super) fn kill_all(&self) {
        let mut state = self.state();
        state.stopping = true;
        for pid in &state.pids {
            kill_group(*pid);
        }
    }
}

/// Keeps a group in its [`Groups`] for as long as its owner works with it.
pub(super) struct Registered {
    groups: &'static Groups,
    pid: u32,
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.groups.state().pids.retain(|p| *p != self.pid);
    }
}

/// Kills every process group still running (backlings is being stopped by a signal).
pub fn kill_all_active() {
    ACTIVE.kill_all();
}

/// Kills every process in the group led by `pid`; a group already gone is not an error.
pub fn kill_group(pid: u32) {
    signal_group(pid, true);
}

/// Asks every process in the group led by `pid` to stop (SIGTERM).
pub fn terminate_group(pid: u32) {
    signal_group(pid, false);
}

fn signal_group(pid: u32, kill: bool) {
    use nix::sys::signal::{Signal, killpg};
    use nix::unistd::Pid;
    let signal = if kill {
        Signal::SIGKILL
    } else {
        Signal::SIGTERM
    };
    if let Ok(pid) = i32::try_from(pid) {
        let _ = killpg(Pid::from_raw(pid), signal);
    }
}

#[cfg(test)]
mod tests;
