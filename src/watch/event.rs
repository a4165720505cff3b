//! Everything that can happen in watch mode, as one enum on one channel.

use std::path::PathBuf;

use crossterm::event::KeyEvent;

use crate::runner::Verdict;

pub enum Event {
    /// A file under `exercises/` was written, created, renamed or removed; `saved` when it was
    /// closed by its writer or renamed into place (a save is complete).
    Changed {
        path: PathBuf,
        saved: bool,
    },
    /// The file watcher reported a problem.
    WatchError(String),
    Key(KeyEvent),
    /// The terminal changed size.
    Resize,
    /// The terminal closed.
    TerminalGone,
    /// The background warm-up built `done` of about `total` crates.
    WarmupProgress {
        done: usize,
        total: usize,
    },
    /// The background warm-up ended: finished, cancelled (a run needed cargo), or failed.
    WarmupEnded(Result<crate::warmup::Warmed, String>),
    /// The run of this generation built a crate of the day's first build.
    BuildProgress {
        generation: u64,
        built: usize,
        total: usize,
        name: String,
    },
    /// A run ended; stale generations are ignored.
    Finished {
        generation: u64,
        name: String,
        result: Result<Verdict, String>,
    },
}
