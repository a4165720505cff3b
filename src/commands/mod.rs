//! One function per subcommand; `dispatch` picks it.

mod class;
mod completions;
mod dev;
mod doctor;
mod grade;
mod hint;
mod init;
mod list;
mod navigate;
mod open;
mod reset;
mod run;
mod serve;
mod watch;

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::Command;

pub fn dispatch(command: Option<Command>) -> Result<ExitCode> {
    match command.unwrap_or(Command::Watch(Default::default())) {
        Command::Watch(args) => watch::watch(&args),
        Command::Run { day, json } => run::run(day.as_deref(), json),
        Command::Open { day, editor } => open::open(day.as_deref(), editor.as_deref()),
        Command::List { json } => list::list(json),
        Command::Hint { day, all } => hint::hint(day.as_deref(), all),
        Command::Next => navigate::next(),
        Command::Go { day } => navigate::go(&day),
        Command::Reset { day, yes } => reset::reset(&day, yes),
        Command::Init { dir, warm, ci, .. } => init::init(&dir, warm, ci),
        Command::Warm => init::warm(),
        Command::Doctor => doctor::doctor(),
        Command::Serve { day, port, poll } => serve::serve(day.as_deref(), port, poll),
        Command::Grade(args) => grade::grade(&args),
        Command::Dev(command) => dev::dev(command),
        Command::Class(command) => class::class(command),
        Command::Completions { shell } => completions::completions(shell),
        Command::Man => completions::man(),
    }
}
