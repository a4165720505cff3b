//! backlings: parse the command line, run one command, print the error chain once.

mod app;
mod cli;
mod clock;
mod commands;
mod course;
mod dev;
mod embedded;
mod grade;
mod progress;
mod report;
#[cfg(test)]
mod robustness;
mod runner;
mod signals;
mod suggest;
mod ui;
mod warmup;
mod watch;

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::parse();
    ui::palette::init(cli.color);
    signals::install();
    match commands::dispatch(cli.command) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("{} {}", ui::palette::bad("error:"), chain(&error));
            ExitCode::from(2)
        }
    }
}

/// `outer: inner: innermost`, each cause once.
pub(crate) fn chain(error: &anyhow::Error) -> String {
    let mut text = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}
