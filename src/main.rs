//! backlings: parse the command line, run one command, print the error chain once.

mod app;
mod class;
mod cli;
mod clock;
mod commands;
mod completion;
mod course;
mod dev;
mod editor;
mod embedded;
mod grade;
mod progress;
mod report;
#[cfg(test)]
mod robustness;
mod runner;
mod serve;
mod signals;
mod starter;
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
        // The reader went away (`backlings list | head`): nothing is left to tell it.
        Err(error) if stdout_closed(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{} {}", ui::palette::bad("error:"), chain(&error));
            ExitCode::from(2)
        }
    }
}

/// Whether `error` comes from writing to a pipe whose reader has gone.
fn stdout_closed(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        let kind = cause
            .downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind)
            .or_else(|| cause.downcast_ref::<serde_json::Error>()?.io_error_kind());
        kind == Some(std::io::ErrorKind::BrokenPipe)
    })
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
