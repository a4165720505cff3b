//! The fast path: a test binary run once for all its tests, as `cargo test` runs it, under the
//! day's time limit and the output cap. Every test it reports cleanly keeps that verdict; when
//! the run hangs, crashes, ends early or floods its output, the tests it left unreported (or
//! reported failed without their output) are run again one per process (`exec`), so a hang, a
//! crash or an early exit is still judged test by test.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::exec::{self, ExecOptions};
use super::libtest::{self, Reported, SingleRun};
use super::process::{self, Exit, Limits};
use super::verdict::{Status, TestResult};

/// What one run of a whole binary settled.
#[derive(Debug)]
pub struct Batch {
    /// Verdicts that stand, in the binary's order (libtest's: by name).
    pub settled: Vec<TestResult>,
    /// Every test of the binary is settled: nothing needs running again.
    pub complete: bool,
}

/// When each test's result line arrived, from the start of the run.
type Arrivals = Arc<Mutex<HashMap<String, Duration>>>;

/// Runs every test of `exe` in one process. `None` when the run was cancelled.
pub fn run(exe: &Path, package_dir: &Path, options: &ExecOptions) -> Option<Batch> {
    let mut cmd = Command::new(exe);
    cmd.args(["--test-threads", &options.jobs.max(1).to_string()])
        .args(["--color", "never"])
        .current_dir(package_dir)
        .env("RUST_BACKTRACE", "0")
        .env("CARGO_MANIFEST_DIR", package_dir)
        .envs(options.env.iter().map(|(k, v)| (k, v)));
    let arrivals = Arrivals::default();
    let outcome = match process::run(cmd, &limits(options, arrivals.clone())) {
        Ok(outcome) => outcome,
        // The per-test path reports why the binary cannot start, test by test.
        Err(_) => return Some(Batch::nothing()),
    };
    if outcome.exit == Exit::Cancelled {
        return None;
    }
    let stdout = outcome.stdout.text();
    let parsed = parse(&stdout);
    let clean = matches!(outcome.exit, Exit::Code(0 | 101))
        && outcome.stdout.dropped == 0
        && !parsed.stray
        && parsed.summary
        && parsed.announced == Some(parsed.results.len());
    let arrivals = arrivals.lock().unwrap_or_else(|e| e.into_inner()).clone();
    Some(Batch {
        settled: settle_all(&stdout, &parsed, clean, &arrivals),
        complete: clean,
    })
}

/// The day's limits, noting when each result line arrives: a test's duration is at most the
/// time to its line.
fn limits(options: &ExecOptions, arrivals: Arrivals) -> Limits {
    let started = Instant::now();
    Limits {
        timeout: Some(options.timeout),
        output_cap: options.output_cap,
        cancel: options.cancel.clone(),
        on_stdout_line: Some(Arc::new(move |line: &str| {
            if let Some((name, _)) = libtest::result_line(line) {
                let mut arrivals = arrivals.lock().unwrap_or_else(|e| e.into_inner());
                arrivals.insert(name.to_string(), started.elapsed());
            }
        })),
    }
}

/// The verdicts that stand: every reported one from a clean run; from any other, the passes
/// and ignores (a failure's output may be missing). By name.
fn settle_all(
    stdout: &str,
    parsed: &Parsed,
    clean: bool,
    arrivals: &HashMap<String, Duration>,
) -> Vec<TestResult> {
    let once = |name: &str| parsed.results.iter().filter(|(n, _)| n == name).count() == 1;
    let mut settled: Vec<TestResult> = parsed
        .results
        .iter()
        // A name reported twice was written by the code under test, not by libtest.
        .filter(|(name, reported)| once(name) && (clean || *reported != Reported::Failed))
        .filter_map(|(name, reported)| settle(stdout, name, *reported, &parsed.failed))
        .map(|mut result| {
            result.duration = arrivals.get(&result.name).copied().unwrap_or_default();
            result
        })
        .collect();
    settled.sort_by(|a, b| a.name.cmp(&b.name));
    settled
}

impl Batch {
    fn nothing() -> Batch {
        Batch {
            settled: Vec::new(),
            complete: false,
        }
    }
}

/// libtest's account of a whole-binary run.
#[derive(Debug, Default, PartialEq, Eq)]
struct Parsed {
    /// `running N tests`.
    announced: Option<usize>,
    /// Each `test NAME ... RESULT` line, in the order printed.
    results: Vec<(String, Reported)>,
    /// The names reported failed.
    failed: Vec<String>,
    /// The closing `test result:` line was printed.
    summary: bool,
    /// Something besides libtest wrote to stdout before the failures (`io::stdout().write`
    /// bypasses libtest's capture); with tests in parallel it cannot be told whose it is.
    stray: bool,
}

fn parse(stdout: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut in_failures = false;
    for line in stdout.lines() {
        if line == "failures:" {
            in_failures = true;
        } else if let Some(n) = line
            .strip_prefix("running ")
            .and_then(|rest| rest.strip_suffix(" tests").or(rest.strip_suffix(" test")))
            .and_then(|n| n.parse().ok())
        {
            parsed.announced.get_or_insert(n);
        } else if let Some((name, reported)) = libtest::result_line(line) {
            if reported == Reported::Failed {
                parsed.failed.push(name.to_string());
            }
            parsed.results.push((name.to_string(), reported));
        } else if line.starts_with("test result: ") {
            parsed.summary = true;
        } else if !in_failures && !line.is_empty() {
            parsed.stray = true;
        }
    }
    parsed
}

/// The verdict of one reported test; a failure carries its own captured section.
fn settle(stdout: &str, name: &str, reported: Reported, failed: &[String]) -> Option<TestResult> {
    let status = match reported {
        Reported::Ok => Status::Passed,
        Reported::Ignored => Status::Ignored,
        Reported::Failed => Status::Failed,
        Reported::Silent => return None,
    };
    let captured = if reported == Reported::Failed {
        section(stdout, name, failed)
    } else {
        String::new()
    };
    let run = SingleRun {
        reported,
        panics: libtest::parse_panics(&captured),
        captured,
        stray: String::new(),
    };
    let panic = run.main_panic(name).cloned();
    let message = match (&status, &panic) {
        (Status::Failed, Some(panic)) => panic.message.clone(),
        (Status::Failed, None) => exec::last_lines(&run.captured, 12),
        (Status::Ignored, _) => "ignored".to_string(),
        _ => String::new(),
    };
    Some(TestResult {
        name: name.to_string(),
        status,
        message,
        location: panic.and_then(|p| p.location),
        output: run.captured,
        duration: Duration::ZERO,
    })
}

/// What libtest printed under `---- NAME stdout ----`: up to the next failed test's header, or
/// libtest's closing `failures:` list.
fn section(stdout: &str, name: &str, failed: &[String]) -> String {
    let header = format!("---- {name} stdout ----\n");
    let Some(start) = stdout.find(&header).map(|at| at + header.len()) else {
        return String::new();
    };
    let body = &stdout[start..];
    let next_header = failed
        .iter()
        .filter_map(|other| body.find(&format!("\n---- {other} stdout ----\n")))
        .min();
    let end = next_header
        .or_else(|| body.rfind("\nfailures:\n"))
        .unwrap_or(body.len());
    libtest::without_backtrace_note(&body[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIXED: &str = "
running 4 tests
test b_fails ... FAILED
test a_passes ... ok
test d_ignored ... ignored, not today
test c_fails_too ... FAILED

failures:

---- b_fails stdout ----
hello from b
failures: not the real list

thread 'b_fails' (12) panicked at tests/api.rs:9:5:
expected 201, got 500
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace

---- c_fails_too stdout ----

thread 'c_fails_too' (13) panicked at src/lib.rs:3:5:
not yet implemented


failures:
    b_fails
    c_fails_too

test result: FAILED. 1 passed; 2 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s
";

    #[test]
    fn parses_every_result_of_a_whole_run() {
        let parsed = parse(MIXED);
        assert_eq!(parsed.announced, Some(4));
        assert!(parsed.summary);
        let results: Vec<(&str, Reported)> = parsed
            .results
            .iter()
            .map(|(n, r)| (n.as_str(), *r))
            .collect();
        assert_eq!(
            results,
            [
                ("b_fails", Reported::Failed),
                ("a_passes", Reported::Ok),
                ("d_ignored", Reported::Ignored),
                ("c_fails_too", Reported::Failed),
            ]
        );
    }

    #[test]
    fn each_failure_gets_its_own_section_and_panic() {
        let parsed = parse(MIXED);
        let b = settle(MIXED, "b_fails", Reported::Failed, &parsed.failed).unwrap();
        assert_eq!(b.message, "expected 201, got 500");
        assert!(b.output.contains("hello from b"), "{}", b.output);
        assert!(!b.output.contains("not yet implemented"), "{}", b.output);
        let location = b.location.unwrap();
        assert_eq!((location.file.as_str(), location.line), ("tests/api.rs", 9));
        let c = settle(MIXED, "c_fails_too", Reported::Failed, &parsed.failed).unwrap();
        assert_eq!(c.message, "not yet implemented");
        assert!(!c.output.contains("c_fails_too\n"), "{}", c.output);
    }

    #[test]
    fn output_past_the_capture_is_noticed() {
        let run = "\nrunning 1 test\n::error::injected\ntest a ... ok\n\ntest result: ok.";
        assert!(parse(run).stray);
        assert!(!parse(MIXED).stray);
    }

    #[test]
    fn a_run_that_ended_early_is_not_summarised() {
        let parsed = parse("\nrunning 3 tests\ntest a ... ok\ntest b ... ");
        assert_eq!(parsed.announced, Some(3));
        assert_eq!(parsed.results, [("a".to_string(), Reported::Ok)]);
        assert!(!parsed.summary);
    }
}
