//! `backlings open [DAY]`: each editor gets the first failure's line and column in its own
//! syntax. The editors are fake: a script under each editor's name that records its arguments.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of a test crate: a panic is a failing test"
)]

mod common;

use std::path::PathBuf;
use std::process::Output;

use common::{Course, backlings};

/// A folder of fake editors, each writing its name and arguments (one per line) to `args.log`.
struct Editors {
    dir: tempfile::TempDir,
}

impl Editors {
    fn new() -> Editors {
        let dir = tempfile::tempdir().unwrap();
        let editors = Editors { dir };
        for name in [
            "vim", "nvim", "vi", "hx", "emacs", "nano", "micro", "kak", "code", "cursor", "subl",
            "myedit",
        ] {
            editors.script(name, "0");
        }
        editors.script("failing-editor", "3");
        editors
    }

    fn script(&self, name: &str, code: &str) {
        use std::os::unix::fs::PermissionsExt;
        let path = self.dir.path().join(name);
        let log = self.log();
        std::fs::write(
            &path,
            format!(
                "#!/bin/sh\n{{ basename \"$0\"; for arg in \"$@\"; do printf '%s\\n' \"$arg\"; done; }} > '{}'\nexit {code}\n",
                log.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("args.log")
    }

    /// What the last editor was called with: its name, then its arguments.
    fn called(&self) -> Vec<String> {
        let text = std::fs::read_to_string(self.log()).unwrap_or_default();
        let _ = std::fs::remove_file(self.log());
        text.lines().map(str::to_string).collect()
    }
}

/// `backlings open ARGS` with only `env` naming an editor.
fn open(course: &Course, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = backlings(course.path());
    cmd.arg("open").args(args);
    for name in ["VISUAL", "EDITOR", "BACKLINGS_EDITOR", "TERM_PROGRAM"] {
        cmd.env_remove(name);
    }
    cmd.envs(env.iter().copied());
    cmd.output().unwrap()
}

fn file(course: &Course, relative: &str) -> String {
    std::fs::canonicalize(course.path())
        .unwrap()
        .join(relative)
        .display()
        .to_string()
}

#[test]
fn each_editor_opens_the_first_failure_at_its_line_and_column() {
    let course = Course::fixture("mini");
    course.run(&["run", "3"]).expect_code(1);
    let lib = file(&course, "exercises/day03_failing/src/lib.rs");
    let editors = Editors::new();
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("vim", vec!["+call cursor(3, 39)".into(), lib.clone()]),
        ("nvim", vec!["+call cursor(3, 39)".into(), lib.clone()]),
        ("vi", vec!["+3".into(), lib.clone()]),
        ("hx", vec![format!("{lib}:3:39")]),
        ("emacs", vec!["+3:39".into(), lib.clone()]),
        ("nano", vec!["+3,39".into(), lib.clone()]),
        ("micro", vec![lib.clone(), "+3:39".into()]),
        ("kak", vec!["+3:39".into(), lib.clone()]),
        ("code", vec!["-g".into(), format!("{lib}:3:39")]),
        ("subl", vec![format!("{lib}:3:39")]),
    ];
    for (name, args) in cases {
        let out = open(&course, &["3"], &[("EDITOR", &editors.path(name))]);
        assert!(out.status.success(), "{name}: {out:?}");
        let mut expected = vec![name.to_string()];
        expected.extend(args);
        assert_eq!(editors.called(), expected, "{name}");
    }
}

#[test]
fn the_editor_comes_from_the_flag_backlings_editor_vscode_visual_then_editor() {
    let course = Course::fixture("mini");
    course.run(&["run", "3"]).expect_code(1);
    let editors = Editors::new();
    let lib = file(&course, "exercises/day03_failing/src/lib.rs");
    let path = format!(
        "{}:{}",
        editors.dir.path().display(),
        std::env::var("PATH").unwrap()
    );
    let (vim, hx, nano) = (
        editors.path("vim"),
        editors.path("hx"),
        editors.path("nano"),
    );
    let template = format!(
        "{} --at {{line}}:{{column}} {{file}}",
        editors.path("myedit")
    );
    for (flag, env, called) in [
        (
            Some(template.as_str()),
            vec![("EDITOR", nano.as_str())],
            "myedit",
        ),
        (
            None,
            vec![("BACKLINGS_EDITOR", hx.as_str()), ("VISUAL", vim.as_str())],
            "hx",
        ),
        (
            None,
            vec![("TERM_PROGRAM", "vscode"), ("VISUAL", vim.as_str())],
            "code",
        ),
        (
            None,
            vec![("VISUAL", vim.as_str()), ("EDITOR", nano.as_str())],
            "vim",
        ),
    ] {
        let mut args = vec!["3"];
        if let Some(flag) = flag {
            args.extend(["--editor", flag]);
        }
        let mut env = env.clone();
        env.push(("PATH", path.as_str()));
        let out = open(&course, &args, &env);
        assert!(out.status.success(), "{called}: {out:?}");
        assert_eq!(editors.called()[0], called);
    }
    let out = open(&course, &["3", "--editor", &template], &[]);
    assert!(out.status.success());
    assert_eq!(
        editors.called(),
        ["myedit", "--at", "3:39", &lib],
        "the placeholders are filled in"
    );
}

#[test]
fn a_passing_or_unrun_day_opens_its_main_file_and_a_broken_one_its_first_error() {
    let course = Course::fixture("mini");
    let editors = Editors::new();
    let hx = [("EDITOR", editors.path("hx"))];
    let env: Vec<(&str, &str)> = hx.iter().map(|(k, v)| (*k, v.as_str())).collect();
    course.run(&["run", "1"]).expect_code(0);
    course.run(&["run", "2"]).expect_code(1);
    for (day, place) in [
        ("1", "exercises/day01_pass/src/lib.rs:1:1"),
        ("2", "exercises/day02_compile_error/src/lib.rs:1:26"),
        ("5", "exercises/day05_flood/src/lib.rs:1:1"),
    ] {
        let out = open(&course, &[day], &env);
        assert!(out.status.success(), "{day}: {out:?}");
        let (path, at) = place.split_once(':').unwrap();
        assert_eq!(editors.called()[1], format!("{}:{at}", file(&course, path)));
    }
    // Fixed and run again: the failure is forgotten.
    course.write(
        "exercises/day02_compile_error/src/lib.rs",
        "pub fn answer() -> u32 { 42 }\n",
    );
    course.run(&["run", "2"]).expect_code(0);
    open(&course, &["2"], &env);
    assert!(editors.called()[1].ends_with("day02_compile_error/src/lib.rs:1:1"));
}

#[test]
fn without_an_editor_it_prints_the_place_and_says_how_to_set_one() {
    let course = Course::fixture("mini");
    course.run(&["run", "3"]).expect_code(1);
    let out = open(&course, &["3"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "exercises/day03_failing/src/lib.rs:3:39\n"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("set VISUAL or EDITOR"), "{stderr}");
}

#[test]
fn an_editor_that_cannot_start_or_fails_is_an_error() {
    let course = Course::fixture("mini");
    let editors = Editors::new();
    let missing = open(&course, &["1"], &[("EDITOR", "/nonexistent/editor")]);
    assert_eq!(missing.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains("cannot start the editor `/nonexistent/editor` (from $EDITOR)"),
        "{stderr}"
    );
    let failing = open(
        &course,
        &["1"],
        &[("EDITOR", &editors.path("failing-editor"))],
    );
    assert_eq!(failing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&failing.stderr).contains("ended with exit status: 3"));
}
