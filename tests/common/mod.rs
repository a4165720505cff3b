//! Helpers for running the real binary on fixture courses in temp directories.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const TODAY: &str = "2026-11-24";

/// A copy of a fixture course in a fresh temp directory.
pub struct Course {
    pub dir: tempfile::TempDir,
}

impl Course {
    pub fn fixture(name: &str) -> Course {
        let dir = tempfile::tempdir().expect("temp dir");
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        copy_dir(&source, dir.path());
        Course { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn write(&self, relative: &str, text: &str) {
        let path = self.file(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.file(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
    }

    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }
}

/// The binary's output, with text accessors.
pub struct Run {
    pub output: Output,
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    /// Asserts the exit code, showing both streams when it is wrong.
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code(),
            code,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }
}

pub fn backlings(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_backlings"));
    in_course(&mut cmd, dir);
    cmd
}

/// The environment every run of backlings gets: the course as working directory, no colour
/// overrides or target directory from the outer cargo, a fixed date, no input.
fn in_course(cmd: &mut Command, dir: &Path) {
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("DATABASE_URL")
        .env_remove("BACKLINGS_POSTGRES_BIN")
        .env("BACKLINGS_TODAY", TODAY)
        .stdin(std::process::Stdio::null());
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let output = backlings(dir)
        .args(args)
        .output()
        .expect("the backlings binary runs");
    Run { output }
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == "target" {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Whether a process is alive (and not a zombie).
pub fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            !stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
        .unwrap_or(false)
}

/// Pids whose command line contains every needle.
pub fn processes_matching(needles: &[&str]) -> Vec<i32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|entry| {
            let pid: i32 = entry.file_name().to_str()?.parse().ok()?;
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            let cmdline = String::from_utf8_lossy(&cmdline);
            needles.iter().all(|n| cmdline.contains(n)).then_some(pid)
        })
        .filter(|pid| alive(*pid))
        .collect()
}

/// Runs a shell `line` in `dir` with stdout on a terminal (a detached tmux session), waiting
/// (bounded) for its exit code; `None` when tmux is missing outside CI.
pub fn in_terminal(dir: &Path, line: &str) -> Option<i32> {
    if Command::new("tmux").arg("-V").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "CI must install tmux");
        eprintln!("tmux is not installed: skipping the terminal half of a test");
        return None;
    }
    let done = dir.join("exit-code");
    let _ = std::fs::remove_file(&done);
    let socket = format!(
        "backlings-term-{}-{}",
        std::process::id(),
        dir.display().to_string().replace('/', "_")
    );
    let tmux = Tmux(socket);
    let status = tmux
        .command()
        .args([
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "40",
        ])
        .arg("-c")
        .arg(dir)
        .args(["-e", &format!("BACKLINGS_TODAY={TODAY}")])
        .arg(format!(
            "env -u NO_COLOR -u CLICOLOR_FORCE -u CARGO_TARGET_DIR {line}; echo $? > {}",
            quoted(&done.display().to_string())
        ))
        .status()
        .expect("tmux starts");
    assert!(status.success());
    let start = std::time::Instant::now();
    loop {
        let code = std::fs::read_to_string(&done).unwrap_or_default();
        if code.ends_with('\n') {
            return Some(code.trim().parse().expect("an exit code"));
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(300),
            "`{line}` never ended"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// `arg` quoted for a POSIX shell.
pub fn quoted(arg: &str) -> String {
    format!("'{}'", arg.replace('\'', r"'\''"))
}

/// A tmux server of its own, killed on drop.
struct Tmux(String);

impl Tmux {
    fn command(&self) -> Command {
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &self.0]);
        cmd
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self
            .command()
            .arg("kill-server")
            .stderr(std::process::Stdio::null())
            .status();
    }
}

/// Whether `tool` (run with `-V`) is installed. A test that needs a missing tool fails under CI,
/// which must install it, and is skipped elsewhere with a notice written straight to the
/// terminal: libtest captures `eprintln!` of a passing test, and a silent skip reads as a pass.
pub fn has_tool(tool: &str) -> bool {
    let found = Command::new(tool).arg("-V").output().is_ok();
    needed(found, tool, &format!("apt-get install {tool}"))
}

/// `found`, or (a skip outside CI, a failure under CI) false with a notice naming `what` and how
/// to get it.
pub fn needed(found: bool, what: &str, install: &str) -> bool {
    if found {
        return true;
    }
    // libtest names each test's thread after the test.
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must install {what} for `{test}` ({install})"
    );
    let notice = format!("\nSKIPPED `{test}`: {what} is not installed ({install})\n");
    let _ = std::io::Write::write_all(&mut std::io::stderr(), notice.as_bytes());
    false
}

/// Runs backlings in `dir` under strace, which kills it with `SIGKILL` at its `nth` call of
/// `syscall`: a crash at a chosen moment, the same on every run. `None` when strace is missing.
pub fn run_killed_at(dir: &Path, syscall: &str, nth: usize, args: &[&str]) -> Option<Run> {
    if !has_tool("strace") {
        return None;
    }
    let mut cmd = Command::new("strace");
    cmd.args(["-f", "-qq", "-o", "/dev/null"])
        .arg(format!("--trace={syscall}"))
        .arg(format!("--inject={syscall}:signal=KILL:when={nth}"))
        .arg(env!("CARGO_BIN_EXE_backlings"))
        .args(args);
    in_course(&mut cmd, dir);
    let output = cmd.output().expect("strace runs");
    Some(Run { output })
}

/// Whether a run ended by `SIGKILL`.
pub fn killed(run: &Run) -> bool {
    use std::os::unix::process::ExitStatusExt;
    run.output.status.signal() == Some(9) || run.code() == 137
}

/// Runs backlings in `dir` with `read_only` unwritable. As root (who writes through
/// permissions) that is a read-only bind mount in a mount namespace of the run's own, which
/// vanishes with it; for anyone else the directory's write permission is taken away for the
/// run. `None` when neither can be done here (skipped with a notice; a failure under CI).
pub fn run_read_only(
    dir: &Path,
    read_only: &Path,
    env: &[(&str, &Path)],
    args: &[&str],
) -> Option<Run> {
    let binary = env!("CARGO_BIN_EXE_backlings");
    // `/proc/self` belongs to the process's effective user.
    let as_root =
        std::os::unix::fs::MetadataExt::uid(&std::fs::metadata("/proc/self").unwrap()) == 0;
    let mut cmd = if as_root {
        if !has_tool("unshare") {
            return None;
        }
        let mut cmd = Command::new("unshare");
        cmd.args(["--mount", "--propagation", "private", "--", "sh", "-c"])
            .arg(r#"mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@""#)
            .arg(read_only)
            .arg(binary);
        cmd
    } else {
        set_writable(read_only, false);
        Command::new(binary)
    };
    cmd.args(args);
    in_course(&mut cmd, dir);
    for (key, value) in env {
        cmd.env(key, value);
    }
    let output = cmd.output().expect("the command runs");
    if !as_root {
        set_writable(read_only, true);
    }
    let run = Run { output };
    if as_root && run.stderr().starts_with("unshare:") {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must allow `unshare --mount` for the read-only tests: {}",
            run.stderr()
        );
        let notice = format!("\nSKIPPED a read-only test: {}", run.stderr());
        let _ = std::io::Write::write_all(&mut std::io::stderr(), notice.as_bytes());
        return None;
    }
    Some(run)
}

fn set_writable(dir: &Path, writable: bool) {
    use std::os::unix::fs::PermissionsExt;
    let mode = if writable { 0o755 } else { 0o555 };
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).unwrap();
}
