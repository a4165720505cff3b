//! Building days with `cargo test --no-run` (or `cargo build --tests` when grading) and reading its JSON messages: the test executables
//! per package, and the compiler errors.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result};

use super::cargo_json::{
    Artifact, CompilerMessage, Diagnostic as RustcDiagnostic, Message, Metadata, Package,
};
use super::process::{self, Cancel, Exit, Limits, LineSink};
use super::verdict::{Diagnostic, Location};

/// A build that takes longer than this is stuck (a looping build script or proc macro).
const BUILD_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// Cargo's human stderr is kept up to this size for error reports.
const STDERR_CAP: usize = 256 * 1024;

/// What one `cargo test --no-run` produced, by package directory name.
#[derive(Debug, Default)]
pub struct Build {
    pub exit: Option<Exit>,
    /// Test executables per package directory name (= exercise name).
    pub executables: BTreeMap<String, Vec<PathBuf>>,
    /// The binary of each package directory name, when binaries were built (`serve`).
    pub binaries: BTreeMap<String, PathBuf>,
    /// Compiler errors per package directory name.
    pub errors: BTreeMap<String, Vec<Diagnostic>>,
    /// Cargo's own stderr (its errors when no compiler message explains a failure).
    pub stderr: String,
}

/// Options for a build.
#[derive(Clone, Default)]
pub struct BuildOptions {
    pub color: bool,
    pub cancel: Option<Cancel>,
    pub target_dir: Option<PathBuf>,
    /// Called for each compiler artifact finished (for progress bars).
    pub on_artifact: Option<LineSink>,
    /// Build only the integration tests (`tests/`), never unit tests in `src/` (grading).
    pub integration_tests_only: bool,
    /// Keep going past a package that fails, so the others still build (grading, warm-up).
    pub keep_going: bool,
    /// Build the packages' binaries (`cargo build --bins`) instead of their tests (`serve`).
    pub binaries: bool,
    /// Pass `--offline` to cargo.
    pub offline: bool,
}

/// The target directory cargo builds the workspace at `root` in: `--target-dir` when given,
/// else `CARGO_TARGET_DIR` (relative to `root`), else `root/target`.
pub fn target_dir(root: &Path, given: Option<&Path>) -> PathBuf {
    given
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from))
        .map(|dir| root.join(dir))
        .unwrap_or_else(|| root.join("target"))
}

/// The cargo to run: the one that started us when there is one, else `cargo` on PATH.
pub fn cargo_command() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// The workspace at `root` as `cargo metadata` describes it, for the host platform only.
/// Cancellable: `cargo metadata` can wait long on cargo's package lock.
pub fn metadata(root: &Path, cancel: Option<Cancel>) -> Result<Metadata> {
    super::toolchain::ready(root)?;
    let mut cmd = cargo_command();
    cmd.current_dir(root)
        .args(["metadata", "--format-version", "1", "--filter-platform"])
        .arg(host_triple())
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"));
    let limits = Limits {
        output_cap: 256 << 20,
        cancel,
        ..Limits::default()
    };
    let out = process::run(cmd, &limits).map_err(|e| super::toolchain::start_failed("cargo", e))?;
    serde_json::from_str(&out.stdout.text()).context("unexpected `cargo metadata` output")
}

/// The platform rustc builds for by default, e.g. `x86_64-unknown-linux-gnu`.
fn host_triple() -> String {
    let mut cmd = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()));
    cmd.arg("-vV");
    let limits = Limits {
        output_cap: 64 * 1024,
        ..Limits::default()
    };
    let out = process::run(cmd, &limits);
    out.ok()
        .and_then(|o| {
            o.stdout
                .text()
                .lines()
                .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        })
        .unwrap_or_else(|| "x86_64-unknown-linux-gnu".into())
}

/// Whether cargo has built `package` before in `target_dir` (its fingerprints are there).
pub fn was_built(target_dir: &Path, package: &str) -> bool {
    let prefix = format!("{package}-");
    std::fs::read_dir(target_dir.join("debug/.fingerprint")).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(&prefix))
    })
}

/// About how many units cargo builds for `packages` from nothing: their dependency closure,
/// build scripts and test binaries.
pub fn units(root: &Path, packages: &[&str], cancel: Option<Cancel>) -> Result<usize> {
    Ok(count_units(&metadata(root, cancel)?, packages))
}

fn count_units(metadata: &Metadata, roots: &[&str]) -> usize {
    let graph: HashMap<&str, Vec<&str>> = metadata
        .resolve
        .nodes
        .iter()
        .map(|n| {
            (
                n.id.as_str(),
                n.deps.iter().map(|d| d.pkg.as_str()).collect(),
            )
        })
        .collect();
    let packages: HashMap<&str, &Package> = metadata
        .packages
        .iter()
        .map(|p| (p.id.as_str(), p))
        .collect();
    let mut stack: Vec<&str> = metadata
        .workspace_members
        .iter()
        .map(String::as_str)
        .filter(|id| {
            packages
                .get(id)
                .is_some_and(|p| roots.contains(&p.name.as_str()))
        })
        .collect();
    let mut seen = HashSet::new();
    while let Some(id) = stack.pop() {
        if seen.insert(id) {
            stack.extend(graph.get(id).into_iter().flatten());
        }
    }
    let build_scripts = seen
        .iter()
        .filter_map(|id| packages.get(id))
        .filter(|p| {
            p.targets
                .iter()
                .any(|t| t.kind.iter().any(|k| k == "custom-build"))
        })
        .count();
    // Each workspace member also builds its test binary.
    seen.len() + build_scripts + roots.len()
}

/// Builds the tests of `packages` in the workspace at `root` in one cargo invocation.
pub fn build_tests(root: &Path, packages: &[&str], options: &BuildOptions) -> Result<Build> {
    super::toolchain::check_ahead(root);
    let mut cmd = cargo_command();
    let format = if options.color {
        "json-diagnostic-rendered-ansi"
    } else {
        "json"
    };
    cmd.current_dir(root);
    // `cargo test` has no `--keep-going`; `cargo build` of the same test targets does.
    match (options.integration_tests_only, options.keep_going) {
        _ if options.binaries => cmd.args(["build", "--bins"]),
        (true, _) => cmd.args(["build", "--keep-going", "--test", "*"]),
        (false, true) => cmd.args(["build", "--keep-going", "--tests"]),
        (false, false) => cmd.args(["test", "--no-run"]),
    };
    cmd.args(["--message-format", format, "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .env("CARGO_TERM_PROGRESS_WHEN", "never");
    if options.offline {
        cmd.arg("--offline");
    }
    for package in packages {
        cmd.args(["-p", package]);
    }
    if let Some(dir) = &options.target_dir {
        cmd.arg("--target-dir").arg(dir);
    }
    let collected = Arc::new(Mutex::new(Build::default()));
    let sink = collected.clone();
    let on_artifact = options.on_artifact.clone();
    let limits = Limits {
        timeout: Some(BUILD_TIMEOUT),
        output_cap: STDERR_CAP,
        cancel: options.cancel.clone(),
        on_stdout_line: Some(Arc::new(move |line: &str| {
            let mut build = sink.lock().unwrap_or_else(|e| e.into_inner());
            absorb(&mut build, line, on_artifact.as_deref());
        })),
    };
    let outcome = process::run(cmd, &limits);
    super::toolchain::ready(root)?;
    let outcome = outcome.map_err(|e| super::toolchain::start_failed("cargo", e))?;
    let mut build = std::mem::take(&mut *collected.lock().unwrap_or_else(|e| e.into_inner()));
    build.exit = Some(outcome.exit);
    build.stderr = outcome.stderr.text();
    Ok(build)
}

fn absorb(build: &mut Build, line: &str, on_artifact: Option<&(dyn Fn(&str) + Send + Sync)>) {
    match Message::parse(line) {
        Some(Message::CompilerArtifact(Artifact {
            manifest_path,
            target,
            profile,
            executable,
        })) => {
            if let Some(report) = on_artifact {
                report(&target.name);
            }
            let package = package_dir(&manifest_path);
            match (profile.test, executable) {
                (true, Some(exe)) => build.executables.entry(package).or_default().push(exe),
                (false, Some(exe)) if target.kind.iter().any(|k| k == "bin") => {
                    build.binaries.insert(package, exe);
                }
                _ => {}
            }
        }
        Some(Message::CompilerMessage(CompilerMessage {
            manifest_path,
            message,
        })) if message.level == "error" => {
            let errors = build.errors.entry(package_dir(&manifest_path)).or_default();
            let new = diagnostic(message);
            // The library is compiled twice (for its unit tests and for the integration
            // tests), so the same error arrives twice.
            if !errors.iter().any(|e| e.rendered == new.rendered) {
                errors.push(new);
            }
        }
        _ => {}
    }
}

fn diagnostic(message: RustcDiagnostic) -> Diagnostic {
    let location = message.primary_span().map(|s| Location {
        file: s.file_name.clone(),
        line: s.line_start,
        col: s.column_start,
    });
    let rendered = message
        .rendered
        .unwrap_or_else(|| format!("error: {}", message.message));
    Diagnostic {
        message: message.message,
        location,
        rendered,
    }
}

fn package_dir(manifest_path: &Path) -> String {
    manifest_path
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Cargo's error lines when it failed without a compiler message (a manifest error, a build
/// script that failed, a missing lock file in offline mode).
pub fn cargo_failure(stderr: &str) -> Diagnostic {
    let start = stderr.find("error").unwrap_or(0);
    let rendered = stderr[start..].trim_end().to_string();
    let message = rendered
        .lines()
        .next()
        .unwrap_or("cargo failed")
        .to_string();
    Diagnostic {
        message,
        location: None,
        rendered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absorbs_test_executables_and_errors_by_package() {
        let mut build = Build::default();
        let lines = [
            r#"{"reason":"compiler-artifact","manifest_path":"/c/exercises/day01_a/Cargo.toml","target":{"name":"api"},"profile":{"test":true},"executable":"/t/api-1"}"#,
            r#"{"reason":"compiler-artifact","manifest_path":"/c/exercises/day01_a/Cargo.toml","target":{"name":"day01_a"},"profile":{"test":false},"executable":null}"#,
            r#"{"reason":"compiler-message","manifest_path":"/c/exercises/day02_b/Cargo.toml","message":{"level":"error","message":"mismatched types","rendered":"error[E0308]: mismatched types","spans":[{"file_name":"exercises/day02_b/src/lib.rs","line_start":3,"column_start":5,"is_primary":true}]}}"#,
            r#"{"reason":"compiler-message","manifest_path":"/c/exercises/day02_b/Cargo.toml","message":{"level":"warning","message":"unused","rendered":"warning","spans":[]}}"#,
            r#"{"reason":"build-finished","success":false}"#,
            r#"{"reason":"compiler-message","manifest_path":"/c/exercises/day02_b/Cargo.toml","message":{"level":"error","message":"mismatched types","rendered":"error[E0308]: mismatched types","spans":[{"file_name":"exercises/day02_b/src/lib.rs","line_start":3,"column_start":5,"is_primary":true}]}}"#,
            "not json at all",
        ];
        for line in lines {
            absorb(&mut build, line, None);
        }
        assert_eq!(build.executables["day01_a"], [PathBuf::from("/t/api-1")]);
        let errors = &build.errors["day02_b"];
        assert_eq!(errors.len(), 1);
        let at = errors[0].location.as_ref().unwrap();
        assert_eq!(
            (at.file.as_str(), at.line, at.col),
            ("exercises/day02_b/src/lib.rs", 3, 5)
        );
    }

    #[test]
    fn cargo_failures_start_at_the_error() {
        let d = cargo_failure("   Compiling x\nerror: failed to run custom build command\nmore\n");
        assert_eq!(d.message, "error: failed to run custom build command");
        assert!(d.rendered.ends_with("more"));
    }
}
