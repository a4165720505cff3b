use super::*;

fn sh(script: &str) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(script);
    cmd
}

fn limits(timeout_ms: u64, cap: usize) -> Limits {
    Limits {
        timeout: Some(Duration::from_millis(timeout_ms)),
        output_cap: cap,
        ..Limits::default()
    }
}

#[test]
fn reports_exit_codes_and_output() {
    let out = run(sh("echo out; echo err >&2; exit 3"), &limits(10_000, 1024)).unwrap();
    assert_eq!(out.exit, Exit::Code(3));
    assert_eq!(out.stdout.text(), "out\n");
    assert_eq!(out.stderr.text(), "err\n");
}

#[test]
fn stops_a_process_at_its_timeout() {
    let out = run(sh("sleep 30"), &limits(200, 1024)).unwrap();
    assert_eq!(out.exit, Exit::TimedOut(Duration::from_millis(200)));
}

#[test]
fn caps_output_and_counts_what_was_dropped() {
    let out = run(sh("head -c 100000 /dev/zero"), &limits(10_000, 1000)).unwrap();
    assert_eq!(out.exit, Exit::Code(0));
    assert_eq!(out.stdout.len(), 1000);
    assert_eq!(out.stdout.dropped, 99_000);
    assert!(
        out.stdout
            .text()
            .contains("[... 96 KiB cut from this output ...]")
    );
}

#[test]
fn kills_children_left_running_by_the_process() {
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pid");
    let script = format!("sleep 60 & echo $! > {}; exit 0", pidfile.display());
    let out = run(sh(&script), &limits(10_000, 1024)).unwrap();
    assert_eq!(out.exit, Exit::Code(0));
    let pid: i32 = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // SIGKILL is delivered asynchronously: wait (bounded) for the kernel to finish the job.
    let alive = || {
        std::path::Path::new(&format!("/proc/{pid}")).exists()
            && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .unwrap_or_default()
                .contains(") Z")
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while alive() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(
        !alive(),
        "the background child {pid} outlived its parent's run"
    );
}

#[test]
fn a_cancelled_run_stops_early() {
    let cancel = Cancel::default();
    let limits = Limits {
        cancel: Some(cancel.clone()),
        output_cap: 10,
        ..Limits::default()
    };
    cancel.cancel();
    let out = run(sh("sleep 30"), &limits).unwrap();
    assert_eq!(out.exit, Exit::Cancelled);
}

#[test]
fn feeds_whole_lines_to_the_sink() {
    let lines = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = lines.clone();
    let limits = Limits {
        output_cap: 0,
        on_stdout_line: Some(Arc::new(move |l: &str| {
            seen.lock().unwrap().push(l.to_string())
        })),
        ..Limits::default()
    };
    run(sh("printf 'a\\nbb\\nccc'"), &limits).unwrap();
    assert_eq!(*lines.lock().unwrap(), ["a", "bb", "ccc"]);
}

#[test]
fn keeps_the_start_and_the_end_of_a_flood() {
    let script = "echo first; yes flood | head -c 200000; echo; echo last words";
    let out = run(sh(script), &limits(10_000, 100)).unwrap();
    let text = out.stdout.text();
    assert!(text.starts_with("first\n"), "{text}");
    assert!(text.ends_with("last words\n"), "{text}");
    assert_eq!(out.stdout.len(), 100);
}

#[test]
fn no_group_starts_once_all_were_killed_and_every_started_one_is_killed() {
    let groups: &'static Groups = Box::leak(Box::new(Groups::new()));
    let mut first = sh("sleep 30");
    isolate(&mut first);
    let (mut child, registered) = groups.spawn(&mut first).unwrap();
    groups.kill_all();
    let status = child.wait().unwrap();
    assert_eq!(
        exit_of(status),
        Exit::Signal(9),
        "the running group was killed"
    );
    drop(registered);
    let mut late = sh("sleep 30");
    isolate(&mut late);
    let refused = groups.spawn(&mut late).map(|_| ()).unwrap_err();
    assert_eq!(refused.kind(), io::ErrorKind::Interrupted);
}
