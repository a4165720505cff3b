//! Platforms: a build for a target without unix process groups is refused with a message that
//! names the supported platforms, instead of producing a runner whose time limits cannot stop a
//! test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of a test crate: a panic is a failing test"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The newest build script of this package (cargo keeps one per build configuration, next to
/// the directory it gave this build as `OUT_DIR`).
fn build_script() -> PathBuf {
    let builds = Path::new(env!("OUT_DIR")).join("../..");
    std::fs::read_dir(&builds)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("backlings-"))
        .map(|e| e.path().join("build-script-build"))
        .filter(|path| path.is_file())
        .max_by_key(|path| path.metadata().and_then(|m| m.modified()).ok())
        .expect("cargo built the build script")
}

fn run_build_script(family: &str) -> String {
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(build_script())
        .env("CARGO_CFG_TARGET_FAMILY", family)
        .env("CARGO_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR"))
        .env("OUT_DIR", out.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_target_without_unix_process_groups_is_refused_naming_the_supported_platforms() {
    let refused = run_build_script("windows");
    let error = refused
        .lines()
        .find_map(|line| line.strip_prefix("cargo::error="))
        .unwrap_or_else(|| panic!("no cargo::error for windows:\n{refused}"));
    for name in ["Linux", "macOS", "WSL"] {
        assert!(error.contains(name), "{error}");
    }
    let built = run_build_script("unix");
    assert!(!built.contains("cargo::error"), "{built}");
}
