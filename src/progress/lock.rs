//! One runner per course: an OS lock (`File::try_lock`) on `.backlings/lock`, a file that holds
//! the owner's pid for the message a second runner gets. The OS releases the lock when its
//! process ends, however it ends, so a lock left by a killed runner is taken over as it is.

use std::fs::{File, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The lock file, inside the course's `.backlings/` folder.
pub const LOCK_FILE: &str = ".backlings/lock";

/// Tries at taking a lock file that its owner removes as we open it (see [`Lock::acquire`]).
const ATTEMPTS: usize = 8;

/// Held for as long as this process works on the course; the file is removed on drop.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
    /// Holds the OS lock until it closes.
    _file: File,
}

impl Lock {
    pub fn acquire(root: &Path) -> Result<Lock> {
        let path = root.join(LOCK_FILE);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| {
                format!(
                    "cannot create `{}`: is the course read-only?",
                    dir.display()
                )
            })?;
        }
        // A runner removes the file on its way out, still holding the lock. Whoever opened the
        // file just before then locks a file that is no longer there, so it tries again.
        for _ in 0..ATTEMPTS {
            let file = open(&path)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => bail!(refusal(&path)),
                Err(TryLockError::Error(e)) => {
                    return Err(e).with_context(|| format!("cannot lock `{}`", path.display()));
                }
            }
            if is_at(&file, &path) {
                claim(&file, &path)?;
                return Ok(Lock { path, _file: file });
            }
        }
        bail!(
            "cannot take the lock `{}`: it kept being removed as it was taken; if no other \
             backlings runs here, delete it",
            path.display()
        )
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while the lock is still held (the file closes after this), so a runner never
        // takes a lock on a file that is about to vanish.
        let _ = std::fs::remove_file(&self.path);
    }
}

fn open(path: &Path) -> Result<File> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .with_context(|| {
            format!(
                "cannot create the lock file `{}`: is the course read-only?",
                path.display()
            )
        })
}

/// Writes our pid into the file we hold the lock on, replacing a previous owner's.
fn claim(mut file: &File, path: &Path) -> Result<()> {
    file.set_len(0)
        .and_then(|()| write!(file, "{}", std::process::id()))
        .with_context(|| format!("cannot write `{}`", path.display()))
}

/// Why the lock is refused, with its owner's pid when the file says it.
fn refusal(path: &Path) -> String {
    let owner = std::fs::read_to_string(path).unwrap_or_default();
    let who = match owner.trim().parse::<u32>() {
        Ok(pid) => format!("another backlings (pid {pid})"),
        Err(_) => "another backlings".to_string(),
    };
    format!(
        "{who} is running in this course; use that one, or quit it first (a lock that outlived \
         its process is cleared automatically)"
    )
}

/// Whether `file` is still the one at `path` (not removed or replaced since it was opened).
fn is_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(open), Ok(named)) => (open.dev(), open.ino()) == (named.dev(), named.ino()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_while_the_first_is_held() {
        let dir = tempfile::tempdir().unwrap();
        let first = Lock::acquire(dir.path()).unwrap();
        // Pretend another live process (our parent) owns it.
        std::fs::write(
            dir.path().join(LOCK_FILE),
            std::os::unix::process::parent_id().to_string(),
        )
        .unwrap();
        let err = Lock::acquire(dir.path()).unwrap_err().to_string();
        assert!(err.contains("another backlings (pid"), "{err}");
        drop(first);
        assert!(!dir.path().join(LOCK_FILE).exists());
    }

    #[test]
    fn a_stale_or_garbled_lock_is_recovered() {
        for content in ["999999999", "", "not a pid"] {
            let dir = tempfile::tempdir().unwrap();
            std::fs::create_dir_all(dir.path().join(".backlings")).unwrap();
            std::fs::write(dir.path().join(LOCK_FILE), content).unwrap();
            let lock = Lock::acquire(dir.path()).unwrap();
            let owner = std::fs::read_to_string(dir.path().join(LOCK_FILE)).unwrap();
            assert_eq!(owner, std::process::id().to_string());
            drop(lock);
        }
    }

    #[test]
    fn a_lock_file_removed_before_it_was_locked_is_not_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let first = Lock::acquire(dir.path()).unwrap();
        let path = dir.path().join(LOCK_FILE);
        let opened_late = open(&path).unwrap();
        drop(first);
        opened_late.try_lock().unwrap();
        assert!(!is_at(&opened_late, &path), "the file was removed");
        let second = Lock::acquire(dir.path()).unwrap();
        assert!(is_at(&second._file, &path));
    }
}
