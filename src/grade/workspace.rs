//! The workspace a submission is graded in: the course's files (the test support crate among
//! them), with only each graded day's `src/` taken from the submission. Also lists the
//! protected files the submission changed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result};

use super::source::Source;
use crate::embedded::{SUPPORT_DIR, write_file};

/// A learner's `src/` larger than this is not copied (the day is graded as shipped).
const SRC_LIMIT: u64 = 8 * 1024 * 1024;

/// How a protected file in the submission differs from the course's copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Modified,
    Deleted,
    Added,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Modified => "modified",
            Change::Deleted => "deleted",
            Change::Added => "added",
        }
    }
}

/// A file outside a day's `src/` that the submission changed; grading used the course's copy.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Protected {
    /// Relative to the submission's root, `/`-separated.
    pub path: String,
    pub change: Change,
}

/// Why a day's `src/` was not taken from the submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    NoSource,
    TooLarge,
}

/// Makes `dir` the course with each graded day's `src/` taken from `submission`. Returns the
/// days whose `src/` could not be used (graded as shipped).
///
/// `dir` may hold the workspace of an earlier grade (a shared target directory keeps one): only
/// the files that differ are written and the ones no longer there removed, so cargo, which
/// judges freshness by file times, rebuilds only the days whose code changed.
pub fn prepare(
    source: &Source,
    submission: &Path,
    graded: &BTreeSet<String>,
    dir: &Path,
) -> Result<BTreeMap<String, Missing>> {
    let mut wanted: BTreeMap<String, Vec<u8>> = source
        .files
        .iter()
        .filter(|(path, _)| path.as_str() != "Cargo.toml")
        .map(|(path, bytes)| (path.clone(), bytes.clone()))
        .collect();
    wanted.insert("Cargo.toml".into(), source.manifest()?.into_bytes());
    let mut missing = BTreeMap::new();
    for name in graded {
        let relative = format!("exercises/{name}/src");
        match learner_src(&submission.join(&relative)) {
            Ok(files) => {
                let prefix = format!("{relative}/");
                wanted.retain(|path, _| !path.starts_with(&prefix));
                for (path, bytes) in files {
                    wanted.insert(format!("{prefix}{path}"), bytes);
                }
            }
            Err(why) => {
                missing.insert(name.clone(), why);
            }
        }
    }
    sync(dir, &wanted)?;
    Ok(missing)
}

/// Makes the files under `dir` exactly `wanted`, leaving alone those already right.
fn sync(dir: &Path, wanted: &BTreeMap<String, Vec<u8>>) -> Result<()> {
    for entry in crate::tree::entries(dir) {
        if !wanted.contains_key(&entry.path) {
            std::fs::remove_file(&entry.absolute)
                .with_context(|| format!("cannot remove `{}`", entry.absolute.display()))?;
        }
    }
    for (path, bytes) in wanted {
        let same = std::fs::read(dir.join(path)).is_ok_and(|old| old == *bytes);
        if !same {
            write_file(dir, path, bytes)?;
        }
    }
    Ok(())
}

/// Every regular file under a learner's `src/` (symlinks are not followed), when it has a
/// `lib.rs` or (a capstone, a program only) a `main.rs`, and stays within the size limit.
fn learner_src(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, Missing> {
    if !dir.is_dir() {
        return Err(Missing::NoSource);
    }
    let mut files = Vec::new();
    let mut size = 0;
    for entry in crate::tree::entries(dir).into_iter().filter(|e| e.is_file) {
        size += std::fs::metadata(&entry.absolute).map_or(0, |m| m.len());
        if size > SRC_LIMIT {
            return Err(Missing::TooLarge);
        }
        let bytes = std::fs::read(&entry.absolute).map_err(|_| Missing::NoSource)?;
        files.push((entry.path, bytes));
    }
    if !files
        .iter()
        .any(|(path, _)| path == "lib.rs" || path == "main.rs")
    {
        return Err(Missing::NoSource);
    }
    Ok(files)
}

/// The protected files the submission modified, deleted or added, compared with the course's
/// copy: the workspace manifest, the lock file, `info.toml`, the test support crate, and everything of
/// a graded day but its `src/`. A file replaced by a symbolic link counts as modified whatever it points to.
pub fn changed_files(
    source: &Source,
    submission: &Path,
    graded: &BTreeSet<String>,
) -> Vec<Protected> {
    let mut changed: Vec<Protected> = source
        .files
        .iter()
        .filter(|(path, _)| is_protected(path, graded))
        .filter_map(|(path, expected)| {
            let change = compare(source, submission, path, expected)?;
            Some(Protected {
                path: path.clone(),
                change,
            })
        })
        .collect();
    let support = source
        .under(SUPPORT_DIR)
        .next()
        .is_some()
        .then(|| SUPPORT_DIR.to_string());
    let days = graded.iter().map(|name| format!("exercises/{name}"));
    for dir in days.chain(support) {
        let known: BTreeSet<String> = source
            .under(&dir)
            .map(|(relative, _)| relative.to_string())
            .collect();
        changed.extend(
            extra_files(&submission.join(&dir), &known)
                .into_iter()
                .map(|relative| Protected {
                    path: format!("{dir}/{relative}"),
                    change: Change::Added,
                }),
        );
    }
    changed.sort();
    changed
}

/// Everything outside `exercises/`, and the graded days' files but their `src/`.
fn is_protected(path: &str, graded: &BTreeSet<String>) -> bool {
    let Some(rest) = path.strip_prefix("exercises/") else {
        return true;
    };
    match rest.split_once('/') {
        Some((day, inside)) => graded.contains(day) && !inside.starts_with("src/"),
        None => false,
    }
}

/// How the submission's copy of `path` differs from the course's `expected` bytes, if it does.
fn compare(source: &Source, submission: &Path, path: &str, expected: &[u8]) -> Option<Change> {
    if has_link(submission, path) {
        return Some(Change::Modified);
    }
    let Ok(actual) = std::fs::read(submission.join(path)) else {
        return Some(Change::Deleted);
    };
    let same = match path {
        "Cargo.toml" => same_manifest(source, &actual),
        "Cargo.lock" => lock_within(expected, &actual),
        _ => actual == expected,
    };
    (!same).then_some(Change::Modified)
}

/// Whether `path`, or a directory on the way to it, is a symbolic link in the submission.
fn has_link(submission: &Path, path: &str) -> bool {
    let mut at = submission.to_path_buf();
    path.split('/').any(|part| {
        at.push(part);
        std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink())
    })
}

/// The workspace manifest is the course's, as the course ships it or as `backlings init`
/// writes it; comments and layout do not count.
fn same_manifest(source: &Source, actual: &[u8]) -> bool {
    let parse =
        |bytes: &[u8]| -> Option<toml::Table> { std::str::from_utf8(bytes).ok()?.parse().ok() };
    let Some(actual) = parse(actual) else {
        return false;
    };
    let shipped = source.files.get("Cargo.toml").and_then(|b| parse(b));
    let written = source.manifest().ok().and_then(|m| parse(m.as_bytes()));
    Some(&actual) == shipped.as_ref() || Some(&actual) == written.as_ref()
}

/// Cargo rewrites a learner's lock file to hold only the packages their course uses, so it is
/// unchanged while every package it pins is one the course's lock pins, at the same version and
/// source.
fn lock_within(expected: &[u8], actual: &[u8]) -> bool {
    let pinned = |bytes: &[u8]| -> Option<BTreeSet<String>> {
        let lock: toml::Table = std::str::from_utf8(bytes).ok()?.parse().ok()?;
        let packages = lock.get("package")?.as_array()?;
        Some(packages.iter().map(pin).collect())
    };
    match (pinned(expected), pinned(actual)) {
        (Some(expected), Some(actual)) => actual.is_subset(&expected),
        _ => expected == actual,
    }
}

/// A lock file package's name, version, source and checksum, as one comparable string.
fn pin(package: &toml::Value) -> String {
    let field = |key: &str| package.get(key).and_then(toml::Value::as_str).unwrap_or("");
    ["name", "version", "source", "checksum"]
        .map(field)
        .join(" ")
}

/// Files in a submitted folder that the course does not have there (build output and hidden
/// files aside); a day's `src/` is the learner's and not listed.
fn extra_files(dir: &Path, known: &BTreeSet<String>) -> Vec<String> {
    let is_day = dir.parent().is_some_and(|p| p.ends_with("exercises"));
    let learners = |path: &str| is_day && path.starts_with("src/");
    crate::tree::entries(dir)
        .into_iter()
        .map(|entry| entry.path)
        .filter(|p| !known.contains(p) && !learners(p))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_but_a_graded_days_src_is_protected() {
        let graded = BTreeSet::from(["day01_a".to_string()]);
        for (path, protected) in [
            ("Cargo.toml", true),
            ("Cargo.lock", true),
            ("info.toml", true),
            ("support/src/lib.rs", true),
            ("exercises/day01_a/Cargo.toml", true),
            ("exercises/day01_a/tests/api.rs", true),
            ("exercises/day01_a/src/lib.rs", false),
            ("exercises/day02_b/tests/api.rs", false),
        ] {
            assert_eq!(is_protected(path, &graded), protected, "{path}");
        }
    }

    #[test]
    fn a_lock_is_unchanged_while_it_pins_only_what_the_course_pins() {
        let package = |name: &str, version: &str| {
            format!("\n[[package]]\nname = \"{name}\"\nversion = \"{version}\"\n")
        };
        let course = format!(
            "version = 4\n{}{}",
            package("a", "1.0.0"),
            package("b", "2.0.0")
        );
        for (lock, within) in [
            (course.clone(), true),
            (format!("version = 3\n{}", package("b", "2.0.0")), true),
            (format!("version = 4\n{}", package("b", "2.0.1")), false),
            (format!("{course}{}", package("c", "1.0.0")), false),
            ("not a lock [".to_string(), false),
        ] {
            assert_eq!(
                lock_within(course.as_bytes(), lock.as_bytes()),
                within,
                "{lock}"
            );
        }
    }
}
