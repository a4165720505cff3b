//! Watch mode: one event channel fed by the file watcher, the keyboard and background jobs; a
//! dispatcher (`state`) hands each event to a small handler, and the loop below redraws the
//! screen after each event that changed it.
//!
//! `state` holds the session and its event handlers, `actions` what the keys do, `jobs` the run and warm-up threads, `debounce`
//! the quiet window after a save, `keymap` what each key does, `screen` the drawing, `files`
//! and `keyboard` the event sources.

mod actions;
pub mod debounce;
mod event;
pub mod files;
mod jobs;
mod keyboard;
mod keymap;
mod screen;
mod state;
mod terminal;
pub mod trace;

use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver};
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
    let keyboard = keyboard::start(tx.clone());
    let queue = warm_queue(&app, args.no_warmup);
    let mut watch = Watch::new(app, jobs::Jobs::new(tx, queue), notice, files);
    watch.keyboard = Some(keyboard);
    watch.editor = args.editor.clone();
    watch.start_run(watch.shown);
    screen::draw(&watch)?;
    trace::event("first-frame", "");
    let result = event_loop(&mut watch, &rx);
    // Stops the run in flight (as dropping `watch` would on an early return), then restores
    // the terminal.
    drop(watch);
    drop(guard);
    result.map(|()| ExitCode::SUCCESS)
}

/// The days to warm up in the background, starting with the learner's: those never built.
fn warm_queue(app: &App, declined: bool) -> Vec<String> {
    let course = &app.course;
    if declined || crate::warmup::is_warm(course) {
        return Vec::new();
    }
    let target = crate::warmup::target_dir(course);
    let current = app.progress.current_index(course);
    crate::warmup::order(course, current)
        .into_iter()
        .filter(|day| !crate::runner::cargo::was_built(&target, day))
        .collect()
}

/// Waits for the next event or the end of the debounce window, handles it, and redraws.
fn event_loop(watch: &mut Watch, rx: &Receiver<Event>) -> Result<()> {
    while !watch.quit {
        let event = match watch.debounce.deadline() {
            Some(deadline) => rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .ok(),
            None => rx.recv().ok(),
        };
        let mut redraw = match event {
            Some(event) => watch.handle(event)?,
            None => false,
        };
        if let Some(touched) = watch.debounce.due(Instant::now()) {
            watch.on_quiet(&touched);
            redraw = true;
        }
        // Only when something on screen changed: events for files watch mode ignores (the
        // course root's own files, build output) must not cost a frame each.
        if redraw {
            screen::draw(watch)?;
            trace::event("drawn", "");
            // The verdict is on screen; now the progress file (a save waits for the disk).
            if watch.persist_shown() {
                screen::draw(watch)?;
            }
        }
    }
    watch.persist_shown();
    Ok(())
}
