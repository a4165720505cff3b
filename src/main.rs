//! backlings: parse the command line, run one command, print the error chain once.
//!
//! The module map, top to bottom; a module uses the ones below it, never one above:
//!
//! - `cli`: the command line (clap derive types).
//! - `commands/`: one thin function per subcommand: open the course, call the layers below,
//!   present what happened.
//! - `watch/`: watch mode. `state` dispatches events, `actions` handles keys (the table is
//!   `keymap`), `jobs` runs the learner's builds and the warm-up, `debounce` waits out a save's
//!   burst of writes, `screen` draws, `files`/`keyboard` feed the event channel, `trace` logs
//!   timings for the benchmark.
//! - `serve`: `backlings serve`, a day's service rebuilt and restarted on every save.
//! - `app/`: the open course and progress (`App`), the learner's actions shared by commands and
//!   watch (`actions`: record a run, next, go, hints, reset, solution), and `messages` shown in
//!   both.
//! - `grade/`: headless grading in a tamper-proof temporary workspace; `report/` writes its
//!   reports (human, JSON, JUnit, GitHub) and owns their dispatch to stdout or files.
//! - `dev/`: contributor checks (`dev check` collects every problem), `dev new`, `dev add`.
//! - `starter`: a day's starter files: reset with a backup, restore, reveal the solution.
//! - `warmup`: building the days' dependencies ahead of the learner.
//! - `course/`: info.toml, parsed raw (`raw`), validated (`validate`) into the model (`model`).
//! - `progress/`: the learner's progress as pure transitions, its atomic store and the course
//!   lock.
//! - `runner/`: the only place that starts processes: cargo builds (`cargo`, `cargo_json`),
//!   test binaries (`batch` runs one whole, `exec` one test per process), services (`service`,
//!   `ports`), and the pure parser of libtest's output (`libtest`).
//! - `ui/`: colour per destination (`palette`), marks, text helpers and rendering to
//!   `impl Write`.
//! - `embedded` (the course built into the binary), `tree` (walking a course folder),
//!   `suggest` (did you mean), `clock`, `signals`.

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
mod tree;
mod ui;
mod warmup;
mod watch;

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::parse();
    ui::palette::init(cli.color);
    signals::install();
    let result = commands::dispatch(cli.command);
    // A private PostgreSQL started for a day stops with the last backlings that uses it.
    runner::postgres::release_all();
    for notice in runner::postgres::cluster::take_notices() {
        eprintln!("{} {notice}", ui::palette::Palette::stderr().dim("note:"));
    }
    match result {
        Ok(code) => code,
        // The reader went away (`backlings list | head`): nothing is left to tell it.
        Err(error) if stdout_closed(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!(
                "{} {}",
                ui::palette::Palette::stderr().bad("error:"),
                chain(&error)
            );
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
