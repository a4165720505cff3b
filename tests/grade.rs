//! `backlings grade`: scores per day, tamper-proofing, every report format, exit codes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of a test crate: a panic is a failing test"
)]

mod common;

use std::path::{Path, PathBuf};

use common::{Course, backlings, quoted};
use serde::Deserialize;

/// The course graded against: the fixture itself, never the submission's copy.
fn mini() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini")
}

/// Grades share one target directory, so the fixture builds once.
fn target() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("grade-target")
}

struct Graded {
    code: i32,
    stdout: String,
    stderr: String,
}

fn grade(submission: &Path, args: &[&str]) -> Graded {
    grade_against(&mini(), submission, args)
}

fn grade_against(course: &Path, submission: &Path, args: &[&str]) -> Graded {
    let out = backlings(submission)
        .arg("grade")
        .arg("--course")
        .arg(course)
        .arg("--target-dir")
        .arg(target())
        .args(args)
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    Graded {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Report {
    version: u32,
    status: String,
    #[serde(default)]
    message: Option<String>,
    tests: Vec<Test>,
    schema_version: u32,
    course: String,
    #[serde(default)]
    learner: Option<String>,
    graded_at: String,
    score: Score,
    days: Vec<Day>,
    protected_files_changed: Vec<Changed>,
    duration_secs: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Test {
    name: String,
    status: String,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    output: Option<String>,
    task_id: u32,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Score {
    percent: f64,
    tests_passed: usize,
    tests_total: usize,
    days_passed: usize,
    days_graded: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Day {
    day: u32,
    name: String,
    title: String,
    status: String,
    tests_passed: usize,
    tests_total: usize,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Changed {
    path: String,
    change: String,
}

fn json(submission: &Path, args: &[&str]) -> (i32, Report) {
    json_against(&mini(), submission, args)
}

fn json_against(course: &Path, submission: &Path, args: &[&str]) -> (i32, Report) {
    let graded = grade_against(course, submission, &[&["--format", "json"], args].concat());
    let report = serde_json::from_str(&graded.stdout)
        .unwrap_or_else(|e| panic!("{e}\n{}\n{}", graded.stdout, graded.stderr));
    (graded.code, report)
}

fn day_scores(report: &Report) -> Vec<(u32, &str, usize, usize)> {
    report
        .days
        .iter()
        .map(|d| (d.day, d.status.as_str(), d.tests_passed, d.tests_total))
        .collect()
}

#[test]
fn scores_every_day_in_exercism_v3_json() {
    let submission = Course::fixture("mini");
    let (code, report) = json(submission.path(), &[]);
    assert_eq!(code, 1, "not everything passes");
    assert_eq!((report.version, report.status.as_str()), (3, "fail"));
    assert_eq!((report.schema_version, &report.message), (1, &None));
    assert_eq!(report.course, "Mini course");
    assert_eq!(report.learner, None);
    assert!(
        chrono::DateTime::parse_from_rfc3339(&report.graded_at).is_ok(),
        "{}",
        report.graded_at
    );
    assert_eq!(
        day_scores(&report),
        [
            (1, "pass", 2, 2),
            (2, "error", 0, 1),
            (3, "fail", 1, 3),
            (4, "fail", 1, 2),
            (5, "fail", 1, 2),
            (6, "pass", 1, 1),
        ]
    );
    assert_eq!(
        report.score,
        Score {
            percent: 54.5,
            tests_passed: 6,
            tests_total: 11,
            days_passed: 2,
            days_graded: 6
        }
    );
    assert!(report.protected_files_changed.is_empty());
    assert!(report.duration_secs > 0.0);
    let test = |name: &str| report.tests.iter().find(|t| t.name == name).unwrap();
    let broken = test("day02_compile_error::answers_42");
    assert_eq!((broken.status.as_str(), broken.task_id), ("error", 2));
    assert!(
        broken
            .message
            .as_deref()
            .unwrap()
            .contains("does not compile")
    );
    let flood = test("day05_flood::floods_then_fails");
    assert_eq!(flood.status, "fail");
    assert!(flood.output.as_deref().unwrap().chars().count() <= 500);
    let passing = test("day01_pass::answers_42");
    assert_eq!((passing.status.as_str(), &passing.message), ("pass", &None));
    assert!(
        report
            .days
            .iter()
            .all(|d| !d.title.is_empty() && !d.name.is_empty())
    );
    assert!(report.days.iter().all(|d| d.note.is_none()));
}

#[test]
fn edited_tests_manifests_info_and_progress_change_nothing() {
    let submission = Course::fixture("mini");
    let s = &submission;
    s.write(
        "exercises/day03_failing/tests/check.rs",
        "#[test]\nfn adds() {}\n#[test]\nfn subtracts() {}\n#[test]\nfn multiplies() {}\n",
    );
    s.write(
        "exercises/day03_failing/tests/extra.rs",
        "#[test]\nfn free_point() {}\n",
    );
    s.write("exercises/day03_failing/build.rs", "fn main() {}\n");
    let manifest = s.read("exercises/day02_compile_error/Cargo.toml");
    s.write(
        "exercises/day02_compile_error/Cargo.toml",
        &format!("{manifest}\n# tampered\n"),
    );
    s.write(
        "info.toml",
        &s.read("info.toml")
            .replace("timeout_secs = 2", "timeout_secs = 1"),
    );
    s.write(
        ".backlings-state.toml",
        "format_version = 1\ncurrent = \"day06_orphan\"\n[done]\nday03_failing = 2026-11-01\n",
    );
    let (_, report) = json(s.path(), &["--days", "2-3"]);
    assert_eq!(day_scores(&report), [(2, "error", 0, 1), (3, "fail", 1, 3)]);
    let changed: Vec<(&str, &str)> = report
        .protected_files_changed
        .iter()
        .map(|c| (c.path.as_str(), c.change.as_str()))
        .collect();
    assert_eq!(
        changed,
        [
            ("exercises/day02_compile_error/Cargo.toml", "modified"),
            ("exercises/day03_failing/build.rs", "added"),
            ("exercises/day03_failing/tests/check.rs", "modified"),
            ("exercises/day03_failing/tests/extra.rs", "added"),
            ("info.toml", "modified"),
        ]
    );
}

/// A lock file naming the fixture's packages, as cargo writes it.
fn lock(extra: &str) -> String {
    let mut lock = String::from("# This file is automatically @generated by Cargo.\nversion = 4\n");
    for name in [
        "day01_pass",
        "day02_compile_error",
        "day03_failing",
        "day04_hang",
    ] {
        lock.push_str(&format!(
            "\n[[package]]\nname = \"{name}\"\nversion = \"0.1.0\"\n"
        ));
    }
    lock + extra
}

fn changed(report: &Report) -> Vec<(&str, &str)> {
    report
        .protected_files_changed
        .iter()
        .map(|c| (c.path.as_str(), c.change.as_str()))
        .collect()
}

#[test]
fn changes_outside_a_day_are_listed_and_a_mere_relayout_is_not() {
    let course = Course::fixture("mini");
    course.write("Cargo.lock", &lock(""));
    let s = Course::fixture("mini");
    // What a learner's course holds untouched: the manifest as `backlings init` lays it out,
    // and the lock as cargo rewrites it, keeping only the packages the course uses.
    s.write(
        "Cargo.toml",
        "# written by init\n[workspace]\nmembers = [\"exercises/*\"]\nresolver = \"3\"\n\
         exclude = [\"solutions\"]\n\n[profile.dev]\ndebug = \"line-tables-only\"\n",
    );
    s.write(
        "Cargo.lock",
        &lock("").replace(
            "\n[[package]]\nname = \"day04_hang\"\nversion = \"0.1.0\"\n",
            "",
        ),
    );
    let (_, report) = json_against(course.path(), s.path(), &["--days", "3"]);
    assert_eq!(changed(&report), []);

    s.write(
        "Cargo.toml",
        &format!(
            "{}\n[workspace.dependencies]\nday01_pass = {{ path = \"mine\" }}\n",
            s.read("Cargo.toml")
        ),
    );
    s.write(
        "Cargo.lock",
        &lock("\n[[package]]\nname = \"mine\"\nversion = \"6.6.6\"\n"),
    );
    // A test replaced by a link to the very same bytes is a change all the same.
    let test = s.file("exercises/day03_failing/tests/check.rs");
    std::fs::rename(&test, s.file("check.rs")).unwrap();
    std::os::unix::fs::symlink(s.file("check.rs"), &test).unwrap();
    let (_, report) = json_against(course.path(), s.path(), &["--days", "3"]);
    assert_eq!(day_scores(&report), [(3, "fail", 1, 3)]);
    assert_eq!(
        changed(&report),
        [
            ("Cargo.lock", "modified"),
            ("Cargo.toml", "modified"),
            ("exercises/day03_failing/tests/check.rs", "modified"),
        ]
    );
}

#[test]
fn unit_tests_added_to_src_are_not_counted() {
    let submission = Course::fixture("mini");
    let lib = submission.read("exercises/day03_failing/src/lib.rs");
    submission.write(
        "exercises/day03_failing/src/lib.rs",
        &format!("{lib}\n#[cfg(test)]\nmod mine {{\n    #[test]\n    fn free() {{}}\n}}\n"),
    );
    let (_, report) = json(submission.path(), &["--days", "3"]);
    assert_eq!(day_scores(&report), [(3, "fail", 1, 3)]);
}

#[test]
fn the_learners_src_is_what_gets_graded() {
    let submission = Course::fixture("mini");
    submission.write(
        "exercises/day03_failing/src/lib.rs",
        "pub fn add(a: i32, b: i32) -> i32 { a + b }\npub fn sub(a: i32, b: i32) -> i32 { a - b }\npub fn mul(a: i32, b: i32) -> i32 { a * b }\n",
    );
    std::fs::remove_dir_all(submission.file("exercises/day02_compile_error/src")).unwrap();
    let (code, report) = json(submission.path(), &["--days", "1-3"]);
    assert_eq!(
        day_scores(&report),
        [(1, "pass", 2, 2), (2, "error", 0, 1), (3, "pass", 3, 3)]
    );
    assert_eq!(code, 1);
    assert!(
        report.days[1]
            .note
            .as_deref()
            .unwrap()
            .contains("starter code")
    );
    let (code, named) = json(
        submission.path(),
        &["--days", "1,3", "--learner", "ada <lovelace>"],
    );
    assert_eq!(code, 0, "every graded day passes");
    assert_eq!(named.learner.as_deref(), Some("ada <lovelace>"));
    let (code, _) = json(submission.path(), &["--days", "1-3", "--min-score", "80"]);
    assert_eq!(code, 0, "5 of 6 tests pass, above the minimum score");
    let (code, _) = json(submission.path(), &["--days", "1-3", "--min-score", "90"]);
    assert_eq!(code, 1);
}

#[test]
fn a_shared_target_directory_keeps_one_workspace_and_rewrites_only_what_changed() {
    let target = tempfile::tempdir().unwrap();
    let submission = Course::fixture("mini");
    submission.write("exercises/day01_pass/src/notes.rs", "// a note\n");
    let grade_here = || {
        backlings(submission.path())
            .arg("grade")
            .arg("--course")
            .arg(mini())
            .arg("--target-dir")
            .arg(target.path())
            .args(["--days", "1,3", "--format", "json"])
            .output()
            .unwrap()
    };
    grade_here();
    let workspace = target.path().join("backlings-grade/workspace/exercises");
    let kept = workspace.join("day01_pass/src/lib.rs");
    let written = std::fs::metadata(&kept).unwrap().modified().unwrap();
    assert!(workspace.join("day01_pass/src/notes.rs").exists());

    std::fs::remove_file(submission.file("exercises/day01_pass/src/notes.rs")).unwrap();
    let solved = "pub fn add(a: i32, b: i32) -> i32 { a + b }\npub fn sub(a: i32, b: i32) -> i32 { a - b }\npub fn mul(a: i32, b: i32) -> i32 { a * b }\n";
    submission.write("exercises/day03_failing/src/lib.rs", solved);
    let out = grade_here();
    let report: Report = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(day_scores(&report), [(1, "pass", 2, 2), (3, "pass", 3, 3)]);
    assert_eq!(
        std::fs::metadata(&kept).unwrap().modified().unwrap(),
        written,
        "an unchanged file was written again, so cargo rebuilds its day"
    );
    assert!(!workspace.join("day01_pass/src/notes.rs").exists());
    assert_eq!(
        std::fs::read_to_string(workspace.join("day03_failing/src/lib.rs")).unwrap(),
        solved
    );
}

/// Learner output that tries to break each format.
const HOSTILE: &str = r#"use std::io::Write;
pub fn add(a: i32, b: i32) -> i32 { a + b }
pub fn sub(a: i32, b: i32) -> i32 { a - b }
pub fn mul(_a: i32, _b: i32) -> i32 {
    let mut out = std::io::stdout();
    out.write_all(b"\n::error::injected\n::add-mask::x\n</testcase></testsuite>\n\xff\xfe bad utf8 \x07\x1b[31m \x00 nul\r\x1b]0;title\x07\n").unwrap();
    out.flush().unwrap();
    panic!("</failure> & \"quotes\" ::error::inside");
}
"#;

#[test]
fn hostile_learner_output_cannot_break_any_report() {
    let submission = Course::fixture("mini");
    submission.write("exercises/day03_failing/src/lib.rs", HOSTILE);
    let dir = submission.path();
    let graded = grade(
        dir,
        &[
            "--days", "3", "--format", "github", "--format", "json", "--output", "g.json",
            "--format", "junit", "--output", "g.xml",
        ],
    );
    assert_eq!(graded.code, 1, "{}", graded.stderr);
    let report: Report = serde_json::from_str(&submission.read("g.json")).unwrap();
    let output = report.tests.iter().find_map(|t| t.output.clone()).unwrap();
    assert!(output.contains("::error::injected"), "{output}");
    let xml = submission.read("g.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert!(
        failure
            .attribute("message")
            .unwrap()
            .contains("</failure> & \"quotes\"")
    );
    assert!(failure.text().unwrap().contains("</testcase></testsuite>"));
    assert_fenced(&graded.stdout);
    let control = graded.stdout.chars().find(|c| c.is_control() && *c != '\n');
    assert_eq!(control, None, "a control character in the log");
    assert!(graded.stdout.contains(" nul\n"), "{}", graded.stdout);
}

/// Every line that GitHub would read as a command is one of ours, and everything between
/// `::stop-commands::T` and `::T::` is inert.
fn assert_fenced(log: &str) {
    let mut fence: Option<String> = None;
    for line in log.lines() {
        if let Some(token) = &fence {
            if line == format!("::{token}::") {
                fence = None;
            }
            continue;
        }
        if let Some(token) = line.strip_prefix("::stop-commands::") {
            assert!(token.len() >= 20, "a guessable token: {token}");
            fence = Some(token.to_string());
            continue;
        }
        if line.starts_with("::") {
            let ours = [
                "::error ",
                "::warning ",
                "::notice ",
                "::group::",
                "::endgroup::",
            ];
            assert!(
                ours.iter().any(|p| line.starts_with(p)),
                "an unfenced command: {line}\n{log}"
            );
        }
    }
    assert!(fence.is_none(), "a fence left open:\n{log}");
}

#[test]
fn github_output_matches_the_golden_file() {
    let submission = Course::fixture("mini");
    let summary = submission.file("summary.md");
    let out = backlings(submission.path())
        .args(["grade", "--days", "1-3,5", "--format", "github", "--course"])
        .arg(mini())
        .arg("--target-dir")
        .arg(target())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stdout);
    assert_fenced(&log);
    let token = log
        .lines()
        .find_map(|l| l.strip_prefix("::stop-commands::"))
        .unwrap()
        .to_string();
    let log = without_thread_ids(&log.replace(&token, "TOKEN"));
    let summary = std::fs::read_to_string(summary).unwrap();
    golden("grade-github.txt", &log);
    golden("grade-summary.md", &summary);
}

/// `thread 'x' (12345) panicked` with the thread id, which changes every run, taken out.
fn without_thread_ids(text: &str) -> String {
    let mut lines = Vec::new();
    for line in text.split('\n') {
        let line = match (line.find("' ("), line.find(") panicked at")) {
            (Some(open), Some(close)) if open < close => {
                format!("{}' (ID{}", &line[..open], &line[close..])
            }
            _ => line.to_string(),
        };
        lines.push(line);
    }
    lines.join("\n")
}

/// Compares with `tests/golden/NAME`; `BLESS=1` rewrites it.
fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with BLESS=1 to create it)", path.display()));
    assert_eq!(actual, expected, "differs from {}", path.display());
}

#[test]
fn junit_has_a_suite_per_day_and_a_case_per_test() {
    let submission = Course::fixture("mini");
    let graded = grade(submission.path(), &["--days", "1-3", "--format", "junit"]);
    let doc = roxmltree::Document::parse(&graded.stdout).unwrap();
    let suites: Vec<(&str, &str, &str, &str)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .map(|n| {
            let a = |k| n.attribute(k).unwrap();
            (a("name"), a("tests"), a("failures"), a("errors"))
        })
        .collect();
    assert_eq!(
        suites,
        [
            ("day01_pass", "2", "0", "0"),
            ("day02_compile_error", "1", "0", "1"),
            ("day03_failing", "3", "2", "0"),
        ]
    );
    let cases = doc.descendants().filter(|n| n.has_tag_name("testcase"));
    assert_eq!(cases.count(), 6);
}

/// GitHub Classroom's result, as `autograding-grading-reporter@v1` reads it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Classroom {
    version: u32,
    status: String,
    max_score: u64,
    tests: Vec<ClassroomTest>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassroomTest {
    name: String,
    status: String,
    score: u64,
    message: String,
    test_code: String,
    filename: String,
    line_no: u32,
    duration: u64,
}

/// The `result=BASE64` line of a step output file, decoded.
fn classroom(output: &str) -> Classroom {
    use base64::Engine as _;
    assert_eq!(output.lines().count(), 1, "{output}");
    let encoded = output.trim_end().strip_prefix("result=").expect("result=");
    let json = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap();
    serde_json::from_slice(&json)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&json)))
}

#[test]
fn classroom_writes_the_step_output_the_classroom_reporter_reads() {
    let submission = Course::fixture("mini");
    let graded = grade(
        submission.path(),
        &[
            "--days",
            "1-3",
            "--color",
            "always",
            "--format",
            "classroom",
            "--output",
            "github-output",
            "--points-per-test",
            "5",
        ],
    );
    assert_eq!(graded.code, 1, "{}", graded.stderr);
    let result = classroom(&submission.read("github-output"));
    assert_eq!((result.version, result.status.as_str()), (1, "fail"));
    assert_eq!(result.max_score, 6 * 5);
    let scores: Vec<(&str, &str, u64)> = result
        .tests
        .iter()
        .map(|t| (t.name.as_str(), t.status.as_str(), t.score))
        .collect();
    assert_eq!(
        scores,
        [
            ("day01_pass::answers_42", "pass", 5),
            ("day01_pass::answers_consistently", "pass", 5),
            ("day02_compile_error::answers_42", "error", 0),
            ("day03_failing::adds", "pass", 5),
            ("day03_failing::multiplies", "fail", 0),
            ("day03_failing::subtracts", "fail", 0),
        ]
    );
    let subtracts = &result.tests[5];
    assert_eq!(
        (subtracts.filename.as_str(), subtracts.line_no),
        ("exercises/day03_failing/tests/check.rs", 11)
    );
    assert!(subtracts.message.contains("5 - 3 should be 2"));
    assert_eq!(subtracts.test_code, "backlings run 3");
    assert!(result.tests.iter().all(|t| t.duration < 60_000));
    assert_eq!(result.tests[0].message, "");

    let passing = grade(submission.path(), &["--days", "1", "--format", "classroom"]);
    assert_eq!(passing.code, 0);
    let result = classroom(&passing.stdout);
    assert_eq!((result.status.as_str(), result.max_score), ("pass", 2));
    assert_eq!(result.tests.iter().map(|t| t.score).sum::<u64>(), 2);
}

#[test]
fn a_submission_without_exercises_is_an_error_with_exit_2() {
    let empty = tempfile::tempdir().unwrap();
    let graded = grade(empty.path(), &["--format", "json", "--output", "r.json"]);
    assert_eq!(graded.code, 2);
    assert!(
        graded.stderr.contains("holds no `exercises/` directory"),
        "{}",
        graded.stderr
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(empty.path().join("r.json")).unwrap())
            .unwrap();
    assert_eq!(report["status"], "error");
    assert!(report["message"].as_str().unwrap().contains("exercises/"));
    let graded = grade(empty.path(), &["--format", "classroom"]);
    assert_eq!(graded.code, 2);
    let result = classroom(&graded.stdout);
    assert_eq!((result.status.as_str(), result.max_score), ("error", 0));
    assert!(result.tests[0].message.contains("exercises/"));
}

#[test]
fn bad_arguments_are_errors_with_exit_2() {
    let submission = Course::fixture("mini");
    for (args, says) in [
        (&["--days", "0-3"][..], "--days 1-10"),
        (&["--output", "x.json"][..], "needs a `--format` before it"),
        (
            &["--format", "json", "--format", "junit"][..],
            "more than one",
        ),
    ] {
        let graded = grade(submission.path(), args);
        assert_eq!(graded.code, 2, "{args:?}");
        assert!(graded.stderr.contains(says), "{args:?}: {}", graded.stderr);
    }
    let out = backlings(submission.path())
        .args(["grade", "--course", "/nonexistent/course"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a course"));
}

#[test]
fn init_with_ci_github_writes_a_grading_workflow() {
    let parent = tempfile::tempdir().unwrap();
    let out = backlings(parent.path())
        .args(["init", "course", "--no-warmup", "--ci", "github"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let workflow =
        std::fs::read_to_string(parent.path().join("course/.github/workflows/backlings.yml"))
            .unwrap();
    // The current majors (node24); `.ci/run` lints the template with actionlint too.
    for needle in [
        "backlings grade",
        "--format junit",
        "actions/checkout@v7",
        "actions/cache@v6",
        "actions/upload-artifact@v7",
        "--format classroom --output \"$GITHUB_OUTPUT\"",
        "classroom-resources/autograding-grading-reporter@v1",
        "BACKLINGS_RESULTS: ${{ steps.grade.outputs.result }}",
    ] {
        assert!(workflow.contains(needle), "the workflow lacks `{needle}`");
    }
}

#[test]
fn grades_running_side_by_side_in_one_target_directory_keep_their_own_code() {
    let fixed = Course::fixture("mini");
    fixed.write(
        "exercises/day03_failing/src/lib.rs",
        "pub fn add(a: i32, b: i32) -> i32 { a + b }\npub fn sub(a: i32, b: i32) -> i32 { a - b }\npub fn mul(a: i32, b: i32) -> i32 { a * b }\n",
    );
    let unfixed = Course::fixture("mini");
    let shared = tempfile::tempdir().unwrap();
    let start = |submission: &Course| {
        backlings(submission.path())
            .args(["grade", "--days", "3", "--format", "json", "--course"])
            .arg(mini())
            .arg("--target-dir")
            .arg(shared.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    for _ in 0..3 {
        let (a, b) = (start(&fixed), start(&unfixed));
        for (child, want) in [(a, (3, "pass", 3, 3)), (b, (3, "fail", 1, 3))] {
            let out = child.wait_with_output().unwrap();
            let report: Report = serde_json::from_slice(&out.stdout).unwrap();
            let got = day_scores(&report);
            assert_eq!(got[0], want);
        }
    }
}

#[test]
fn a_report_written_to_a_file_never_has_colour_even_when_stdout_does() {
    let submission = Course::fixture("mini");
    let graded = grade(
        submission.path(),
        &[
            "--days",
            "1-3",
            "--color",
            "always",
            "--format",
            "human",
            "--format",
            "human",
            "--output",
            "forced.txt",
        ],
    );
    assert_eq!(graded.code, 1, "{}", graded.stderr);
    assert!(
        graded.stdout.contains('\x1b'),
        "stdout is coloured when asked"
    );
    assert_plain(&submission.read("forced.txt"));
    let args = ["--days", "1-3", "--format", "human", "--output", "tty.txt"];
    if let Some(code) = grade_in_a_terminal(submission.path(), &args) {
        assert_eq!(code, 1);
        assert_plain(&submission.read("tty.txt"));
    }
}

fn assert_plain(report: &str) {
    assert!(report.contains("Score:"), "{report}");
    assert!(!report.contains('\x1b'), "colour in a file: {report:?}");
}

/// Grades with stdout on a terminal, waiting (bounded) for the exit code; `None` when tmux is
/// missing outside CI.
fn grade_in_a_terminal(submission: &Path, args: &[&str]) -> Option<i32> {
    let mut line = vec![
        quoted(env!("CARGO_BIN_EXE_backlings")),
        "grade --course".to_string(),
        quoted(&mini().display().to_string()),
        "--target-dir".to_string(),
        quoted(&target().display().to_string()),
    ];
    line.extend(args.iter().map(|a| quoted(a)));
    common::in_terminal(submission, &line.join(" "))
}
