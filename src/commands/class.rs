//! `backlings class report FILES...`: a class's grade reports summed up for its teacher.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::class::Class;
use crate::cli::{ClassCommand, ClassFormat};
use crate::report::{self, Destination};
use crate::ui::palette;

pub fn class(command: ClassCommand) -> Result<ExitCode> {
    match command {
        ClassCommand::Report {
            files,
            html,
            format,
            output,
        } => report(&files, html, format, output),
    }
}

/// Exit 0 when the reports were summed up (files that could not be read are warned about and
/// listed); an error when none could be read.
fn report(
    files: &[PathBuf],
    html: Option<PathBuf>,
    format: ClassFormat,
    output: Option<PathBuf>,
) -> Result<ExitCode> {
    let class = Class::read(files);
    if class.learners.is_empty() {
        let why = class
            .unread
            .first()
            .map_or(String::new(), |u| u.error.clone());
        bail!("none of the {} reports could be read: {why}", files.len());
    }
    for unread in &class.unread {
        eprintln!(
            "{} skipped `{}`: {}",
            palette::warn("warning:"),
            unread.file.display(),
            unread.error
        );
    }
    let now = crate::clock::now();
    if let Some(path) = html {
        report::class::write(ClassFormat::Html, &Destination::File(path), &class, now)?;
    }
    let destination = output.map_or(Destination::Stdout, Destination::File);
    report::class::write(format, &destination, &class, now)?;
    Ok(ExitCode::SUCCESS)
}
