//! A day's starter files: reset them (after a backup of the learner's files), restore them from
//! the course built into backlings or from git, and reveal a passed day's solution.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::course::{Course, Exercise};
use crate::embedded;
use crate::runner::process::{self, Exit, Limits};

/// Where backups of learners' files go, inside the course.
pub const BACKUP_DIR: &str = ".backlings/backups";

/// Backs up the exercise's files, then restores the shipped ones. Returns the backup folder
/// (`None` when the day's folder was not there to back up).
pub fn reset(course: &Course, exercise: &Exercise) -> Result<Option<PathBuf>> {
    let backup = back_up(course, exercise)?;
    let prefix = format!("exercises/{}", exercise.name);
    if embedded::is_embedded_course(&course.root) {
        restore_embedded(course, exercise, &prefix)?;
    } else {
        restore_from_git(&course.root, &prefix)?;
    }
    Ok(backup)
}

/// The solution's folder once a day passes: already there, or written from the embedded course.
/// `None` when the course ships no solution for the day.
pub fn reveal_solution(course: &Course, exercise: &Exercise) -> Result<Option<PathBuf>> {
    let dir = course.solution_dir(exercise);
    if dir.is_dir() {
        return Ok(Some(dir));
    }
    if !embedded::is_embedded_course(&course.root) {
        return Ok(None);
    }
    let written = embedded::write_under(&course.root, &format!("solutions/{}", exercise.name))?;
    Ok((written > 0).then_some(dir))
}

fn restore_embedded(course: &Course, exercise: &Exercise, prefix: &str) -> Result<()> {
    let dir = course.exercise_dir(exercise);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| {
            format!(
                "cannot clear `{}` (your files are in the backup)",
                dir.display()
            )
        })?;
    }
    embedded::write_under(&course.root, prefix)?;
    Ok(())
}

/// Copies the exercise's files (not build output) to a new timestamped backup folder.
fn back_up(course: &Course, exercise: &Exercise) -> Result<Option<PathBuf>> {
    let dir = course.exercise_dir(exercise);
    if !dir.exists() {
        return Ok(None);
    }
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let base = course
        .root
        .join(BACKUP_DIR)
        .join(format!("{}-{stamp}", exercise.name));
    let mut target = base.clone();
    let mut n = 2;
    while target.exists() {
        target = PathBuf::from(format!("{}-{n}", base.display()));
        n += 1;
    }
    copy_tree(&dir, &target)?;
    Ok(Some(target))
}

/// Copies the regular files and folders under `from` to `to`, leaving out build output
/// (`target/`) and anything that is neither (symlinks, sockets).
pub fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    let walk = walkdir::WalkDir::new(from)
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || entry.file_name() != "target");
    for entry in walk {
        let entry = entry.with_context(|| format!("cannot read `{}`", from.display()))?;
        let Ok(relative) = entry.path().strip_prefix(from) else {
            continue;
        };
        let target = to.join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target)
                .with_context(|| format!("cannot create `{}`", target.display()))?;
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("cannot copy `{}`", entry.path().display()))?;
        }
    }
    Ok(())
}

fn restore_from_git(root: &Path, prefix: &str) -> Result<()> {
    let mut cmd = Command::new("git");
    cmd.current_dir(root)
        .args(["checkout", "HEAD", "--", prefix]);
    let limits = Limits {
        output_cap: 64 * 1024,
        ..Limits::default()
    };
    match process::run(cmd, &limits) {
        Ok(out) if out.exit == Exit::Code(0) => Ok(()),
        _ => bail!(
            "no shipped copy of `{prefix}` to restore: this course is not the one built into \
             backlings, and git could not restore it; your files are in the backup"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_a_tree_without_its_build_output() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("day");
        std::fs::create_dir_all(from.join("src/nested")).unwrap();
        std::fs::create_dir_all(from.join("target/debug")).unwrap();
        std::fs::write(from.join("Cargo.toml"), "m").unwrap();
        std::fs::write(from.join("src/nested/a.rs"), "a").unwrap();
        std::fs::write(from.join("target/debug/x"), "x").unwrap();
        let to = dir.path().join("backup");
        copy_tree(&from, &to).unwrap();
        assert_eq!(std::fs::read_to_string(to.join("Cargo.toml")).unwrap(), "m");
        assert_eq!(
            std::fs::read_to_string(to.join("src/nested/a.rs")).unwrap(),
            "a"
        );
        assert!(!to.join("target").exists());
    }
}
