//! `backlings init [DIR]`: write a fresh course from the copy built into the binary.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::embedded;
use crate::ui::palette;

const GITIGNORE: &str = "/target\n/.backlings-state.toml*\n/.backlings/\n";

const VSCODE_SETTINGS: &str = r#"{
  "rust-analyzer.cargo.targetDir": true,
  "rust-analyzer.check.allTargets": true,
  "files.watcherExclude": { "**/target/**": true }
}
"#;

const VSCODE_EXTENSIONS: &str = r#"{
  "recommendations": ["rust-lang.rust-analyzer"]
}
"#;

pub fn init(dir: &Path) -> Result<ExitCode> {
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
    println!(
        "{} a new course in `{}`.",
        palette::good("Created"),
        dir.display()
    );
    println!("Start with:\n\n    cd {}\n    backlings\n", dir.display());
    Ok(ExitCode::SUCCESS)
}

fn write_course(dir: &Path) -> Result<()> {
    for name in ["info.toml", "Cargo.lock"] {
        if let Some(bytes) = embedded::get(name) {
            embedded::write_file(dir, name, bytes)?;
        }
    }
    embedded::write_under(dir, "exercises")?;
    embedded::write_file(dir, "Cargo.toml", embedded::learner_manifest()?.as_bytes())?;
    embedded::write_file(dir, ".gitignore", GITIGNORE.as_bytes())?;
    embedded::write_file(dir, ".vscode/settings.json", VSCODE_SETTINGS.as_bytes())?;
    embedded::write_file(dir, ".vscode/extensions.json", VSCODE_EXTENSIONS.as_bytes())?;
    std::fs::create_dir_all(dir.join("solutions"))
        .with_context(|| format!("cannot create `{}`", dir.join("solutions").display()))?;
    Ok(())
}
