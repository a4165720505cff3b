//! Ctrl-C, a closed terminal or a `kill`: take down the processes backlings started (they live
//! in process groups of their own), restore the terminal, and exit with the usual code.

use crate::runner::process;

pub fn install() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            process::kill_all_active();
            crate::runner::postgres::release_all();
            if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                let _ = crossterm::terminal::disable_raw_mode();
                let _ = crossterm::execute!(std::io::stdout(), crossterm::cursor::Show);
            }
            // The one exit outside main: the process is being stopped from outside.
            std::process::exit(128 + signal);
        }
    });
}
