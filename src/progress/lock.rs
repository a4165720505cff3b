//! One runner per course: a lock file holding the owner's pid. A lock left by a process that no
//! longer exists (killed, crashed) is recovered.

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The lock file, inside the course's `.backlings/` folder.
pub const LOCK_FILE: &str = ".backlings/lock";

/// Held for as long as this process works on the course; removed on drop.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
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
        // Two attempts: the second after clearing a stale lock.
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    write!(file, "{}", std::process::id())
                        .with_context(|| format!("cannot write `{}`", path.display()))?;
                    return Ok(Lock { path });
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => clear_if_stale(&path)?,
                Err(e) => {
                    return Err(e).with_context(|| {
                        format!(
                            "cannot create the lock file `{}`: is the course read-only?",
                            path.display()
                        )
                    });
                }
            }
        }
        bail!(
            "cannot take the lock `{}`; if no other backlings runs here, delete it",
            path.display()
        )
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Removes the lock when its owner is gone; errors when the owner is alive.
fn clear_if_stale(path: &Path) -> Result<()> {
    let owner = std::fs::read_to_string(path).unwrap_or_default();
    let pid = owner.trim().parse::<u32>().ok();
    if let Some(pid) = pid.filter(|pid| alive(*pid) && *pid != std::process::id()) {
        bail!(
            "another backlings (pid {pid}) is running in this course; use that one, or quit it \
             first (a lock that outlived its process is cleared automatically)"
        );
    }
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => {
            Err(e).with_context(|| format!("cannot clear the stale lock `{}`", path.display()))
        }
    }
}

#[cfg(unix)]
fn alive(pid: u32) -> bool {
    use nix::sys::signal::kill;
    use nix::unistd::Pid;
    // Signal 0 checks existence; EPERM means it exists but is someone else's.
    match i32::try_from(pid) {
        Ok(pid) => !matches!(
            kill(Pid::from_raw(pid), None),
            Err(nix::errno::Errno::ESRCH)
        ),
        Err(_) => false,
    }
}

#[cfg(not(unix))]
fn alive(_pid: u32) -> bool {
    true
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
}
