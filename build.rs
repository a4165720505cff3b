//! Embeds the shipped course (info.toml, the workspace manifest and lock, every exercise and
//! solution) into the binary, so `backlings init` and `backlings grade` need nothing else.
//! Refuses a target that is not unix first (see `unsupported_target`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    if let Some(why) = unsupported_target() {
        println!("cargo::error={why}");
        return;
    }
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets this"));
    let mut files = Vec::new();
    for name in ["info.toml", "Cargo.toml", "Cargo.lock"] {
        println!("cargo::rerun-if-changed={name}");
        if root.join(name).is_file() {
            files.push(PathBuf::from(name));
        }
    }
    for dir in ["exercises", "solutions"] {
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
        )
        .expect("writing to a String");
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets this"));
    std::fs::write(out.join("embedded_course.rs"), code).expect("OUT_DIR is writable");
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
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "target" || name.ends_with('~') {
            continue;
        }
        let relative = dir.join(&*name);
        match entry.file_type() {
            Ok(t) if t.is_dir() => collect(root, &relative, files),
            Ok(t) if t.is_file() => files.push(relative),
            _ => {}
        }
    }
}
