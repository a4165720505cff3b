//! `backlings reset DAY`: back up the learner's files, then restore the shipped starter files.
//! Also where a passed day's solution is revealed from the embedded course.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};

use crate::app::{Access, App};
use crate::course::{Course, Exercise};
use crate::embedded;
use crate::runner::process::{self, Exit, Limits};
use crate::ui::palette;

/// Where backups of learners' files go, inside the course.
pub const BACKUP_DIR: &str = ".backlings/backups";

pub fn reset(day: &str, yes: bool) -> Result<ExitCode> {
    let mut app = App::open(Access::Write)?;
    let exercise = app.course.find(day)?.clone();
    if !yes && !confirm(&exercise)? {
        crate::outln!("Nothing was changed.")?;
        return Ok(ExitCode::FAILURE);
    }
    let backup = reset_exercise(&app.course, &exercise)?;
    app.progress.reset(&exercise.name);
    app.save()?;
    match backup {
        Some(path) => crate::outln!("Your files were saved to `{}`.", path.display())?,
        None => crate::outln!("There were no files to back up.")?,
    }
    crate::outln!(
        "{} `{}` is back to its starter files.",
        palette::good("Reset:"),
        exercise.name
    )?;
    Ok(ExitCode::SUCCESS)
}

fn confirm(exercise: &Exercise) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "`reset` asks for confirmation on a terminal; pass `--yes` to reset `{}` without asking",
            exercise.name
        );
    }
    crate::out!(
        "Reset `{}` to its starter files? Your files are backed up first. [y/N] ",
        exercise.name
    )?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// Backs up the exercise's files, then restores the shipped ones. Returns the backup folder.
pub fn reset_exercise(course: &Course, exercise: &Exercise) -> Result<Option<PathBuf>> {
    let dir = course.exercise_dir(exercise);
    let backup = back_up(course, exercise)?;
    let prefix = format!("exercises/{}", exercise.name);
    if embedded::is_embedded_course(&course.root) {
        if dir.exists() {
            std::fs::remove_dir_all(&dir).with_context(|| {
                format!(
                    "cannot clear `{}` (your files are in the backup)",
                    dir.display()
                )
            })?;
        }
        embedded::write_under(&course.root, &prefix)?;
    } else {
        restore_from_git(&course.root, &prefix)?;
    }
    Ok(backup)
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

pub fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("cannot create `{}`", to.display()))?;
    let entries =
        std::fs::read_dir(from).with_context(|| format!("cannot read `{}`", from.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read `{}`", from.display()))?;
        let (source, name) = (entry.path(), entry.file_name());
        if name == "target" {
            continue;
        }
        let kind = entry
            .file_type()
            .with_context(|| format!("cannot read `{}`", source.display()))?;
        if kind.is_dir() {
            copy_tree(&source, &to.join(&name))?;
        } else if kind.is_file() {
            std::fs::copy(&source, to.join(&name))
                .with_context(|| format!("cannot copy `{}`", source.display()))?;
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
    let out = process::run(cmd, &limits);
    match out {
        Ok(out) if out.exit == Exit::Code(0) => Ok(()),
        _ => bail!(
            "no shipped copy of `{prefix}` to restore: this course is not the one built into \
             backlings, and git could not restore it; your files are in the backup"
        ),
    }
}

/// The solution's folder once a day passes: already there, or written from the embedded course.
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
