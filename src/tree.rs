//! Walking a folder of the course: every entry below it, relative and with `/` separators,
//! leaving out hidden names (`.git`, editor swap files) and build output (`target/`).

use std::path::Path;

use walkdir::WalkDir;

/// An entry below the walked folder.
pub struct Entry {
    /// Relative to the walked folder, with `/` separators.
    pub path: String,
    pub absolute: std::path::PathBuf,
    /// A regular file (not a folder, a symlink or anything else).
    pub is_file: bool,
}

/// Every file, symlink and other non-folder entry below `dir`, sorted by path. Entries that
/// cannot be read are left out; a missing `dir` has none.
pub fn entries(dir: &Path) -> Vec<Entry> {
    WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !skipped(&e.file_name().to_string_lossy()))
        .flatten()
        .filter(|e| !e.file_type().is_dir())
        .filter_map(|e| {
            let relative = e.path().strip_prefix(dir).ok()?;
            let path = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            Some(Entry {
                path,
                is_file: e.file_type().is_file(),
                absolute: e.into_path(),
            })
        })
        .collect()
}

fn skipped(name: &str) -> bool {
    name.starts_with('.') || name == "target"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_files_below_without_hidden_names_or_build_output() {
        let dir = tempfile::tempdir().unwrap();
        for file in [
            "Cargo.toml",
            "src/lib.rs",
            "src/a/b.rs",
            ".git/HEAD",
            "target/x",
            "src/.lib.rs.swp",
        ] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let found: Vec<String> = entries(dir.path()).into_iter().map(|e| e.path).collect();
        assert_eq!(found, ["Cargo.toml", "src/a/b.rs", "src/lib.rs"]);
        assert!(entries(&dir.path().join("missing")).is_empty());
    }
}
