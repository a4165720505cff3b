//! `backlings init` writes the embedded course; the shipped day 1 fails as shipped and passes
//! with its solution; `reset` restores starter files after backing up the learner's.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of a test crate: a panic is a failing test"
)]

mod common;

use std::path::{Path, PathBuf};

use common::{backlings, copy_dir};

/// Builds of real course days share one target directory across tests.
fn shared_target() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("course-target")
}

fn init_course() -> (tempfile::TempDir, PathBuf) {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("course");
    let out = backlings(parent.path())
        .args(["init", "course"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (parent, dir)
}

#[test]
fn init_writes_the_course_without_building_it_and_says_what_to_expect() {
    let parent = tempfile::tempdir().unwrap();
    let out = backlings(parent.path())
        .args(["init", "course"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("first run may take a minute"), "{stdout}");
    assert!(
        !parent.path().join("course/target").exists(),
        "nothing was built: the learner starts at once"
    );
}

#[test]
fn warm_builds_every_day_of_a_course_and_marks_it_warm() {
    let course = common::Course::fixture("mini");
    course.run(&["warm"]).expect_code(0);
    assert!(course.file("target/.backlings-warm").is_file());
    assert!(
        course
            .file("target/debug/.fingerprint")
            .read_dir()
            .unwrap()
            .any(|e| {
                e.unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with("day05_flood-")
            })
    );
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = backlings(dir)
        .args(args)
        .env("CARGO_TARGET_DIR", shared_target())
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

#[test]
fn init_writes_a_course_that_lists_every_day() {
    let (_parent, dir) = init_course();
    for file in [
        "info.toml",
        "Cargo.toml",
        "Cargo.lock",
        ".gitignore",
        ".vscode/settings.json",
        "exercises/day01_hello_tcp/Cargo.toml",
    ] {
        assert!(dir.join(file).is_file(), "{file} is missing");
    }
    let manifest: toml::Table = std::fs::read_to_string(dir.join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        manifest.get("package").is_none(),
        "the learner's workspace has no runner package"
    );
    assert!(manifest["workspace"].get("dependencies").is_some());
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("info.toml")).unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.join("info.toml")).unwrap(),
        shipped
    );
    let (code, stdout, _) = run(&dir, &["list"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("day01_hello_tcp"), "{stdout}");
}

#[test]
fn init_refuses_an_existing_directory() {
    let parent = tempfile::tempdir().unwrap();
    std::fs::create_dir(parent.path().join("taken")).unwrap();
    std::fs::write(parent.path().join("taken/mine.txt"), "keep me").unwrap();
    let out = backlings(parent.path())
        .args(["init", "taken"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`taken` already exists"));
    assert_eq!(
        std::fs::read_to_string(parent.path().join("taken/mine.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn day_one_fails_as_shipped_and_passes_with_its_solution() {
    let (_parent, dir) = init_course();
    let (code, stdout, stderr) = run(&dir, &["run", "1"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("day01_hello_tcp: 0/"), "{stdout}");
    let solution = Path::new(env!("CARGO_MANIFEST_DIR")).join("solutions/day01_hello_tcp/src");
    copy_dir(&solution, &dir.join("exercises/day01_hello_tcp/src"));
    let (code, stdout, stderr) = run(&dir, &["run", "1"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let (passed, total) = score(&stdout, "day01_hello_tcp");
    assert!(total >= 5 && passed == total, "{stdout}");
    assert!(
        dir.join("solutions/day01_hello_tcp/src/lib.rs").is_file(),
        "the solution is revealed once passed"
    );
    let (_, list, _) = run(&dir, &["list", "--json"]);
    assert!(list.contains("\"done\": 1"), "{list}");
}

#[test]
fn reset_backs_up_the_learners_files_then_restores_the_starter() {
    let (_parent, dir) = init_course();
    let lib = dir.join("exercises/day01_hello_tcp/src/lib.rs");
    let shipped = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, "// my work in progress\n").unwrap();
    let (code, _, stderr) = run(&dir, &["reset", "1"]);
    assert_eq!(code, 2, "without a terminal, reset needs --yes");
    assert!(stderr.contains("pass `--yes`"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&lib).unwrap(),
        "// my work in progress\n"
    );
    let (code, stdout, _) = run(&dir, &["reset", "1", "--yes"]);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), shipped);
    let backups: Vec<_> = std::fs::read_dir(dir.join(".backlings/backups"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(backups.len(), 1);
    let saved = std::fs::read_to_string(backups[0].path().join("src/lib.rs")).unwrap();
    assert_eq!(saved, "// my work in progress\n");
    assert!(
        stdout.contains(&backups[0].path().display().to_string()),
        "{stdout}"
    );
}

/// `NAME: P/T tests passing` from a verdict.
fn score(stdout: &str, name: &str) -> (usize, usize) {
    let line = stdout
        .lines()
        .find(|l| l.starts_with(&format!("{name}: ")))
        .expect("a summary line");
    let figures = line.split_whitespace().nth(1).unwrap();
    let (p, t) = figures.split_once('/').unwrap();
    (p.parse().unwrap(), t.parse().unwrap())
}
