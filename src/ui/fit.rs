//! Fitting styled text to a width: measure it, wrap it at word boundaries, cut it with an
//! ellipsis. Escape sequences (colour, OSC 8 links) take no room and are never split or lost:
//! a cut keeps the ones it passes, so a colour or a link is still closed after it.

use unicode_width::UnicodeWidthChar;

/// One piece of styled text: an escape sequence or a visible character.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Escape(String),
    Char(char),
}

impl Piece {
    fn width(&self) -> usize {
        match self {
            Piece::Escape(_) => 0,
            Piece::Char(c) => c.width().unwrap_or(0),
        }
    }
}

/// How many columns `text` takes on a terminal.
pub fn width(text: &str) -> usize {
    pieces(text).iter().map(Piece::width).sum()
}

/// `text` as lines of at most `width` columns, broken at spaces where it can be (a word longer
/// than a line is broken where it must). Each line of `text` starts a new line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    text.split('\n')
        .flat_map(|line| wrap_line(&pieces(line), width))
        .collect()
}

/// `text` (one line) cut to `width` columns, ending in `…` when something was cut.
pub fn cut(text: &str, width: usize) -> String {
    let pieces = pieces(text);
    let total: usize = pieces.iter().map(Piece::width).sum();
    if total <= width {
        return text.to_string();
    }
    let room = width.saturating_sub(1);
    let mut used = 0;
    let mut line = String::new();
    let mut ellipsis = width > 0;
    for piece in &pieces {
        match piece {
            Piece::Escape(sequence) => line.push_str(sequence),
            Piece::Char(c) if used + piece.width() <= room => {
                line.push(*c);
                used += piece.width();
            }
            Piece::Char(_) if ellipsis => {
                line.push('…');
                ellipsis = false;
                used = room + 1;
            }
            Piece::Char(_) => {}
        }
    }
    line
}

fn wrap_line(pieces: &[Piece], width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current: Vec<Piece> = Vec::new();
    let mut used = 0;
    // Where the last space in `current` is: the place to break at.
    let mut space: Option<usize> = None;
    for piece in pieces {
        let w = piece.width();
        if w > 0 && used + w > width {
            let rest = match space {
                Some(at) => current.split_off(at + 1),
                None => Vec::new(),
            };
            lines.push(render(&current));
            current = rest;
            used = current.iter().map(Piece::width).sum();
            space = None;
        }
        if *piece == Piece::Char(' ') {
            space = Some(current.len());
        }
        current.push(piece.clone());
        used += w;
    }
    lines.push(render(&current));
    lines
}

/// The pieces back as text, without the spaces a break left at the end.
fn render(pieces: &[Piece]) -> String {
    let mut text = String::new();
    let mut spaces = 0;
    for piece in pieces {
        match piece {
            Piece::Char(' ') => spaces += 1,
            Piece::Char(c) => {
                text.extend(std::iter::repeat_n(' ', spaces));
                spaces = 0;
                text.push(*c);
            }
            Piece::Escape(sequence) => text.push_str(sequence),
        }
    }
    text
}

/// Splits styled text into escape sequences (CSI `ESC [ ... final`, OSC `ESC ] ... BEL` or
/// `ESC \`) and visible characters; a tab counts as four spaces, other controls as nothing.
fn pieces(text: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => {
                let mut sequence = String::from(c);
                match chars.next() {
                    Some('[') => {
                        sequence.push('[');
                        for c in chars.by_ref() {
                            sequence.push(c);
                            if ('\x40'..='\x7e').contains(&c) {
                                break;
                            }
                        }
                    }
                    Some(']') => {
                        sequence.push(']');
                        while let Some(c) = chars.next() {
                            sequence.push(c);
                            if c == '\x07' {
                                break;
                            }
                            if c == '\x1b' && chars.peek() == Some(&'\\') {
                                sequence.push('\\');
                                chars.next();
                                break;
                            }
                        }
                    }
                    Some(other) => sequence.push(other),
                    None => {}
                }
                pieces.push(Piece::Escape(sequence));
            }
            '\t' => pieces.extend(std::iter::repeat_n(Piece::Char(' '), 4)),
            c if c.is_control() => {}
            c => pieces.push(Piece::Char(c)),
        }
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    const RED: &str = "\x1b[31m";
    const RESET: &str = "\x1b[0m";

    #[test]
    fn width_counts_what_shows() {
        for (text, expected) in [
            ("plain", 5),
            ("\x1b[1;32m✓\x1b[0m ok", 4),
            ("\x1b]8;;file:///a\x1b\\a.rs:1:2\x1b]8;;\x1b\\", 8),
            ("日本", 4),
            ("a\tb", 6),
        ] {
            assert_eq!(width(text), expected, "{text:?}");
        }
    }

    #[test]
    fn wraps_at_word_boundaries_and_breaks_only_words_too_long_for_a_line() {
        for (text, width, expected) in [
            (
                "read the day's README.md, edit its src/",
                16,
                vec!["read the day's", "README.md, edit", "its src/"],
            ),
            ("short", 10, vec!["short"]),
            ("abcdefghij kl", 4, vec!["abcd", "efgh", "ij", "kl"]),
            ("one\ntwo three", 5, vec!["one", "two", "three"]),
            ("", 5, vec![""]),
        ] {
            assert_eq!(wrap(text, width), expected, "{text:?} at {width}");
        }
        let styled = format!("{RED}secondary indexes{RESET}");
        assert_eq!(
            wrap(&styled, 10),
            [format!("{RED}secondary"), format!("indexes{RESET}")]
        );
    }

    #[test]
    fn cuts_with_an_ellipsis_keeping_every_escape() {
        assert_eq!(cut("Middleware: panics as 500", 14), "Middleware: p…");
        assert_eq!(cut("fits", 4), "fits");
        assert_eq!(cut("abc", 0), "");
        let styled = format!("{RED}a long red title{RESET}");
        let cut = cut(&styled, 6);
        assert_eq!(cut, format!("{RED}a lon…{RESET}"));
        assert_eq!(width(&cut), 6);
    }
}
