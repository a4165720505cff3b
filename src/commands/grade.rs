//! `backlings grade`: grade a submission headlessly and write the reports asked for.
//!
//! Exit status: 0 when every graded day passes (or `--min-score` is met), 1 when not, 2 when
//! grading could not run (the reports asked for still say why).

use std::hash::{BuildHasher, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::cli::{GradeArgs, ReportFormat};
use crate::grade::{self, Report, Source};
use crate::report;

/// A report to write, and where (`None`: stdout).
type Plan = Vec<(ReportFormat, Option<PathBuf>)>;

pub fn grade(args: &GradeArgs) -> Result<ExitCode> {
    let plan = plan(args)?;
    match run(args) {
        Ok(report) => {
            for (format, path) in &plan {
                write(*format, path.as_deref(), &report)?;
            }
            Ok(exit_code(&report, args.min_score))
        }
        Err(error) => {
            let message = crate::chain(&error);
            for (format, path) in &plan {
                if *format == ReportFormat::Json {
                    to(path.as_deref(), |out| {
                        report::json::write_error(out, &message)
                    })?;
                }
            }
            Err(error)
        }
    }
}

fn run(args: &GradeArgs) -> Result<Report> {
    let source = match &args.course {
        Some(dir) => Source::directory(dir)?,
        None => Source::embedded()?,
    };
    let days = match &args.days {
        Some(spec) => {
            let last = source
                .course
                .exercises
                .iter()
                .map(|e| e.day)
                .max()
                .unwrap_or(0);
            Some(grade::days::parse(spec, last)?)
        }
        None => None,
    };
    let options = grade::Options {
        submission: args.submission.clone(),
        days,
        target_dir: args.target_dir.clone(),
        offline: args.offline,
        jobs: args.jobs,
    };
    grade::grade(&source, &options)
}

fn exit_code(report: &Report, min_score: Option<u8>) -> ExitCode {
    let passed = match min_score {
        Some(min) => report.percent() >= f64::from(min),
        None => report.all_passed(),
    };
    if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Pairs each `--output` with the `--format` written before it; a format without one prints to
/// stdout, and only one may.
fn plan(args: &GradeArgs) -> Result<Plan> {
    let formats: Vec<(usize, ReportFormat)> = positions(&args.format_at, &args.format);
    let outputs: Vec<(usize, PathBuf)> = positions(&args.output_at, &args.output);
    pair(&formats, &outputs)
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
        return Ok(vec![(ReportFormat::Human, None)]);
    }
    let mut plan: Plan = formats.iter().map(|(_, f)| (*f, None)).collect();
    for (at, path) in outputs {
        let owner = formats.iter().rposition(|(f_at, _)| f_at < at);
        match owner {
            Some(i) if plan[i].1.is_none() => plan[i].1 = Some(path.clone()),
            _ => bail!(
                "`--output {}` has no `--format` of its own before it; write each report as \
                 `--format FORMAT --output FILE`",
                path.display()
            ),
        }
    }
    if plan.iter().filter(|(_, path)| path.is_none()).count() > 1 {
        bail!(
            "more than one `--format` would print to stdout; give all but one an `--output FILE`"
        );
    }
    Ok(plan)
}

fn write(format: ReportFormat, path: Option<&Path>, report: &Report) -> Result<()> {
    match format {
        ReportFormat::Human => to(path, |out| report::human::write(out, report)),
        ReportFormat::Json => to(path, |out| report::json::write(out, report)),
        ReportFormat::Junit => to(path, |out| report::junit::write(out, report)),
        ReportFormat::Github => {
            to(path, |out| {
                report::github::write(out, report, &stop_token())
            })?;
            append_step_summary(report)
        }
    }
}

/// Runs `write` on the file at `path` (created or truncated), or on stdout.
fn to(path: Option<&Path>, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    match path {
        Some(path) => {
            let mut file = std::fs::File::create(path)
                .with_context(|| format!("cannot write the report `{}`", path.display()))?;
            write(&mut file).with_context(|| format!("cannot write `{}`", path.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            write(&mut out)?;
            out.flush()?;
            Ok(())
        }
    }
}

fn append_step_summary(report: &Report) -> Result<()> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") else {
        return Ok(());
    };
    let path = PathBuf::from(path);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .with_context(|| format!("cannot open the step summary `{}`", path.display()))?;
    file.write_all(report::github::summary(report).as_bytes())
        .with_context(|| format!("cannot write the step summary `{}`", path.display()))
}

/// A token learner output cannot predict, to fence it with `::stop-commands::`.
fn stop_token() -> String {
    let mut token = String::from("backlings-");
    for _ in 0..2 {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        hasher.write_u128(now.map_or(0, |d| d.as_nanos()));
        token.push_str(&format!("{:016x}", hasher.finish()));
    }
    token
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReportFormat::*;

    fn paths(plan: &Plan) -> Vec<(ReportFormat, Option<&str>)> {
        plan.iter()
            .map(|(f, p)| (*f, p.as_deref().and_then(Path::to_str)))
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

    #[test]
    fn stop_tokens_differ() {
        assert_ne!(stop_token(), stop_token());
    }
}
