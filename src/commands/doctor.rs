//! `backlings doctor`: what the course needs on this machine, found or not, with what to do.
//! Exit 0 when a learner can do every day, 1 when something a day needs is missing.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;

use crate::app::{Access, App};
use crate::course::Course;
use crate::runner::{postgres, toolchain};
use crate::ui::palette::{self, Palette};

/// How one check came out.
enum Finding {
    /// There, as described.
    Ok(String),
    /// Not needed for any day, but worth knowing (a slower or plainer experience).
    Advice(String),
    /// A day cannot be done until it is fixed: what is wrong, then what to do.
    Missing(String),
}

pub fn doctor() -> Result<ExitCode> {
    let app = App::open(Access::Read)?;
    let course = &app.course;
    let checks = [
        ("Rust", rust(&course.root)),
        ("PostgreSQL", postgresql(course)),
        ("File watching", file_watching(&course.root)),
        ("Terminal", terminal()),
    ];
    let paint = Palette::stdout();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}",
        paint.strong(&format!("What {} needs here:", course.title))
    )?;
    let mut missing = false;
    for (what, finding) in &checks {
        let (mark, text) = match finding {
            Finding::Ok(text) => (paint.good("ok     "), text),
            Finding::Advice(text) => (paint.warn("advice "), text),
            Finding::Missing(text) => {
                missing = true;
                (paint.bad("MISSING"), text)
            }
        };
        let mut lines = text.lines();
        writeln!(out, "  {mark} {what}: {}", lines.next().unwrap_or_default())?;
        for line in lines {
            writeln!(out, "          {line}")?;
        }
    }
    Ok(if missing {
        writeln!(
            out,
            "\nFix what is missing, then run `backlings doctor` again."
        )?;
        ExitCode::FAILURE
    } else {
        writeln!(out, "\nEverything the course needs is here.")?;
        ExitCode::SUCCESS
    })
}

fn rust(root: &Path) -> Finding {
    let needs = toolchain::required_version(root)
        .map_or_else(String::new, |v| format!(" (the course needs {v} or newer)"));
    let (Some(rustc), Some(cargo)) = (
        toolchain::describe("rustc", root),
        toolchain::describe("cargo", root),
    ) else {
        return Finding::Missing(format!(
            "rustc or cargo does not run here{needs}.\nInstall Rust with rustup \
             (https://rustup.rs), then open a new terminal."
        ));
    };
    match toolchain::check(root) {
        Ok(()) => Finding::Ok(format!("{rustc}, {cargo}{needs}")),
        Err(why) => Finding::Missing(why),
    }
}

fn postgresql(course: &Course) -> Finding {
    let days: Vec<String> = course
        .exercises
        .iter()
        .filter(|e| e.database.is_some())
        .map(|e| e.day.to_string())
        .collect();
    let Some(first) = course.exercises.iter().find(|e| e.database.is_some()) else {
        return Finding::Ok("no day of this course needs it".into());
    };
    let which = format!("days {} need it", days.join(", "));
    let from_env = std::env::var("DATABASE_URL").is_ok_and(|u| !u.is_empty());
    let started = Instant::now();
    match postgres::database_url(&course.root, &first.name) {
        Ok(url) if from_env => Finding::Ok(format!(
            "{which}; DATABASE_URL ({}) answers",
            postgres::redact(&url)
        )),
        Ok(_) => {
            let version = postgres::install::find()
                .and_then(|p| {
                    p.version()
                        .map(|v| format!("PostgreSQL {v} from {}", p.bin.display()))
                })
                .unwrap_or_else(|| "PostgreSQL".into());
            Finding::Ok(format!(
                "{which}; backlings runs a private {version} in {} (it started in {:.1} s)",
                postgres::cluster_dir(&course.root).display(),
                started.elapsed().as_secs_f64()
            ))
        }
        Err(error) => Finding::Missing(format!("{which}.\n{error}")),
    }
}

/// Linux caps inotify watches per user; watch mode needs one per folder of the course.
fn file_watching(root: &Path) -> Finding {
    let Ok(limit) = std::fs::read_to_string("/proc/sys/fs/inotify/max_user_watches") else {
        return Finding::Ok("the system's file events (no inotify limit to check here)".into());
    };
    let limit: usize = limit.trim().parse().unwrap_or(usize::MAX);
    let folders = crate::tree::entries(root)
        .iter()
        .filter_map(|e| e.absolute.parent().map(Path::to_path_buf))
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    if limit < folders * 4 {
        return Finding::Advice(format!(
            "inotify allows {limit} watches per user and the course has {folders} folders: watch \
             mode may miss saves.\nRaise it: `sudo sysctl fs.inotify.max_user_watches=524288`, \
             or run `backlings watch --poll`."
        ));
    }
    Finding::Ok(format!(
        "inotify allows {limit} watches; the course has {folders} folders"
    ))
}

fn terminal() -> Finding {
    let colour = palette::enabled();
    let links = supports_hyperlinks::on(supports_hyperlinks::Stream::Stdout);
    let why_plain = if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        " (NO_COLOR is set)"
    } else if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        " (output is not a terminal)"
    } else {
        ""
    };
    let text = format!(
        "colour {}{why_plain}, clickable links {}",
        if colour { "on" } else { "off" },
        if links { "on" } else { "off" }
    );
    if colour {
        Finding::Ok(text)
    } else {
        Finding::Advice(format!(
            "{text}.\nbacklings works in plain text; `--color always` forces colour."
        ))
    }
}
