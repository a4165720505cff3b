//! The course a submission is graded against: its files (info.toml, the manifest and lock, the
//! exercises and the test support crate), from the copy built into backlings or from a course
//! directory. Never from the submission.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::course::{Course, INFO_FILE, validate};
use crate::embedded::{self, SUPPORT_DIR};

/// The course's files by path relative to its root (`/`-separated), and the course they define.
pub struct Source {
    pub files: BTreeMap<String, Vec<u8>>,
    pub course: Course,
    /// Where the course came from, for reports: `built-in` or a directory.
    pub origin: String,
}

impl Source {
    /// The course built into this backlings.
    pub fn embedded() -> Result<Source> {
        let files: BTreeMap<String, Vec<u8>> = embedded::files()
            .iter()
            .filter(|(path, _)| is_course_file(path))
            .map(|(path, bytes)| (path.to_string(), bytes.to_vec()))
            .collect();
        if !files.contains_key(INFO_FILE) {
            bail!(
                "this backlings was built without a course; pass the course to grade against \
                 with `--course DIR`"
            );
        }
        Source::from_files(files, "built-in".into())
    }

    /// The course in `root` (a course repository, or a course written by `backlings init`).
    pub fn directory(root: &Path) -> Result<Source> {
        if !root.join(INFO_FILE).is_file() {
            bail!(
                "`{}` is not a course: it has no `{INFO_FILE}`. Pass the course directory to \
                 `--course`, or leave it out to grade against the built-in course",
                root.display()
            );
        }
        let mut files = BTreeMap::new();
        for name in [INFO_FILE, "Cargo.toml", "Cargo.lock"] {
            let path = root.join(name);
            if path.is_file() {
                let bytes = std::fs::read(&path)
                    .with_context(|| format!("cannot read `{}`", path.display()))?;
                files.insert(name.to_string(), bytes);
            }
        }
        read_tree(root, "exercises", &mut files)?;
        if root.join(SUPPORT_DIR).is_dir() {
            read_tree(root, SUPPORT_DIR, &mut files)?;
        }
        Source::from_files(files, format!("`{}`", root.display()))
    }

    fn from_files(files: BTreeMap<String, Vec<u8>>, origin: String) -> Result<Source> {
        let text = std::str::from_utf8(&files[INFO_FILE])
            .with_context(|| format!("the course's `{INFO_FILE}` ({origin}) is not UTF-8"))?;
        let course = validate::parse(text)
            .map_err(|e| e.with_file(INFO_FILE))
            .with_context(|| format!("the course to grade against ({origin}) is broken"))?;
        Ok(Source {
            files,
            course,
            origin,
        })
    }

    /// The course's files under `prefix/`, as (path relative to `prefix`, bytes).
    pub fn under<'a>(&'a self, prefix: &str) -> impl Iterator<Item = (&'a str, &'a [u8])> + 'a {
        let dir = format!("{prefix}/");
        self.files.iter().filter_map(move |(path, bytes)| {
            path.strip_prefix(&dir).map(|rest| (rest, bytes.as_slice()))
        })
    }

    /// The workspace manifest graded days build in: the course's dependency list and profiles.
    pub fn manifest(&self) -> Result<String> {
        let text = self
            .files
            .get("Cargo.toml")
            .context("the course has no `Cargo.toml`")?;
        let text = std::str::from_utf8(text).context("the course's `Cargo.toml` is not UTF-8")?;
        embedded::workspace_manifest(text)
    }
}

/// What grading needs of a course: never solutions, never the runner's own sources.
fn is_course_file(path: &str) -> bool {
    matches!(path, INFO_FILE | "Cargo.toml" | "Cargo.lock")
        || path.starts_with("exercises/")
        || path
            .strip_prefix(SUPPORT_DIR)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Reads every regular file under `root/relative` into `files`, skipping build output.
fn read_tree(root: &Path, relative: &str, files: &mut BTreeMap<String, Vec<u8>>) -> Result<()> {
    let dir = root.join(relative);
    if !dir.is_dir() {
        bail!("cannot read `{}`: it is not a folder", dir.display());
    }
    for entry in crate::tree::entries(&dir).into_iter().filter(|e| e.is_file) {
        let bytes = std::fs::read(&entry.absolute)
            .with_context(|| format!("cannot read `{}`", entry.absolute.display()))?;
        files.insert(format!("{relative}/{}", entry.path), bytes);
    }
    Ok(())
}
