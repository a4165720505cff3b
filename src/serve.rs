//! `backlings serve`: build a day's service, run it, and restart it on every save. A save that
//! does not compile leaves the old service serving; a service that crashes is reported once and
//! waits for the next save. Nothing it started outlives the session.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::Command;
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use crate::course::{Course, Exercise};
use crate::runner::cargo::{self, BuildOptions};
use crate::runner::process::Exit;
use crate::runner::service::{Listening, Service, Stream};
use crate::runner::{Verdict, ports};
use crate::ui::{self, palette};
use crate::watch::debounce::Debounce;
use crate::watch::files::{self, FileWatch};
use crate::watch::{Event, trace};

/// How long a service may take from its start to accepting connections.
const LISTEN_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a service has to stop after SIGTERM before it is killed.
const STOP_GRACE: Duration = Duration::from_secs(3);
/// How often the session looks at whether the service is still running.
const TICK: Duration = Duration::from_millis(200);
/// Lines of the service's output shown per second; a flood beyond is counted, not printed.
const LINES_PER_SECOND: usize = 200;

/// What is being served, and where.
pub struct Target<'a> {
    pub course: &'a Course,
    pub exercise: &'a Exercise,
    pub port: u16,
    /// Environment beyond `PORT` and `DATA_DIR` (a PostgreSQL day's `DATABASE_URL`).
    pub env: Vec<(String, String)>,
}

/// Serves the day until the learner stops it (Ctrl-C or a signal ends the process).
pub fn run(target: &Target, poll: bool) -> Result<()> {
    refuse_taken_port(target.port)?;
    let (tx, rx) = mpsc::channel();
    let (_files, notice) = FileWatch::start(&target.course.root, poll, tx)?;
    if let Some(notice) = notice {
        say(&notice);
    }
    let mut session = Session {
        target,
        service: None,
        shown: Arc::default(),
    };
    session.rebuild();
    session.run(&rx)
}

fn refuse_taken_port(port: u16) -> Result<()> {
    if ports::is_free(port) {
        return Ok(());
    }
    let who = ports::owner(port).map_or(String::new(), |owner| format!(" by {owner}"));
    bail!(
        "port {port} is already in use{who}: stop that program, or serve on another port \
         with `--port`"
    )
}

struct Session<'a> {
    target: &'a Target<'a>,
    service: Option<Service>,
    shown: Arc<Mutex<Shown>>,
}

impl Session<'_> {
    fn run(&mut self, rx: &Receiver<Event>) -> Result<()> {
        let dir = files::exercises_dir(&self.target.course.root);
        let mut debounce = Debounce::default();
        loop {
            let wait = debounce.deadline().map_or(TICK, |d| {
                d.saturating_duration_since(Instant::now()).min(TICK)
            });
            match rx.recv_timeout(wait) {
                Ok(Event::Changed { path, saved }) => {
                    let day = &self.target.exercise.name;
                    if files::exercise_of(&dir, &path).as_ref() == Some(day) {
                        debounce.record(day.clone(), Instant::now(), saved);
                    }
                }
                Ok(Event::WatchError(e)) => say(&format!("file watcher: {e}")),
                Ok(_) | Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => bail!("the file watcher stopped"),
            }
            if debounce.due(Instant::now()).is_some() {
                self.rebuild();
            }
            self.notice_exit();
        }
    }

    /// Builds the day; when it compiles, replaces the running service with the new build.
    fn rebuild(&mut self) {
        let name = &self.target.exercise.name;
        say(&format!("building `{name}` ..."));
        trace::event("serve-build", name);
        let options = BuildOptions {
            color: palette::enabled(),
            binaries: true,
            ..BuildOptions::default()
        };
        let build = match cargo::build_tests(&self.target.course.root, &[name], &options) {
            Ok(build) => build,
            Err(e) => return say(&format!("could not build `{name}`: {}", crate::chain(&e))),
        };
        if let Some(errors) = build.errors.get(name) {
            return self.show_compile_errors(errors.clone());
        }
        let Some(binary) = build.binaries.get(name).cloned() else {
            let failure = cargo::cargo_failure(&build.stderr);
            return self.show_compile_errors(vec![failure]);
        };
        self.restart(binary);
    }

    fn show_compile_errors(&self, errors: Vec<crate::runner::Diagnostic>) {
        let verdict = Verdict::CompileError(errors);
        let mut out = std::io::stdout().lock();
        let _ = ui::verdict::render(&mut out, self.target.course, self.target.exercise, &verdict);
        let keeps = match self.service {
            Some(_) => "the service started from the last build that compiled keeps serving",
            None => "nothing is serving yet",
        };
        let _ = writeln!(
            out,
            "{}",
            palette::warn(&format!("── {keeps}; save to try again"))
        );
    }

    fn restart(&mut self, binary: PathBuf) {
        if let Some(old) = self.service.take() {
            old.stop(STOP_GRACE);
        }
        let started = Instant::now();
        let mut service = match self.start(&binary) {
            Ok(service) => service,
            Err(e) => return say(&format!("could not start `{}`: {e}", binary.display())),
        };
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.target.port));
        match service.wait_listening(addr, LISTEN_TIMEOUT) {
            Listening::Ready => {
                trace::event("serve-listening", &self.target.exercise.name);
                self.announce(started.elapsed());
                self.service = Some(service);
            }
            Listening::Exited(exit) => report_exit(&service, exit, "before it listened"),
            Listening::TimedOut => {
                say(&format!(
                    "nothing listens on {addr} {} s after the start: does `main` bind the port \
                     in `PORT`? The service was stopped; save to try again.",
                    LISTEN_TIMEOUT.as_secs()
                ));
                service.stop(STOP_GRACE);
            }
        }
    }

    fn start(&self, binary: &PathBuf) -> std::io::Result<Service> {
        let (course, exercise) = (self.target.course, self.target.exercise);
        let data = course.root.join(".backlings/data").join(&exercise.name);
        let mut cmd = Command::new(binary);
        cmd.current_dir(course.exercise_dir(exercise))
            .env("PORT", self.target.port.to_string())
            .env("DATA_DIR", &data)
            .envs(self.target.env.iter().map(|(k, v)| (k, v)));
        if let Some(serve) = &exercise.serve {
            let is_set = |name: &str| std::env::var_os(name).is_some();
            cmd.envs(serve.env_for(self.target.port, &data, is_set));
        }
        // A service that keeps state finds its folder there.
        let _ = std::fs::create_dir_all(&data);
        *self.shown.lock().unwrap_or_else(|e| e.into_inner()) = Shown::default();
        let shown = self.shown.clone();
        Service::start(
            cmd,
            Arc::new(move |stream, line: &str| {
                shown
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .print(stream, line);
            }),
        )
    }

    fn announce(&self, took: Duration) {
        let port = self.target.port;
        let mut lines = vec![format!(
            "{} `{}` on http://127.0.0.1:{port} (listening after {:.1} s). Try:",
            palette::good("── serving"),
            self.target.exercise.name,
            took.as_secs_f64()
        )];
        let examples = self
            .target
            .exercise
            .serve
            .as_ref()
            .map(|serve| serve.examples_on(port))
            .unwrap_or_default();
        lines.extend(examples.iter().map(|e| format!("     {e}")));
        lines.push(
            palette::dim("   save a file of the day to rebuild and restart; Ctrl-C stops it")
                .to_string(),
        );
        say(&lines.join("\n"));
    }

    /// Says once that the service ended on its own.
    fn notice_exit(&mut self) {
        let Some(service) = self.service.as_mut() else {
            return;
        };
        if let Some(exit) = service.exit()
            && let Some(service) = self.service.take()
        {
            report_exit(&service, exit, "");
        }
    }
}

fn report_exit(service: &Service, exit: Exit, when: &str) {
    let how = match exit {
        Exit::Code(code) => format!("exited with code {code}"),
        Exit::Signal(signal) => format!("was killed by signal {signal}"),
        Exit::TimedOut(_) | Exit::Cancelled => "stopped".to_string(),
    };
    let when = if when.is_empty() {
        String::new()
    } else {
        format!(" {when}")
    };
    let mut text = palette::bad(&format!("── the service {how}{when}")).to_string();
    let tail = service.last_lines();
    if !tail.is_empty() {
        text.push_str("; its last lines:\n");
        text.push_str(
            &tail
                .iter()
                .map(|l| format!("   {l}"))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    text.push_str("\n   Waiting for a save to build and start it again.");
    say(&text);
}

fn say(text: &str) {
    let _ = crate::outln!("{text}");
}

/// Prints the service's lines, at most `LINES_PER_SECOND`, counting what a flood skips.
#[derive(Default)]
struct Shown {
    second: Option<Instant>,
    printed: usize,
    skipped: usize,
}

impl Shown {
    fn print(&mut self, stream: Stream, line: &str) {
        let now = Instant::now();
        if self
            .second
            .is_none_or(|start| now.duration_since(start) >= Duration::from_secs(1))
        {
            if self.skipped > 0 {
                say(
                    &palette::dim(&format!("   [... {} lines not shown]", self.skipped))
                        .to_string(),
                );
            }
            *self = Shown {
                second: Some(now),
                ..Shown::default()
            };
        }
        if self.printed >= LINES_PER_SECOND {
            self.skipped += 1;
            return;
        }
        self.printed += 1;
        let bar = match stream {
            Stream::Stdout => palette::dim("│"),
            Stream::Stderr => palette::warn("│"),
        };
        say(&format!("{bar} {}", strip_controls(line)));
    }
}

/// The service's line without control characters, so it cannot move the cursor or clear the
/// learner's screen (colour sequences included: they are the service's, not ours).
fn strip_controls(line: &str) -> String {
    line.chars()
        .filter(|c| !c.is_control() || *c == '\t')
        .collect()
}
