//! Every view rendered into memory at 80x24 and 200x60: it must fit, keep its keys on the last
//! line and show its notice whole.

use std::sync::mpsc;
use std::time::Duration;

use super::*;
use crate::app::{Access, App};
use crate::runner::{Diagnostic, Location, Status, TestResult, Verdict};
use crate::watch::jobs::Jobs;

const SIZES: [(usize, usize); 2] = [(80, 24), (200, 60)];

const TITLES: [&str; 3] = [
    "Middleware: request ids, structured logs, timeouts, panics as 500",
    "A document store: JSON documents, filters and secondary indexes",
    "Authorization: roles and ownership, 401 versus 403 versus 404",
];

const WELCOME: &str =
    "Welcome to backlings! Each day is a small backend project: read the day's README.md, edit its
src/, and save. backlings reruns the tests on every save; press h for a hint, q to quit.";

/// A course of 30 days with long titles, in a temporary directory.
fn course() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut info = format!(
        "format_version = 1\ntitle = \"Thirty days\"\nwelcome = \"\"\"\n{WELCOME}\"\"\"\nfinal_message = \"Done.\"\n"
    );
    for day in 1..=30 {
        let name = format!("day{day:02}_a_rather_long_exercise_name");
        info.push_str(&format!(
            "\n[[exercises]]\nname = \"{name}\"\nday = {day}\ntitle = \"{}\"\nhints = [\"a hint\"]\n",
            TITLES[(day as usize - 1) % 3]
        ));
        let crate_dir = dir.path().join("exercises").join(&name);
        std::fs::create_dir_all(crate_dir.join("src")).unwrap();
        std::fs::write(crate_dir.join("Cargo.toml"), "").unwrap();
    }
    std::fs::write(dir.path().join("info.toml"), info).unwrap();
    dir
}

fn watch(root: &std::path::Path, notice: Option<&str>) -> Watch {
    let app = App::open_at(root, Access::Read).unwrap();
    let (tx, _rx) = mpsc::channel();
    Watch::new(
        app,
        Jobs::new(tx, Vec::new()),
        notice.map(str::to_string),
        None,
    )
}

fn failing_test(name: &str, message: &str) -> TestResult {
    TestResult {
        name: name.into(),
        status: Status::Failed,
        message: message.into(),
        location: Some(Location {
            file: "tests/api.rs".into(),
            line: 12,
            col: 5,
        }),
        output:
            "a line the learner printed, long enough to need wrapping at eighty columns for sure\n"
                .repeat(3),
        duration: Duration::from_millis(3),
    }
}

fn compile_error() -> Verdict {
    let long = "error[E0308]: mismatched types: expected `Result<Json<Post>, Problem>`, found `Result<Json<Vec<Post>>, sqlx::Error>` in this very long line of rustc output";
    Verdict::CompileError(vec![Diagnostic {
        message: "mismatched types".into(),
        location: Some(Location {
            file: "exercises/day07/src/lib.rs".into(),
            line: 3,
            col: 9,
        }),
        rendered: format!("{long}\n").repeat(40),
    }])
}

/// The lines a view draws, checked to fit `width` x `height`.
fn rendered(watch: &Watch, width: usize, height: usize) -> Vec<String> {
    let mut out = Vec::new();
    render(&mut out, watch, width, height).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    assert!(
        lines.len() <= height,
        "{} lines for {height} rows:\n{text}",
        lines.len()
    );
    for line in &lines {
        assert!(fit::width(line) <= width, "wider than {width}: {line:?}");
    }
    lines
}

/// The words of `text`, to compare a message with what was drawn of it.
fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

#[test]
fn the_day_fits_with_the_whole_notice_and_the_keys_last() {
    let dir = course();
    let verdicts = [
        None,
        Some(compile_error()),
        Some(Verdict::Tested(vec![
            failing_test(
                "rejects_a_duplicate_slug_with_409_and_a_problem_document",
                &"assertion `left == right` failed: the slug is taken ".repeat(4),
            ),
            failing_test("second", "boom"),
        ])),
    ];
    for verdict in verdicts {
        for (width, height) in SIZES {
            let mut w = watch(dir.path(), Some(WELCOME));
            w.verdict = verdict.clone();
            // With a verdict, the title line names the exercise too: too long for 80 columns.
            let long_title = w.verdict.is_some() && width == 80;
            let lines = rendered(&w, width, height);
            assert!(lines.last().unwrap().ends_with("q quit"), "{lines:#?}");
            let drawn = words(&lines.join("\n"));
            let welcome = words(WELCOME);
            assert!(
                drawn
                    .windows(welcome.len())
                    .any(|w| w == welcome.as_slice()),
                "the welcome is not whole at {width}x{height}:\n{}",
                lines.join("\n")
            );
            assert!(lines[0].starts_with("Day 1 of 30:"), "{}", lines[0]);
            assert_eq!(lines[0].ends_with('…'), long_title, "{}", lines[0]);
            assert!(lines.iter().any(|l| l.contains("0/30 done")));
        }
    }
}

#[test]
fn a_notice_taller_than_the_screen_still_leaves_the_keys() {
    let dir = course();
    let hint = "A hint with many lines.\n".repeat(40);
    let mut w = watch(dir.path(), Some(&hint));
    w.verdict = Some(compile_error());
    let lines = rendered(&w, 80, 24);
    assert!(lines.last().unwrap().ends_with("q quit"));
    assert!(lines.iter().any(|l| l.ends_with('…')), "{lines:#?}");
}

#[test]
fn the_reset_question_replaces_the_keys() {
    let dir = course();
    let mut w = watch(dir.path(), None);
    w.view = View::ConfirmReset;
    for (width, height) in SIZES {
        let lines = rendered(&w, width, height);
        let last = lines.join(" ");
        assert!(last.contains("to its starter files?"), "{last}");
        assert!(!last.contains("q quit"));
    }
}

#[test]
fn the_list_fits_cuts_titles_and_keeps_the_selection_on_screen() {
    let dir = course();
    let mut w = watch(dir.path(), None);
    for (width, height) in SIZES {
        for selected in [0, 14, 29] {
            w.view = View::List { selected };
            let lines = rendered(&w, width, height);
            let day = format!("{:>2}  day{:02}_", selected + 1, selected + 1);
            assert!(
                lines
                    .iter()
                    .any(|l| l.starts_with("> ") && l.contains(&day)),
                "day {} is not on screen at {width}x{height}:\n{}",
                selected + 1,
                lines.join("\n")
            );
            assert!(lines[0].starts_with("Pick a day"));
            if width == 80 {
                assert!(lines.iter().skip(2).all(|l| l.ends_with('…')));
            } else {
                assert_eq!(lines.len(), 32, "all 30 days and the keys fit");
                assert!(lines.iter().any(|l| l.ends_with("panics as 500")));
            }
        }
    }
}
