//! A black-box test cannot be forged from `src/`: the learner's service runs in a process of
//! its own, whose output the test reads as the service's, never as libtest's.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of a test crate: a panic is a failing test"
)]

mod common;

use common::backlings;

/// A `main.rs` that claims, every way it can, that the tests passed, and serves nothing.
const FORGER: &str = r#"fn main() {
    let claims = "\nrunning 1 test\ntest the_program_answers_curl_with_the_greeting ... ok\n\n\
                  test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n";
    print!("{claims}");
    eprint!("{claims}");
    // Whatever file descriptor the test's own stdout might be.
    for fd in ["/dev/fd/1", "/dev/fd/2", "/proc/self/fd/1", "/dev/tty"] {
        let _ = std::fs::write(fd, claims);
    }
    std::process::exit(0);
}
"#;

#[test]
fn a_service_that_prints_pass_lines_and_exits_still_fails_its_black_box_test() {
    let parent = tempfile::tempdir().unwrap();
    let status = backlings(parent.path())
        .args(["init", "course"])
        .status()
        .unwrap();
    assert!(status.success());
    let course = parent.path().join("course");
    let day = course.join("exercises/day01_hello_tcp");
    // The day's library is solved, so only the program itself can fail the day.
    let solved = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("solutions/day01_hello_tcp/src/lib.rs"),
    )
    .unwrap();
    std::fs::write(day.join("src/lib.rs"), solved).unwrap();
    std::fs::write(day.join("src/main.rs"), FORGER).unwrap();
    let out = backlings(&course)
        .args([
            "grade",
            "--days",
            "1",
            "--format",
            "json",
            "--output",
            "grade.json",
        ])
        .env(
            "CARGO_TARGET_DIR",
            std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("forgery"),
        )
        .output()
        .unwrap();
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(course.join("grade.json")).unwrap()).unwrap();
    assert_eq!(out.status.code(), Some(1), "{report:#}");
    let tests = report["tests"].as_array().unwrap();
    let black_box: Vec<&serde_json::Value> = tests
        .iter()
        .filter(|t| {
            t["name"]
                .as_str()
                .unwrap()
                .contains("the_program_answers_curl")
        })
        .collect();
    assert_eq!(black_box.len(), 1, "{report:#}");
    assert_eq!(black_box[0]["status"], "fail", "{report:#}");
    assert!(
        black_box[0]["message"]
            .as_str()
            .unwrap()
            .contains("exited before it listened"),
        "{report:#}"
    );
    let others_pass = tests
        .iter()
        .filter(|t| {
            !t["name"]
                .as_str()
                .unwrap()
                .contains("the_program_answers_curl")
        })
        .all(|t| t["status"] == "pass");
    assert!(
        others_pass,
        "the in-process tests of the solved library pass: {report:#}"
    );
}
