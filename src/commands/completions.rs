//! `backlings completions SHELL` and `backlings man`: print a completion script or the man page.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use clap_complete::Shell;

use crate::{completion, course, embedded};

pub fn completions(shell: Shell) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    completion::write_script(shell, &built_in_days(), &mut out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn man() -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    completion::write_man_page(&mut out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The days of the course built into backlings; none when it was built without one.
fn built_in_days() -> Vec<course::Exercise> {
    embedded::get(course::INFO_FILE)
        .and_then(|bytes| std::str::from_utf8(bytes).ok())
        .and_then(|text| course::validate::parse(text).ok())
        .map(|course| course.exercises)
        .unwrap_or_default()
}
