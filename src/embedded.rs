//! The course shipped inside the binary (see `build.rs`).

use std::path::Path;

use anyhow::{Context, Result};

/// The course's test support crate (`backlings_support`): a workspace member beside the days,
/// used by their tests, and like the tests never the learner's to change.
pub const SUPPORT_DIR: &str = "support";

mod files {
    include!(concat!(env!("OUT_DIR"), "/embedded_course.rs"));
}

/// Every embedded file as (path relative to the course root, contents).
pub fn files() -> &'static [(&'static str, &'static [u8])] {
    files::FILES
}

pub fn get(path: &str) -> Option<&'static [u8]> {
    files()
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, bytes)| *bytes)
}

/// The embedded files under `prefix/` (e.g. `exercises/day01_hello_tcp`).
pub fn under(prefix: &str) -> impl Iterator<Item = (&'static str, &'static [u8])> + '_ {
    let dir = format!("{}/", prefix.trim_end_matches('/'));
    files()
        .iter()
        .filter(move |(p, _)| p.starts_with(&dir))
        .copied()
}

/// Whether the course at `root` is the embedded one (same `info.toml`), so its shipped starter
/// files are known.
pub fn is_embedded_course(root: &Path) -> bool {
    let on_disk = std::fs::read(root.join("info.toml")).ok();
    on_disk.is_some() && on_disk.as_deref() == get("info.toml")
}

/// Writes the embedded files under `prefix` into `root`, creating directories.
pub fn write_under(root: &Path, prefix: &str) -> Result<usize> {
    let mut written = 0;
    for (path, bytes) in under(prefix) {
        write_file(root, path, bytes)?;
        written += 1;
    }
    Ok(written)
}

pub fn write_file(root: &Path, relative: &str, bytes: &[u8]) -> Result<()> {
    let path = root.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the directory `{}`", parent.display()))?;
    }
    std::fs::write(&path, bytes).with_context(|| format!("cannot write `{}`", path.display()))
}

/// The workspace manifest for a learner's course: the shipped workspace's dependency list and
/// profiles, without the runner's own package.
pub fn learner_manifest() -> Result<String> {
    let text = get("Cargo.toml").context("this backlings was built without a course")?;
    let text = std::str::from_utf8(text).context("the embedded Cargo.toml is not UTF-8")?;
    workspace_manifest(text)
}

/// The learner workspace made from a course's `Cargo.toml` (which may also hold the runner's
/// package): members `exercises/*` (and `support`, the test support crate, when the course has
/// one), the course's shared dependencies, package settings (its `rust-version`) and profiles.
pub fn workspace_manifest(text: &str) -> Result<String> {
    let shipped: toml::Table = text
        .parse()
        .context("the course's Cargo.toml does not parse")?;
    let mut members = vec![toml::Value::from("exercises/*")];
    let shipped_members = shipped
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(toml::Value::as_array);
    if shipped_members.is_some_and(|m| m.iter().any(|v| v.as_str() == Some(SUPPORT_DIR))) {
        members.push(SUPPORT_DIR.into());
    }
    let mut workspace = toml::Table::new();
    workspace.insert("resolver".into(), "3".into());
    workspace.insert("members".into(), toml::Value::Array(members));
    workspace.insert(
        "exclude".into(),
        toml::Value::Array(vec!["solutions".into()]),
    );
    for key in ["package", "dependencies"] {
        if let Some(table) = shipped.get("workspace").and_then(|w| w.get(key)) {
            workspace.insert(key.into(), table.clone());
        }
    }
    let mut manifest = toml::Table::new();
    manifest.insert("workspace".into(), toml::Value::Table(workspace));
    if let Some(profile) = shipped.get("profile") {
        manifest.insert("profile".into(), profile.clone());
    }
    let body = toml::to_string(&manifest).context("cannot encode the course manifest")?;
    Ok(format!(
        "# The course workspace: every day is a member, so dependencies build once for all.\n\
         # Written by `backlings init`; the dependency list and profiles are the course's.\n\n{body}"
    ))
}
