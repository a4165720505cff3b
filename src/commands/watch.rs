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
    // Before the live screen: a missing or old Rust is one line and exit 2.
    crate::runner::toolchain::ready(&app.course.root)?;
    crate::watch::run(app, args)
}
