//! A malformed course: every problem gets file:line:col, exit 2, and no panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of a test crate: a panic is a failing test"
)]

mod common;

use common::Course;

#[test]
fn malformed_info_toml_is_reported_with_its_position() {
    let cases = [
        (
            "name = \"day01_pass\"",
            "name = \"day01-pass\"",
            "error: info.toml:7:8: exercise name `day01-pass` is not a valid directory",
        ),
        (
            "day = 2",
            "day = 3",
            "error: `info.toml` has 2 problems:\n  info.toml:16:7: exercise `day02_compile_error` has `day = 3` but is entry 2 of the list; days run 1..N in list order, so make it `day = 2`\n  info.toml:22:7: day 3 is used twice (`day02_compile_error` and `day03_failing`)",
        ),
        (
            "format_version = 1",
            "format_version = \"1\"",
            "error: info.toml:1:18: invalid type: string \"1\", expected u32",
        ),
        (
            "title = \"Mini course\"",
            "title = \"Mini course",
            "error: info.toml:2:",
        ),
        (
            "timeout_secs = 2",
            "timeout_secs = -2",
            "error: info.toml:31:16: invalid value: integer `-2`",
        ),
    ];
    for (from, to, expected) in cases {
        let course = Course::fixture("mini");
        let info = course.read("info.toml").replacen(from, to, 1);
        course.write("info.toml", &info);
        let run = course.run(&["list"]);
        run.expect_code(2);
        assert!(
            run.stderr().starts_with(expected),
            "for `{to}` expected\n{expected}\ngot\n{}",
            run.stderr()
        );
        assert!(!run.stderr().contains("panicked"));
    }
}

#[test]
fn the_same_mistake_in_two_entries_is_reported_for_both_at_once() {
    let course = Course::fixture("mini");
    let info = course
        .read("info.toml")
        .replacen("hints = [\"fix the type\"]", "hint = [\"fix the type\"]", 1)
        .replacen(
            "hints = [\"read the assertion\"]",
            "hint = [\"read the assertion\"]",
            1,
        )
        .replacen("day = 4", "day = \"4\"", 1)
        .replacen("title = \"A test floods its output\"\n", "", 1);
    course.write("info.toml", &info);
    let run = course.run(&["list"]);
    run.expect_code(2);
    assert_eq!(
        run.stderr(),
        "error: `info.toml` has 4 problems:\n  \
         info.toml:18:1: unknown field `hint`; did you mean `hints`?\n  \
         info.toml:24:1: unknown field `hint`; did you mean `hints`?\n  \
         info.toml:28:7: invalid type: string \"4\", expected u32\n  \
         info.toml:33:1: missing field `title` in exercise `day05_flood`\n"
    );
}

#[test]
fn a_missing_exercise_directory_names_the_entry() {
    let course = Course::fixture("mini");
    std::fs::remove_dir_all(course.file("exercises/day04_hang")).unwrap();
    let run = course.run(&["list"]);
    run.expect_code(2);
    assert_eq!(
        run.stderr(),
        "error: info.toml:27:8: exercise `day04_hang`: `exercises/day04_hang` does not exist; \
         restore it (`backlings reset day04_hang`) or remove the entry\n"
    );
}

#[test]
fn outside_a_course_it_says_how_to_get_one() {
    let dir = tempfile::tempdir().unwrap();
    let run = common::run_in(dir.path(), &["list"]);
    run.expect_code(2);
    assert!(
        run.stderr()
            .contains("no `info.toml` here or in any parent"),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("`backlings init`"),
        "{}",
        run.stderr()
    );
}

#[test]
fn watch_refuses_without_a_terminal() {
    let course = Course::fixture("mini");
    let run = course.run(&[]);
    run.expect_code(2);
    assert!(
        run.stderr().contains("watch mode needs a terminal"),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("`backlings run [DAY]`"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_reader_that_goes_away_ends_the_command_quietly() {
    let course = Course::fixture("mini");
    for args in [&["list"][..], &["list", "--json"], &["hint"], &["go", "2"]] {
        // The read end is closed before backlings starts: its first write meets a broken pipe.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = common::backlings(course.path())
            .args(args)
            .stdout(writer)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("error"),
            "{args:?}: {stderr}"
        );
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

#[test]
fn an_error_sent_to_a_file_from_a_terminal_carries_no_colour() {
    let course = Course::fixture("mini");
    let line = format!(
        "{} go 99 2> err.txt",
        common::quoted(env!("CARGO_BIN_EXE_backlings"))
    );
    let Some(code) = common::in_terminal(course.path(), &line) else {
        return;
    };
    assert_eq!(code, 2);
    let err = course.read("err.txt");
    assert!(err.starts_with("error: there is no day 99"), "{err:?}");
    assert!(!err.contains('\x1b'), "colour in a file: {err:?}");
}
