//! Watch mode driven through a real terminal (tmux): saves, keys, cancellation, clean exit.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of a test crate: a panic is a failing test"
)]

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::Course;

const WAIT: Duration = Duration::from_secs(60);

/// A tmux server of its own running `backlings` in a course.
struct Session {
    socket: String,
    course: Course,
}

impl Session {
    /// `None` (and a notice) when tmux is missing outside CI; CI must have it.
    fn start(course: Course, setup: &[&[&str]]) -> Option<Session> {
        Session::start_with(course, setup, &[], (110, 40))
    }

    /// `start`, with `env` set for backlings and a terminal of `size` (columns, rows).
    fn start_with(
        course: Course,
        setup: &[&[&str]],
        env: &[(&str, &str)],
        size: (u16, u16),
    ) -> Option<Session> {
        if !common::has_tool("tmux") {
            return None;
        }
        for args in setup {
            course
                .run(args)
                .output
                .status
                .code()
                .expect("setup command ran");
        }
        let socket = format!(
            "backlings-test-{}-{}",
            std::process::id(),
            course.path().display().to_string().replace('/', "_")
        );
        let binary = env!("CARGO_BIN_EXE_backlings");
        let vars: Vec<String> = env.iter().map(|(k, v)| format!("{k}='{v}'")).collect();
        let script = format!(
            "env -u CARGO_TARGET_DIR {} BACKLINGS_TRACE={} {binary} --color never; echo EXITED $?; sleep 600",
            vars.join(" "),
            course.file("runs.log").display()
        );
        let status = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                &size.0.to_string(),
                "-y",
                &size.1.to_string(),
            ])
            .args(["-c", &course.path().display().to_string()])
            .args(["-e", &format!("BACKLINGS_TODAY={}", common::TODAY)])
            .arg(script)
            .status()
            .expect("tmux starts");
        assert!(status.success());
        Some(Session { socket, course })
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits (bounded) until the screen satisfies `check`.
    fn wait_for(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if check(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < WAIT,
                "waited {WAIT:?} for {what}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_text(&self, text: &str) -> String {
        self.wait_for(text, |s| s.contains(text))
    }

    /// How many times watch mode logged `event` to its trace (`<µs> <event> <detail>` lines).
    fn traced(&self, event: &str) -> usize {
        self.log()
            .lines()
            .filter(|line| line.split_whitespace().nth(1) == Some(event))
            .count()
    }

    /// Watch mode's trace so far (nothing before its first event).
    fn log(&self) -> String {
        std::fs::read_to_string(self.course.file("runs.log")).unwrap_or_default()
    }

    fn keys(&self, keys: &[&str]) {
        Command::new("tmux")
            .args(["-L", &self.socket, "send-keys"])
            .args(keys)
            .status()
            .unwrap();
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .stderr(std::process::Stdio::null())
            .status();
    }
}

#[test]
fn without_tmux_a_watch_test_fails_under_ci_and_says_it_was_skipped_elsewhere() {
    let test = "a_plain_save_reruns_the_day_and_shows_the_new_verdict";
    // This test binary, running one other test where no tmux can be found.
    let run = |ci: bool| {
        let mut cmd = Command::new(std::env::current_exe().unwrap());
        cmd.args(["--exact", test]).env("PATH", "/nonexistent");
        if ci {
            cmd.env("CI", "true");
        } else {
            cmd.env_remove("CI");
        }
        let out = cmd.output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    };
    let (passed, text) = run(false);
    assert!(passed, "{text}");
    assert!(
        text.contains(&format!("SKIPPED `{test}`: tmux is not installed")),
        "a skip must be visible without --nocapture:\n{text}"
    );
    let (passed, text) = run(true);
    assert!(!passed, "{text}");
    assert!(text.contains("CI must install tmux"), "{text}");
}

const FIXED_SUB: &str = "pub fn add(a: i32, b: i32) -> i32 { a + b }\npub fn sub(a: i32, b: i32) -> i32 { a - b }\npub fn mul(a: i32, b: i32) -> i32 { a * b }\n";

#[test]
fn a_plain_save_reruns_the_day_and_shows_the_new_verdict() {
    let Some(s) = Session::start(Course::fixture("mini"), &[&["go", "3"]]) else {
        return;
    };
    s.wait_text("day03_failing: 1/3 tests passing");
    s.course
        .write("exercises/day03_failing/src/lib.rs", FIXED_SUB);
    s.wait_for("3/3 and the day done", |screen| {
        screen.contains("day03_failing: 3/3 tests passing") && screen.contains("Day 3 done!")
    });
}

#[test]
fn a_failed_progress_save_is_shown_kept_in_memory_and_retried_on_the_next_change() {
    let Some(s) = Session::start(Course::fixture("mini"), &[&["go", "3"]]) else {
        return;
    };
    s.wait_text("day03_failing: 1/3 tests passing");
    // A directory where the progress file goes: every save fails, even for root.
    let state = s.course.file(".backlings-state.toml");
    std::fs::remove_file(&state).unwrap();
    std::fs::create_dir_all(state.join("in-the-way")).unwrap();
    let lib = "exercises/day03_failing/src/lib.rs";
    s.course.write(lib, FIXED_SUB);
    let screen = s.wait_for("the verdict and the failed save", |screen| {
        screen.contains("day03_failing: 3/3 tests passing")
            && screen.contains("Progress not saved: cannot write the progress file")
    });
    assert!(screen.contains("Day 3 done!"), "{screen}");
    assert!(
        screen.contains("1/6 done"),
        "the day is done in memory: {screen}"
    );
    std::fs::remove_dir_all(&state).unwrap();
    s.course.write(lib, &format!("{FIXED_SUB}// saved again\n"));
    s.wait_for("the save retried", |screen| {
        !screen.contains("Progress not saved") && state.is_file()
    });
    let saved = s.course.read(".backlings-state.toml");
    assert!(
        saved.contains("[exercises.day03_failing]\ndone_on = \"2026-11-24\""),
        "{saved}"
    );
    s.keys(&["q"]);
    s.wait_text("EXITED 0");
}

#[test]
fn a_save_by_rename_is_seen_like_an_editors_safe_write() {
    let Some(s) = Session::start(Course::fixture("mini"), &[&["go", "3"]]) else {
        return;
    };
    s.wait_text("day03_failing: 1/3 tests passing");
    let temp = s.course.file("exercises/day03_failing/src/lib.rs.tmp123");
    std::fs::write(&temp, FIXED_SUB).unwrap();
    std::fs::rename(&temp, s.course.file("exercises/day03_failing/src/lib.rs")).unwrap();
    s.wait_text("day03_failing: 3/3 tests passing");
}

#[test]
fn the_last_of_quick_saves_decides_the_verdict() {
    let Some(s) = Session::start(Course::fixture("mini"), &[&["go", "3"]]) else {
        return;
    };
    s.wait_text("day03_failing: 1/3 tests passing");
    let path = "exercises/day03_failing/src/lib.rs";
    s.course.write(path, "this does not compile");
    s.course.write(path, FIXED_SUB);
    s.course.write(path, "pub fn add(a: i32, b: i32) -> i32 { a + b }\npub fn sub(a: i32, b: i32) -> i32 { a - b }\npub fn mul(_: i32, _: i32) -> i32 { 0 }\n");
    s.wait_text("day03_failing: 2/3 tests passing");
    // It must stay there: no stale run may overwrite it afterwards.
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(1500) {
        assert!(
            s.screen().contains("day03_failing: 2/3 tests passing"),
            "{}",
            s.screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_save_in_another_day_shows_it_without_moving_the_learner() {
    let Some(s) = Session::start(Course::fixture("mini"), &[&["go", "3"]]) else {
        return;
    };
    s.wait_text("day03_failing: 1/3 tests passing");
    s.course.write(
        "exercises/day01_pass/src/lib.rs",
        "pub fn answer() -> u32 { 41 }\n",
    );
    let screen = s.wait_text("day01_pass: 1/2 tests passing");
    assert!(screen.contains("··▶···"), "day 3 stays current: {screen}");
}

#[test]
fn keys_show_hints_the_list_and_quit_restoring_the_terminal() {
    let Some(s) = Session::start(Course::fixture("mini"), &[]) else {
        return;
    };
    s.wait_text("day01_pass: 2/2 tests passing");
    s.keys(&["h"]);
    s.wait_text("Hint 1/3: first hint");
    s.keys(&["l"]);
    s.wait_text("Pick a day");
    s.keys(&["Down", "Down", "Enter"]);
    s.wait_text("day03_failing: 1/3 tests passing");
    s.keys(&["q"]);
    s.wait_text("EXITED 0");
    let list = s.course.run(&["list", "--json"]).stdout();
    assert!(list.contains("\"current\": \"day03_failing\""), "{list}");
}

#[test]
fn keys_n_s_and_x_guard_the_sequence_the_solution_and_the_learners_files() {
    let course = Course::fixture("mini");
    course.write("solutions/day03_failing/src/lib.rs", FIXED_SUB);
    // A course that is not the built-in one resets from git.
    for args in [
        &["init", "-q"][..],
        &["add", "-A"],
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "course",
        ],
    ] {
        let status = Command::new("git")
            .args(args)
            .current_dir(course.path())
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }
    let starter = course.read("exercises/day03_failing/src/lib.rs");
    let Some(s) = Session::start(course, &[&["go", "3"]]) else {
        return;
    };
    s.wait_text("day03_failing: 1/3 tests passing");
    s.keys(&["n"]);
    s.wait_text("is not done yet");
    s.keys(&["s"]);
    s.wait_text("The solution is shown once the day passes.");
    s.keys(&["x"]);
    s.wait_text("Reset `day03_failing` to its starter files?");
    s.keys(&["n"]);
    s.wait_text("Reset cancelled.");

    s.course
        .write("exercises/day03_failing/src/lib.rs", FIXED_SUB);
    s.wait_text("Day 3 done!");
    s.keys(&["s"]);
    s.wait_text("solutions/day03_failing");

    s.keys(&["x"]);
    s.wait_text("Reset `day03_failing` to its starter files?");
    s.keys(&["y"]);
    s.wait_for("the starter's verdict after the reset", |screen| {
        screen.contains("Your files were saved to")
            && screen.contains("day03_failing: 1/3 tests passing")
    });
    assert_eq!(s.course.read("exercises/day03_failing/src/lib.rs"), starter);
    let backups: Vec<_> = std::fs::read_dir(s.course.file(".backlings/backups"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    let saved = std::fs::read_to_string(backups[0].join("src/lib.rs")).unwrap();
    assert_eq!(saved, FIXED_SUB);
    // The reset day is not done any more: `n` refuses again.
    s.keys(&["n"]);
    s.wait_text("is not done yet");
}

#[test]
fn quitting_during_a_hanging_test_leaves_no_process_behind() {
    let Some(s) = Session::start(Course::fixture("mini"), &[&["go", "4"]]) else {
        return;
    };
    s.wait_text("Running the tests...");
    // Give the hanging test time to start, then quit while it runs.
    s.wait_for("the hanging test to start", |_| {
        test_process_running(&s.course)
    });
    s.keys(&["q"]);
    s.wait_text("EXITED 0");
    assert!(
        !test_process_running(&s.course),
        "a test process outlived watch mode"
    );
}

fn test_process_running(course: &Course) -> bool {
    let needle = course.path().display().to_string();
    std::fs::read_dir("/proc").unwrap().flatten().any(|entry| {
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline);
        cmdline.contains(&needle) && cmdline.contains("never_returns")
    })
}

#[test]
fn a_days_first_build_reports_the_crates_it_builds_and_a_rebuild_does_not() {
    let Some(s) = Session::start(Course::fixture("mini"), &[]) else {
        return;
    };
    s.wait_text("day01_pass: 2/2 tests passing");
    let log = s.log();
    let reported: Vec<&str> = log
        .lines()
        .filter(|line| line.split_whitespace().nth(1) == Some("build-progress"))
        .collect();
    assert!(
        reported.iter().any(|line| line.ends_with(" day01_pass")),
        "the day's own crate is reported:\n{log}"
    );
    let before = reported.len();
    s.course.write(
        "exercises/day01_pass/src/lib.rs",
        &format!(
            "{}\n// saved\n",
            s.course.read("exercises/day01_pass/src/lib.rs")
        ),
    );
    s.wait_for("the second verdict", |_| s.traced("verdict") >= 2);
    assert_eq!(
        s.traced("build-progress"),
        before,
        "an incremental build reports nothing:\n{}",
        s.log()
    );
}

#[test]
fn a_burst_of_200_saves_ends_in_one_verdict_for_the_last_files() {
    let Some(s) = Session::start(Course::fixture("mini"), &[&["go", "3"]]) else {
        return;
    };
    s.wait_text("day03_failing: 1/3 tests passing");
    let path = "exercises/day03_failing/src/lib.rs";
    let start = Instant::now();
    for i in 0..200 {
        let body = if i % 2 == 0 {
            "broken on purpose"
        } else {
            "pub fn add(a: i32, b: i32) -> i32 { a + b }\npub fn sub(a: i32, b: i32) -> i32 { a + b }\npub fn mul(a: i32, b: i32) -> i32 { a * b }\n"
        };
        s.course.write(path, body);
        std::thread::sleep(Duration::from_millis(5));
    }
    s.course.write(path, FIXED_SUB);
    let burst = start.elapsed();
    s.wait_text("day03_failing: 3/3 tests passing");
    let runs = s.traced("run-start");
    // One at start, then the burst: debouncing and cancelling keep it to a fraction of the
    // saves (a handful on a quiet machine; a loaded one stretches the gaps between saves).
    assert!(runs <= 50, "{runs} runs for 200 saves in {burst:?}");
    assert!(s.screen().contains("day03_failing: 3/3 tests passing"));
}

#[test]
fn changes_watch_mode_ignores_cost_no_frames() {
    let Some(s) = Session::start(Course::fixture("mini"), &[&["go", "3"]]) else {
        return;
    };
    s.wait_text("day03_failing: 1/3 tests passing");
    // The trace file is in the course root too: were a frame drawn for every change there,
    // each frame's own trace line would draw the next one, forever.
    for i in 0..50 {
        s.course.write("notes.txt", &format!("{i}"));
        s.course
            .write("exercises/day03_failing/target/debug/out", &format!("{i}"));
    }
    s.course
        .write("exercises/day03_failing/src/lib.rs", FIXED_SUB);
    s.wait_text("day03_failing: 3/3 tests passing");
    let frames = s.traced("drawn");
    // The first run's verdict, the fix's run start and verdict, and a little slack.
    assert!(frames <= 10, "{frames} frames drawn");
}

#[test]
fn the_exercises_folder_deleted_and_restored_is_survived() {
    let Some(s) = Session::start(Course::fixture("mini"), &[&["go", "3"]]) else {
        return;
    };
    s.wait_text("day03_failing: 1/3 tests passing");
    std::fs::rename(s.course.file("exercises"), s.course.file("moved-away")).unwrap();
    s.wait_text("is gone: restore it");
    std::fs::rename(s.course.file("moved-away"), s.course.file("exercises")).unwrap();
    s.wait_text("`exercises/` is back; watching it again");
    s.course
        .write("exercises/day03_failing/src/lib.rs", FIXED_SUB);
    s.wait_text("day03_failing: 3/3 tests passing");
    s.keys(&["q"]);
    s.wait_text("EXITED 0");
}

#[test]
fn the_target_folder_deleted_while_watch_runs_is_rebuilt_by_the_next_run() {
    let Some(s) = Session::start(Course::fixture("mini"), &[&["go", "3"]]) else {
        return;
    };
    s.wait_text("day03_failing: 1/3 tests passing");
    let marker = s.course.file("target/.backlings-warm");
    s.wait_for("the warm-up to finish", |_| marker.is_file());
    std::fs::remove_dir_all(s.course.file("target")).unwrap();
    s.course
        .write("exercises/day03_failing/src/lib.rs", FIXED_SUB);
    s.wait_text("day03_failing: 3/3 tests passing");
    // And again while a run uses it: the files it lost are no verdict on the code.
    for round in 0..3 {
        let verdicts = s.traced("verdict");
        s.course.write(
            "exercises/day03_failing/src/lib.rs",
            &format!("{FIXED_SUB}// round {round}\n"),
        );
        s.wait_text("Running the tests...");
        let _ = std::fs::remove_dir_all(s.course.file("target"));
        let screen = s.wait_for("the run's verdict", |screen| {
            s.traced("verdict") > verdicts && !screen.contains("Running the tests...")
        });
        assert!(
            screen.contains("day03_failing: 3/3 tests passing"),
            "round {round}: {screen}"
        );
    }
    s.keys(&["q"]);
    s.wait_text("EXITED 0");
}

#[test]
fn tests_that_write_files_as_they_run_do_not_make_watch_run_for_ever() {
    let Some(s) = Session::start(Course::fixture("faults"), &[&["go", "5"]]) else {
        return;
    };
    // The day's tests write a file in their own day and one in day 2's `src/` on every run.
    s.wait_for("day 5's verdict", |_| {
        s.log().contains("verdict day05_unruly 3/3")
    });
    // Whatever those writes start must settle: day 2 changed, so it runs once; nothing more.
    let settled = Instant::now();
    while settled.elapsed() < Duration::from_secs(3) {
        let runs = s.traced("run-start");
        assert!(runs <= 2, "{runs} runs:\n{}", s.log());
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        s.course
            .read("runs.log")
            .contains("verdict day05_unruly 3/3"),
        "day 5's run was not cut short"
    );
    s.keys(&["q"]);
    s.wait_text("EXITED 0");
}

#[test]
fn closing_the_terminal_during_a_hanging_test_leaves_no_process_behind() {
    let Some(s) = Session::start(Course::fixture("mini"), &[&["go", "4"]]) else {
        return;
    };
    s.wait_for("the hanging test to start", |_| {
        test_process_running(&s.course)
    });
    let _ = Command::new("tmux")
        .args(["-L", &s.socket, "kill-server"])
        .status();
    let start = Instant::now();
    while test_process_running(&s.course) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "a test process outlived the closed terminal"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_other_days_are_warmed_up_in_the_background_after_the_first_run() {
    let Some(s) = Session::start(Course::fixture("mini"), &[&["go", "3"]]) else {
        return;
    };
    s.wait_text("day03_failing: 1/3 tests passing");
    let marker = s.course.file("target/.backlings-warm");
    s.wait_for("the warm-up to finish", |_| marker.is_file());
    // Every other day was built too: running one now compiles nothing of its own.
    let log = s.course.file("target/debug/deps");
    let built = std::fs::read_dir(log)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("libday05_flood")
        })
        .count();
    assert!(built > 0, "day 5 was built by the warm-up");
    // Day by day, in the order the learner needs them: the days after theirs, then the ones
    // before; day 3 itself was built by its run.
    let mut warmed: Vec<String> = Vec::new();
    for line in s.course.read("runs.log").lines() {
        let mut fields = line.split_whitespace().skip(1);
        if let (Some("warm-start"), Some(day)) = (fields.next(), fields.next())
            && !warmed.iter().any(|d| d == day)
        {
            warmed.push(day.to_string());
        }
    }
    assert_eq!(
        warmed,
        [
            "day04_hang",
            "day05_flood",
            "day06_orphan",
            "day01_pass",
            "day02_compile_error"
        ]
    );
}

#[test]
fn a_fresh_course_shows_the_first_verdict_before_warming_the_rest() {
    let Some(s) = Session::start(Course::fixture("mini"), &[]) else {
        return;
    };
    s.wait_text("day01_pass: 2/2 tests passing");
    let log = s.course.read("runs.log");
    let verdict = log.find(" verdict day01_pass").unwrap();
    let warm = log.find(" warm-start ").unwrap_or(usize::MAX);
    assert!(
        verdict < warm,
        "the warm-up waited for the first verdict:\n{log}"
    );
}

#[test]
fn a_second_runner_is_refused_while_watch_runs_and_gets_the_course_once_watch_is_killed() {
    let Some(s) = Session::start(Course::fixture("mini"), &[&["go", "3"]]) else {
        return;
    };
    s.wait_text("day03_failing: 1/3 tests passing");
    // Idle, so that the kill leaves no build of its own behind.
    let marker = s.course.file("target/.backlings-warm");
    s.wait_for("the warm-up to finish", |_| marker.is_file());
    let pid = s.course.read(".backlings/lock");
    let refused = s.course.run(&["hint"]);
    refused.expect_code(2);
    assert!(
        refused
            .stderr()
            .contains(&format!("another backlings (pid {pid}) is running")),
        "{}",
        refused.stderr()
    );
    let killed = Command::new("kill").args(["-KILL", &pid]).status().unwrap();
    assert!(killed.success());
    s.wait_text("EXITED 137");
    s.course.run(&["hint"]).expect_code(0);
}

#[test]
fn e_lends_the_terminal_to_the_editor_at_the_failure_and_takes_it_back() {
    use std::os::unix::fs::PermissionsExt;
    let course = Course::fixture("mini");
    // A terminal editor named vim: it records its arguments and the terminal's mode, then
    // reads a line from the terminal, as an editor reads keys.
    let bin = course.file("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let editor = bin.join("vim");
    let log = course.file("editor");
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{log}.args'\nstty -a > '{log}.stty'\nread line\nprintf '%s' \"$line\" > '{log}.typed'\n",
            log = log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let editor = editor.display().to_string();
    let env = [
        ("EDITOR", editor.as_str()),
        ("VISUAL", ""),
        ("TERM_PROGRAM", "tmux"),
    ];
    let Some(s) = Session::start_with(course, &[&["go", "3"]], &env, (110, 40)) else {
        return;
    };
    s.wait_text("day03_failing: 1/3 tests passing");
    s.keys(&["e"]);
    let args = s.course.file("editor.args");
    s.wait_for("the editor to start", |_| args.is_file());
    // The editor has the terminal: keys go to it, not to watch mode.
    s.keys(&["hello editor", "Enter"]);
    let lib = s.course.path().join("exercises/day03_failing/src/lib.rs");
    s.wait_for("the verdict redrawn after the editor", |screen| {
        screen.contains("Opened exercises/day03_failing/src/lib.rs:3:39 in")
            && screen.contains("day03_failing: 1/3 tests passing")
    });
    assert_eq!(s.course.read("editor.typed"), "hello editor");
    let args = s.course.read("editor.args");
    let lines: Vec<&str> = args.lines().collect();
    assert_eq!(lines[0], "+call cursor(3, 39)");
    assert_eq!(
        std::fs::canonicalize(lines[1]).unwrap(),
        std::fs::canonicalize(lib).unwrap()
    );
    let stty = s.course.read("editor.stty");
    assert!(
        stty.contains(" icanon") && !stty.contains("-icanon"),
        "the editor got a cooked terminal: {stty}"
    );
    // Watch mode has its keys back, and leaves cleanly.
    s.keys(&["h"]);
    s.wait_text("Hint 1/1: read the assertion");
    s.keys(&["q"]);
    s.wait_text("EXITED 0");
}

#[test]
fn at_90_columns_the_welcome_is_whole_and_long_titles_are_cut_not_wrapped() {
    let course = Course::fixture("mini");
    let welcome = "Welcome to the mini course! Each day is a small project: read the day's README.md, edit its\nsrc/, and save. The tests rerun on every save; press h for a hint, q to quit.";
    let info = course
        .read("info.toml")
        .replace(
            "welcome = \"Welcome to the mini course.\"",
            &format!("welcome = \"\"\"\n{welcome}\"\"\""),
        )
        .replace(
            "title = \"A test floods its output\"",
            "title = \"A test floods its output with more lines than anyone reads, wider than ninety columns\"",
        );
    course.write("info.toml", &info);
    let Some(s) = Session::start_with(course, &[&["go", "3"]], &[], (90, 40)) else {
        return;
    };
    let screen = s.wait_text("day03_failing: 1/3 tests passing");
    let drawn: Vec<&str> = screen.split_whitespace().collect();
    let words: Vec<&str> = welcome.split_whitespace().collect();
    assert!(
        drawn.windows(words.len()).any(|w| w == words.as_slice()),
        "the welcome is not whole:\n{screen}"
    );
    assert!(screen.contains("q quit"), "{screen}");
    s.keys(&["l"]);
    let screen = s.wait_text("Pick a day");
    let line = screen.lines().find(|l| l.contains("day05_flood")).unwrap();
    assert!(line.trim_end().ends_with('…'), "{screen}");
    assert!(!screen.contains("columns"), "a title wrapped:\n{screen}");
}
