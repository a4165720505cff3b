//! `backlings serve`: the day's service started, restarted on every save, kept when a save does
//! not compile, reported when it crashes, refused on a taken port, and gone with the session.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of a test crate: a panic is a failing test"
)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Course, alive, backlings};

/// How long a build plus a start may take on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(120);

/// A `backlings serve` running in the background, its output collected as it comes.
struct Serving {
    child: Child,
    output: Arc<Mutex<String>>,
    port: u16,
}

impl Serving {
    fn start(course: &Course, port: u16) -> Serving {
        let mut child = backlings(course.path())
            .args(["serve", "1", "--port", &port.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let output = Arc::new(Mutex::new(String::new()));
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let sink = output.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let mut text = sink.lock().unwrap();
                    text.push_str(&line);
                    text.push('\n');
                }
            });
        }
        Serving {
            child,
            output,
            port,
        }
    }

    fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Waits until `needle` has appeared `times` times in the output.
    fn wait_for(&self, needle: &str, times: usize) {
        let deadline = Instant::now() + PATIENCE;
        while self.output().matches(needle).count() < times {
            assert!(
                Instant::now() < deadline,
                "no {needle:?} (x{times}) in:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The body of `GET /`. A refused connection is tried again for a while: a save of two
    /// files can be two rebuilds, and the service is briefly down between them.
    fn get(&self) -> String {
        let deadline = Instant::now() + PATIENCE;
        let mut stream = loop {
            match TcpStream::connect(("127.0.0.1", self.port)) {
                Ok(stream) => break stream,
                Err(e) if Instant::now() < deadline => {
                    assert_eq!(e.kind(), std::io::ErrorKind::ConnectionRefused, "{e}");
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => panic!("nothing listens on {}: {e}", self.port),
            }
        };
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
            .split_once("\r\n\r\n")
            .map(|(_, body)| body.to_string())
            .unwrap_or(response)
    }

    /// The service's pid, from the line it prints when it listens (the `times`-th start).
    fn service_pid(&self, times: usize) -> i32 {
        let text = self.output();
        let line = text
            .lines()
            .filter(|l| l.contains("as pid "))
            .nth(times - 1)
            .unwrap_or_else(|| panic!("no pid line {times} in:\n{text}"));
        line.rsplit(' ').next().unwrap().parse().unwrap()
    }

    fn interrupt(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "serve did not stop on SIGINT");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Stops serve the way a person does (Ctrl-C), so the service goes with it; SIGKILL would
/// leave the service running, as it would for any program killed that way.
impl Drop for Serving {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = std::process::Command::new("kill")
                .args(["-INT", &self.child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn served() -> Course {
    Course::fixture("served")
}

fn set_body(course: &Course, body: &str) {
    course.write(
        "exercises/day01_server/src/lib.rs",
        &format!("pub fn body() -> &'static str {{\n    {body:?}\n}}\n"),
    );
}

#[test]
fn serves_the_day_and_restarts_it_on_every_save() {
    let course = served();
    let serving = Serving::start(&course, free_port());
    serving.wait_for("── serving `day01_server`", 1);
    assert!(
        serving
            .output()
            .contains(&format!("curl -i http://127.0.0.1:{}/", serving.port))
    );
    assert_eq!(serving.get(), "version 1");
    let first = serving.service_pid(1);
    set_body(&course, "version 2");
    serving.wait_for("── serving `day01_server`", 2);
    assert_eq!(serving.get(), "version 2");
    assert!(!alive(first), "the old service was stopped");
    assert!(
        serving.output().contains("│ answered GET / HTTP/1.1"),
        "{}",
        serving.output()
    );
}

#[test]
fn a_save_that_does_not_compile_keeps_the_old_service() {
    let course = served();
    let serving = Serving::start(&course, free_port());
    serving.wait_for("── serving", 1);
    course.write(
        "exercises/day01_server/src/lib.rs",
        "pub fn body() -> &'static str { 42 }\n",
    );
    serving.wait_for("keeps serving", 1);
    let output = serving.output();
    assert!(
        output.contains("exercises/day01_server/src/lib.rs:1:"),
        "{output}"
    );
    assert_eq!(serving.get(), "version 1");
}

#[test]
fn a_crash_is_reported_with_its_last_lines_and_waits_for_a_save() {
    let course = served();
    course.write(
        "exercises/day01_server/src/lib.rs",
        "pub fn body() -> &'static str {\n    panic!(\"the database is not there\")\n}\n",
    );
    let main = course.read("exercises/day01_server/src/main.rs");
    course.write(
        "exercises/day01_server/src/main.rs",
        &main.replace(
            "fn main() {",
            "fn main() {\n    println!(\"starting up\");\n    day01_server::body();",
        ),
    );
    let serving = Serving::start(&course, free_port());
    serving.wait_for("Waiting for a save", 1);
    let output = serving.output();
    assert!(
        output.contains("the service exited with code 101 before it listened"),
        "{output}"
    );
    assert!(output.contains("   starting up"), "{output}");
    assert!(output.contains("the database is not there"), "{output}");
    // One file fixed is one save (`main` still calls `body` at start, which now returns).
    set_body(&course, "fixed");
    serving.wait_for("── serving", 1);
    assert_eq!(serving.get(), "fixed");
}

#[test]
fn a_taken_port_is_named_with_its_owner() {
    let course = served();
    let holder = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = holder.local_addr().unwrap().port();
    let run = course.run(&["serve", "1", "--port", &port.to_string()]);
    run.expect_code(2);
    let pid = std::process::id();
    assert!(
        run.stderr()
            .contains(&format!("port {port} is already in use by pid {pid} "))
            && run.stderr().contains("`--port`"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_day_without_a_service_names_the_days_that_have_one() {
    let run = served().run(&["serve", "2"]);
    run.expect_code(2);
    assert!(
        run.stderr()
            .contains("`day02_library` has no service to run; the days that build one are 1"),
        "{}",
        run.stderr()
    );
}

#[test]
fn ctrl_c_takes_the_service_and_its_children_down_and_frees_the_port() {
    let course = served();
    let main = course.read("exercises/day01_server/src/main.rs");
    // A child that would keep running (and hold nothing) if only the service were killed.
    course.write(
        "exercises/day01_server/src/main.rs",
        &main.replace(
            "fn main() {",
            "fn main() {\n    let child = std::process::Command::new(\"sleep\").arg(\"300\").spawn().unwrap();\n    println!(\"child pid {}\", child.id());",
        ),
    );
    let mut serving = Serving::start(&course, free_port());
    serving.wait_for("── serving", 1);
    let service = serving.service_pid(1);
    let output = serving.output();
    let child: i32 = output
        .lines()
        .find_map(|l| l.split("child pid ").nth(1))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let status = serving.interrupt();
    assert!(!status.success());
    let deadline = Instant::now() + Duration::from_secs(5);
    while (alive(service) || alive(child)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!alive(service), "the service outlived serve");
    assert!(!alive(child), "the service's child outlived serve");
    assert!(
        TcpListener::bind(("127.0.0.1", serving.port)).is_ok(),
        "the port is free"
    );
}

#[test]
fn a_service_that_ignores_sigterm_is_replaced_all_the_same() {
    let course = served();
    let main = course.read("exercises/day01_server/src/main.rs");
    // SIGTERM ignored through the shell that runs it: `trap '' TERM` is inherited on exec.
    course.write(
        "exercises/day01_server/src/main.rs",
        &main.replace(
            "fn main() {",
            "fn main() {\n    if std::env::var_os(\"WRAPPED\").is_none() {\n        let me = std::env::current_exe().unwrap();\n        let err = std::os::unix::process::CommandExt::exec(std::process::Command::new(\"sh\").args([\"-c\", \"trap '' TERM; exec \\\"$0\\\"\"]).arg(me).env(\"WRAPPED\", \"1\"));\n        panic!(\"{err}\");\n    }",
        ),
    );
    let serving = Serving::start(&course, free_port());
    serving.wait_for("── serving", 1);
    let first = serving.service_pid(1);
    set_body(&course, "version 2");
    serving.wait_for("── serving", 2);
    assert_eq!(serving.get(), "version 2");
    assert!(!alive(first));
}
