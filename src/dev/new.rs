//! `backlings dev new DIR`: a course that passes `backlings dev check` as written.

use std::path::Path;

use anyhow::{Context, Result, bail};

use super::template::{self, DayFiles};
use crate::course::GITIGNORE;
use crate::embedded;

/// Writes a new course into `dir`, which must not exist or be empty.
pub fn create(dir: &Path) -> Result<()> {
    let occupied = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if occupied || dir.is_file() {
        bail!(
            "`{}` already exists and is not empty; `dev new` will not write over it. Pick a new \
             directory, or add a day to an existing course with `backlings dev add`",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let title = dir.file_name().map_or("A backlings course".into(), |n| {
        n.to_string_lossy().into_owned()
    });
    let profile = embedded::get("Cargo.toml")
        .and_then(|bytes| std::str::from_utf8(bytes).ok())
        .map_or_else(
            || template::profile_sections(""),
            template::profile_sections,
        );
    let write = |path: &str, text: &str| embedded::write_file(dir, path, text.as_bytes());
    write("info.toml", &template::info_toml(&title))?;
    write("Cargo.toml", &template::workspace_manifest(&profile))?;
    write("README.md", &template::readme(&title))?;
    write(".gitignore", GITIGNORE)?;
    write_day(dir, "day01_hello", &template::example_day())
}

/// Writes a day's exercise and solution files.
pub fn write_day(root: &Path, name: &str, files: &DayFiles) -> Result<()> {
    for (kind, list) in [
        ("exercises", &files.exercise),
        ("solutions", &files.solution),
    ] {
        for (path, text) in list {
            embedded::write_file(root, &format!("{kind}/{name}/{path}"), text.as_bytes())?;
        }
    }
    Ok(())
}
