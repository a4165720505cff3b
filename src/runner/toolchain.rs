//! The Rust toolchain the course is built with: there at all, and as new as the course's
//! `rust-version`. Checked once, before the first build's outcome is read (alongside that
//! build, or before it), so a missing or old toolchain is one line saying what to install,
//! never a dump of cargo's errors about a manifest it cannot read.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};

use super::process::{self, Exit, Limits};

/// A version as `major.minor.patch`.
type Version = (u64, u64, u64);

const INSTALL: &str = "install it with rustup (https://rustup.rs), then open a new terminal";

/// What starting `tool` failed with, as the learner should read it: a tool that is not there
/// means Rust is not installed.
pub fn start_failed(tool: &str, error: std::io::Error) -> anyhow::Error {
    if error.kind() == std::io::ErrorKind::NotFound {
        return anyhow!("Rust is not installed here (no `{tool}` on PATH): {INSTALL}");
    }
    anyhow::Error::new(error).context(format!("cannot start `{tool}`"))
}

/// The outcome of the one check a process makes.
static CHECKED: OnceLock<Result<(), String>> = OnceLock::new();

/// Checks once per process (or waits for [`check_ahead`]'s check) that `rustc` is at least the
/// `rust-version` of the workspace at `root` (`[workspace.package]` of its `Cargo.toml`), when
/// it declares one. (A missing `cargo` shows when it is started: see [`start_failed`].)
pub fn ready(root: &Path) -> Result<()> {
    match CHECKED.get_or_init(|| check(root)) {
        Ok(()) => Ok(()),
        Err(why) => bail!("{why}"),
    }
}

/// Starts [`ready`]'s check on a thread of its own, so that `rustc --version` (some 25 ms
/// through rustup) overlaps the cargo run it guards; the caller asks [`ready`] before it reads
/// that run's outcome, and an old toolchain still wins over whatever cargo said.
pub fn check_ahead(root: &Path) {
    if CHECKED.get().is_some() {
        return;
    }
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        CHECKED.get_or_init(|| check(&root));
    });
}

/// The first line `tool --version` prints, run in the course so that a `rust-toolchain.toml`
/// there picks the tool; `None` when it does not run. `RUSTC` or `CARGO` names another tool.
pub fn describe(tool: &str, root: &Path) -> Option<String> {
    let mut cmd =
        Command::new(std::env::var_os(tool.to_uppercase()).unwrap_or_else(|| tool.into()));
    cmd.arg("--version").current_dir(root);
    let limits = Limits {
        timeout: Some(Duration::from_secs(60)),
        output_cap: 4096,
        ..Limits::default()
    };
    let out = process::run(cmd, &limits).ok()?;
    let text = out.stdout.text();
    (out.exit == Exit::Code(0)).then(|| text.lines().next().unwrap_or_default().to_string())
}

/// The course's `rust-version`, as written, if it declares one.
pub fn required_version(root: &Path) -> Option<String> {
    required(root).map(|v| show(v, false))
}

/// Why the toolchain cannot build the course at `root`, if it cannot.
pub fn check(root: &Path) -> Result<(), String> {
    let Some(needed) = required(root) else {
        return Ok(());
    };
    let Some(found) = describe("rustc", root).map(|d| version_in(&d)) else {
        return Err(format!(
            "Rust is not installed here (no `rustc` on PATH): {INSTALL}"
        ));
    };
    if found < needed {
        return Err(format!(
            "this course needs Rust {} or newer, and `rustc` here is {}: update it with \
             `rustup update stable`",
            show(needed, false),
            show(found, true)
        ));
    }
    Ok(())
}

/// The version in what `describe` says (`rustc 1.89.0 (29483883e 2025-08-04)`); a tool that
/// runs but says something else is taken as new enough: the build will tell.
fn version_in(description: &str) -> Version {
    description
        .split_whitespace()
        .nth(1)
        .and_then(parse)
        .unwrap_or((u64::MAX, 0, 0))
}

/// The workspace's `rust-version`, if it declares one.
fn required(root: &Path) -> Option<Version> {
    let text = std::fs::read_to_string(root.join("Cargo.toml")).ok()?;
    let manifest: toml::Table = text.parse().ok()?;
    let declared = manifest
        .get("workspace")?
        .get("package")?
        .get("rust-version")?
        .as_str()?;
    parse(declared)
}

/// `1.89`, `1.89.0` or `1.91.0-nightly` as a version.
fn parse(text: &str) -> Option<Version> {
    let release = text.split('-').next()?;
    let mut parts = release.split('.').map(|p| p.parse::<u64>().ok());
    let major = parts.next()??;
    let minor = parts.next()??;
    let patch = parts.next().unwrap_or(Some(0))?;
    Some((major, minor, patch))
}

fn show((major, minor, patch): Version, with_patch: bool) -> String {
    if with_patch {
        format!("{major}.{minor}.{patch}")
    } else {
        format!("{major}.{minor}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_with_or_without_a_patch_or_channel() {
        for (text, version) in [
            ("1.89", Some((1, 89, 0))),
            ("1.89.0", Some((1, 89, 0))),
            ("1.91.0-nightly", Some((1, 91, 0))),
            ("1.95.2", Some((1, 95, 2))),
            ("1", None),
            ("one.two", None),
            ("", None),
        ] {
            assert_eq!(parse(text), version, "{text}");
        }
        assert!(parse("1.70.0") < parse("1.89"));
        assert!(parse("1.100.0") > parse("1.89"));
    }
}
