//! Raw mode on entry and a restored terminal on every way out: drop, `q`, Ctrl-C, a panic.

use std::io::Write;

use anyhow::{Context, Result};
use crossterm::{cursor, execute, terminal};

/// Restores the terminal when dropped.
pub struct Guard;

impl Guard {
    pub fn enter() -> Result<Guard> {
        terminal::enable_raw_mode().context("cannot put the terminal in raw mode")?;
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
        let _ = execute!(std::io::stdout(), cursor::Hide);
        Ok(Guard)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

fn restore() {
    let mut out = std::io::stdout();
    let _ = execute!(out, cursor::Show);
    let _ = terminal::disable_raw_mode();
    let _ = writeln!(out);
}
