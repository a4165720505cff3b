//! A PostgreSQL for the days that need one, given to their tests and programs as
//! `DATABASE_URL`:
//!
//! 1. the learner's own `DATABASE_URL`, when it is set (a container, a managed database);
//! 2. else a private cluster under the course's `.backlings/postgres/`, when PostgreSQL's
//!    server programs are installed ([`install`]): created on first need, started once per
//!    backlings process and reused by every run of it, stopped when the last backlings using
//!    it exits ([`cluster`]);
//! 3. else [`NeedsPostgres`]: what to install, one command per platform.

pub mod cluster;
pub mod install;

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Result, bail};

/// How long a database named by `DATABASE_URL` may take to accept a connection.
const REACH_TIMEOUT: Duration = Duration::from_secs(3);

/// No database is given and none can be started: what the learner can do, one command each.
#[derive(Debug)]
pub struct NeedsPostgres {
    pub day: String,
    /// Why backlings could not start one itself, when it tried.
    pub why: Option<String>,
}

impl std::fmt::Display for NeedsPostgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{} needs PostgreSQL, and none is available.", self.day)?;
        match &self.why {
            Some(why) => writeln!(f, "  {why}")?,
            None => write!(
                f,
                "  backlings starts a private one when PostgreSQL's server programs are \
                 installed (initdb, pg_ctl); none were found on PATH or in the usual places.\n\
                 \x20 Install them, then run again:\n\
                 \x20   Debian/Ubuntu: sudo apt install postgresql\n\
                 \x20   macOS:         brew install postgresql@16\n"
            )?,
        }
        write!(
            f,
            "  Or give backlings a database of your own:\n\
             \x20   docker run -d --name backlings-pg -p 5432:5432 -e POSTGRES_PASSWORD=backlings postgres:16\n\
             \x20   export DATABASE_URL=postgres://postgres:backlings@127.0.0.1:5432/postgres\n\
             \x20 `backlings doctor` checks what the course needs."
        )
    }
}

impl std::error::Error for NeedsPostgres {}

/// The clusters this process has started or joined, stopped by [`release_all`].
static JOINED: Mutex<Vec<cluster::Membership>> = Mutex::new(Vec::new());

/// The `DATABASE_URL` for `day` of the course at `root` (see the module's doc). A private
/// cluster found stopped or broken is started or recreated here, with a notice on stderr.
pub fn database_url(root: &Path, day: &str) -> Result<String> {
    if let Some(url) = std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        check_reachable(&url)?;
        return Ok(url);
    }
    let Some(programs) = install::find() else {
        bail!(NeedsPostgres {
            day: day.to_string(),
            why: None,
        });
    };
    let dir = cluster_dir(root);
    let mut joined = JOINED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(member) = joined.iter().find(|m| m.dir() == dir && m.is_up()) {
        return Ok(member.url());
    }
    let member = cluster::join(&dir, &programs).map_err(|why| NeedsPostgres {
        day: day.to_string(),
        why: Some(why),
    })?;
    let url = member.url();
    joined.retain(|m| m.dir() != dir);
    joined.push(member);
    Ok(url)
}

/// Leaves every cluster this process joined, stopping those no other backlings uses. Called
/// on the way out, however backlings exits short of being killed.
pub fn release_all() {
    let members = std::mem::take(&mut *JOINED.lock().unwrap_or_else(|e| e.into_inner()));
    for member in members {
        member.leave();
    }
}

/// The course's private cluster folder.
pub fn cluster_dir(root: &Path) -> PathBuf {
    root.join(".backlings").join("postgres")
}

/// Fails within seconds, with what to do, when the server `url` names does not answer.
pub fn check_reachable(url: &str) -> Result<()> {
    let Some(target) = host_port(url) else {
        // A socket path or a form we do not parse: the driver will say what is wrong.
        return Ok(());
    };
    let shown = redact(url);
    let addrs: Vec<SocketAddr> = match target.to_socket_addrs() {
        Ok(addrs) => addrs.collect(),
        Err(e) => bail!(
            "DATABASE_URL ({shown}) names a host that cannot be found: {e}.\n  \
             Fix the URL, or unset DATABASE_URL to let backlings start its own PostgreSQL."
        ),
    };
    let mut last = None;
    for addr in &addrs {
        match TcpStream::connect_timeout(addr, REACH_TIMEOUT) {
            Ok(_) => return Ok(()),
            Err(e) => last = Some(e),
        }
    }
    let why = last.map_or_else(|| "no address".to_string(), |e| e.to_string());
    bail!(
        "DATABASE_URL ({shown}) does not answer: {why}.\n  \
         Start that database, fix the URL, or unset DATABASE_URL to let backlings start its \
         own PostgreSQL."
    )
}

/// `host:port` of a `postgres://` or `postgresql://` URL (port 5432 when absent); `None` for
/// a URL without a TCP host.
fn host_port(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))?;
    let authority = rest.split(['/', '?']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port.is_empty() || host_port.starts_with('%') || host_port.contains(',') {
        return None;
    }
    let has_port = match host_port.rsplit_once(':') {
        Some((host, port)) => !host.ends_with(':') && port.parse::<u16>().is_ok(),
        None => false,
    };
    Some(if has_port {
        host_port.to_string()
    } else {
        format!("{host_port}:5432")
    })
}

/// `url` with its password replaced by `***`, fit to print.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => format!("{scheme}://{name}:***@{host}{tail}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_host_and_port_of_a_url() {
        let cases = [
            ("postgres://u:p@127.0.0.1:5433/db", Some("127.0.0.1:5433")),
            (
                "postgresql://db.example.com/app",
                Some("db.example.com:5432"),
            ),
            ("postgres://localhost", Some("localhost:5432")),
            (
                "postgres://u@[::1]:6000/x?sslmode=disable",
                Some("[::1]:6000"),
            ),
            ("postgres://%2Ftmp%2Fsock/db", None),
            ("mysql://localhost/db", None),
        ];
        for (url, expected) in cases {
            assert_eq!(host_port(url).as_deref(), expected, "{url}");
        }
    }

    #[test]
    fn never_prints_a_password() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/app"),
            "postgres://app:***@db:5432/app"
        );
        assert_eq!(redact("postgres://app@db/app"), "postgres://app@db/app");
    }

    #[test]
    fn a_url_pointing_nowhere_fails_at_once_with_what_to_do() {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let url = format!("postgres://x:pw@127.0.0.1:{port}/db");
        let error = check_reachable(&url).unwrap_err().to_string();
        assert!(error.contains("does not answer"), "{error}");
        assert!(error.contains("unset DATABASE_URL"), "{error}");
        assert!(!error.contains("pw"), "{error}");
    }

    #[test]
    fn a_server_that_cannot_start_is_not_told_to_install_one() {
        let text = NeedsPostgres {
            day: "day13_transactions".into(),
            why: Some("PostgreSQL refuses to run as root".into()),
        }
        .to_string();
        assert!(text.contains("refuses to run as root"), "{text}");
        assert!(!text.contains("apt install"), "{text}");
        assert!(text.contains("DATABASE_URL="), "{text}");
    }

    #[test]
    fn the_needs_postgres_message_has_a_command_for_each_platform() {
        let text = NeedsPostgres {
            day: "day13_transactions".into(),
            why: None,
        }
        .to_string();
        for needle in [
            "day13_transactions needs PostgreSQL",
            "apt install postgresql",
            "brew install postgresql",
            "docker run",
            "DATABASE_URL=",
        ] {
            assert!(text.contains(needle), "{needle} missing from:\n{text}");
        }
    }
}
