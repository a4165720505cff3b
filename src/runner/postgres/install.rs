//! Where PostgreSQL's server programs are: `BACKLINGS_POSTGRES_BIN` when set, else the first
//! folder holding both `initdb` and `pg_ctl` on `PATH`, else the usual install places
//! (Debian's `/usr/lib/postgresql/N/bin`, Red Hat's `/usr/pgsql-N/bin`, Homebrew's prefixes),
//! the newest version first.

use std::path::{Path, PathBuf};

/// Names the folder of the server programs, for an install backlings does not know about.
pub const BIN_VAR: &str = "BACKLINGS_POSTGRES_BIN";

/// A folder with PostgreSQL's server programs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Programs {
    pub bin: PathBuf,
}

impl Programs {
    pub fn initdb(&self) -> PathBuf {
        self.bin.join("initdb")
    }

    pub fn pg_ctl(&self) -> PathBuf {
        self.bin.join("pg_ctl")
    }

    /// The major version (15 for 15.18).
    pub fn major(&self) -> Option<u32> {
        self.version()?.split('.').next()?.parse().ok()
    }

    /// The server's version, from `PG_VERSION`-style output of `pg_ctl --version`
    /// (`pg_ctl (PostgreSQL) 15.18` gives 15).
    pub fn version(&self) -> Option<String> {
        let out = std::process::Command::new(self.pg_ctl())
            .arg("--version")
            .output()
            .ok()?;
        version_in(&String::from_utf8_lossy(&out.stdout))
    }
}

/// The version in `pg_ctl (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)`: the word after the
/// program's name.
fn version_in(text: &str) -> Option<String> {
    let mut words = text.split_whitespace();
    words.find(|w| *w == "(PostgreSQL)")?;
    words.next().map(str::to_string)
}

/// The server programs, if installed.
pub fn find() -> Option<Programs> {
    if let Some(dir) = std::env::var_os(BIN_VAR) {
        let dir = PathBuf::from(dir);
        return has_programs(&dir).then_some(Programs { bin: dir });
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(usual_places())
        .find(|dir| has_programs(dir))
        .map(|bin| Programs { bin })
}

fn has_programs(dir: &Path) -> bool {
    ["initdb", "pg_ctl", "postgres"]
        .iter()
        .all(|name| is_executable(&dir.join(name)))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The folders packages install the server programs in, newest version first.
fn usual_places() -> Vec<PathBuf> {
    let mut places = Vec::new();
    places.extend(versioned("/usr/lib/postgresql", "", "bin"));
    places.extend(versioned("/usr/", "pgsql-", "bin"));
    for prefix in ["/opt/homebrew/opt", "/usr/local/opt"] {
        places.extend(versioned(prefix, "postgresql@", "bin"));
        places.push(Path::new(prefix).join("postgresql/bin"));
    }
    places.extend(["/opt/homebrew/bin", "/usr/local/bin"].map(PathBuf::from));
    places
}

/// `parent/<prefix>N/<sub>` for every version N installed, the highest first.
fn versioned(parent: &str, prefix: &str, sub: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut found: Vec<(u32, PathBuf)> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let version: u32 = name.strip_prefix(prefix)?.split('.').next()?.parse().ok()?;
            Some((version, entry.path().join(sub)))
        })
        .collect();
    found.sort_by_key(|(version, _)| std::cmp::Reverse(*version));
    found.into_iter().map(|(_, dir)| dir).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_install(dir: &Path) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir_all(dir).unwrap();
        for name in ["initdb", "pg_ctl", "postgres"] {
            let path = dir.join(name);
            std::fs::write(&path, "#!/bin/sh\n").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }

    #[test]
    fn lists_the_newest_version_first() {
        let root = tempfile::tempdir().unwrap();
        for version in ["9.6", "15", "16", "notes"] {
            fake_install(&root.path().join(version).join("bin"));
        }
        let found = versioned(root.path().to_str().unwrap(), "", "bin");
        let names: Vec<String> = found
            .iter()
            .map(|p| {
                p.parent()
                    .unwrap()
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into()
            })
            .collect();
        assert_eq!(names, ["16", "15", "9.6"]);
    }

    #[test]
    fn reads_the_version_whatever_the_packager_adds() {
        let debian = "pg_ctl (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n";
        assert_eq!(version_in(debian).as_deref(), Some("15.18"));
        assert_eq!(
            version_in("pg_ctl (PostgreSQL) 16.4").as_deref(),
            Some("16.4")
        );
        assert_eq!(version_in("something else"), None);
    }

    #[test]
    fn a_folder_needs_all_three_programs() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!has_programs(dir.path()));
        fake_install(dir.path());
        assert!(has_programs(dir.path()));
        std::fs::remove_file(dir.path().join("pg_ctl")).unwrap();
        assert!(!has_programs(dir.path()));
    }
}
