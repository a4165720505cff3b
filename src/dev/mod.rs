//! Contributor tools: `dev check` reports every problem in a course at once, `dev new` scaffolds
//! a course that passes it, `dev add` adds a day whose placeholders it flags.

pub mod add;
mod build;
pub mod check;
mod listing;
mod manifest;
pub mod new;
pub mod report;
mod serving;
mod subject;
mod template;
mod tools;

use std::fmt;

/// Where CONTRIBUTING.md tells how; named in fixes that need more than one line.
const GUIDE: &str = "CONTRIBUTING.md";

/// A line and column, both 1-based.
pub type Pos = (usize, usize);

/// One thing wrong in a course: the file to open, what is wrong there, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Relative to the course root, `/`-separated.
    pub file: String,
    pub at: Option<Pos>,
    pub message: String,
    pub fix: String,
}

impl Problem {
    pub fn new(
        file: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Problem {
            file: file.into(),
            at: None,
            message: message.into(),
            fix: fix.into(),
        }
    }

    pub fn at(mut self, at: Option<Pos>) -> Self {
        self.at = at;
        self
    }
}

/// `file[:line:col]: message (fix)`, the text after `error: `.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some((line, col)) = self.at {
            write!(f, ":{line}:{col}")?;
        }
        write!(f, ": {}", self.message)?;
        if !self.fix.is_empty() {
            write!(f, " ({})", self.fix)?;
        }
        Ok(())
    }
}
