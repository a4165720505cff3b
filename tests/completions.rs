//! `backlings completions SHELL` and `backlings man`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of a test crate: a panic is a failing test"
)]

mod common;

use std::process::Command;

fn backlings(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let run = common::run_in(dir.path(), args);
    run.expect_code(0);
    run.stdout()
}

#[test]
fn each_shell_gets_a_script_completing_commands_and_days() {
    for (shell, first) in [
        ("bash", "_backlings() {"),
        ("zsh", "#compdef backlings"),
        ("fish", "complete -c backlings"),
        ("elvish", "use builtin;"),
        ("powershell", "using namespace System.Management.Automation"),
    ] {
        let script = backlings(&["completions", shell]);
        assert!(script.contains(first), "{shell}: {script:.200}");
        assert!(script.contains("serve"), "{shell} completes commands");
        if ["bash", "zsh", "fish"].contains(&shell) {
            assert!(script.contains("day01_"), "{shell} completes days");
        }
    }
}

#[test]
fn bash_loads_the_script_and_completes_a_day_by_name() {
    let script = backlings(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("backlings.bash");
    std::fs::write(&path, script).unwrap();
    // What bash's completion does on `backlings run day0<Tab>`.
    let probe = format!(
        "source '{}'; COMP_WORDS=(backlings run day0); COMP_CWORD=2; COMP_LINE='backlings run day0'; \
         COMP_POINT=${{#COMP_LINE}}; _backlings backlings day0 run; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path.display()
    );
    let out = Command::new("bash").args(["-c", &probe]).output().unwrap();
    let replies = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        replies.lines().any(|l| l.starts_with("day01_")),
        "{replies}"
    );
    assert!(replies.lines().all(|l| l.starts_with("day0")), "{replies}");
}

#[test]
fn the_man_page_is_roff_naming_every_command() {
    let page = backlings(&["man"]);
    assert!(page.contains(".TH backlings 1"), "{page:.300}");
    for command in ["grade", "completions", "serve"] {
        assert!(page.contains(command), "the man page lacks `{command}`");
    }
}
