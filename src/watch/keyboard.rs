//! The keyboard, read on its own thread and sent as events.

use std::sync::mpsc::Sender;

use crossterm::event::{self, Event as TermEvent, KeyEventKind};

use super::event::Event;

pub fn start(tx: Sender<Event>) {
    std::thread::spawn(move || {
        loop {
            let sent = match event::read() {
                Ok(TermEvent::Key(key)) if key.kind != KeyEventKind::Release => {
                    tx.send(Event::Key(key))
                }
                Ok(TermEvent::Resize(..)) => tx.send(Event::Resize),
                Ok(_) => Ok(()),
                // The terminal is gone: nothing more will come, so stop watching.
                Err(_) => {
                    let _ = tx.send(Event::TerminalGone);
                    break;
                }
            };
            if sent.is_err() {
                break;
            }
        }
    });
}
