//! The days that need PostgreSQL: backlings gives their tests a `DATABASE_URL`, the learner's
//! own or a private cluster it starts, stops and recovers; without either, it says what to
//! install. The `postgres` fixture's day 1 asks the server a question through `psql`, and its
//! day 2 runs a query that never ends.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Course, Run};

/// Whether PostgreSQL's server programs are installed here; CI must install them.
fn postgres_installed() -> bool {
    let usual = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dirs| dirs.flatten().any(|d| d.path().join("bin/initdb").exists()))
        .unwrap_or(false);
    let found = usual || Command::new("initdb").arg("-V").output().is_ok();
    common::needed(found, "PostgreSQL", "apt-get install postgresql")
}

fn run(course: &Course, args: &[&str], env: &[(&str, &str)]) -> Run {
    let output = common::backlings(course.path())
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("the backlings binary runs");
    Run { output }
}

fn data_dir(course: &Course) -> PathBuf {
    course.file(".backlings/postgres/data")
}

/// The pid of the cluster's server while it runs (from `postmaster.pid`).
fn server_pid(course: &Course) -> Option<i32> {
    let text = std::fs::read_to_string(data_dir(course).join("postmaster.pid")).ok()?;
    let pid = text.lines().next()?.trim().parse().ok()?;
    common::alive(pid).then_some(pid)
}

/// The port the cluster's server last listened on (`postmaster.opts` outlives the server).
fn last_port(course: &Course) -> u16 {
    let opts = std::fs::read_to_string(data_dir(course).join("postmaster.opts")).unwrap();
    let words: Vec<&str> = opts.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "\"-p\"").unwrap();
    words[at + 1].trim_matches('"').parse().unwrap()
}

fn starts_in_log(course: &Course) -> usize {
    std::fs::read_to_string(course.file(".backlings/postgres/log"))
        .unwrap_or_default()
        .matches("database system is ready to accept connections")
        .count()
}

/// Waits (bounded) for `ready`, polling.
fn wait_for(what: &str, ready: impl Fn() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "{what} never happened"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn kill(pid: i32) {
    let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
}

/// Ends whatever the fixture's tests left (a `psql` orphaned by a killed backlings).
fn reap(dir: &Path) {
    for pid in common::processes_matching(&[&dir.display().to_string()]) {
        kill(pid);
    }
}

/// Starts day 2 (its query never ends) and kills backlings with SIGKILL once its tests run:
/// the server it started is left behind.
fn kill_backlings_mid_run(course: &Course) {
    let mut child = common::backlings(course.path())
        .args(["run", "2"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_tests(course);
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Waits until the course's test binary runs (its server started before it).
fn wait_for_tests(course: &Course) {
    let dir = course.path().display().to_string();
    wait_for("the tests to start", || {
        !common::processes_matching(&[&dir, "deps/check"]).is_empty()
    });
}

#[test]
fn without_a_server_or_a_database_url_a_day_says_what_to_install_and_exits_2() {
    let course = Course::fixture("postgres");
    let nowhere = tempfile::tempdir().unwrap();
    let env = [("BACKLINGS_POSTGRES_BIN", nowhere.path().to_str().unwrap())];
    let result = run(&course, &["run", "1"], &env);
    result.expect_code(2);
    let stderr = result.stderr();
    for needle in [
        "day01_pg needs PostgreSQL",
        "apt install postgresql",
        "brew install postgresql",
        "docker run",
        "export DATABASE_URL=",
        "backlings doctor",
    ] {
        assert!(stderr.contains(needle), "{needle} missing from:\n{stderr}");
    }
    assert!(!result.stdout().contains("passing"), "{}", result.stdout());

    let doctor = run(&course, &["doctor"], &env);
    doctor.expect_code(1);
    assert!(
        doctor.stdout().contains("MISSING PostgreSQL"),
        "{}",
        doctor.stdout()
    );
    assert!(
        doctor.stdout().contains("apt install postgresql"),
        "{}",
        doctor.stdout()
    );
}

#[test]
fn the_list_marks_the_days_that_run_on_postgresql() {
    let course = Course::fixture("postgres");
    let list = run(&course, &["list"], &[]);
    list.expect_code(0);
    assert!(list.stdout().contains("[PostgreSQL]"), "{}", list.stdout());
    let json = run(&course, &["list", "--json"], &[]);
    let parsed: serde_json::Value = serde_json::from_str(&json.stdout()).unwrap();
    assert_eq!(parsed["days"][0]["database"], "postgres");
}

#[test]
fn a_learners_database_url_is_used_as_it_is() {
    let course = Course::fixture("postgres");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "postgres://me:secret@127.0.0.1:{}/mine",
        listener.local_addr().unwrap().port()
    );
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("EXPECT_DATABASE_URL", url.as_str()),
    ];
    run(&course, &["run", "1"], &env).expect_code(0);
    assert!(!course.file(".backlings/postgres").exists());
}

#[test]
fn a_database_url_pointing_nowhere_is_an_error_naming_it_without_its_password() {
    let course = Course::fixture("postgres");
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://me:secret@127.0.0.1:{port}/mine");
    let result = run(&course, &["run", "1"], &[("DATABASE_URL", &url)]);
    result.expect_code(2);
    let stderr = result.stderr();
    assert!(stderr.contains("does not answer"), "{stderr}");
    assert!(stderr.contains(&format!("127.0.0.1:{port}")), "{stderr}");
    assert!(stderr.contains("unset DATABASE_URL"), "{stderr}");
    assert!(!stderr.contains("secret"), "{stderr}");
}

#[test]
fn a_private_cluster_is_created_once_and_stopped_when_backlings_exits() {
    if !postgres_installed() {
        return;
    }
    let course = Course::fixture("postgres");
    let first = run(&course, &["run", "1"], &[]);
    first.expect_code(0);
    assert!(
        first.stderr().contains("Created a private PostgreSQL"),
        "{}",
        first.stderr()
    );
    assert!(data_dir(&course).join("PG_VERSION").is_file());
    assert_eq!(server_pid(&course), None, "the server outlived backlings");

    let second = run(&course, &["run", "1"], &[]);
    second.expect_code(0);
    assert!(!second.stderr().contains("Created"), "{}", second.stderr());
    assert_eq!(starts_in_log(&course), 2);
    assert_eq!(server_pid(&course), None);

    let doctor = run(&course, &["doctor"], &[]);
    doctor.expect_code(0);
    assert!(
        doctor.stdout().contains("private PostgreSQL"),
        "{}",
        doctor.stdout()
    );
}

#[test]
fn a_server_left_by_a_killed_backlings_is_used_not_duplicated_then_stopped() {
    if !postgres_installed() {
        return;
    }
    let course = Course::fixture("postgres");
    kill_backlings_mid_run(&course);
    let left = server_pid(&course).expect("the server still runs");

    run(&course, &["run", "1"], &[]).expect_code(0);
    assert_eq!(starts_in_log(&course), 1, "a second server was started");
    wait_for("the server to stop", || !common::alive(left));
    reap(course.path());
}

#[test]
fn a_server_killed_with_backlings_is_started_again() {
    if !postgres_installed() {
        return;
    }
    let course = Course::fixture("postgres");
    kill_backlings_mid_run(&course);
    let server = server_pid(&course).unwrap();
    kill(server);
    wait_for("the server to die", || !common::alive(server));
    reap(course.path());

    run(&course, &["run", "1"], &[]).expect_code(0);
    assert_eq!(starts_in_log(&course), 2);
    assert_eq!(server_pid(&course), None);
}

#[test]
fn a_taken_port_moves_the_server_to_another() {
    if !postgres_installed() {
        return;
    }
    let course = Course::fixture("postgres");
    run(&course, &["run", "1"], &[]).expect_code(0);
    let port = last_port(&course);
    let _taken = TcpListener::bind(("127.0.0.1", port)).unwrap();
    run(&course, &["run", "1"], &[]).expect_code(0);
    assert_ne!(last_port(&course), port);
}

#[test]
fn a_deleted_or_corrupted_cluster_is_recreated_with_a_notice() {
    if !postgres_installed() {
        return;
    }
    let course = Course::fixture("postgres");
    run(&course, &["run", "1"], &[]).expect_code(0);

    std::fs::remove_file(data_dir(&course).join("PG_VERSION")).unwrap();
    let half = run(&course, &["run", "1"], &[]);
    half.expect_code(0);
    assert!(
        half.stderr().contains("was not a PostgreSQL cluster"),
        "{}",
        half.stderr()
    );

    std::fs::write(data_dir(&course).join("global/pg_control"), b"garbage").unwrap();
    let corrupt = run(&course, &["run", "1"], &[]);
    corrupt.expect_code(0);
    assert!(
        corrupt.stderr().contains("would not start"),
        "{}",
        corrupt.stderr()
    );
    assert!(
        corrupt.stderr().contains("recreated"),
        "{}",
        corrupt.stderr()
    );

    std::fs::remove_dir_all(data_dir(&course)).unwrap();
    let gone = run(&course, &["run", "1"], &[]);
    gone.expect_code(0);
    assert!(
        gone.stderr().contains("Created a private PostgreSQL"),
        "{}",
        gone.stderr()
    );
}

#[test]
fn a_query_that_never_ends_is_ended_by_the_days_time_limit() {
    if !postgres_installed() {
        return;
    }
    let course = Course::fixture("postgres");
    let result = run(&course, &["run", "2"], &[]);
    result.expect_code(1);
    assert!(result.stdout().contains("timed out"), "{}", result.stdout());
    assert_eq!(server_pid(&course), None, "the server outlived backlings");
    reap(course.path());
}
