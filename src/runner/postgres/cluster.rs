//! The course's private PostgreSQL cluster, in `.backlings/postgres/`:
//!
//! ```text
//! data/        the cluster (initdb), created on first need, recreated when broken
//! log          the server's log, whose last lines explain a failed start
//! users/PID    one file per backlings process using the cluster
//! ```
//!
//! The server listens on a free loopback port (no Unix socket: a course's path can be longer
//! than a socket path may be) and trusts local connections as the role `backlings`, which owns
//! it. It is started by the first backlings that needs it and stopped by the last one to leave;
//! a server left running by a killed backlings is found through `postmaster.pid` and used.
//! PostgreSQL refuses to run as root: a root backlings runs it as the user `postgres` (or
//! `nobody`), which must be able to reach the course folder.

use std::fs;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::time::Duration;

use super::install::Programs;

/// The role that owns the private cluster.
pub const ROLE: &str = "backlings";
/// Waiting for the server to accept connections after a start.
const START_TIMEOUT_SECS: u32 = 60;
/// A connection probe to a running server.
const PROBE_TIMEOUT: Duration = Duration::from_millis(500);
/// Starts tried when a free port is taken between our probe and the server's bind.
const PORT_ATTEMPTS: usize = 3;

/// What the last [`join`] had to do that the learner should hear of (a cluster created or
/// recreated); drained by [`take_notices`].
static NOTICES: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Notices since the last call, oldest first.
pub fn take_notices() -> Vec<String> {
    std::mem::take(&mut *NOTICES.lock().unwrap_or_else(|e| e.into_inner()))
}

fn notice(text: String) {
    NOTICES.lock().unwrap_or_else(|e| e.into_inner()).push(text);
}

/// This process's use of a running cluster.
#[derive(Debug)]
pub struct Membership {
    dir: PathBuf,
    port: u16,
    server: Server,
}

impl Membership {
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The URL of the cluster's maintenance database, as the owning role.
    pub fn url(&self) -> String {
        format!("postgres://{ROLE}@127.0.0.1:{}/postgres", self.port)
    }

    /// Whether the server still accepts connections.
    pub fn is_up(&self) -> bool {
        accepts(self.port)
    }

    /// Stops using the cluster; the last user stops the server.
    pub fn leave(self) {
        let _ = fs::remove_file(user_file(&self.dir, std::process::id()));
        if other_users(&self.dir).is_empty() {
            let _ = self
                .server
                .pg_ctl(&["stop", "-m", "fast", "-w", "-t", "30"]);
        }
    }
}

/// Uses the cluster in `dir`: the running server if there is one, else starts it, creating or
/// recreating the cluster first when needed. The error says why and what to do.
pub fn join(dir: &Path, programs: &Programs) -> Result<Membership, String> {
    fs::create_dir_all(dir.join("users"))
        .map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    let server = Server::new(dir, programs)?;
    let port = match server.running() {
        Some(port) => port,
        None => server.start()?,
    };
    fs::write(user_file(dir, std::process::id()), "")
        .map_err(|e| format!("cannot write in `{}`: {e}", dir.display()))?;
    Ok(Membership {
        dir: dir.to_path_buf(),
        port,
        server,
    })
}

/// How to run the server programs on one cluster, and as whom.
#[derive(Debug)]
struct Server {
    dir: PathBuf,
    programs: Programs,
    /// The unprivileged user to run as, when backlings runs as root.
    account: Option<Account>,
}

#[derive(Debug, Clone)]
struct Account {
    name: String,
    uid: u32,
    gid: u32,
}

impl Server {
    fn new(dir: &Path, programs: &Programs) -> Result<Server, String> {
        let account = if nix::unistd::geteuid().is_root() {
            Some(unprivileged(dir)?)
        } else {
            None
        };
        Ok(Server {
            dir: dir.to_path_buf(),
            programs: programs.clone(),
            account,
        })
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn log(&self) -> PathBuf {
        self.dir.join("log")
    }

    /// The port of a server already running on this cluster, if one accepts connections.
    fn running(&self) -> Option<u16> {
        let pid_file = fs::read_to_string(self.data().join("postmaster.pid")).ok()?;
        let mut lines = pid_file.lines();
        let pid: i32 = lines.next()?.trim().parse().ok()?;
        let port: u16 = lines.nth(2)?.trim().parse().ok()?;
        (alive(pid) && accepts(port)).then_some(port)
    }

    /// Starts the server (creating the cluster when there is none) and returns its port.
    fn start(&self) -> Result<u16, String> {
        let created = self.ensure_created()?;
        let why = match self.start_on_a_free_port() {
            Ok(port) => return Ok(port),
            Err(why) => why,
        };
        // Another backlings started it just now.
        if let Some(port) = self.running() {
            return Ok(port);
        }
        if created {
            return Err(why);
        }
        notice(format!(
            "The private PostgreSQL in {} would not start ({why}); it holds only test data, \
             so backlings recreated it.",
            self.dir.display()
        ));
        self.recreate()?;
        self.start_on_a_free_port()
    }

    /// Creates the cluster when `data/` is missing or is not a cluster. True when it did.
    fn ensure_created(&self) -> Result<bool, String> {
        if self.data().join("PG_VERSION").is_file() {
            return Ok(false);
        }
        if self.data().exists() {
            notice(format!(
                "{} was not a PostgreSQL cluster (deleted in part?); backlings recreated it.",
                self.data().display()
            ));
        } else {
            notice(format!(
                "Created a private PostgreSQL for the course in {} (once; it starts when a \
                 day needs it and stops when backlings exits).",
                self.dir.display()
            ));
        }
        self.recreate()?;
        Ok(true)
    }

    fn recreate(&self) -> Result<(), String> {
        if self.data().exists() {
            fs::remove_dir_all(self.data())
                .map_err(|e| format!("cannot remove `{}`: {e}", self.data().display()))?;
        }
        self.hand_over(&self.dir)?;
        let data = self.data();
        let out = self.run(
            Command::new(self.programs.initdb())
                .arg("-D")
                .arg(&data)
                .args(["-U", ROLE, "--auth=trust", "--encoding=UTF8", "--no-locale"])
                .arg("--no-sync"),
        )?;
        if !out.status.success() {
            return Err(format!(
                "initdb failed: {}",
                last_lines(&String::from_utf8_lossy(&out.stderr), 3)
            ));
        }
        Ok(())
    }

    fn start_on_a_free_port(&self) -> Result<u16, String> {
        let mut why = String::new();
        for _ in 0..PORT_ATTEMPTS {
            let port = free_port().ok_or("no free loopback port")?;
            self.hand_over(&self.log())?;
            let mut options = format!(
                "-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' \
                 -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
                 -c max_connections=200"
            );
            // A test killed at its time limit leaves its query running; since PostgreSQL 14
            // the server notices the client is gone and cancels it.
            if self.programs.major().is_some_and(|v| v >= 14) {
                options.push_str(" -c client_connection_check_interval=1000");
            }
            let log = self.log();
            let timeout = START_TIMEOUT_SECS.to_string();
            let out = self.pg_ctl_with(&["start", "-w", "-t", &timeout, "-o", &options], &log)?;
            if out.status.success() && accepts(port) {
                return Ok(port);
            }
            why = last_lines(&fs::read_to_string(&log).unwrap_or_default(), 2);
            if !why.contains("ddress already in use") {
                break;
            }
        }
        Err(if why.is_empty() {
            "the server did not start".into()
        } else {
            why
        })
    }

    fn pg_ctl(&self, args: &[&str]) -> Result<Output, String> {
        let mut cmd = Command::new(self.programs.pg_ctl());
        cmd.arg("-D").arg(self.data()).args(args);
        self.run(&mut cmd)
    }

    fn pg_ctl_with(&self, args: &[&str], log: &Path) -> Result<Output, String> {
        let mut cmd = Command::new(self.programs.pg_ctl());
        cmd.arg("-D").arg(self.data()).arg("-l").arg(log).args(args);
        self.run(&mut cmd)
    }

    /// Runs a server program, as the unprivileged account when there is one.
    fn run(&self, cmd: &mut Command) -> Result<Output, String> {
        use std::os::unix::process::CommandExt;
        if let Some(account) = &self.account {
            cmd.uid(account.uid).gid(account.gid).env("HOME", &self.dir);
        }
        // Settings of the learner's own PostgreSQL must not leak into the private cluster.
        for var in ["PGDATA", "PGPORT", "PGHOST", "PGUSER", "PGOPTIONS"] {
            cmd.env_remove(var);
        }
        cmd.stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| format!("cannot run `{}`: {e}", self.programs.bin.display()))
    }

    /// Gives `path` to the unprivileged account, if any (the log file is created first).
    fn hand_over(&self, path: &Path) -> Result<(), String> {
        let Some(account) = &self.account else {
            return Ok(());
        };
        if !path.exists() {
            fs::write(path, "").map_err(|e| format!("cannot create `{}`: {e}", path.display()))?;
        }
        let owner = Some(nix::unistd::Uid::from_raw(account.uid));
        let group = Some(nix::unistd::Gid::from_raw(account.gid));
        nix::unistd::chown(path, owner, group).map_err(|e| {
            format!(
                "cannot give `{}` to the user `{}`: {e}",
                path.display(),
                account.name
            )
        })
    }
}

/// The account a root backlings runs PostgreSQL as, if it can reach `dir`.
fn unprivileged(dir: &Path) -> Result<Account, String> {
    let user = ["postgres", "nobody"]
        .iter()
        .find_map(|name| nix::unistd::User::from_name(name).ok().flatten())
        .ok_or("PostgreSQL refuses to run as root, and this system has neither a `postgres` nor a `nobody` user to run it as: run backlings as a normal user, or set DATABASE_URL")?;
    if let Some(blocked) = unreachable_ancestor(dir, user.uid.as_raw()) {
        return Err(format!(
            "PostgreSQL refuses to run as root, so backlings runs it as the user `{}`, who \
             cannot enter `{}`. Run backlings as a normal user, allow it in \
             (`chmod o+x {}`), or set DATABASE_URL.",
            user.name,
            blocked.display(),
            blocked.display()
        ));
    }
    Ok(Account {
        name: user.name,
        uid: user.uid.as_raw(),
        gid: user.gid.as_raw(),
    })
}

/// The first existing ancestor of `dir` that `uid` (not in its group) cannot enter.
fn unreachable_ancestor(dir: &Path, uid: u32) -> Option<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    dir.ancestors().skip(1).find_map(|ancestor| {
        let meta = fs::metadata(ancestor).ok()?;
        let enters = meta.uid() == uid || meta.mode() & 0o001 != 0;
        (!enters).then(|| ancestor.to_path_buf())
    })
}

fn user_file(dir: &Path, pid: u32) -> PathBuf {
    dir.join("users").join(pid.to_string())
}

/// The live processes other than this one registered as users of the cluster.
fn other_users(dir: &Path) -> Vec<i32> {
    let Ok(entries) = fs::read_dir(dir.join("users")) else {
        return Vec::new();
    };
    let me = std::process::id() as i32;
    entries
        .flatten()
        .filter_map(|entry| {
            let pid: i32 = entry.file_name().to_str()?.parse().ok()?;
            if pid != me && alive(pid) {
                return Some(pid);
            }
            // Left by a backlings that was killed.
            let _ = fs::remove_file(entry.path());
            None
        })
        .filter(|pid| *pid != me)
        .collect()
}

fn alive(pid: i32) -> bool {
    use nix::sys::signal::kill;
    use nix::unistd::Pid;
    // EPERM: the process exists but belongs to someone else (the server, under root).
    matches!(
        kill(Pid::from_raw(pid), None),
        Ok(()) | Err(nix::errno::Errno::EPERM)
    )
}

fn accepts(port: u16) -> bool {
    TcpStream::connect_timeout(&SocketAddr::from(([127, 0, 0, 1], port)), PROBE_TIMEOUT).is_ok()
}

fn free_port() -> Option<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").ok()?;
    listener.local_addr().ok().map(|a| a.port())
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join(" / ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_folder_an_account_cannot_enter() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let closed = root.path().join("closed");
        let inner = closed.join("course/.backlings/postgres");
        fs::create_dir_all(&inner).unwrap();
        fs::set_permissions(&closed, fs::Permissions::from_mode(0o700)).unwrap();
        fs::set_permissions(root.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let nobody = 65534;
        assert_eq!(unreachable_ancestor(&inner, nobody), Some(closed.clone()));
        fs::set_permissions(&closed, fs::Permissions::from_mode(0o711)).unwrap();
        assert_eq!(unreachable_ancestor(&inner, nobody), None);
    }

    #[test]
    fn users_left_by_a_killed_backlings_do_not_count() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("users")).unwrap();
        let mut child = Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        fs::write(user_file(dir.path(), dead), "").unwrap();
        fs::write(user_file(dir.path(), std::process::id()), "").unwrap();
        assert!(other_users(dir.path()).is_empty());
        assert!(!user_file(dir.path(), dead).exists());
    }

    #[test]
    fn keeps_the_last_lines_of_a_log() {
        assert_eq!(last_lines("a\n\nb\nc\n", 2), "b / c");
        assert_eq!(last_lines("", 2), "");
    }
}
