//! Watch mode: one event channel fed by the file watcher, the keyboard and finished runs; a
//! dispatcher hands each event to a small handler, and the screen is redrawn after each.

mod event;
mod files;
mod keys;
mod screen;
mod state;
mod terminal;
mod trace;

use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Instant;

use anyhow::Result;

use crate::app::App;
use crate::cli::WatchArgs;
pub use event::Event;
use state::Watch;

/// Runs watch mode until the learner quits.
pub fn run(app: App, args: &WatchArgs) -> Result<ExitCode> {
    let (tx, rx) = mpsc::channel();
    let (files, notice) = if args.manual {
        (None, Some("manual mode: press r to run".to_string()))
    } else {
        let (files, notice) = files::FileWatch::start(&app.course.root, args.poll, tx.clone())?;
        (Some(files), notice)
    };
    let guard = terminal::Guard::enter()?;
    keys::start(tx.clone());
    let warm = args.no_warmup || crate::warmup::is_warm(&app.course);
    let mut watch = Watch::new(app, tx, notice, files, warm);
    watch.start_run(watch.shown);
    watch.draw()?;
    trace::event("first-frame", "");
    while !watch.quit {
        let event = match watch.deadline {
            Some(deadline) => rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .ok(),
            None => rx.recv().ok(),
        };
        let redraw = match event {
            Some(event) => watch.handle(event)?,
            None => {
                watch.on_quiet()?;
                true
            }
        };
        // Only when something on screen changed: events for files watch mode ignores (the
        // course root's own files, build output) must not cost a frame each.
        if redraw {
            watch.draw()?;
            trace::event("drawn", "");
        }
    }
    // Stops the run in flight (as dropping `watch` would on an early return), then restores
    // the terminal.
    drop(watch);
    drop(guard);
    Ok(ExitCode::SUCCESS)
}
