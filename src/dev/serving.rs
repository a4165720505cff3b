//! `dev check`'s proof that each servable day's solution is a service: its binary starts with
//! the environment `backlings serve` gives it and listens on the port it is told.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;

use super::Problem;
use super::listing::Day;
use super::subject::Subject;
use crate::course::Course;
use crate::runner::cargo::{self, BuildOptions};
use crate::runner::service::{Listening, Service};

/// How long a solution may take from its start to accepting connections.
const LISTEN_TIMEOUT: Duration = Duration::from_secs(20);
/// How long it has to stop after SIGTERM.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// Builds the solutions of the servable `days` (package names given) and starts each one.
pub fn solutions_listen(
    subject: &Subject,
    days: &[(&Day, &str)],
    problems: &mut Vec<Problem>,
) -> Result<()> {
    let servable: Vec<&(&Day, &str)> = days.iter().filter(|(day, _)| day.serve.is_some()).collect();
    if servable.is_empty() {
        return Ok(());
    }
    // The strict model has each day's environment; without it (a broken info.toml, reported
    // on its own) the services start with the port and data folder alone.
    let course = Course::load(&subject.root).ok();
    let packages: Vec<&str> = servable.iter().map(|(_, package)| *package).collect();
    let options = BuildOptions {
        binaries: true,
        ..BuildOptions::default()
    };
    let build = cargo::build_tests(&subject.root, &packages, &options)?;
    for (day, _) in servable {
        let file = format!("solutions/{}/src/main.rs", day.name);
        let Some(binary) = build.binaries.get(&day.name) else {
            problems.push(Problem::new(
                file,
                "the solution's program does not build",
                "`cargo build -p` the solution to see why",
            ));
            continue;
        };
        let mut cmd = Command::new(binary);
        cmd.current_dir(subject.root.join("solutions").join(&day.name));
        if day.postgres {
            let url = crate::runner::postgres::database_url(&subject.root, &day.name)?;
            cmd.env("DATABASE_URL", url);
        }
        if let Some(problem) = listens(cmd, day, course.as_ref()) {
            problems.push(Problem::new(
                file,
                problem,
                "`backlings serve` it to see what it does",
            ));
        }
    }
    Ok(())
}

/// Why the service did not listen, if it did not.
fn listens(mut cmd: Command, day: &Day, course: Option<&Course>) -> Option<String> {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .ok()?;
    let data = tempfile::tempdir().ok()?;
    cmd.env("PORT", port.to_string())
        .env("DATA_DIR", data.path());
    let serve = course
        .and_then(|c| c.exercises.iter().find(|e| e.name == day.name))
        .and_then(|e| e.serve.as_ref());
    if let Some(serve) = serve {
        cmd.envs(serve.env_for(port, data.path(), |_| false));
    }
    let mut service = match Service::start(cmd, Arc::new(|_, _: &str| {})) {
        Ok(service) => service,
        Err(e) => return Some(format!("the solution's program does not start: {e}")),
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let why = match service.wait_listening(addr, LISTEN_TIMEOUT) {
        Listening::Ready => None,
        Listening::Exited(exit) => Some(format!(
            "the solution's program exited ({exit:?}) before it listened on the port in `PORT`; \
             its last lines: {}",
            service.last_lines().join(" | ")
        )),
        Listening::TimedOut => Some(format!(
            "the solution's program does not listen on the port in `PORT` within {} s",
            LISTEN_TIMEOUT.as_secs()
        )),
    };
    service.stop(STOP_GRACE);
    why
}
