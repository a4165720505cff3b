//! Running each test in its own process: list a binary's tests, then run them in parallel, each
//! with a timeout and capped output.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::libtest::{self, Reported};
use super::process::{self, Cancel, Exit, Limits, Outcome};
use super::verdict::{Status, TestResult};

/// Listing a binary's tests must not take long, whatever the learner wrote.
const LIST_TIMEOUT: Duration = Duration::from_secs(30);

/// One test to run: which binary, which name, from which directory.
#[derive(Debug, Clone)]
pub struct Planned {
    pub exe: PathBuf,
    pub name: String,
    pub package_dir: PathBuf,
}

/// Limits for every test of a run.
#[derive(Debug, Clone)]
pub struct ExecOptions {
    pub timeout: Duration,
    pub output_cap: usize,
    pub jobs: usize,
    pub cancel: Option<Cancel>,
    /// Set in every test process's environment.
    pub env: Vec<(String, String)>,
}

/// The tests of one binary of a package.
pub fn plan(exe: &Path, package_dir: &Path, cancel: Option<&Cancel>) -> Result<Vec<Planned>> {
    let planned = list(exe, package_dir, cancel)?
        .into_iter()
        .map(|name| Planned {
            exe: exe.to_path_buf(),
            name,
            package_dir: package_dir.into(),
        })
        .collect();
    Ok(planned)
}

fn list(exe: &Path, package_dir: &Path, cancel: Option<&Cancel>) -> Result<Vec<String>> {
    let mut cmd = Command::new(exe);
    cmd.args(["--list", "--format", "terse"])
        .current_dir(package_dir);
    let limits = Limits {
        timeout: Some(LIST_TIMEOUT),
        output_cap: 4 << 20,
        cancel: cancel.cloned(),
        on_stdout_line: None,
    };
    let out = process::run(cmd, &limits)
        .with_context(|| format!("cannot start the test binary `{}`", exe.display()))?;
    match out.exit {
        Exit::Code(0) => Ok(libtest::parse_list(&out.stdout.text())),
        Exit::Cancelled => bail!(Cancelled),
        other => bail!(
            "listing the tests of `{}` failed ({other:?}): {}",
            exe.display(),
            out.stderr.text()
        ),
    }
}

/// Marks that a run stopped because it was cancelled.
#[derive(Debug)]
pub struct Cancelled;

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the run was cancelled")
    }
}

impl std::error::Error for Cancelled {}

/// The results of a package's binaries, each named `binary::name` where two binaries share a
/// test name, and plainly otherwise.
pub fn qualify_duplicates(results: Vec<(PathBuf, TestResult)>) -> Vec<TestResult> {
    let names: Vec<String> = results.iter().map(|(_, r)| r.name.clone()).collect();
    results
        .into_iter()
        .map(|(exe, mut result)| {
            if names.iter().filter(|n| **n == result.name).count() > 1 {
                result.name = format!("{}::{}", binary_name(&exe), result.name);
            }
            result
        })
        .collect()
}

/// `api-3f2a...` to `api`: cargo appends a hash to test binaries.
pub(super) fn binary_name(exe: &Path) -> String {
    let stem = exe
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    match stem.rsplit_once('-') {
        Some((name, hash)) if hash.chars().all(|c| c.is_ascii_hexdigit()) => name.to_string(),
        _ => stem,
    }
}

/// Runs every planned test, `jobs` at a time, in plan order. `None` when cancelled.
pub fn run_all(planned: &[Planned], options: &ExecOptions) -> Option<Vec<TestResult>> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<TestResult>>> = Mutex::new(vec![None; planned.len()]);
    std::thread::scope(|scope| {
        for _ in 0..options.jobs.clamp(1, planned.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(test) = planned.get(i) else { break };
                    let result = run_one(test, options);
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = result;
                }
            });
        }
    });
    if options.cancel.as_ref().is_some_and(Cancel::is_cancelled) {
        return None;
    }
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .collect()
}

/// Runs one test in its own process. `None` when the run was cancelled.
pub fn run_one(test: &Planned, options: &ExecOptions) -> Option<TestResult> {
    let mut cmd = Command::new(&test.exe);
    cmd.args([
        "--exact",
        &test.name,
        "--test-threads",
        "1",
        "--color",
        "never",
    ])
    .current_dir(&test.package_dir)
    .env("RUST_BACKTRACE", "0")
    .env("CARGO_MANIFEST_DIR", &test.package_dir)
    .envs(options.env.iter().map(|(k, v)| (k, v)));
    let limits = Limits {
        timeout: Some(options.timeout),
        output_cap: options.output_cap,
        cancel: options.cancel.clone(),
        on_stdout_line: None,
    };
    let result = match process::run(cmd, &limits) {
        Ok(outcome) => judge(test, outcome)?,
        Err(e) => TestResult {
            name: test.name.clone(),
            status: Status::Failed,
            message: format!(
                "could not start the test binary `{}`: {e}",
                test.exe.display()
            ),
            location: None,
            output: String::new(),
            duration: Duration::ZERO,
        },
    };
    Some(result)
}

/// Turns a finished process into a verdict. Passing needs both exit code 0 and libtest's own
/// `ok` line: a test that exits early or crashes never passes silently.
fn judge(test: &Planned, outcome: Outcome) -> Option<TestResult> {
    let stdout = outcome.stdout.text();
    let parsed = libtest::parse_single(&stdout, &test.name);
    let main_panic = parsed.main_panic(&test.name).cloned();
    let captured = if parsed.captured.is_empty() {
        outcome.stderr.text().trim().to_string()
    } else {
        libtest::without_backtrace_note(&parsed.captured)
    };
    let output = match (parsed.stray.is_empty(), captured.is_empty()) {
        (true, _) => captured,
        (false, true) => parsed.stray.clone(),
        (false, false) => format!("{}\n{captured}", parsed.stray),
    };
    let (status, message) = match (outcome.exit, parsed.reported) {
        (Exit::Cancelled, _) => return None,
        (Exit::TimedOut(after), _) => (Status::TimedOut(after), timeout_message(after)),
        (Exit::Code(0), Reported::Ok) => (Status::Passed, String::new()),
        (Exit::Code(0), Reported::Ignored) => (Status::Ignored, "ignored".to_string()),
        (_, Reported::Failed) => {
            let message = main_panic.as_ref().map(|p| p.message.clone());
            (
                Status::Failed,
                message.unwrap_or_else(|| last_lines(&output, 12)),
            )
        }
        (Exit::Signal(signal), _) => (
            Status::Failed,
            crash_message(signal, &outcome.stderr.text()),
        ),
        (Exit::Code(code), _) => (
            Status::Failed,
            format!(
                "the test process exited with code {code} before libtest reported a result \
             (does the code call `std::process::exit`?)"
            ),
        ),
    };
    Some(TestResult {
        name: test.name.clone(),
        status,
        message,
        location: main_panic.and_then(|p| p.location),
        output,
        duration: outcome.duration,
    })
}

fn timeout_message(after: Duration) -> String {
    format!(
        "timed out after {} s: the test was stopped (a loop that never ends, or waiting for \
         something that never comes: a response, a lock, a channel?)",
        after.as_secs_f32()
    )
}

fn crash_message(signal: i32, stderr: &str) -> String {
    if stderr.contains("has overflowed its stack") {
        return "crashed: stack overflow (a recursion that never ends?)".to_string();
    }
    let name = match signal {
        6 => "SIGABRT",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        _ => "a signal",
    };
    format!("crashed with {name} ({signal}) before reporting a result")
}

pub(super) fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_cargos_hash_from_binary_names() {
        for (path, name) in [
            ("/t/api-0123abcd", "api"),
            ("/t/my-tests-ff", "my-tests"),
            ("/t/plain", "plain"),
            ("/t/x-notahash", "x-notahash"),
        ] {
            assert_eq!(binary_name(Path::new(path)), name);
        }
    }

    #[test]
    fn qualifies_only_clashing_names() {
        let r = |exe: &str, name: &str| {
            let result = TestResult {
                name: name.into(),
                status: Status::Passed,
                message: String::new(),
                location: None,
                output: String::new(),
                duration: Duration::ZERO,
            };
            (PathBuf::from(exe), result)
        };
        let results = vec![
            r("/t/lib-aa", "works"),
            r("/t/api-bb", "works"),
            r("/t/api-bb", "other"),
        ];
        let shown: Vec<_> = qualify_duplicates(results)
            .into_iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(shown, ["lib::works", "api::works", "other"]);
    }
}
