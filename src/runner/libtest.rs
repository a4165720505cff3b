//! Pure parsing of libtest's plain-text output: test lists, and the result of running one test.

use super::verdict::Location;

/// One panic in a test's captured output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panic {
    pub thread: String,
    pub location: Option<Location>,
    pub message: String,
}

/// What libtest said about the one test it was asked to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reported {
    Ok,
    Failed,
    Ignored,
    /// The binary never printed a result line for the test (it exited or crashed mid-test).
    Silent,
}

/// The parsed result of `TEST_BINARY --exact NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SingleRun {
    pub reported: Reported,
    /// The captured output libtest printed for a failure (the learner's prints and the panics).
    pub captured: String,
    /// What the test wrote straight to stdout, past libtest's capture (`io::stdout().write`).
    pub stray: String,
    pub panics: Vec<Panic>,
}

impl SingleRun {
    /// The panic that failed the test: the one on the test's own thread, else the first.
    pub fn main_panic(&self, test: &str) -> Option<&Panic> {
        self.panics
            .iter()
            .find(|p| p.thread == test)
            .or_else(|| self.panics.first())
    }
}

/// Test names from `TEST_BINARY --list` (benchmarks are left out).
pub fn parse_list(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_string)
        .collect()
}

/// `test NAME ... ok` (or `FAILED`, `ignored`, `ignored, REASON`) into its parts.
pub fn result_line(line: &str) -> Option<(&str, Reported)> {
    let (name, verdict) = line.strip_prefix("test ")?.rsplit_once(" ... ")?;
    let reported = match verdict {
        "ok" => Reported::Ok,
        "FAILED" => Reported::Failed,
        v if v == "ignored" || v.starts_with("ignored, ") => Reported::Ignored,
        _ => return None,
    };
    Some((name, reported))
}

/// Parses the stdout of a test binary asked to run exactly `name`.
pub fn parse_single(stdout: &str, name: &str) -> SingleRun {
    let captured = captured_section(stdout, name).unwrap_or_default();
    SingleRun {
        reported: reported(stdout, name),
        stray: stray_output(stdout, name),
        panics: parse_panics(&captured),
        captured,
    }
}

fn reported(stdout: &str, name: &str) -> Reported {
    let prefix = format!("test {name} ... ");
    let Some(verdict) = stdout
        .lines()
        .find_map(|line| line.strip_prefix(prefix.as_str()))
    else {
        return Reported::Silent;
    };
    // Output written straight to stdout (not captured) can split the status line; the
    // summary still tells.
    if stdout.contains("\ntest result: ok. 1 passed;") {
        return Reported::Ok;
    }
    if stdout.contains("\ntest result: FAILED. 0 passed; 1 failed;") {
        return Reported::Failed;
    }
    // A test that dies mid-run leaves `test NAME ... ` with no result after it.
    match verdict.trim_end() {
        "ok" => Reported::Ok,
        "FAILED" => Reported::Failed,
        v if v.starts_with("ignored") => Reported::Ignored,
        _ => Reported::Silent,
    }
}

/// The text between `test NAME ... ` and libtest's verdict: output that bypassed the capture.
fn stray_output(stdout: &str, name: &str) -> String {
    let prefix = format!("test {name} ... ");
    let Some(start) = stdout.find(&prefix) else {
        return String::new();
    };
    let rest = &stdout[start + prefix.len()..];
    let end = ["\n\nfailures:\n", "\ntest result: "]
        .iter()
        .filter_map(|marker| rest.find(marker))
        .min()
        .unwrap_or(rest.len());
    let body = rest[..end].trim_end();
    let body = ["FAILED", "ok"]
        .iter()
        .find_map(|verdict| body.strip_suffix(verdict))
        .unwrap_or(body);
    body.trim().to_string()
}

/// The body between `---- NAME stdout ----` and libtest's closing `failures:` list.
fn captured_section(stdout: &str, name: &str) -> Option<String> {
    let header = format!("---- {name} stdout ----\n");
    let start = stdout.find(&header)? + header.len();
    let body = &stdout[start..];
    let end = body.rfind("\nfailures:\n").unwrap_or(body.len());
    Some(body[..end].trim_matches('\n').to_string())
}

/// Every `thread '...' panicked at FILE:LINE:COL:` block with its message.
pub fn parse_panics(text: &str) -> Vec<Panic> {
    let lines: Vec<&str> = text.lines().collect();
    let mut panics = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some((thread, location)) = panic_header(lines[i]) else {
            i += 1;
            continue;
        };
        let mut message = Vec::new();
        i += 1;
        while i < lines.len() && !ends_message(lines[i]) {
            message.push(lines[i]);
            i += 1;
        }
        let message = message.join("\n").trim_end().to_string();
        panics.push(Panic {
            thread,
            location,
            message,
        });
    }
    panics
}

/// `thread 'NAME' (TID) panicked at FILE:LINE:COL:` (the TID is printed by newer toolchains).
fn panic_header(line: &str) -> Option<(String, Option<Location>)> {
    let rest = line.strip_prefix("thread '")?;
    let (thread, rest) = rest.split_once('\'')?;
    let (_, at) = rest.split_once("panicked at ")?;
    let at = at.strip_suffix(':').unwrap_or(at);
    Some((thread.to_string(), parse_location(at)))
}

fn ends_message(line: &str) -> bool {
    line.starts_with("note: run with `RUST_BACKTRACE")
        || line.starts_with("stack backtrace:")
        || panic_header(line).is_some()
}

/// `src/lib.rs:4:77` into its parts; `None` when it is not that shape.
pub fn parse_location(text: &str) -> Option<Location> {
    let mut parts = text.rsplitn(3, ':');
    let col = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let file = parts.next()?.to_string();
    Some(Location { file, line, col })
}

/// Captured output without libtest's `note: run with RUST_BACKTRACE=1` line: the runner sets
/// the variable itself, and with tests in parallel the note goes to whichever test panicked
/// first, so keeping it would make the same failure read differently from run to run.
pub fn without_backtrace_note(text: &str) -> String {
    let kept: Vec<&str> = text
        .lines()
        .filter(|line| !line.starts_with("note: run with `RUST_BACKTRACE=1`"))
        .collect();
    kept.join("\n").trim_matches('\n').to_string()
}

#[cfg(test)]
mod tests;
