//! Shell completion scripts and the man page, both generated from the clap definition.
//!
//! clap's dynamic completion (asking the binary at every Tab) is still unstable, so the scripts
//! are static: the days to complete are written into them when they are generated, from the
//! course built into backlings. bash and zsh get them from clap's generator; fish's generator
//! leaves positional values out, so its lines are added here; elvish and PowerShell complete
//! commands and flags only.

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;
use clap::builder::PossibleValue;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::course::Exercise;

/// Writes the completion script for `shell`, completing each `DAY` argument with `days`'
/// numbers and names (each with its title as the description where the shell shows one).
pub fn write_script(shell: Shell, days: &[Exercise], out: &mut dyn Write) -> Result<()> {
    let mut command = with_days(Cli::command(), days);
    // clap_complete panics on a failed write (`| head` closing the pipe): generate into memory,
    // then write, so the error comes back instead.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "backlings", &mut script);
    if shell == Shell::Fish {
        script.extend_from_slice(fish_days(&command).as_bytes());
    }
    out.write_all(&script)?;
    Ok(())
}

/// fish lines completing each subcommand's `day` with the values [`with_days`] gave it.
fn fish_days(command: &clap::Command) -> String {
    let mut lines = String::new();
    for sub in command.get_subcommands() {
        let Some(day) = sub.get_arguments().find(|arg| arg.get_id() == "day") else {
            continue;
        };
        for value in day.get_possible_values() {
            let help = value
                .get_help()
                .map(ToString::to_string)
                .unwrap_or_default();
            lines.push_str(&format!(
                "complete -c backlings -n \"__fish_backlings_using_subcommand {}\" -f -a '{}' -d '{}'\n",
                sub.get_name(),
                fish_quoted(value.get_name()),
                fish_quoted(&help)
            ));
        }
    }
    lines
}

/// Text for inside fish's single quotes, where only `\\` and `'` are special.
fn fish_quoted(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\'', "\\'")
}

/// Writes the man page, `backlings(1)`, in roff.
pub fn write_man_page(out: &mut dyn Write) -> Result<()> {
    clap_mangen::Man::new(Cli::command()).render(out)?;
    Ok(())
}

/// `command` with every subcommand's `day` argument offering `days` as its values. Only for
/// generating scripts: parsing keeps accepting any text, so a misspelt day still gets its
/// "did you mean" from the course.
fn with_days(command: clap::Command, days: &[Exercise]) -> clap::Command {
    if days.is_empty() {
        return command;
    }
    let values: Vec<PossibleValue> = days
        .iter()
        .map(|e| PossibleValue::new(e.day.to_string()).help(format!("{}: {}", e.name, e.title)))
        .chain(
            days.iter()
                .map(|e| PossibleValue::new(e.name.clone()).help(e.title.clone())),
        )
        .collect();
    let names: Vec<String> = command
        .get_subcommands()
        .filter(|sub| sub.get_arguments().any(|arg| arg.get_id() == "day"))
        .map(|sub| sub.get_name().to_string())
        .collect();
    names.iter().fold(command, |command, name| {
        let values = values.clone();
        command.mut_subcommand(name, |sub| {
            sub.mut_arg("day", |arg| arg.value_parser(values))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(day: u32, name: &str, title: &str) -> Exercise {
        Exercise {
            name: name.into(),
            day,
            title: title.into(),
            topics: Vec::new(),
            hints: Vec::new(),
            timeout: std::time::Duration::from_secs(1),
            starter_may_pass: None,
            serve: None,
            database: None,
        }
    }

    #[test]
    fn every_day_argument_offers_the_days_by_number_and_name() {
        let days = [day(1, "day01_tcp", "Echo"), day(2, "day02_http", "Parse")];
        let command = with_days(Cli::command(), &days);
        let mut offered = Vec::new();
        for sub in command.get_subcommands() {
            if let Some(arg) = sub.get_arguments().find(|a| a.get_id() == "day") {
                let values: Vec<String> = arg
                    .get_possible_values()
                    .iter()
                    .map(|v| v.get_name().to_string())
                    .collect();
                offered.push((sub.get_name().to_string(), values));
            }
        }
        let names: Vec<&str> = offered.iter().map(|(n, _)| n.as_str()).collect();
        for expected in ["run", "hint", "serve", "go", "reset"] {
            assert!(names.contains(&expected), "{expected} in {names:?}");
        }
        for (name, values) in &offered {
            assert_eq!(values, &["1", "2", "day01_tcp", "day02_http"], "{name}");
        }
    }

    #[test]
    fn bash_zsh_and_fish_scripts_name_the_days() {
        let days = [day(7, "day07_limits", "Rate 'limits'")];
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let mut script = Vec::new();
            write_script(shell, &days, &mut script).unwrap();
            let script = String::from_utf8(script).unwrap();
            assert!(script.contains("day07_limits"), "{shell}: {script}");
        }
        let mut fish = Vec::new();
        write_script(Shell::Fish, &days, &mut fish).unwrap();
        let line = "complete -c backlings -n \"__fish_backlings_using_subcommand go\" -f -a '7' \
                    -d 'day07_limits: Rate \\'limits\\''";
        assert!(String::from_utf8(fish).unwrap().contains(line));
    }
}
