//! Watching `exercises/` recursively (directories, not files, so editors that save by renaming
//! a temp file are seen) and deciding which paths matter.

use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use anyhow::{Context, Result};
use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{Config, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

use super::event::Event;

/// How often `--poll` looks at the files.
const POLL_INTERVAL: Duration = Duration::from_millis(300);

/// The file watcher: the course root (not recursive: to see `exercises/` come back after it
/// was deleted or renamed) and `exercises/` recursively.
pub struct FileWatch {
    watcher: Box<dyn Watcher + Send>,
    root: PathBuf,
    exercises: PathBuf,
    polling: bool,
    tx: Sender<Event>,
}

impl FileWatch {
    /// Starts watching `root`. Returns a notice too when it chose to poll.
    pub fn start(
        root: &Path,
        poll: bool,
        tx: Sender<Event>,
    ) -> Result<(FileWatch, Option<String>)> {
        let auto_poll = !poll && events_unreliable(root);
        let polling = poll || auto_poll;
        let exercises = exercises_dir(root);
        let watcher = new_watcher(root, &exercises, polling, tx.clone())?;
        let files = FileWatch {
            watcher,
            root: root.to_path_buf(),
            exercises,
            polling,
            tx,
        };
        let notice = auto_poll
            .then(|| "file events do not arrive on this file system; polling instead".into());
        Ok((files, notice))
    }

    /// Watches `exercises/` again after it came back; false when it is not there.
    ///
    /// A fresh watcher, not the old one re-pointed: inotify keeps watching a renamed directory
    /// under its old watch, and re-adding that same directory can race with the old watch's
    /// removal and silently lose every later event.
    fn rearm(&mut self) -> bool {
        if !self.exercises.is_dir() {
            return false;
        }
        match new_watcher(&self.root, &self.exercises, self.polling, self.tx.clone()) {
            Ok(watcher) => {
                self.watcher = watcher;
                true
            }
            Err(_) => false,
        }
    }

    /// `exercises/` itself came or went: what to tell the learner, and whether it is watched
    /// again.
    pub fn dir_changed(&mut self) -> (String, bool) {
        if self.rearm() {
            return ("`exercises/` is back; watching it again".into(), true);
        }
        let notice = format!(
            "`{}` is gone: restore it (e.g. `git checkout exercises`) and watching resumes",
            self.exercises.display()
        );
        (notice, false)
    }
}

/// What watch mode makes of a file system event: a change per path, except that a file closed
/// after writing, or renamed into place (the last path of a rename), is a complete save. Reads
/// and opens are nothing.
fn events_of(event: notify::Event) -> Vec<Event> {
    let closed = matches!(
        event.kind,
        EventKind::Access(AccessKind::Close(AccessMode::Write))
    );
    if matches!(event.kind, EventKind::Access(_)) && !closed {
        return Vec::new();
    }
    let renamed = matches!(
        event.kind,
        EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
    );
    let last = event.paths.len().saturating_sub(1);
    let events = event.paths.into_iter().enumerate();
    events
        .map(|(i, path)| Event::Changed {
            path,
            saved: closed || (renamed && i == last),
        })
        .collect()
}

/// A watcher on `root` (not recursive) and, when it exists, `exercises` (recursive).
fn new_watcher(
    root: &Path,
    exercises: &Path,
    polling: bool,
    tx: Sender<Event>,
) -> Result<Box<dyn Watcher + Send>> {
    let handler = move |result: notify::Result<notify::Event>| match result {
        Ok(event) => {
            for event in events_of(event) {
                let _ = tx.send(event);
            }
        }
        Err(e) => {
            let _ = tx.send(Event::WatchError(e.to_string()));
        }
    };
    let context = || {
        format!(
            "cannot watch `{}` for changes (try `--poll`)",
            root.display()
        )
    };
    let mut watcher: Box<dyn Watcher + Send> = if polling {
        let config = Config::default().with_poll_interval(POLL_INTERVAL);
        Box::new(PollWatcher::new(handler, config).with_context(context)?)
    } else {
        Box::new(RecommendedWatcher::new(handler, Config::default()).with_context(context)?)
    };
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .with_context(context)?;
    if exercises.is_dir() {
        watcher
            .watch(exercises, RecursiveMode::Recursive)
            .with_context(context)?;
    }
    Ok(watcher)
}

/// WSL's Windows drives and network file systems do not deliver inotify events.
fn events_unreliable(dir: &Path) -> bool {
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let wsl = std::fs::read_to_string("/proc/version")
        .is_ok_and(|v| v.to_lowercase().contains("microsoft"));
    if wsl && dir.starts_with("/mnt/") {
        return true;
    }
    let mounts = std::fs::read_to_string("/proc/mounts").unwrap_or_default();
    let fs_type = mounts
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let (_, point, kind) = (fields.next()?, fields.next()?, fields.next()?);
            dir.starts_with(point)
                .then(|| (point.len(), kind.to_string()))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, kind)| kind);
    matches!(
        fs_type.as_deref(),
        Some("nfs" | "nfs4" | "cifs" | "smb3" | "9p" | "fuse.sshfs" | "drvfs")
    )
}

/// The exercise a changed path belongs to, or `None` for paths to ignore: build output, VCS
/// files, editor swap and backup files, and anything outside `exercises/<name>/`.
pub fn exercise_of(exercises_dir: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(exercises_dir).ok()?;
    let parts: Vec<&str> = relative
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str().unwrap_or(""),
            _ => "",
        })
        .collect();
    let (name, inside) = parts.split_first()?;
    if inside.is_empty() || parts.iter().any(|p| ignored_part(p)) {
        return None;
    }
    Some(name.to_string())
}

fn ignored_part(part: &str) -> bool {
    part.is_empty()
        || matches!(part, "target" | ".git" | "4913" | ".DS_Store")
        || part.starts_with(".#")
        || part.ends_with('~')
        || [".swp", ".swx", ".swo", ".tmp", ".bak", ".orig"]
            .iter()
            .any(|ext| part.ends_with(ext))
        || part.starts_with(".backlings")
}

/// The folders of a day whose every file may go into its build (`include_str!` reads any).
const INPUT_DIRS: [&str; 4] = ["src", "tests", "examples", "benches"];
/// The files at a day's top level that go into its build; the rest there (the lesson, a
/// test's data files) do not.
const INPUT_FILES: [&str; 2] = ["Cargo.toml", "build.rs"];

/// A digest of what a day's build reads: the contents of its manifest, build script and every
/// file under its source folders, by path. Equal digests mean nothing that matters changed,
/// whatever file events said (a test's own data files, a save without changes).
pub fn inputs_digest(day_dir: &Path) -> u64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut files: Vec<PathBuf> = INPUT_FILES.iter().map(|f| day_dir.join(f)).collect();
    for dir in INPUT_DIRS {
        collect_files(&day_dir.join(dir), &mut files);
    }
    files.sort();
    let mut hasher = DefaultHasher::new();
    for file in files {
        file.hash(&mut hasher);
        std::fs::read(&file).ok().hash(&mut hasher);
    }
    hasher.finish()
}

/// Every file under `dir`, skipping what [`exercise_of`] ignores (build output, editor files).
fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if ignored_part(&name.to_string_lossy()) {
            continue;
        }
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => collect_files(&entry.path(), files),
            Ok(_) => files.push(entry.path()),
            Err(_) => {}
        }
    }
}

/// `exercises/` under a course root.
pub fn exercises_dir(root: &Path) -> PathBuf {
    root.join("exercises")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(events: Vec<Event>) -> Vec<(&'static str, PathBuf)> {
        let kind = |event| match event {
            Event::Changed { path, saved: false } => ("changed", path),
            Event::Changed { path, saved: true } => ("saved", path),
            _ => unreachable!(),
        };
        events.into_iter().map(kind).collect()
    }

    #[test]
    fn a_closed_or_renamed_in_file_is_a_save_and_reads_are_nothing() {
        let event = |kind, paths: &[&str]| {
            let mut event = notify::Event::new(kind);
            event.paths = paths.iter().map(PathBuf::from).collect();
            kinds(events_of(event))
        };
        let write = EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Any));
        assert_eq!(event(write, &["a.rs"]), [("changed", "a.rs".into())]);
        let closed = EventKind::Access(AccessKind::Close(AccessMode::Write));
        assert_eq!(event(closed, &["a.rs"]), [("saved", "a.rs".into())]);
        let renamed = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        assert_eq!(
            event(renamed, &["a.rs~", "a.rs"]),
            [("changed", "a.rs~".into()), ("saved", "a.rs".into())]
        );
        let moved_in = EventKind::Modify(ModifyKind::Name(RenameMode::To));
        assert_eq!(event(moved_in, &["a.rs"]), [("saved", "a.rs".into())]);
        let moved_out = EventKind::Modify(ModifyKind::Name(RenameMode::From));
        assert_eq!(event(moved_out, &["a.rs"]), [("changed", "a.rs".into())]);
        let created = EventKind::Create(notify::event::CreateKind::File);
        assert_eq!(event(created, &["a.rs"]), [("changed", "a.rs".into())]);
        for read in [
            AccessKind::Open(AccessMode::Any),
            AccessKind::Close(AccessMode::Read),
            AccessKind::Read,
        ] {
            assert_eq!(event(EventKind::Access(read), &["a.rs"]), []);
        }
    }

    #[test]
    fn only_what_the_build_reads_changes_the_digest() {
        let dir = tempfile::tempdir().unwrap();
        let day = dir.path();
        let write = |relative: &str, text: &str| {
            let path = day.join(relative);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("Cargo.toml", "[package]");
        write("src/lib.rs", "pub fn a() {}");
        let first = inputs_digest(day);
        for (relative, text) in [
            ("test.db", "a test's data"),
            ("README.md", "the lesson"),
            ("src/lib.rs", "pub fn a() {}"),
            ("src/.lib.rs.swp", "swap"),
            ("target/debug/out", "build output"),
        ] {
            write(relative, text);
            assert_eq!(inputs_digest(day), first, "{relative}");
        }
        for (relative, text) in [
            ("src/lib.rs", "pub fn b() {}"),
            ("src/data.txt", "read by include_str!"),
            ("tests/api.rs", "#[test] fn t() {}"),
            ("build.rs", "fn main() {}"),
        ] {
            let before = inputs_digest(day);
            write(relative, text);
            assert_ne!(inputs_digest(day), before, "{relative}");
        }
    }

    #[test]
    fn maps_paths_to_exercises_and_ignores_noise() {
        let root = Path::new("/c/exercises");
        for (path, expected) in [
            ("/c/exercises/day05_axum/src/lib.rs", Some("day05_axum")),
            ("/c/exercises/day05_axum/tests/api.rs", Some("day05_axum")),
            ("/c/exercises/day05_axum/src/.lib.rs.swp", None),
            ("/c/exercises/day05_axum/src/lib.rs~", None),
            ("/c/exercises/day05_axum/src/4913", None),
            ("/c/exercises/day05_axum/src/.#lib.rs", None),
            ("/c/exercises/day05_axum/target/debug/x", None),
            ("/c/exercises/day05_axum", None),
            ("/c/exercises", None),
            ("/c/other/day05_axum/src/lib.rs", None),
        ] {
            assert_eq!(
                exercise_of(root, Path::new(path)).as_deref(),
                expected,
                "{path}"
            );
        }
    }
}
