//! The course `dev check` works on, read once and handed to every rule.

use std::path::PathBuf;

use toml::Table;

use super::listing::Day;
use super::manifest;

/// The course under check: its root, `info.toml`, the days listed there, the root manifest.
pub struct Subject {
    pub root: PathBuf,
    pub days: Vec<Day>,
    /// `None` when the root `Cargo.toml` is missing or does not parse (a problem of its own).
    pub workspace: Option<Table>,
}

impl Subject {
    pub fn read(&self, relative: &str) -> Option<String> {
        std::fs::read_to_string(self.root.join(relative)).ok()
    }

    pub fn manifest(&self, relative: &str) -> Option<Table> {
        self.read(relative)?.parse().ok()
    }

    pub fn is_member(&self, path: &str) -> bool {
        self.workspace
            .as_ref()
            .is_some_and(|w| manifest::is_member(w, path))
    }
}
