//! A fresh, empty directory under the system's temporary directory, removed with everything in
//! it when dropped: a server's `DATA_DIR`. (std alone: day 1 builds this crate, and every
//! dependency here is seconds before a learner's first verdict.)

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Distinguishes the directories of one test process.
static NEXT: AtomicU64 = AtomicU64::new(0);
/// Names tried before giving up (another process would have to pick the same ones).
const ATTEMPTS: u32 = 16;

#[derive(Debug)]
pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    /// Creates `<temp>/<prefix><pid>-<n>-<nanos>`, a name no other directory has.
    pub fn new(prefix: &str) -> io::Result<ScratchDir> {
        let base = std::env::temp_dir();
        let mut last = None;
        for _ in 0..ATTEMPTS {
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path = base.join(format!("{prefix}{}-{n}-{nanos}", std::process::id()));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(ScratchDir { path }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| io::Error::other("no free name")))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_is_new_and_empty_and_gone_when_dropped() {
        let a = ScratchDir::new("backlings-scratch-test-").unwrap();
        let b = ScratchDir::new("backlings-scratch-test-").unwrap();
        assert_ne!(a.path(), b.path());
        assert!(a.path().is_dir());
        assert_eq!(std::fs::read_dir(a.path()).unwrap().count(), 0);
        std::fs::create_dir_all(a.path().join("nested/deeper")).unwrap();
        std::fs::write(a.path().join("nested/file"), "x").unwrap();
        let path = a.path().to_path_buf();
        drop(a);
        assert!(!path.exists());
    }
}
