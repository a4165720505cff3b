//! Progress through the sequence: list, hint, next, go, and a damaged progress file.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of a test crate: a panic is a failing test"
)]

mod common;

use common::Course;
use serde::Deserialize;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct List {
    course: String,
    done: usize,
    total: usize,
    streak: usize,
    plan_day: Option<i64>,
    started_on: Option<String>,
    current: String,
    days: Vec<Day>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Day {
    day: u32,
    name: String,
    title: String,
    status: String,
    done_on: Option<String>,
    tests_passed: Option<usize>,
    tests_total: Option<usize>,
    hints_shown: usize,
    hints_total: usize,
    /// `"postgres"` for a day on PostgreSQL.
    database: Option<String>,
}

fn list(course: &Course) -> List {
    let run = course.run(&["list", "--json"]);
    run.expect_code(0);
    serde_json::from_str(&run.stdout()).expect("list --json is our schema")
}

#[test]
fn list_shows_the_plan_and_the_last_run_of_each_day() {
    let course = Course::fixture("mini");
    course.run(&["run", "3"]).expect_code(1);
    course.run(&["run", "1"]).expect_code(0);
    let data = list(&course);
    assert_eq!(
        (data.done, data.total, data.current.as_str()),
        (1, 6, "day01_pass")
    );
    assert_eq!((data.plan_day, data.streak), (Some(1), 1));
    let day3 = &data.days[2];
    assert_eq!((day3.tests_passed, day3.tests_total), (Some(1), Some(3)));
    assert_eq!(data.days[0].done_on.as_deref(), Some(common::TODAY));
    let table = course.run(&["list"]).stdout();
    assert!(
        table.contains("1/6 days done · day 1 of the plan (started 2026-11-24) · streak: 1 day"),
        "{table}"
    );
    assert!(
        table.contains("  3  day03_failing          1/3  Some tests fail"),
        "{table}"
    );
}

#[test]
fn hints_are_revealed_one_at_a_time_and_remembered() {
    let course = Course::fixture("mini");
    let first = course.run(&["hint"]).stdout();
    assert_eq!(first, "Hint 1/3 for day01_pass:\nfirst hint\n\n");
    let second = course.run(&["hint", "1"]).stdout();
    assert!(
        second.contains("first hint") && second.contains("Hint 2/3 for day01_pass:\nsecond hint")
    );
    let all = course.run(&["hint", "--all"]).stdout();
    assert!(
        all.contains("Hint 3/3 for day01_pass:\nthird hint"),
        "{all}"
    );
    assert_eq!(list(&course).days[0].hints_shown, 3);
}

#[test]
fn next_waits_for_the_current_day_to_pass_then_moves_on() {
    let course = Course::fixture("mini");
    course.run(&["go", "3"]).expect_code(0);
    let refused = course.run(&["next"]);
    refused.expect_code(1);
    assert!(
        refused.stderr().contains("`day03_failing` is not done yet"),
        "{}",
        refused.stderr()
    );
    course.run(&["go", "1"]).expect_code(0);
    course.run(&["run"]).expect_code(0);
    let moved = course.run(&["next"]);
    moved.expect_code(0);
    assert!(
        moved.stdout().starts_with("Day 2: Does not compile\n"),
        "{}",
        moved.stdout()
    );
    assert_eq!(list(&course).current, "day02_compile_error");
}

#[test]
fn a_damaged_progress_file_is_kept_aside_and_work_goes_on() {
    let course = Course::fixture("mini");
    course.run(&["hint", "3"]).expect_code(0);
    let good = course.read(".backlings-state.toml");
    let damaged = format!("{good}\n[exercises.day01_pass\nbroken");
    course.write(".backlings-state.toml", &damaged);
    let run = course.run(&["list", "--json"]);
    run.expect_code(0);
    assert!(
        run.stderr()
            .starts_with("warning: progress file `.backlings-state.toml` is unreadable ("),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr()
            .contains("kept the old file as `.backlings-state.toml.bak`")
    );
    assert_eq!(course.read(".backlings-state.toml.bak"), damaged);
}

#[test]
fn progress_survives_a_renamed_day() {
    let course = Course::fixture("mini");
    course.run(&["run", "1"]).expect_code(0);
    let info = course
        .read("info.toml")
        .replace("day03_failing", "day03_renamed");
    course.write("info.toml", &info);
    std::fs::rename(
        course.file("exercises/day03_failing"),
        course.file("exercises/day03_renamed"),
    )
    .unwrap();
    let data = list(&course);
    assert_eq!(data.done, 1, "day 1 stays done");
    assert_eq!(data.days[2].name, "day03_renamed");
}

#[test]
fn a_second_runner_in_the_same_course_is_refused_and_a_stale_lock_recovered() {
    let course = Course::fixture("mini");
    // A live process that is not backlings holds the lock: our own test process.
    course.write(".backlings/lock", &std::process::id().to_string());
    let held = std::fs::File::open(course.file(".backlings/lock")).unwrap();
    held.try_lock().unwrap();
    let run = course.run(&["hint"]);
    run.expect_code(2);
    assert!(
        run.stderr().contains(&format!(
            "another backlings (pid {}) is running in this course",
            std::process::id()
        )),
        "{}",
        run.stderr()
    );
    assert!(course.run(&["list"]).code() == 0, "reading needs no lock");
    // Its owner died: the OS released the lock, the file stays with a pid nobody has.
    drop(held);
    course.write(".backlings/lock", "999999999");
    course.run(&["hint"]).expect_code(0);
    assert!(
        !course.file(".backlings/lock").exists(),
        "the lock is released on exit"
    );
}

#[test]
fn killing_the_runner_at_any_step_of_a_save_leaves_the_old_or_the_new_file() {
    let progress = |course: &Course| course.read(".backlings-state.toml");
    let course = Course::fixture("mini");
    course.run(&["hint"]).expect_code(0);
    let old = progress(&course);
    let twin = Course::fixture("mini");
    twin.run(&["hint"]).expect_code(0);
    twin.run(&["go", "3"]).expect_code(0);
    let new = progress(&twin);
    assert_ne!(old, new);
    // Killed at each write, each fsync and each rename in turn: a writer that wrote the file
    // in place would be caught at the write that truncated or half-filled it.
    for syscall in ["write", "fsync", "rename,renameat,renameat2"] {
        for nth in 1.. {
            course.write(".backlings-state.toml", &old);
            let Some(run) = common::run_killed_at(course.path(), syscall, nth, &["go", "3"]) else {
                return;
            };
            let now = progress(&course);
            assert!(
                now == old || now == new,
                "killed at {syscall} #{nth}, the progress file is neither the old nor the new:\n{now}"
            );
            if !common::killed(&run) {
                // Fewer than `nth` such calls: every one of them was tried.
                run.expect_code(0);
                break;
            }
            assert!(nth < 100, "{syscall} is called without end");
        }
    }
}

/// The names in the course's root, sorted.
fn root_names(course: &Course) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(course.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_runner_killed_before_its_rename_leaves_no_temporary_file_for_long() {
    let course = Course::fixture("mini");
    course.run(&["hint"]).expect_code(0);
    // Files that look like ours but are not: they stay.
    course.write(".tmpNotOurs", "someone else's");
    course.write(".backlings-state.toml.bak", "a kept copy");
    let before = root_names(&course);
    for _ in 0..3 {
        let renames = "rename,renameat,renameat2";
        let Some(run) = common::run_killed_at(course.path(), renames, 1, &["go", "3"]) else {
            return;
        };
        assert!(common::killed(&run), "{}", run.stderr());
    }
    assert!(
        root_names(&course).len() > before.len(),
        "the kills left temporary files"
    );
    course.run(&["go", "2"]).expect_code(0);
    assert_eq!(root_names(&course), before, "the next start swept them");
}

#[test]
fn every_kind_of_damaged_progress_file_warns_keeps_a_copy_and_goes_on() {
    // (what the file holds, what the warning must say)
    let cases: [(&[u8], &str); 4] = [
        (b"", "is empty"),
        (
            b"format_version = 1\nstarted_on = \"2026-11-0",
            "is unreadable",
        ),
        (b"\x00\xff\xfe garbage \x01\x02", "is not text"),
        (
            b"format_version = 99\ncurrent = \"day03_failing\"\n",
            "format_version 99",
        ),
    ];
    for (bytes, says) in cases {
        let course = Course::fixture("mini");
        std::fs::write(course.file(".backlings-state.toml"), bytes).unwrap();
        let run = course.run(&["list", "--json"]);
        run.expect_code(0);
        assert!(
            run.stderr().starts_with("warning: "),
            "{bytes:?}: {}",
            run.stderr()
        );
        assert!(run.stderr().contains(says), "{bytes:?}: {}", run.stderr());
        let kept = std::fs::read(course.file(".backlings-state.toml.bak")).unwrap();
        assert_eq!(kept, bytes, "the damaged file is kept byte for byte");
        // Work goes on: a run records its result in a fresh file.
        course.run(&["run", "1"]).expect_code(0);
        assert_eq!(list(&course).done, 1, "{bytes:?}");
    }
}

#[test]
fn progress_naming_days_that_no_longer_exist_keeps_the_rest() {
    let course = Course::fixture("mini");
    course.run(&["run", "1"]).expect_code(0);
    let state = course.read(".backlings-state.toml");
    course.write(
        ".backlings-state.toml",
        &format!("{state}\n[exercises.day99_gone]\ndone_on = \"2026-11-02\"\n"),
    );
    let data = list(&course);
    assert_eq!(
        (data.done, data.total),
        (1, 6),
        "the vanished day is not counted"
    );
}

#[test]
fn a_progress_file_that_cannot_be_read_is_named_and_nothing_is_touched() {
    let course = Course::fixture("mini");
    // A directory where the file should be: unreadable as a file even for root.
    std::fs::create_dir(course.file(".backlings-state.toml")).unwrap();
    let run = course.run(&["run", "1"]);
    run.expect_code(2);
    assert!(
        run.stderr()
            .starts_with("error: cannot read the progress file `")
            && run
                .stderr()
                .contains(".backlings-state.toml`: check its permissions"),
        "{}",
        run.stderr()
    );
    assert!(
        course.file(".backlings-state.toml").is_dir(),
        "left as it was"
    );
}
