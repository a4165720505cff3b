//! Reading and writing the progress file. Writes are atomic (a temp file renamed over the old
//! one); a file that cannot be read is kept aside as `.bak` and whatever can be salvaged is.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use std::io::Write;

use super::lock::Lock;
use super::{ExerciseProgress, LastRun, PROGRESS_VERSION, Progress};

/// The progress file's name in the course directory.
pub const PROGRESS_FILE: &str = ".backlings-state.toml";

/// A save writes `.backlings-state.toml.XXXXXX.tmp` first, so a temporary file left by a
/// runner killed before its rename is recognisably ours.
const TEMP_PREFIX: &str = ".backlings-state.toml.";
const TEMP_SUFFIX: &str = ".tmp";
const TEMP_RANDOM: usize = 6;

/// A loaded progress, and a warning for the learner when the file had to be repaired.
pub struct Loaded {
    pub progress: Progress,
    pub warning: Option<String>,
}

/// Loads the progress of the course at `root`; a missing file is a fresh start on `today`.
pub fn load(root: &Path, today: NaiveDate) -> Result<Loaded> {
    let path = root.join(PROGRESS_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Loaded {
                progress: Progress::new(today),
                warning: None,
            });
        }
        Err(e) => {
            return Err(e).with_context(|| {
                format!(
                    "cannot read the progress file `{}`: check its permissions",
                    path.display()
                )
            });
        }
    };
    let (progress, problem) = decode(&bytes, today);
    let Some(problem) = problem else {
        return Ok(Loaded {
            progress,
            warning: None,
        });
    };
    let backup = keep_aside(&path, &bytes)?;
    let kept = progress.exercises.len();
    let warning = format!(
        "progress file `{PROGRESS_FILE}` {problem}; recovered what could be read ({kept} {}), \
         and kept the old file as `{}`",
        if kept == 1 { "exercise" } else { "exercises" },
        backup.file_name().unwrap_or_default().to_string_lossy()
    );
    Ok(Loaded {
        progress,
        warning: Some(warning),
    })
}

/// Parses progress bytes; on trouble, salvages field by field and says what was wrong.
pub fn decode(bytes: &[u8], today: NaiveDate) -> (Progress, Option<String>) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return (
            Progress::new(today),
            Some("is not text (binary garbage?)".into()),
        );
    };
    if text.trim().is_empty() {
        return (Progress::new(today), Some("is empty".into()));
    }
    match toml::from_str::<Progress>(text) {
        Ok(p) if p.format_version == PROGRESS_VERSION => (p, None),
        Ok(p) => {
            let why = format!(
                "was written by another backlings (format_version {})",
                p.format_version
            );
            (salvage(text, today), Some(why))
        }
        Err(e) => {
            let why = format!("is unreadable ({})", e.message().trim());
            (salvage(text, today), Some(why))
        }
    }
}

/// Keeps whatever fields can be read from a damaged or foreign file.
fn salvage(text: &str, today: NaiveDate) -> Progress {
    let mut progress = Progress::new(today);
    let Ok(table) = text.parse::<toml::Table>() else {
        return progress;
    };
    let date = |v: Option<&toml::Value>| v.and_then(|v| v.as_str()).and_then(|s| s.parse().ok());
    progress.started_on = date(table.get("started_on")).or(Some(today));
    progress.current = table
        .get("current")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    progress.welcomed = table
        .get("welcomed")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let Some(exercises) = table.get("exercises").and_then(|v| v.as_table()) else {
        return progress;
    };
    for (name, value) in exercises {
        let Some(entry) = value.as_table() else {
            continue;
        };
        let count = |key: &str| {
            entry
                .get(key)
                .and_then(|v| v.as_integer())
                .and_then(|n| usize::try_from(n).ok())
        };
        let last_run = entry
            .get("last_run")
            .and_then(|v| v.as_table())
            .and_then(|run| {
                let get = |k: &str| {
                    run.get(k)
                        .and_then(|v| v.as_integer())
                        .and_then(|n| usize::try_from(n).ok())
                };
                Some(LastRun {
                    passed: get("passed")?,
                    total: get("total")?,
                })
            });
        let recovered = ExerciseProgress {
            done_on: date(entry.get("done_on")),
            hints_shown: count("hints_shown").unwrap_or(0),
            last_run,
        };
        progress.exercises.insert(name.clone(), recovered);
    }
    progress
}

/// Copies a bad file to the first free `NAME.bak`, `NAME.bak.2`, ... and returns its path.
fn keep_aside(path: &Path, bytes: &[u8]) -> Result<PathBuf> {
    let mut n = 1;
    loop {
        let suffix = if n == 1 {
            ".bak".to_string()
        } else {
            format!(".bak.{n}")
        };
        let mut name = path.as_os_str().to_owned();
        name.push(&suffix);
        let backup = PathBuf::from(name);
        if !backup.exists() {
            std::fs::write(&backup, bytes).with_context(|| {
                format!(
                    "cannot keep the damaged progress file aside as `{}`",
                    backup.display()
                )
            })?;
            return Ok(backup);
        }
        n += 1;
    }
}

/// Writes the progress atomically: the file is always the old or the new version, never torn.
pub fn save(root: &Path, progress: &Progress) -> Result<()> {
    let path = root.join(PROGRESS_FILE);
    let mut text =
        String::from("# backlings progress: written by backlings, safe to delete to start over.\n");
    text.push_str(&toml::to_string(progress).context("cannot encode the progress")?);
    let context = || format!("cannot write the progress file `{}`", path.display());
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .rand_bytes(TEMP_RANDOM)
        .tempfile_in(root)
        .with_context(context)?;
    temp.write_all(text.as_bytes()).with_context(context)?;
    temp.as_file().sync_all().with_context(context)?;
    temp.persist(&path)
        .map_err(|e| e.error)
        .with_context(context)?;
    Ok(())
}

/// Whether progress can be saved in the course at `root`: its directory must be writable
/// (not on a read-only file system, not without write permission), as `access(2)` judges it
/// for this process.
pub fn writable(root: &Path) -> Result<()> {
    nix::unistd::access(root, nix::unistd::AccessFlags::W_OK)
        .map_err(|errno| std::io::Error::from_raw_os_error(errno as i32))
        .with_context(|| format!("the course directory `{}` is read-only", root.display()))
}

/// Removes the temporary files of saves that never finished (their runner was killed before
/// its rename). Only under the course's lock: then no other runner is mid-save, so every such
/// file is stale. Best effort: a file that cannot be removed is left for the next start.
pub fn sweep(root: &Path, _held: &Lock) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && entry.file_name().to_str().is_some_and(is_temporary) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether `name` is one of our temporary progress files.
fn is_temporary(name: &str) -> bool {
    name.strip_prefix(TEMP_PREFIX)
        .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX))
        .is_some_and(|random| {
            random.len() == TEMP_RANDOM && random.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        "2026-11-24".parse().unwrap()
    }

    #[test]
    fn round_trips_through_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Progress::new(today());
        p.record_run("day01_a", 3, 3, today());
        p.reveal_hint("day02_b", 3);
        p.set_current("day02_b");
        save(dir.path(), &p).unwrap();
        let loaded = load(dir.path(), today()).unwrap();
        assert_eq!(loaded.progress, p);
        assert!(loaded.warning.is_none());
    }

    #[test]
    fn damaged_files_are_kept_aside_and_salvaged() {
        let good = "format_version = 1\nstarted_on = \"2026-11-01\"\ncurrent = \"b\"\n\
                    [exercises.a]\ndone_on = \"2026-11-02\"\nhints_shown = 2\n";
        let cases: &[(&[u8], &str, usize)] = &[
            (b"", "is empty", 0),
            (b"\xff\xfe\x00garbage", "is not text", 0),
            (&good.as_bytes()[..good.len() - 20], "is unreadable", 0),
            (b"format_version = 9\n[exercises.a]\ndone_on = \"2026-11-02\"\n", "format_version 9", 1),
            (b"format_version = 1\nstarted_on = 5\n[exercises.a]\nhints_shown = 2\n[exercises.b]\nhints_shown = \"x\"\n", "is unreadable", 2),
        ];
        for (bytes, why, kept) in cases {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join(PROGRESS_FILE), bytes).unwrap();
            let loaded = load(dir.path(), today()).unwrap();
            let warning = loaded.warning.expect("a warning");
            assert!(warning.contains(why), "{warning}");
            assert_eq!(loaded.progress.exercises.len(), *kept, "{warning}");
            let backup = std::fs::read(dir.path().join(".backlings-state.toml.bak")).unwrap();
            assert_eq!(&backup, bytes, "the .bak keeps the original bytes");
        }
    }

    #[test]
    fn only_our_temporary_files_are_swept() {
        for (name, ours) in [
            (".backlings-state.toml.Ab3dE9.tmp", true),
            (".backlings-state.toml.bak", false),
            (".backlings-state.toml", false),
            (".backlings-state.toml.bak.2", false),
            (".backlings-state.toml.toolong1.tmp", false),
            (".tmpAb3dE9", false),
            ("notes.tmp", false),
        ] {
            assert_eq!(is_temporary(name), ours, "{name}");
        }
        let dir = tempfile::tempdir().unwrap();
        let mut p = Progress::new(today());
        p.set_current("day01_a");
        save(dir.path(), &p).unwrap();
        std::fs::write(dir.path().join(".backlings-state.toml.Ab3dE9.tmp"), "stale").unwrap();
        std::fs::create_dir(dir.path().join(".backlings-state.toml.Zz9zZ9.tmp")).unwrap();
        let lock = Lock::acquire(dir.path()).unwrap();
        sweep(dir.path(), &lock);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                ".backlings",
                ".backlings-state.toml",
                ".backlings-state.toml.Zz9zZ9.tmp"
            ],
            "a directory is never ours"
        );
    }

    #[test]
    fn a_second_damage_does_not_overwrite_the_first_backup() {
        let dir = tempfile::tempdir().unwrap();
        for bytes in ["first", "second"] {
            std::fs::write(dir.path().join(PROGRESS_FILE), bytes).unwrap();
            load(dir.path(), today()).unwrap();
        }
        let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert_eq!(read(".backlings-state.toml.bak"), "first");
        assert_eq!(read(".backlings-state.toml.bak.2"), "second");
    }
}
