//! The course's test support crate (`support/`): `init` writes it, and `grade` always builds the
//! days' tests with the course's copy, listing a submission's changes to it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of a test crate: a panic is a failing test"
)]

mod common;

use std::path::{Path, PathBuf};

use common::{Course, backlings};
use serde_json::Value;

fn supported() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/supported")
}

fn grade_json(submission: &Path) -> (i32, Value) {
    let out = backlings(submission)
        .arg("grade")
        .arg("--course")
        .arg(supported())
        .arg("--target-dir")
        .arg(Path::new(env!("CARGO_TARGET_TMPDIR")).join("support-grade-target"))
        .args(["--format", "json"])
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), report)
}

fn changed(report: &Value) -> Vec<(String, String)> {
    report["protected_files_changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let field = |name: &str| c[name].as_str().unwrap().to_string();
            (field("path"), field("change"))
        })
        .collect()
}

#[test]
fn a_submission_that_edits_the_support_crate_is_graded_with_the_courses_copy() {
    let submission = Course::fixture("supported");
    let (code, report) = grade_json(submission.path());
    assert_eq!(code, 1, "the starter fails: {report}");
    assert!(changed(&report).is_empty(), "{report}");

    // The learner makes the test pass by changing what it expects, not the answer.
    submission.write(
        "support/src/lib.rs",
        "pub fn expected() -> u32 {\n    41\n}\n",
    );
    submission.write("support/build.rs", "fn main() {}\n");
    let (code, report) = grade_json(submission.path());
    assert_eq!(code, 1, "graded with the course's support crate: {report}");
    let day = &report["days"][0];
    assert_eq!(
        (day["status"].as_str(), day["tests_passed"].as_u64()),
        (Some("fail"), Some(0)),
        "{report}"
    );
    assert_eq!(
        changed(&report),
        [
            ("support/build.rs".to_string(), "added".to_string()),
            ("support/src/lib.rs".to_string(), "modified".to_string()),
        ]
    );

    // A fixed answer passes, whatever the submission did to its support crate.
    submission.write(
        "exercises/day01_checked/src/lib.rs",
        "pub fn answer() -> u32 {\n    42\n}\n",
    );
    std::fs::remove_file(submission.file("support/Cargo.toml")).unwrap();
    let (code, report) = grade_json(submission.path());
    assert_eq!(code, 0, "{report}");
    assert!(
        changed(&report).contains(&("support/Cargo.toml".to_string(), "deleted".to_string())),
        "{report}"
    );
}

#[test]
fn init_writes_the_support_crate_as_a_workspace_member() {
    let parent = tempfile::tempdir().unwrap();
    let out = backlings(parent.path())
        .args(["init", "course", "--no-warmup"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let course = parent.path().join("course");
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("support");
    for file in ["Cargo.toml", "src/lib.rs", "src/server.rs", "src/http.rs"] {
        let written = std::fs::read(course.join("support").join(file))
            .unwrap_or_else(|e| panic!("init did not write support/{file}: {e}"));
        assert_eq!(
            written,
            std::fs::read(shipped.join(file)).unwrap(),
            "support/{file}"
        );
    }
    let manifest: toml::Table = std::fs::read_to_string(course.join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let workspace = &manifest["workspace"];
    let members: Vec<&str> = workspace["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m.as_str())
        .collect();
    assert_eq!(members, ["exercises/*", "support"]);
    assert_eq!(
        workspace["dependencies"]["backlings_support"]["path"].as_str(),
        Some("support")
    );
    assert!(!course.join("support/target").exists());
}
