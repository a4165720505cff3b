//! `backlings run` on the fixture course: every kind of verdict.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of a test crate: a panic is a failing test"
)]

mod common;

use common::{Course, alive};

#[test]
fn a_passing_day_shows_every_test_and_exits_zero() {
    let course = Course::fixture("mini");
    let run = course.run(&["run", "1"]);
    run.expect_code(0);
    let stdout = run.stdout();
    assert!(
        stdout.contains("  ✓ answers_42\n  ✓ answers_consistently\n"),
        "{stdout}"
    );
    assert!(stdout.contains("day01_pass: 2/2 tests passing"), "{stdout}");
    assert!(stdout.contains("Day 1 done!"), "{stdout}");
}

#[test]
fn a_compile_error_is_a_verdict_with_each_location_once() {
    let course = Course::fixture("mini");
    let run = course.run(&["run", "day02_compile_error"]);
    run.expect_code(1);
    let stdout = run.stdout();
    let line = "exercises/day02_compile_error/src/lib.rs:1:26: error: mismatched types";
    assert_eq!(stdout.matches(line).count(), 1, "{stdout}");
    assert!(stdout.contains("expected `u32`, found `&str`"), "{stdout}");
    assert!(
        stdout.contains("day02_compile_error: does not compile (1 error)"),
        "{stdout}"
    );
}

#[test]
fn failing_tests_are_counted_and_the_first_failure_is_shown_in_full() {
    let course = Course::fixture("mini");
    let run = course.run(&["run", "3"]);
    run.expect_code(1);
    let stdout = run.stdout();
    assert!(
        stdout.contains("  ✓ adds\n  ✗ multiplies\n  ✗ subtracts\n"),
        "{stdout}"
    );
    assert!(stdout.contains("First failure: multiplies"), "{stdout}");
    assert!(
        stdout.contains("at exercises/day03_failing/src/lib.rs:3:"),
        "{stdout}"
    );
    assert!(stdout.contains("not yet implemented: multiply"), "{stdout}");
    assert!(
        stdout.contains("day03_failing: 1/3 tests passing"),
        "{stdout}"
    );
}

#[test]
fn a_hanging_test_times_out_and_the_others_still_report() {
    let course = Course::fixture("mini");
    let run = course.run(&["run", "4"]);
    run.expect_code(1);
    let stdout = run.stdout();
    assert!(
        stdout.contains("⏱ never_returns  timed out after 2 s"),
        "{stdout}"
    );
    assert!(stdout.contains("✓ quick"), "{stdout}");
    assert!(stdout.contains("day04_hang: 1/2 tests passing"), "{stdout}");
}

#[test]
fn a_flood_of_output_is_cut_and_the_panic_still_found() {
    let course = Course::fixture("mini");
    let run = course.run(&["run", "5"]);
    run.expect_code(1);
    let stdout = run.stdout();
    assert!(stdout.contains("the end of the flood"), "{stdout}");
    assert!(stdout.contains("lines not shown"), "{stdout}");
    assert!(
        stdout.len() < 20_000,
        "the verdict should stay short, got {} bytes",
        stdout.len()
    );
    assert!(
        stdout.contains("day05_flood: 1/2 tests passing"),
        "{stdout}"
    );
}

#[test]
fn a_child_process_started_by_a_test_does_not_outlive_it() {
    let course = Course::fixture("mini");
    course.run(&["run", "6"]).expect_code(0);
    let pid: i32 = course
        .read("exercises/day06_orphan/orphan.pid")
        .trim()
        .parse()
        .unwrap();
    assert!(
        !alive(pid),
        "the test's `sleep 300` (pid {pid}) is still running"
    );
}

#[test]
fn without_a_day_it_runs_the_current_one() {
    let course = Course::fixture("mini");
    let run = course.run(&["run"]);
    run.expect_code(0);
    assert!(run.stdout().contains("day01_pass: 2/2"), "{}", run.stdout());
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let course = Course::fixture("mini");
    let plain = course.run(&["run", "1"]);
    assert!(
        !plain.stdout().contains('\x1b'),
        "no ANSI codes when stdout is a pipe"
    );
    let forced = course.run(&["--color", "always", "run", "1"]);
    assert!(
        forced.stdout().contains("\x1b["),
        "--color always colours: {}",
        forced.stdout()
    );
    let mut cmd = common::backlings(course.path());
    let out = cmd
        .args(["run", "1"])
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains('\x1b'),
        "NO_COLOR wins over CLICOLOR_FORCE"
    );
}

#[test]
fn paths_are_links_only_where_the_terminal_shows_them_and_stay_plain_text() {
    let course = Course::fixture("mini");
    let run = |force: Option<&str>| {
        let mut cmd = common::backlings(course.path());
        cmd.args(["--color", "always", "run", "3"])
            .env_remove("FORCE_HYPERLINK");
        if let Some(force) = force {
            cmd.env("FORCE_HYPERLINK", force);
        }
        String::from_utf8_lossy(&cmd.output().unwrap().stdout).into_owned()
    };
    let plain = "exercises/day03_failing/src/lib.rs:3:";
    // Colour is forced, but a pipe is no terminal that shows links.
    let coloured = run(None);
    assert!(coloured.contains('\x1b'), "{coloured}");
    assert!(!coloured.contains("\x1b]8;;"), "{coloured:?}");
    assert!(coloured.contains(plain), "{coloured}");
    let linked = run(Some("1"));
    let start = linked.find("\x1b]8;;file://").expect("a link");
    let text = &linked[start..];
    let text = &text[text.find("\x1b\\").unwrap() + 2..];
    assert!(text.starts_with(plain), "{text:?}");
}

#[test]
fn an_unknown_day_suggests_the_nearest_name() {
    let course = Course::fixture("mini");
    let run = course.run(&["run", "day3_failing"]);
    run.expect_code(2);
    assert_eq!(
        run.stderr(),
        "error: there is no exercise `day3_failing`: did you mean `day03_failing`?\n"
    );
    let run = course.run(&["run", "9"]);
    assert_eq!(
        run.stderr(),
        "error: there is no day 9: this course has days 1 to 6\n"
    );
}

/// `run --json`, as the README documents it.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RunJson {
    schema_version: u32,
    course_root: String,
    day: u32,
    name: String,
    title: String,
    status: String,
    tests_passed: usize,
    tests_total: usize,
    tests: Vec<RunTest>,
    compile_errors: Vec<CompileError>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RunTest {
    name: String,
    status: String,
    message: Option<String>,
    output: Option<String>,
    location: Option<Place>,
    duration_secs: f64,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CompileError {
    message: String,
    location: Option<Place>,
    rendered: String,
}

#[derive(Debug, serde::Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Place {
    file: String,
    line: u32,
    column: u32,
}

fn run_json(course: &Course, day: &str, code: i32) -> RunJson {
    let run = course.run(&["--color", "always", "run", day, "--json"]);
    run.expect_code(code);
    assert!(!run.stdout().contains('\x1b'), "{}", run.stdout());
    serde_json::from_str(&run.stdout()).unwrap_or_else(|e| panic!("{e}: {}", run.stdout()))
}

#[test]
fn run_json_gives_each_test_with_its_place_and_compile_errors_with_theirs() {
    let course = Course::fixture("mini");
    let failing = run_json(&course, "3", 1);
    assert_eq!(failing.schema_version, 1);
    assert_eq!(
        (failing.day, failing.name.as_str(), failing.title.as_str()),
        (3, "day03_failing", "Some tests fail")
    );
    assert_eq!(
        (
            failing.status.as_str(),
            failing.tests_passed,
            failing.tests_total
        ),
        ("fail", 1, 3)
    );
    assert_eq!(
        std::path::Path::new(&failing.course_root),
        std::fs::canonicalize(course.path()).unwrap()
    );
    let statuses: Vec<(&str, &str)> = failing
        .tests
        .iter()
        .map(|t| (t.name.as_str(), t.status.as_str()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("adds", "pass"),
            ("multiplies", "fail"),
            ("subtracts", "fail")
        ]
    );
    let adds = &failing.tests[0];
    assert!(adds.message.is_none() && adds.location.is_none() && adds.output.is_none());
    assert!(adds.duration_secs >= 0.0);
    let subtracts = &failing.tests[2];
    assert_eq!(
        subtracts.location,
        Some(Place {
            file: "exercises/day03_failing/tests/check.rs".into(),
            line: 11,
            column: 5
        })
    );
    assert!(
        subtracts
            .message
            .as_deref()
            .unwrap()
            .contains("5 - 3 should be 2")
    );
    assert!(
        subtracts
            .output
            .as_deref()
            .unwrap()
            .contains("learner output")
    );
    assert!(failing.compile_errors.is_empty());

    let broken = run_json(&course, "2", 1);
    assert_eq!((broken.status.as_str(), broken.tests.len()), ("error", 0));
    let error = &broken.compile_errors[0];
    assert_eq!(error.message, "mismatched types");
    assert_eq!(
        error.location,
        Some(Place {
            file: "exercises/day02_compile_error/src/lib.rs".into(),
            line: 1,
            column: 26
        })
    );
    assert!(error.rendered.contains("expected `u32`"));

    let passing = run_json(&course, "1", 0);
    assert_eq!(passing.status, "pass");
    // The run counts like any other: day 1 is done now.
    let list = course.run(&["list", "--json"]).stdout();
    assert!(list.contains("\"done_on\": \"2026-11-24\""), "{list}");
}
