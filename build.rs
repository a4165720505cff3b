//! Embeds the shipped course (info.toml, the workspace manifest and lock, every exercise and
//! solution, and the `support` crate the days' tests use) into the binary, so `backlings init`
//! and `backlings grade` need nothing else. Refuses a target that is not unix first (see
//! `unsupported_target`).

use std::error::Error;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn Error>> {
    if let Some(why) = unsupported_target() {
        println!("cargo::error={why}");
        return Ok(());
    }
    let root = PathBuf::from(env("CARGO_MANIFEST_DIR")?);
    let mut files = Vec::new();
    for name in ["info.toml", "Cargo.toml", "Cargo.lock"] {
        println!("cargo::rerun-if-changed={name}");
        if root.join(name).is_file() {
            files.push(PathBuf::from(name));
        }
    }
    for dir in ["exercises", "solutions", "support"] {
        println!("cargo::rerun-if-changed={dir}");
        collect(&root, Path::new(dir), &mut files);
    }
    files.sort();
    let mut code = String::from("pub static FILES: &[(&str, &[u8])] = &[\n");
    for file in &files {
        let relative = file.to_string_lossy().replace('\\', "/");
        let absolute = root.join(file);
        writeln!(
            code,
            "    ({relative:?}, include_bytes!({:?})),",
            absolute.display().to_string()
        )?;
    }
    code.push_str("];\n");
    let out = PathBuf::from(env("OUT_DIR")?).join("embedded_course.rs");
    std::fs::write(&out, code).map_err(|e| format!("cannot write `{}`: {e}", out.display()))?;
    Ok(())
}

/// A variable cargo sets for every build script.
fn env(name: &str) -> Result<std::ffi::OsString, String> {
    std::env::var_os(name).ok_or_else(|| format!("`{name}` is not set: run this through cargo"))
}

/// Why backlings cannot be built for the target, if it cannot. A test's time limit is kept by
/// killing its process group, and Ctrl-C takes every group down the same way: without unix
/// process groups a timed-out test would be waited for forever.
fn unsupported_target() -> Option<String> {
    let family = std::env::var("CARGO_CFG_TARGET_FAMILY").unwrap_or_default();
    if family.split(',').any(|f| f == "unix") {
        return None;
    }
    Some(format!(
        "backlings runs on Linux and macOS, not on this target (family `{family}`): it stops a \
         test that hangs by killing its process group, which only unix systems have. On \
         Windows, install WSL (https://learn.microsoft.com/windows/wsl/install) and build and \
         run backlings inside it."
    ))
}

/// Every file under `dir`, skipping build output and hidden files (editor swap files, .git).
fn collect(root: &Path, dir: &Path, files: &mut Vec<PathBuf>) {
    let walk = walkdir::WalkDir::new(root.join(dir))
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !skipped(&e.file_name().to_string_lossy()));
    for entry in walk.flatten().filter(|e| e.file_type().is_file()) {
        if let Ok(relative) = entry.path().strip_prefix(root) {
            files.push(relative.to_path_buf());
        }
    }
}

fn skipped(name: &str) -> bool {
    name.starts_with('.') || name == "target" || name.ends_with('~')
}
