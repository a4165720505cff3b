//! `backlings class report`: a class's grade reports as a summary, JSON and an HTML page.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of a test crate: a panic is a failing test"
)]

mod common;

use std::path::{Path, PathBuf};

use common::{Course, backlings};
use serde::Deserialize;

const FIXED_SUB: &str = "pub fn add(a: i32, b: i32) -> i32 { a + b }\npub fn sub(a: i32, b: i32) -> i32 { a - b }\npub fn mul(a: i32, b: i32) -> i32 { a * b }\n";

/// Learner code whose failure message tries to break out of the page.
const HOSTILE_SUB: &str = "pub fn add(a: i32, b: i32) -> i32 { a + b }\npub fn sub(a: i32, b: i32) -> i32 { a - b }\npub fn mul(_: i32, _: i32) -> i32 { panic!(\"</pre><script>alert('pwned')</script><img src=x onerror=alert(1)>\") }\n";

fn mini() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini")
}

/// Grades `submission` (days 1-3) into `report`, at `now`, as `learner` when given.
fn grade(submission: &Course, report: &Path, now: &str, learner: Option<&str>) {
    let mut cmd = backlings(submission.path());
    cmd.args(["grade", "--days", "1-3", "--format", "json", "--output"])
        .arg(report)
        .arg("--course")
        .arg(mini())
        .arg("--target-dir")
        .arg(Path::new(env!("CARGO_TARGET_TMPDIR")).join("grade-target"))
        .env("BACKLINGS_NOW", now);
    if let Some(learner) = learner {
        cmd.args(["--learner", learner]);
    }
    let out = cmd.output().unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Four learners' reports in `dir`: `ada` (the starter), `bob` (day 3 fixed; graded twice, the
/// later counts), a learner whose name is markup, and one whose grade could not run.
fn class_reports(dir: &Path) -> Vec<PathBuf> {
    let starter = Course::fixture("mini");
    let fixed = Course::fixture("mini");
    fixed.write("exercises/day03_failing/src/lib.rs", FIXED_SUB);
    let hostile = Course::fixture("mini");
    hostile.write("exercises/day03_failing/src/lib.rs", HOSTILE_SUB);
    let ada = dir.join("ada.json");
    grade(&starter, &ada, "2026-11-20T08:00:00Z", None);
    let bob_old = dir.join("old/bob.json");
    std::fs::create_dir_all(bob_old.parent().unwrap()).unwrap();
    grade(&starter, &bob_old, "2026-11-21T08:00:00Z", None);
    let bob = dir.join("bob.json");
    grade(&fixed, &bob, "2026-11-22T08:00:00Z", None);
    let mallory = dir.join("mallory.json");
    grade(
        &hostile,
        &mallory,
        "2026-11-23T08:00:00Z",
        Some("<script>alert(\"name\")</script>"),
    );
    let broken = dir.join("zed.json");
    std::fs::write(
        &broken,
        r#"{"version": 3, "status": "error", "message": "no exercises/ <b>here</b>", "tests": [], "graded_at": "2026-11-19T08:00:00Z"}"#,
    )
    .unwrap();
    vec![ada, bob_old, bob, mallory, broken]
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassJson {
    schema_version: u32,
    course: String,
    mean_percent: f64,
    learners: Vec<Learner>,
    days: Vec<Day>,
    failing_tests: Vec<Failing>,
    unread: Vec<Unread>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Learner {
    learner: String,
    file: String,
    graded_at: Option<String>,
    status: String,
    #[serde(default)]
    message: Option<String>,
    percent: f64,
    tests_passed: usize,
    tests_total: usize,
    days_passed: usize,
    days_graded: usize,
    days: Vec<Cell>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cell {
    day: u32,
    status: String,
    tests_passed: usize,
    tests_total: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Day {
    day: u32,
    name: String,
    title: String,
    learners_passing: usize,
    learners_graded: usize,
    percent: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Failing {
    name: String,
    day: Option<u32>,
    learners_failing: usize,
    learners_graded: usize,
    first_learner: String,
    first_message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Unread {
    file: String,
    error: String,
}

#[test]
fn a_class_report_as_json_html_and_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = class_reports(dir.path());
    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, "not a report").unwrap();
    files.push(garbage);
    let run = |args: &[&str]| {
        let out = backlings(dir.path())
            .args(["--color", "always", "class", "report"])
            .args(&files)
            .args(args)
            .env("BACKLINGS_NOW", "2026-11-24T12:00:00Z")
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (summary, warnings) = run(&["--html", "class.html"]);
    assert!(warnings.contains("skipped `"), "{warnings}");
    assert!(
        summary.contains('\x1b'),
        "the summary on stdout takes --color always"
    );
    let (_, _) = run(&["--format", "json", "--output", "class.json"]);
    let (_, _) = run(&["--output", "summary.txt"]);
    let json = std::fs::read_to_string(dir.path().join("class.json")).unwrap();
    let page = std::fs::read_to_string(dir.path().join("class.html")).unwrap();
    let text = std::fs::read_to_string(dir.path().join("summary.txt")).unwrap();
    for written in [&json, &page, &text] {
        assert!(!written.contains('\x1b'), "colour in a file");
    }
    check_json(&serde_json::from_str(&json).unwrap());
    check_page(&page);
    check_summary(&text);
}

fn check_json(class: &ClassJson) {
    assert_eq!(
        (class.schema_version, class.course.as_str()),
        (1, "Mini course")
    );
    let names: Vec<&str> = class.learners.iter().map(|l| l.learner.as_str()).collect();
    assert_eq!(
        names,
        ["<script>alert(\"name\")</script>", "ada", "bob", "zed"]
    );
    let bob = &class.learners[2];
    assert_eq!(bob.graded_at.as_deref(), Some("2026-11-22T08:00:00Z"));
    assert!(bob.file.ends_with("bob.json") && !bob.file.contains("old"));
    assert_eq!(
        (
            bob.status.as_str(),
            bob.percent,
            bob.tests_passed,
            bob.tests_total
        ),
        ("graded", 83.3, 5, 6)
    );
    assert_eq!((bob.days_passed, bob.days_graded), (2, 3));
    let cells: Vec<(u32, &str, usize, usize)> = bob
        .days
        .iter()
        .map(|c| (c.day, c.status.as_str(), c.tests_passed, c.tests_total))
        .collect();
    assert_eq!(
        cells,
        [(1, "pass", 2, 2), (2, "error", 0, 1), (3, "pass", 3, 3)]
    );
    let ada = &class.learners[1];
    assert_eq!(ada.days[2].status, "part");
    let zed = &class.learners[3];
    assert_eq!(zed.status, "error");
    assert!(zed.message.as_deref().unwrap().contains("no exercises/"));
    assert_eq!(class.mean_percent, 66.6);
    let days: Vec<(u32, usize, usize)> = class
        .days
        .iter()
        .map(|d| (d.day, d.learners_passing, d.learners_graded))
        .collect();
    assert_eq!(days, [(1, 3, 3), (2, 0, 3), (3, 1, 3)]);
    assert!(
        class
            .days
            .iter()
            .all(|d| !d.name.is_empty() && !d.title.is_empty())
    );
    assert!(class.days[1].percent == 0.0);
    let top = &class.failing_tests[0];
    assert_eq!(
        (
            top.name.as_str(),
            top.day,
            top.learners_failing,
            top.learners_graded
        ),
        ("day02_compile_error::answers_42", Some(2), 3, 3)
    );
    let multiplies = class
        .failing_tests
        .iter()
        .find(|f| f.name == "day03_failing::multiplies")
        .unwrap();
    assert_eq!(multiplies.learners_failing, 2);
    assert_eq!(multiplies.first_learner, "<script>alert(\"name\")</script>");
    assert!(multiplies.first_message.contains("<script>alert('pwned')"));
    assert_eq!(class.unread.len(), 1);
    assert!(class.unread[0].file.ends_with("garbage.json"));
    assert!(class.unread[0].error.contains("is not a report"));
}

fn check_page(page: &str) {
    // The page is HTML5 that is also well-formed XML; its only DTD is `<!DOCTYPE html>`.
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(page, options)
        .unwrap_or_else(|e| panic!("{e}\n{page}"));
    // Exactly our script, and no element or attribute a learner could have smuggled in.
    let scripts: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("script"))
        .collect();
    assert_eq!(scripts.len(), 1);
    assert!(scripts[0].text().unwrap().contains("sortable"));
    for node in doc.descendants().filter(|n| n.is_element()) {
        assert!(!node.has_tag_name("img"), "an injected element");
        for attribute in node.attributes() {
            assert!(!attribute.name().starts_with("on"), "an event handler");
        }
    }
    let rows: Vec<Vec<String>> = section(&doc, "grid")
        .descendants()
        .filter(|n| n.has_tag_name("tr"))
        .map(|row| {
            row.children()
                .filter(|c| c.is_element())
                .map(|c| c.text().unwrap_or("").to_string())
                .collect()
        })
        .collect();
    assert_eq!(
        rows[0],
        ["Learner", "Score", "Days", "Last graded", "1", "2", "3"]
    );
    assert_eq!(rows.len(), 5, "a heading and a row per learner");
    assert_eq!(
        rows[1],
        [
            "<script>alert(\"name\")</script>",
            "66.6%",
            "1/3",
            "11-23 08:00",
            "2/2",
            "0/1",
            "2/3"
        ]
    );
    assert_eq!(
        rows[3][..7],
        ["bob", "83.3%", "2/3", "11-22 08:00", "2/2", "0/1", "3/3"]
    );
    assert_eq!(rows[4][..4], ["zed", "error", "-", "11-19 08:00"]);
    let bob_day3 = section(&doc, "grid")
        .descendants()
        .find(|n| n.has_tag_name("td") && n.text() == Some("3/3"))
        .unwrap();
    assert_eq!(bob_day3.attribute("class"), Some("cell pass"));
    let days = section(&doc, "days")
        .descendants()
        .filter(|n| n.has_tag_name("tr"))
        .count();
    assert_eq!(days, 4, "a heading and a row per day");
    let failing = section(&doc, "failing");
    let message = failing
        .descendants()
        .find(|n| n.has_tag_name("pre") && n.text().is_some_and(|t| t.contains("pwned")))
        .unwrap();
    assert!(
        message
            .text()
            .unwrap()
            .contains("</pre><script>alert('pwned')</script>")
    );
    assert!(page.contains("&lt;/pre&gt;&lt;script&gt;"));
    let unread = section(&doc, "unread");
    assert!(
        unread
            .descendants()
            .any(|n| n.text().is_some_and(|t| t.contains("garbage.json")))
    );
}

fn section<'a>(doc: &'a roxmltree::Document<'a>, id: &str) -> roxmltree::Node<'a, 'a> {
    doc.descendants()
        .find(|n| n.has_tag_name("section") && n.attribute("id") == Some(id))
        .unwrap_or_else(|| panic!("no section #{id}"))
}

fn check_summary(text: &str) {
    assert!(
        text.starts_with("Mini course: 4 learners, mean score 66.6%"),
        "{text}"
    );
    assert!(text.contains("bob"), "{text}");
    assert!(text.contains("83.3%"), "{text}");
    assert!(text.contains("day02_compile_error::answers_42"), "{text}");
}

#[test]
fn reports_that_cannot_be_read_are_an_error_when_none_can() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.json"), "{}").unwrap();
    let out = backlings(dir.path())
        .args(["class", "report", "a.json", "missing.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("none of the 2 reports could be read"),
        "{stderr}"
    );
}
