//! Pure questions about Cargo manifests: package and lib names, how a solution's manifest
//! differs from its exercise's, which dependencies a day declares, and workspace membership.

use toml::{Table, Value};

use super::Pos;

/// The dependency tables a day may have, besides the same under `[target.'cfg(..)']`.
const DEPENDENCY_TABLES: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];

pub fn package_name(manifest: &Table) -> Option<&str> {
    manifest.get("package")?.get("name")?.as_str()
}

/// The library's crate name: `[lib] name`, else the package name with `-` as `_`.
pub fn crate_name(manifest: &Table) -> Option<String> {
    let lib = manifest.get("lib").and_then(|l| l.get("name"));
    match lib.and_then(Value::as_str) {
        Some(name) => Some(name.to_string()),
        None => package_name(manifest).map(|n| n.replace('-', "_")),
    }
}

/// Dotted keys where the two manifests differ, leaving out what may differ: the package name
/// and the lib name (checked on their own).
pub fn differences(exercise: &Table, solution: &Table) -> Vec<String> {
    let mut found = Vec::new();
    diff(&comparable(exercise), &comparable(solution), "", &mut found);
    found
}

fn comparable(manifest: &Table) -> Table {
    let mut manifest = manifest.clone();
    for section in ["package", "lib"] {
        if let Some(Value::Table(table)) = manifest.get_mut(section) {
            table.remove("name");
            if table.is_empty() {
                manifest.remove(section);
            }
        }
    }
    manifest
}

fn diff(a: &Table, b: &Table, prefix: &str, found: &mut Vec<String>) {
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let path = format!("{prefix}{key}");
        match (a.get(key), b.get(key)) {
            (Some(Value::Table(x)), Some(Value::Table(y))) => {
                diff(x, y, &format!("{path}."), found)
            }
            (x, y) if x != y => found.push(path),
            _ => {}
        }
    }
}

/// One declared dependency: the table it is in (`dev-dependencies`, or
/// `target.'cfg(unix)'.dependencies`), its name, and what it says.
pub struct Dependency<'a> {
    pub table: String,
    pub name: &'a str,
    pub spec: &'a Value,
}

impl Dependency<'_> {
    /// `name = { workspace = true }` or `name.workspace = true`.
    pub fn is_inherited(&self) -> bool {
        self.spec.get("workspace").and_then(Value::as_bool) == Some(true)
    }
}

pub fn dependencies(manifest: &Table) -> Vec<Dependency<'_>> {
    let mut found = Vec::new();
    collect_dependencies(manifest, "", &mut found);
    if let Some(targets) = manifest.get("target").and_then(Value::as_table) {
        for (cfg, table) in targets {
            if let Some(table) = table.as_table() {
                collect_dependencies(table, &format!("target.'{cfg}'."), &mut found);
            }
        }
    }
    found
}

fn collect_dependencies<'a>(table: &'a Table, prefix: &str, found: &mut Vec<Dependency<'a>>) {
    for section in DEPENDENCY_TABLES {
        let Some(deps) = table.get(section).and_then(Value::as_table) else {
            continue;
        };
        for (name, spec) in deps {
            found.push(Dependency {
                table: format!("{prefix}{section}"),
                name,
                spec,
            });
        }
    }
}

/// The names in the root `[workspace.dependencies]`.
pub fn workspace_dependencies(root: &Table) -> Vec<&str> {
    root.get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(Value::as_table)
        .map(|t| t.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// Whether `path` (e.g. `solutions/day01_hello`) is a member of the root workspace: matched by
/// a `members` entry (exact, or `dir/*`) and not by an `exclude` entry.
pub fn is_member(root: &Table, path: &str) -> bool {
    let list = |key: &str| -> Vec<&str> {
        root.get("workspace")
            .and_then(|w| w.get(key))
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    };
    let excluded = list("exclude")
        .iter()
        .any(|e| path == *e || path.starts_with(&format!("{}/", e.trim_end_matches('/'))));
    !excluded && list("members").iter().any(|m| matches_member(m, path))
}

fn matches_member(pattern: &str, path: &str) -> bool {
    match pattern.strip_suffix("/*") {
        Some(dir) => path
            .strip_prefix(dir)
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(|rest| !rest.is_empty() && !rest.contains('/')),
        None => pattern.trim_end_matches('/') == path,
    }
}

/// Where `key` is written in a manifest: the first line that starts with it (`key =`,
/// `key.workspace`, `[key]`). Good enough to point an editor at it.
pub fn line_of(text: &str, key: &str) -> Option<Pos> {
    text.lines().enumerate().find_map(|(index, line)| {
        let trimmed = line.trim_start();
        let rest = trimmed
            .strip_prefix(key)
            .or_else(|| trimmed.strip_prefix('[')?.strip_prefix(key))?;
        let ends_key = rest.trim_start().starts_with(['=', '.', ']']);
        ends_key.then(|| (index + 1, line.len() - trimmed.len() + 1))
    })
}

#[cfg(test)]
mod tests;
