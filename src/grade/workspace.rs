//! The workspace a submission is graded in: the course's files (the test support crate among
//! them), with only each graded day's `src/` taken from the submission. Also lists the
//! protected files the submission changed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result};

use super::source::Source;
use crate::course::INFO_FILE;
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

/// Writes the course into `dir`, then copies each graded day's `src/` from `submission`.
/// Returns the days whose `src/` could not be used (graded as shipped).
pub fn prepare(
    source: &Source,
    submission: &Path,
    graded: &BTreeSet<String>,
    dir: &Path,
) -> Result<BTreeMap<String, Missing>> {
    for (path, bytes) in &source.files {
        if path != "Cargo.toml" {
            write_file(dir, path, bytes)?;
        }
    }
    write_file(dir, "Cargo.toml", source.manifest()?.as_bytes())?;
    let mut missing = BTreeMap::new();
    for name in graded {
        let relative = format!("exercises/{name}/src");
        match learner_src(&submission.join(&relative)) {
            Ok(files) => {
                let target = dir.join(&relative);
                std::fs::remove_dir_all(&target)
                    .with_context(|| format!("cannot clear `{}`", target.display()))?;
                for (path, bytes) in files {
                    write_file(&target, &path, &bytes)?;
                }
            }
            Err(why) => {
                missing.insert(name.clone(), why);
            }
        }
    }
    Ok(missing)
}

/// Every regular file under a learner's `src/` (symlinks are not followed), when it has a
/// `lib.rs` and stays within the size limit.
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
    if !files.iter().any(|(path, _)| path == "lib.rs") {
        return Err(Missing::NoSource);
    }
    Ok(files)
}

/// The protected files that the submission modified, deleted or added, compared with the
/// course's copy: `info.toml`, the graded days' files outside `src/`, and the whole test
/// support crate (the days' tests build with it, so grading always uses the course's).
pub fn changed_files(
    source: &Source,
    submission: &Path,
    graded: &BTreeSet<String>,
) -> Vec<Protected> {
    let mut changed = Vec::new();
    if let Some(info) = source.files.get(INFO_FILE) {
        compare(submission, INFO_FILE.to_string(), info, &mut changed);
    }
    for name in graded {
        compare_dir(
            source,
            submission,
            &format!("exercises/{name}"),
            true,
            &mut changed,
        );
    }
    if source.under(SUPPORT_DIR).next().is_some() {
        compare_dir(source, submission, SUPPORT_DIR, false, &mut changed);
    }
    changed.sort();
    changed
}

fn compare(submission: &Path, path: String, expected: &[u8], changed: &mut Vec<Protected>) {
    let change = match std::fs::read(submission.join(&path)) {
        Ok(actual) if actual == expected => return,
        Ok(_) => Change::Modified,
        Err(_) => Change::Deleted,
    };
    changed.push(Protected { path, change });
}

/// The course's files under `dir` against the submission's, and the submission's extra files
/// there; a day's `src/` (`learner_src`) is the learner's and not compared.
fn compare_dir(
    source: &Source,
    submission: &Path,
    dir: &str,
    learner_src: bool,
    changed: &mut Vec<Protected>,
) {
    let protected = |path: &str| !(learner_src && path.starts_with("src/"));
    let mut known = BTreeSet::new();
    for (relative, bytes) in source.under(dir).filter(|(p, _)| protected(p)) {
        known.insert(relative.to_string());
        compare(submission, format!("{dir}/{relative}"), bytes, changed);
    }
    let found = crate::tree::entries(&submission.join(dir));
    changed.extend(
        found
            .into_iter()
            .map(|entry| entry.path)
            .filter(|p| protected(p) && !known.contains(p))
            .map(|relative| Protected {
                path: format!("{dir}/{relative}"),
                change: Change::Added,
            }),
    );
}
