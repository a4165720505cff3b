//! Colour is decided per destination. Stdout's is decided once, at start-up: `--color`, then
//! `NO_COLOR` / `CLICOLOR_FORCE`, then whether stdout is a terminal; a file never takes colour.
//! Everything else asks this module: the free functions paint for stdout, a [`Palette`] value
//! for a destination of its own.
//!
//! Clickable paths (OSC 8 hyperlinks) are decided apart from colour: only where colour is on and
//! the terminal is known to show them (`supports-hyperlinks`: `FORCE_HYPERLINK`, then what the
//! terminal says about itself); elsewhere their escapes would show as garbage or be dropped with
//! the text. A link's visible text is always the plain `file:line:col`, so terminals that find
//! paths in text (an editor's own) still make it clickable.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use colored::{ColoredString, Colorize};

use crate::cli::ColorChoice;

static ENABLED: AtomicBool = AtomicBool::new(false);
static LINKS: AtomicBool = AtomicBool::new(false);
static STDERR_ENABLED: AtomicBool = AtomicBool::new(false);

/// Decides colour for stdout and for stderr, each by whether it is a terminal.
pub fn init(choice: ColorChoice) {
    let decide = |is_terminal: bool| {
        let env = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
        match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto if env("NO_COLOR") => false,
            ColorChoice::Auto if env("CLICOLOR_FORCE") => true,
            ColorChoice::Auto => is_terminal,
        }
    };
    let enabled = decide(std::io::stdout().is_terminal());
    ENABLED.store(enabled, Ordering::Relaxed);
    let links = enabled && supports_hyperlinks::on(supports_hyperlinks::Stream::Stdout);
    LINKS.store(links, Ordering::Relaxed);
    STDERR_ENABLED.store(decide(std::io::stderr().is_terminal()), Ordering::Relaxed);
    colored::control::set_override(enabled);
}

/// Whether stdout takes colour.
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// How text is painted for one destination: in colour (with links where they work), or plain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    colour: bool,
    links: bool,
}

impl Palette {
    /// No colour and no links: for files, whatever the terminal and `--color` say.
    pub const PLAIN: Palette = Palette {
        colour: false,
        links: false,
    };

    /// Stdout's palette, as [`init`] decided.
    pub fn stdout() -> Palette {
        Palette {
            colour: enabled(),
            links: LINKS.load(Ordering::Relaxed),
        }
    }

    /// Stderr's palette, as [`init`] decided: errors piped to a file stay plain even when
    /// stdout is a terminal.
    pub fn stderr() -> Palette {
        Palette {
            colour: STDERR_ENABLED.load(Ordering::Relaxed),
            links: false,
        }
    }

    pub fn good(self, text: &str) -> ColoredString {
        self.paint(text, |t| t.green().bold())
    }

    pub fn bad(self, text: &str) -> ColoredString {
        self.paint(text, |t| t.red().bold())
    }

    pub fn warn(self, text: &str) -> ColoredString {
        self.paint(text, |t| t.yellow().bold())
    }

    pub fn dim(self, text: &str) -> ColoredString {
        self.paint(text, |t| t.dimmed())
    }

    pub fn strong(self, text: &str) -> ColoredString {
        self.paint(text, |t| t.bold())
    }

    /// `text` as a clickable link to `path` (OSC 8) where links work, plain text otherwise.
    pub fn link(self, path: &Path, text: &str) -> String {
        if !self.links {
            return text.to_string();
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        format!(
            "\x1b]8;;file://{}\x1b\\{text}\x1b]8;;\x1b\\",
            url_path(&absolute.to_string_lossy())
        )
    }

    /// A string without a style prints as itself whatever `colored`'s switch says, so a plain
    /// palette stays plain even while stdout takes colour.
    fn paint(self, text: &str, style: impl FnOnce(&str) -> ColoredString) -> ColoredString {
        if self.colour {
            style(text)
        } else {
            ColoredString::from(text)
        }
    }
}

/// A path as a URL's path: bytes outside the unreserved set and `/` are percent-encoded, so a
/// space or a `;` in a directory name cannot end the link early.
fn url_path(path: &str) -> String {
    let mut url = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

pub fn good(text: &str) -> ColoredString {
    Palette::stdout().good(text)
}

pub fn bad(text: &str) -> ColoredString {
    Palette::stdout().bad(text)
}

pub fn warn(text: &str) -> ColoredString {
    Palette::stdout().warn(text)
}

pub fn dim(text: &str) -> ColoredString {
    Palette::stdout().dim(text)
}

pub fn strong(text: &str) -> ColoredString {
    Palette::stdout().strong(text)
}

/// `text` as a clickable link to `path` (OSC 8) where stdout shows links, plain otherwise.
pub fn link(path: &Path, text: &str) -> String {
    Palette::stdout().link(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_palette_stays_plain_while_colour_is_forced() {
        colored::control::set_override(true);
        let plain = Palette::PLAIN;
        let painted = [
            plain.good("a"),
            plain.bad("a"),
            plain.warn("a"),
            plain.dim("a"),
            plain.strong("a"),
        ]
        .map(|text| text.to_string());
        let coloured = Palette {
            colour: true,
            links: false,
        }
        .good("a")
        .to_string();
        colored::control::unset_override();
        assert_eq!(painted, ["a"; 5]);
        assert_eq!(plain.link(Path::new("x"), "a"), "a");
        assert_ne!(coloured, "a");
    }

    #[test]
    fn links_only_where_the_terminal_shows_them_with_the_plain_text_inside() {
        let colour_only = Palette {
            colour: true,
            links: false,
        };
        assert_eq!(colour_only.link(Path::new("x.rs"), "x.rs:1:2"), "x.rs:1:2");
        let linked = Palette {
            colour: true,
            links: true,
        }
        .link(Path::new("/c/my course/x.rs"), "x.rs:1:2");
        assert_eq!(
            linked,
            "\x1b]8;;file:///c/my%20course/x.rs\x1b\\x.rs:1:2\x1b]8;;\x1b\\"
        );
    }
}
