//! `cargo fmt --check` and `cargo clippy` over the solutions, and pure parsers of their output.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Result, bail};

use super::Problem;
use crate::runner::cargo::{cargo_command, cargo_failure};
use crate::runner::cargo_json::{CompilerMessage, Message};
use crate::runner::libtest::{self, Reported};
use crate::runner::process::{self, Exit, Limits, Outcome};

/// Formatting is quick; linting builds (in check mode) whatever is not yet built.
const FMT_TIMEOUT: Duration = Duration::from_secs(10 * 60);
const CLIPPY_TIMEOUT: Duration = Duration::from_secs(30 * 60);
const SUPPORT_TIMEOUT: Duration = Duration::from_secs(20 * 60);
/// The package of the course's test support crate.
const SUPPORT: &str = "backlings_support";
const OUTPUT_CAP: usize = 4 << 20;

/// Fails, before any building, when rustfmt or clippy is missing.
pub fn require(root: &Path) -> Result<()> {
    for tool in ["fmt", "clippy"] {
        let mut cmd = cargo_command();
        cmd.current_dir(root).args([tool, "--version"]);
        let outcome = run(cmd, Duration::from_secs(60), None)?;
        if outcome.exit != Exit::Code(0) {
            bail!(
                "`cargo {tool}` is not available, so the solutions cannot be checked: install it \
                 (`rustup component add {}`), or pass `--no-build` for the checks that need no cargo",
                if tool == "fmt" { "rustfmt" } else { "clippy" }
            );
        }
    }
    Ok(())
}

/// One problem per solution file that `cargo fmt` would change.
pub fn fmt(root: &Path, packages: &[&str]) -> Result<Vec<Problem>> {
    if packages.is_empty() {
        return Ok(Vec::new());
    }
    let mut cmd = in_workspace(root, &["fmt", "--check"]);
    for package in packages {
        cmd.args(["-p", package]);
    }
    cmd.args(["--", "--color", "never"]);
    let outcome = run(cmd, FMT_TIMEOUT, None)?;
    let mut problems = unformatted(&outcome.stdout.text(), root);
    if problems.is_empty() && outcome.exit != Exit::Code(0) {
        problems.push(tool_failed("fmt", &outcome.stderr.text()));
    }
    Ok(problems)
}

/// One problem per clippy error (warnings are errors here: `-D warnings`).
pub fn clippy(root: &Path, packages: &[&str]) -> Result<Vec<Problem>> {
    if packages.is_empty() {
        return Ok(Vec::new());
    }
    let mut cmd = in_workspace(
        root,
        &["clippy", "--all-targets", "--message-format", "json"],
    );
    for package in packages {
        cmd.args(["-p", package]);
    }
    cmd.args(["--", "-D", "warnings"]);
    let found = Arc::new(Mutex::new(Vec::new()));
    let sink = found.clone();
    let on_line = Arc::new(move |line: &str| {
        if let Some(problem) = lint(line) {
            sink.lock().unwrap_or_else(|e| e.into_inner()).push(problem);
        }
    });
    let outcome = run(cmd, CLIPPY_TIMEOUT, Some(on_line))?;
    let mut problems = std::mem::take(&mut *found.lock().unwrap_or_else(|e| e.into_inner()));
    // The library is linted twice (alone and as the unit-test target), so errors repeat.
    let mut seen = BTreeSet::new();
    problems.retain(|p| seen.insert(p.to_string()));
    if problems.is_empty() && outcome.exit != Exit::Code(0) {
        problems.push(tool_failed("clippy", &outcome.stderr.text()));
    }
    Ok(problems)
}

/// The support crate's own tests, every feature on (its PostgreSQL helpers get `env`'s
/// `DATABASE_URL`); a course without `support/` has none.
pub fn support_tests(root: &Path, env: &[(String, String)]) -> Result<Vec<Problem>> {
    if !root.join("support/Cargo.toml").is_file() {
        return Ok(Vec::new());
    }
    let mut cmd = in_workspace(root, &["test", "-p", SUPPORT, "--all-features"]);
    cmd.envs(env.iter().map(|(k, v)| (k, v)));
    let outcome = run(cmd, SUPPORT_TIMEOUT, None)?;
    if outcome.exit == Exit::Code(0) {
        return Ok(Vec::new());
    }
    let stdout = outcome.stdout.text();
    let failed: Vec<&str> = stdout
        .lines()
        .filter_map(libtest::result_line)
        .filter(|(_, reported)| *reported == Reported::Failed)
        .map(|(name, _)| name)
        .collect();
    let what = if failed.is_empty() {
        cargo_failure(&outcome.stderr.text())
            .message
            .trim_start_matches("error: ")
            .to_string()
    } else {
        format!("failing: {}", failed.join(", "))
    };
    Ok(vec![Problem::new(
        "support/Cargo.toml",
        format!("the support crate's tests fail ({what})"),
        format!("run `cargo test -p {SUPPORT} --all-features` to see why"),
    )])
}

fn in_workspace(root: &Path, args: &[&str]) -> Command {
    let mut cmd = cargo_command();
    cmd.current_dir(root)
        .args(args)
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .env("CARGO_TERM_PROGRESS_WHEN", "never");
    cmd
}

fn run(cmd: Command, timeout: Duration, on_line: Option<process::LineSink>) -> Result<Outcome> {
    let limits = Limits {
        timeout: Some(timeout),
        output_cap: OUTPUT_CAP,
        cancel: None,
        on_stdout_line: on_line,
    };
    process::run(cmd, &limits).map_err(|e| crate::runner::toolchain::start_failed("cargo", e))
}

fn tool_failed(tool: &str, stderr: &str) -> Problem {
    let failure = cargo_failure(stderr);
    Problem::new(
        "Cargo.toml",
        format!(
            "`cargo {tool}` failed on the solutions: {}",
            failure.message.trim_start_matches("error: ")
        ),
        format!("run `cargo {tool}` on them to see why"),
    )
}

/// `Diff in /abs/solutions/day01_x/src/lib.rs:12:` lines, one problem per file at its first
/// difference.
pub fn unformatted(stdout: &str, root: &Path) -> Vec<Problem> {
    let mut problems: Vec<Problem> = Vec::new();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("Diff in ") else {
            continue;
        };
        let rest = rest.trim_end().trim_end_matches(':');
        let Some((path, number)) = rest.rsplit_once(':') else {
            continue;
        };
        let file = relative(root, Path::new(path));
        if problems.iter().any(|p| p.file == file) {
            continue;
        }
        let package = file.split('/').nth(1).unwrap_or_default().to_string();
        problems.push(
            Problem::new(
                &file,
                "is not formatted as `cargo fmt` would",
                format!("run `cargo fmt -p {package}_solution`"),
            )
            .at(number.parse().ok().map(|line| (line, 1))),
        );
    }
    problems
}

fn relative(root: &Path, path: &Path) -> String {
    let path = path
        .strip_prefix(root)
        .map(PathBuf::from)
        .unwrap_or_else(|_| path.to_path_buf());
    path.to_string_lossy().replace('\\', "/")
}

/// One clippy or rustc error from a line of cargo's JSON; `None` for anything else, including
/// rustc's closing "aborting due to..." which has no place in the code.
pub fn lint(line: &str) -> Option<Problem> {
    let Message::CompilerMessage(CompilerMessage { message, .. }) = Message::parse(line)? else {
        return None;
    };
    let span = message.primary_span()?;
    if message.level != "error" {
        return None;
    }
    let code = message
        .code
        .as_ref()
        .map(|c| format!(" [{}]", c.code))
        .unwrap_or_default();
    let package = span.file_name.split('/').nth(1).unwrap_or_default();
    Some(
        Problem::new(
            &span.file_name,
            format!("{}{code}", message.message),
            format!(
                "`cargo clippy -p {package}_solution --all-targets -- -D warnings` explains it; \
                 fix the code rather than allowing the lint"
            ),
        )
        .at(Some((span.line_start as usize, span.column_start as usize))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_unformatted_file_once_at_its_first_difference() {
        let stdout = "Diff in /c/solutions/day01_a/src/lib.rs:3:\n-fn a(){}\n+fn a() {}\n\
                      Diff in /c/solutions/day01_a/src/lib.rs:9:\n \n\
                      Diff in /c/solutions/day02_b/tests/api.rs:1:\n";
        let found: Vec<String> = unformatted(stdout, Path::new("/c"))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            [
                "solutions/day01_a/src/lib.rs:3:1: is not formatted as `cargo fmt` would (run `cargo fmt -p day01_a_solution`)",
                "solutions/day02_b/tests/api.rs:1:1: is not formatted as `cargo fmt` would (run `cargo fmt -p day02_b_solution`)",
            ]
        );
    }

    #[test]
    fn reads_clippy_errors_with_their_place_and_lint() {
        let error = r#"{"reason":"compiler-message","message":{"level":"error","message":"unneeded `return` statement","code":{"code":"clippy::needless_return"},"spans":[{"file_name":"solutions/day01_a/src/lib.rs","line_start":4,"column_start":5,"is_primary":true}]}}"#;
        let problem = lint(error).unwrap();
        assert_eq!(problem.file, "solutions/day01_a/src/lib.rs");
        assert_eq!(problem.at, Some((4, 5)));
        assert_eq!(
            problem.message,
            "unneeded `return` statement [clippy::needless_return]"
        );
        let aborting = r#"{"reason":"compiler-message","message":{"level":"error","message":"aborting due to 1 previous error","code":null,"spans":[]}}"#;
        let warning = error.replace(r#""level":"error""#, r#""level":"warning""#);
        for line in [
            aborting,
            &warning,
            r#"{"reason":"build-finished","success":false}"#,
            "nonsense",
        ] {
            assert!(lint(line).is_none(), "{line}");
        }
    }
}
