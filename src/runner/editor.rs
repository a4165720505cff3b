//! Starting the learner's editor: the one process backlings hands the terminal to. A terminal
//! editor inherits stdin, stdout and stderr and is waited for; an editor with a window of its
//! own gets none of them (its messages would scribble over watch mode) and a thread reaps it.

use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::editor::Launch;

/// Runs the editor in the foreground and waits for it to end. The caller gives it the terminal
/// first (watch mode leaves raw mode) and takes it back after.
pub fn run(launch: &Launch) -> Result<()> {
    let status = command(launch)
        .status()
        .with_context(|| cannot_start(launch))?;
    if !status.success() {
        bail!(
            "the editor `{}` (from {}) ended with {status}",
            launch.program,
            launch.from
        );
    }
    Ok(())
}

/// Starts an editor that opens a window of its own, without waiting for it.
pub fn start(launch: &Launch) -> Result<()> {
    let mut child = command(launch)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| cannot_start(launch))?;
    // `code --wait` and its kind return only when the file is closed: reap it whenever.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

fn command(launch: &Launch) -> Command {
    let mut command = Command::new(&launch.program);
    command.args(&launch.args);
    command
}

fn cannot_start(launch: &Launch) -> String {
    format!(
        "cannot start the editor `{}` (from {}); set VISUAL or EDITOR to an editor on your PATH, \
         or pass --editor",
        launch.program, launch.from
    )
}
