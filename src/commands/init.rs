//! `backlings init [DIR]`: write a fresh course from the copy built into the binary.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::cli::CiProvider;
use crate::course::{Course, GITIGNORE};
use crate::embedded;
use crate::ui::palette;
use crate::warmup;

const VSCODE_SETTINGS: &str = r#"{
  "rust-analyzer.cargo.targetDir": true,
  "rust-analyzer.check.allTargets": true,
  "files.watcherExclude": { "**/target/**": true }
}
"#;

/// The GitHub Actions workflow that grades a learner's repository on every push.
pub const GITHUB_WORKFLOW: &str = include_str!("backlings-workflow.yml");
const GITHUB_WORKFLOW_PATH: &str = ".github/workflows/backlings.yml";

const VSCODE_EXTENSIONS: &str = r#"{
  "recommendations": ["rust-lang.rust-analyzer"]
}
"#;

pub fn init(dir: &Path, warm: bool, ci: Option<CiProvider>) -> Result<ExitCode> {
    if dir.exists() {
        bail!(
            "`{}` already exists; backlings will not write over it. Pick a new directory \
             (`backlings init my-course`), or run `backlings` inside it if it is a course",
            dir.display()
        );
    }
    if embedded::get("info.toml").is_none() {
        bail!("this backlings was built without a course to write (no embedded `info.toml`)");
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    write_course(dir)?;
    crate::outln!(
        "{} a new course in `{}`.",
        palette::good("Created"),
        dir.display()
    )?;
    if ci == Some(CiProvider::Github) {
        embedded::write_file(dir, GITHUB_WORKFLOW_PATH, GITHUB_WORKFLOW.as_bytes())?;
        crate::outln!(
            "{} `{GITHUB_WORKFLOW_PATH}`: it grades every push with `backlings grade`. Set \
             BACKLINGS_GIT and BACKLINGS_REV in it to the backlings you teach with.",
            palette::good("Wrote")
        )?;
    }
    if warm {
        warm_up(&Course::load(dir)?)?;
    }
    crate::outln!("Start with:\n\n    cd {}\n    backlings\n", dir.display())?;
    if !warm {
        crate::outln!(
            "{}",
            palette::dim(
                "Day 1 needs nothing but the standard library, so its first run takes seconds. \
                 A later day's first run may take a minute while its libraries build; watch mode \
                 builds them in the background while you work."
            )
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `backlings warm`: builds every day's dependencies in the course around the current directory.
pub fn warm() -> Result<ExitCode> {
    let here = std::env::current_dir().context("cannot read the current directory")?;
    warm_up(&Course::load(&Course::discover(&here)?)?)?;
    Ok(ExitCode::SUCCESS)
}

/// Builds every day's dependencies now, with a bar on a terminal, so every first run is fast.
fn warm_up(course: &Course) -> Result<()> {
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} crates, {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(
        "Building every day's dependencies (Ctrl-C is safe: what is built stays built)",
    );
    let shown = bar.clone();
    let started = Instant::now();
    let days: Vec<&str> = course.exercises.iter().map(|e| e.name.as_str()).collect();
    let result = warmup::warm(
        course,
        &days,
        None,
        Arc::new(move |done, total| {
            shown.set_length(total as u64);
            shown.set_position(done as u64);
        }),
    );
    bar.finish_and_clear();
    result?;
    warmup::mark_warm(course)?;
    crate::outln!(
        "Built the dependencies of every day in {:.0} s.",
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}

fn write_course(dir: &Path) -> Result<()> {
    for name in ["info.toml", "Cargo.lock"] {
        if let Some(bytes) = embedded::get(name) {
            embedded::write_file(dir, name, bytes)?;
        }
    }
    embedded::write_under(dir, "exercises")?;
    embedded::write_under(dir, embedded::SUPPORT_DIR)?;
    embedded::write_file(dir, "Cargo.toml", embedded::learner_manifest()?.as_bytes())?;
    embedded::write_file(dir, ".gitignore", GITIGNORE.as_bytes())?;
    embedded::write_file(dir, ".vscode/settings.json", VSCODE_SETTINGS.as_bytes())?;
    embedded::write_file(dir, ".vscode/extensions.json", VSCODE_EXTENSIONS.as_bytes())?;
    std::fs::create_dir_all(dir.join("solutions"))
        .with_context(|| format!("cannot create `{}`", dir.join("solutions").display()))?;
    Ok(())
}
