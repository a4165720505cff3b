//! `backlings list [--json]`.

use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::app::{Access, App};
use crate::ui;

pub fn list(json: bool) -> Result<ExitCode> {
    let app = App::open(Access::Read)?;
    if let Some(why) = app.unsaved() {
        eprintln!(
            "{} progress cannot be saved: {why}",
            crate::ui::palette::warn("warning:")
        );
    }
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &ui::list::json(&app))
            .context("cannot write JSON")?;
        crate::outln!()?;
    } else {
        ui::list::render(&mut out, &app)?;
    }
    Ok(ExitCode::SUCCESS)
}
