//! Which reports to write and where: each `--output` pairs with the `--format` before it, a
//! format without one goes to stdout (only one may), and every report goes to its place.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::{Meta, classroom, github, human, json, junit};
use crate::cli::ReportFormat;
use crate::grade::Report;
use crate::ui::palette::Palette;

/// Where one report goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Stdout,
    /// Created, or truncated when it exists.
    File(PathBuf),
}

/// The reports to write, in the order asked for.
pub type Plan = Vec<(ReportFormat, Destination)>;

/// The plan for `--format` and `--output` flags and the positions they sat at on the command
/// line (clap keeps each flag's order, not their order across two flags). Without positions,
/// each list's own order is used.
pub fn plan(
    formats: &[ReportFormat],
    format_at: &[usize],
    outputs: &[PathBuf],
    output_at: &[usize],
) -> Result<Plan> {
    pair(
        &positions(format_at, formats),
        &positions(output_at, outputs),
    )
}

fn positions<T: Clone>(at: &[usize], values: &[T]) -> Vec<(usize, T)> {
    if at.len() == values.len() {
        at.iter().copied().zip(values.iter().cloned()).collect()
    } else {
        values.iter().cloned().enumerate().collect()
    }
}

fn pair(formats: &[(usize, ReportFormat)], outputs: &[(usize, PathBuf)]) -> Result<Plan> {
    if formats.is_empty() {
        if let Some((_, path)) = outputs.first() {
            bail!(
                "`--output {}` needs a `--format` before it, e.g. `--format json --output {}`",
                path.display(),
                path.display()
            );
        }
        return Ok(vec![(ReportFormat::Human, Destination::Stdout)]);
    }
    let mut plan: Plan = formats
        .iter()
        .map(|(_, f)| (*f, Destination::Stdout))
        .collect();
    for (at, path) in outputs {
        let owner = formats.iter().rposition(|(f_at, _)| f_at < at);
        match owner {
            Some(i) if plan[i].1 == Destination::Stdout => {
                plan[i].1 = Destination::File(path.clone());
            }
            _ => bail!(
                "`--output {}` has no `--format` of its own before it; write each report as \
                 `--format FORMAT --output FILE`",
                path.display()
            ),
        }
    }
    let on_stdout = plan.iter().filter(|(_, d)| *d == Destination::Stdout);
    if on_stdout.count() > 1 {
        bail!(
            "more than one `--format` would print to stdout; give all but one an `--output FILE`"
        );
    }
    Ok(plan)
}

/// Writes one report. Colour goes only to stdout, and only when stdout takes it; a file is
/// always plain. The GitHub format also appends its summary to `$GITHUB_STEP_SUMMARY` when
/// that is set.
pub fn write(
    format: ReportFormat,
    destination: &Destination,
    report: &Report,
    meta: &Meta,
) -> Result<()> {
    match format {
        ReportFormat::Human => to(destination, |out, palette| {
            human::write(out, report, palette)
        }),
        ReportFormat::Json => to(destination, |out, _| json::write(out, report, meta)),
        ReportFormat::Junit => to(destination, |out, _| junit::write(out, report)),
        ReportFormat::Github => {
            let token = github::stop_token();
            to(destination, |out, _| github::write(out, report, &token))?;
            github::append_step_summary(report)
        }
        ReportFormat::Classroom => to(destination, |out, _| {
            classroom::write(out, report, meta.points_per_test)
        }),
    }
}

/// When grading could not run: the JSON and Classroom reports in the plan say why (`"status":
/// "error"`), so a tool reading them learns more than a missing file would tell it.
pub fn write_error(plan: &Plan, message: &str) -> Result<()> {
    for (format, destination) in plan {
        match format {
            ReportFormat::Json => to(destination, |out, _| json::write_error(out, message))?,
            ReportFormat::Classroom => {
                to(destination, |out, _| classroom::write_error(out, message))?
            }
            _ => {}
        }
    }
    Ok(())
}

/// Runs `write` on the destination, with the palette the destination takes: stdout's, or
/// none for a file.
pub(super) fn to(
    destination: &Destination,
    write: impl FnOnce(&mut dyn Write, Palette) -> Result<()>,
) -> Result<()> {
    match destination {
        Destination::File(path) => to_file(path, write),
        Destination::Stdout => {
            let mut out = std::io::stdout().lock();
            write(&mut out, Palette::stdout())?;
            out.flush()?;
            Ok(())
        }
    }
}

fn to_file(path: &Path, write: impl FnOnce(&mut dyn Write, Palette) -> Result<()>) -> Result<()> {
    let mut file = std::fs::File::create(path)
        .with_context(|| format!("cannot write the report `{}`", path.display()))?;
    write(&mut file, Palette::PLAIN).with_context(|| format!("cannot write `{}`", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReportFormat::*;

    fn paths(plan: &Plan) -> Vec<(ReportFormat, Option<&str>)> {
        plan.iter()
            .map(|(f, d)| match d {
                Destination::Stdout => (*f, None),
                Destination::File(path) => (*f, path.to_str()),
            })
            .collect()
    }

    #[test]
    fn each_output_goes_with_the_format_before_it() {
        let formats = [(1, Github), (3, Json), (7, Junit)];
        let outputs = [(5, PathBuf::from("g.json")), (9, PathBuf::from("j.xml"))];
        let plan = pair(&formats, &outputs).unwrap();
        assert_eq!(
            paths(&plan),
            [
                (Github, None),
                (Json, Some("g.json")),
                (Junit, Some("j.xml"))
            ]
        );
    }

    #[test]
    fn no_format_means_the_human_report_on_stdout() {
        assert_eq!(paths(&pair(&[], &[]).unwrap()), [(Human, None)]);
    }

    #[test]
    fn outputs_without_their_own_format_are_refused() {
        type Case<'a> = (&'a [(usize, ReportFormat)], &'a [(usize, PathBuf)]);
        let cases: &[Case] = &[
            (&[], &[(1, PathBuf::from("a"))]),
            (&[(3, Json)], &[(1, PathBuf::from("a"))]),
            (
                &[(1, Json)],
                &[(3, PathBuf::from("a")), (5, PathBuf::from("b"))],
            ),
            (&[(1, Json), (3, Human)], &[]),
        ];
        for (formats, outputs) in cases {
            assert!(pair(formats, outputs).is_err(), "{formats:?} {outputs:?}");
        }
    }
}
