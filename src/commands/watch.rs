//! `backlings` / `backlings watch`: rerun the day being edited on every save.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::app::{Access, App};
use crate::cli::WatchArgs;

pub fn watch(args: &WatchArgs) -> Result<ExitCode> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!(
            "watch mode needs a terminal; without one, use `backlings run [DAY]` to test a day \
             or `backlings grade` to grade a course"
        );
    }
    let app = App::open(Access::Write)?;
    crate::watch::run(app, args)
}
