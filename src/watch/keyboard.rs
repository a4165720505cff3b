//! The keyboard, read on its own thread and sent as events. The reading pauses while a
//! terminal editor has the terminal, so that no key meant for the editor is taken from it.

use std::sync::mpsc::Sender;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use crossterm::event::{self, Event as TermEvent, KeyEventKind};

use super::event::Event;

/// How long one wait for a key lasts before the reader looks whether it must pause.
const POLL: Duration = Duration::from_millis(50);
/// The longest `pause` waits for the reader to stop.
const PAUSE_WAIT: Duration = Duration::from_secs(2);

/// The reader thread's switch.
pub struct Keyboard {
    gate: Arc<Gate>,
}

#[derive(Default)]
struct Gate {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    /// Asked to stop reading.
    paused: bool,
    /// The reader has stopped and reads nothing until resumed.
    parked: bool,
}

impl Gate {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

pub fn start(tx: Sender<Event>) -> Keyboard {
    let gate = Arc::new(Gate::default());
    let reader = Arc::clone(&gate);
    std::thread::spawn(move || read(&reader, &tx));
    Keyboard { gate }
}

impl Keyboard {
    /// Stops reading keys; returns once the reader is parked (or after a bounded wait).
    pub fn pause(&self) {
        let mut state = self.gate.lock();
        state.paused = true;
        let deadline = std::time::Instant::now() + PAUSE_WAIT;
        while !state.parked {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                break;
            }
            state = match self.gate.changed.wait_timeout(state, left) {
                Ok((state, _)) => state,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    pub fn resume(&self) {
        self.gate.lock().paused = false;
        self.gate.changed.notify_all();
    }
}

fn read(gate: &Gate, tx: &Sender<Event>) {
    loop {
        wait_while_paused(gate);
        let sent = match event::poll(POLL) {
            Ok(false) => continue,
            Ok(true) => match event::read() {
                Ok(TermEvent::Key(key)) if key.kind != KeyEventKind::Release => {
                    tx.send(Event::Key(key))
                }
                Ok(TermEvent::Resize(..)) => tx.send(Event::Resize),
                Ok(_) => Ok(()),
                Err(_) => gone(tx),
            },
            // The terminal is gone: nothing more will come, so stop watching.
            Err(_) => gone(tx),
        };
        if sent.is_err() {
            break;
        }
    }
}

/// Parks the reader while it is paused, saying so to `pause`.
fn wait_while_paused(gate: &Gate) {
    let mut state = gate.lock();
    while state.paused {
        state.parked = true;
        gate.changed.notify_all();
        state = gate
            .changed
            .wait(state)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
    }
    state.parked = false;
}

/// Tells the loop the terminal is gone; an `Err` so the reader stops.
fn gone(tx: &Sender<Event>) -> Result<(), std::sync::mpsc::SendError<Event>> {
    let _ = tx.send(Event::TerminalGone);
    Err(std::sync::mpsc::SendError(Event::TerminalGone))
}
