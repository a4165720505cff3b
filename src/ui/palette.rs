//! Colour is decided once, at start-up: `--color`, then `NO_COLOR` / `CLICOLOR_FORCE`, then
//! whether stdout is a terminal. Everything else asks this module.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use colored::{ColoredString, Colorize};

use crate::cli::ColorChoice;

static ENABLED: AtomicBool = AtomicBool::new(false);

/// Decides colour for the whole process.
pub fn init(choice: ColorChoice) {
    let env = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    let enabled = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if env("NO_COLOR") => false,
        ColorChoice::Auto if env("CLICOLOR_FORCE") => true,
        ColorChoice::Auto => std::io::stdout().is_terminal(),
    };
    ENABLED.store(enabled, Ordering::Relaxed);
    colored::control::set_override(enabled);
}

pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

pub fn good(text: &str) -> ColoredString {
    text.green().bold()
}

pub fn bad(text: &str) -> ColoredString {
    text.red().bold()
}

pub fn warn(text: &str) -> ColoredString {
    text.yellow().bold()
}

pub fn dim(text: &str) -> ColoredString {
    text.dimmed()
}

pub fn strong(text: &str) -> ColoredString {
    text.bold()
}

/// `text` as a clickable link to `path` (OSC 8) when colour is on, plain text otherwise.
pub fn link(path: &Path, text: &str) -> String {
    if !enabled() {
        return text.to_string();
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    format!(
        "\x1b]8;;file://{}\x1b\\{text}\x1b]8;;\x1b\\",
        absolute.display()
    )
}
