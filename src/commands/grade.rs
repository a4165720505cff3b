//! `backlings grade`: grade a submission headlessly and write the reports asked for.
//!
//! Exit status: 0 when every graded day passes (or `--min-score` is met), 1 when not, 2 when
//! grading could not run (the reports asked for still say why).

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::GradeArgs;
use crate::grade::{self, Report, Source};
use crate::report;

pub fn grade(args: &GradeArgs) -> Result<ExitCode> {
    let plan = report::plan(&args.format, &args.format_at, &args.output, &args.output_at)?;
    let meta = report::Meta {
        points_per_test: args.points_per_test,
        learner: args.learner.clone(),
        graded_at: crate::clock::now(),
    };
    match run(args) {
        Ok(graded) => {
            for (format, destination) in &plan {
                report::write(*format, destination, &graded, &meta)?;
            }
            Ok(exit_code(&graded, args.min_score))
        }
        Err(error) => {
            report::write_error(&plan, &crate::chain(&error))?;
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
