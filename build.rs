//! Embeds the shipped course (info.toml, the workspace manifest and lock, every exercise and
//! solution, and the `support` crate the days' tests use) into the binary, so `backlings init`
//! and `backlings grade` need nothing else.

use std::error::Error;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn Error>> {
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
