//! Learner code that breaks things: the runner reports it truthfully and cleans up.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of a test crate: a panic is a failing test"
)]

mod common;

use common::Course;

#[test]
fn a_failing_build_script_is_a_compile_verdict_not_a_crash() {
    let course = Course::fixture("faults");
    let run = course.run(&["run", "1"]);
    run.expect_code(1);
    let stdout = run.stdout();
    assert!(
        stdout.contains("day01_build_script: does not compile"),
        "{stdout}"
    );
    assert!(
        stdout.contains("failed to run custom build command"),
        "{stdout}"
    );
    assert!(
        stdout.contains("the build script could not find its input file"),
        "{stdout}"
    );
}

#[test]
fn exiting_the_test_process_early_is_never_a_pass() {
    let course = Course::fixture("faults");
    let run = course.run(&["run", "2"]);
    run.expect_code(1);
    let stdout = run.stdout();
    assert!(stdout.contains("✗ looks_finished"), "{stdout}");
    assert!(
        stdout.contains("exited with code 0 before libtest reported a result"),
        "{stdout}"
    );
    assert!(
        stdout.contains("day02_exits_early: 1/2 tests passing"),
        "{stdout}"
    );
}

#[test]
fn a_stack_overflow_is_reported_as_a_crash() {
    let course = Course::fixture("faults");
    let run = course.run(&["run", "3"]);
    run.expect_code(1);
    assert!(
        run.stdout().contains("crashed: stack overflow"),
        "{}",
        run.stdout()
    );
}

#[test]
fn a_server_left_running_by_a_test_is_killed_and_its_port_freed() {
    let course = Course::fixture("faults");
    course.run(&["run", "4"]).expect_code(0);
    let port: u16 = course
        .read("exercises/day04_port/port")
        .trim()
        .parse()
        .unwrap();
    // The listener died with the test's process group, so the port can be bound again.
    std::net::TcpListener::bind(("127.0.0.1", port))
        .unwrap_or_else(|e| panic!("port {port} is still held: {e}"));
}

#[test]
fn a_day_directory_replaced_by_a_file_is_named() {
    let course = Course::fixture("faults");
    std::fs::remove_dir_all(course.file("exercises/day02_exits_early")).unwrap();
    course.write("exercises/day02_exits_early", "oops");
    let run = course.run(&["list"]);
    run.expect_code(2);
    assert!(
        run.stderr()
            .contains("`exercises/day02_exits_early` is a file, not a directory"),
        "{}",
        run.stderr()
    );
}

#[test]
fn interrupting_a_run_takes_its_hanging_test_down_too() {
    let course = Course::fixture("mini");
    let mut child = common::backlings(course.path())
        .args(["run", "4"])
        .spawn()
        .unwrap();
    let needle = course.path().display().to_string();
    let running = || common::processes_matching(&[needle.as_str(), "never_returns"]);
    let start = std::time::Instant::now();
    while running().is_empty() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(60),
            "the hanging test never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "exit code for an interrupt");
    assert!(
        running().is_empty(),
        "the hanging test outlived the interrupted runner"
    );
}

#[test]
fn a_read_only_course_still_lists_and_runs_and_says_progress_cannot_be_saved() {
    let course = Course::fixture("mini");
    course.run(&["hint"]).expect_code(0);
    // The build goes elsewhere, as it must when the course cannot be written; the lock file is
    // written first, as `run` does on a writable course.
    let target = tempfile::tempdir().unwrap();
    let target = [("CARGO_TARGET_DIR", target.path())];
    common::backlings(course.path())
        .args(["run", "1"])
        .env("CARGO_TARGET_DIR", target[0].1)
        .output()
        .unwrap();
    let progress = course.read(".backlings-state.toml");
    let read_only =
        |args: &[&str]| common::run_read_only(course.path(), course.path(), &target, args);

    let Some(list) = read_only(&["list"]) else {
        return;
    };
    list.expect_code(0);
    assert!(list.stdout().contains("1/6 days done"), "{}", list.stdout());
    assert!(
        list.stderr()
            .starts_with("warning: progress cannot be saved: the course directory `"),
        "{}",
        list.stderr()
    );

    let run = read_only(&["run", "1"]).unwrap();
    run.expect_code(2);
    assert!(
        run.stdout().contains("day01_pass: 2/2 tests passing"),
        "the verdict is shown: {}",
        run.stdout()
    );
    assert!(
        run.stderr()
            .starts_with("error: progress cannot be saved: "),
        "{}",
        run.stderr()
    );
    assert_eq!(run.stderr().lines().count(), 1, "{}", run.stderr());

    let hint = read_only(&["hint"]).unwrap();
    hint.expect_code(2);
    assert!(hint.stdout().contains("Hint 2/3"), "{}", hint.stdout());
    assert_eq!(
        course.read(".backlings-state.toml"),
        progress,
        "nothing was written"
    );
}

/// A directory holding executables that print `text` and succeed: a toolchain of its own.
fn fake_tools(names: &[&str], text: &str) -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    for name in names {
        let path = dir.path().join(name);
        std::fs::write(&path, format!("#!/bin/sh\necho '{text}'\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir
}

/// Runs backlings with `path` as its only PATH and no toolchain inherited from the outer cargo.
fn run_with_path(course: &Course, path: &std::path::Path, args: &[&str]) -> common::Run {
    let output = common::backlings(course.path())
        .args(args)
        .env_remove("CARGO")
        .env_remove("RUSTC")
        .env_remove("RUSTUP_TOOLCHAIN")
        .env("PATH", path)
        .output()
        .unwrap();
    common::Run { output }
}

#[test]
fn without_cargo_on_path_each_command_says_in_one_line_what_to_install() {
    let course = Course::fixture("mini");
    let empty = tempfile::tempdir().unwrap();
    let mini = course.path().display().to_string();
    for args in [&["run", "1"][..], &["grade", "--course", &mini]] {
        let run = run_with_path(&course, empty.path(), args);
        run.expect_code(2);
        assert_eq!(
            run.stderr()
                .lines()
                .filter(|l| l.starts_with("error"))
                .collect::<Vec<_>>(),
            [
                "error: Rust is not installed here (no `cargo` on PATH): install it with rustup \
              (https://rustup.rs), then open a new terminal"
            ],
            "{args:?}"
        );
    }
}

#[test]
fn a_toolchain_older_than_the_course_needs_is_named_with_the_update_to_run() {
    let course = Course::fixture("mini");
    let manifest = course.read("Cargo.toml");
    course.write(
        "Cargo.toml",
        &format!("{manifest}\n[workspace.package]\nrust-version = \"1.89\"\n"),
    );
    // An old cargo and rustc, as an old rustup toolchain would put on PATH (with `sh` beside).
    let old = fake_tools(&["cargo", "rustc"], "rustc 1.70.0 (90c541806 2023-05-31)");
    std::os::unix::fs::symlink("/bin/sh", old.path().join("sh")).unwrap();
    let mini = course.path().display().to_string();
    for args in [&["run", "1"][..], &["grade", "--course", &mini]] {
        let run = run_with_path(&course, old.path(), args);
        run.expect_code(2);
        assert_eq!(
            run.stderr()
                .lines()
                .filter(|l| l.starts_with("error"))
                .collect::<Vec<_>>(),
            [
                "error: this course needs Rust 1.89 or newer, and `rustc` here is 1.70.0: update \
              it with `rustup update stable`"
            ],
            "{args:?}: {}",
            run.stderr()
        );
    }
}

#[test]
fn tests_that_move_delete_and_write_elsewhere_pass_and_leave_the_runners_files_alone() {
    let course = Course::fixture("faults");
    let run = course.run(&["run", "5"]);
    run.expect_code(0);
    assert!(
        run.stdout().contains("day05_unruly: 3/3 tests passing"),
        "{}",
        run.stdout()
    );
    assert!(!course.file("exercises/day05_unruly/notes.md").exists());
    assert!(
        course
            .file("exercises/day02_exits_early/src/written_by_day05.txt")
            .is_file()
    );
    // The runner's own files: the pass is remembered, the lock released, nothing else left.
    let progress = course.read(".backlings-state.toml");
    assert!(
        progress.contains("[exercises.day05_unruly]\ndone_on = \"2026-11-24\""),
        "{progress}"
    );
    let mut root: Vec<String> = std::fs::read_dir(course.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    root.sort();
    assert_eq!(
        root,
        [
            ".backlings",
            ".backlings-state.toml",
            "Cargo.lock",
            "Cargo.toml",
            "exercises",
            "info.toml",
            "target"
        ]
    );
    assert_eq!(
        std::fs::read_dir(course.file(".backlings"))
            .unwrap()
            .count(),
        0
    );
}
