//! Raw mode on entry and a restored terminal on every way out: drop, `q`, Ctrl-C, a panic; and
//! the terminal lent to an editor and taken back.

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

/// Hands the terminal to another program (an editor): cooked mode, the cursor shown, the
/// screen cleared. The [`Guard`] still restores it on the way out.
pub fn suspend() {
    let mut out = std::io::stdout();
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        out,
        terminal::Clear(terminal::ClearType::All),
        cursor::MoveTo(0, 0),
        cursor::Show
    );
    let _ = out.flush();
}

/// Takes the terminal back after [`suspend`]; the next frame redraws everything.
pub fn resume() -> Result<()> {
    terminal::enable_raw_mode().context("cannot put the terminal back in raw mode")?;
    let _ = execute!(
        std::io::stdout(),
        cursor::Hide,
        terminal::Clear(terminal::ClearType::All)
    );
    Ok(())
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
