//! How a check is shown: one `error:` line per problem and a count, or JSON for tools.

use std::io::{self, Write};

use serde::Serialize;

use super::Problem;
use super::check::Checked;
use crate::ui::palette;
use crate::ui::text::plural;

/// Every problem, then the count line.
pub fn render(out: &mut impl Write, checked: &Checked) -> io::Result<()> {
    for problem in &checked.problems {
        writeln!(out, "{} {problem}", palette::bad("error:"))?;
    }
    writeln!(out, "{}", summary(checked))
}

fn summary(checked: &Checked) -> String {
    let days = plural(checked.days, "day", "days");
    let scope = if checked.built {
        "every exercise fails as shipped, every solution passes and is clean"
    } else {
        "file checks only: `--no-build` skipped building and testing"
    };
    match checked.problems.len() {
        0 => format!(
            "{} {days} checked, no problems ({scope})",
            palette::good("dev check:")
        ),
        n => format!(
            "{} {} in {days}",
            palette::bad("dev check:"),
            plural(n, "problem", "problems")
        ),
    }
}

#[derive(Serialize)]
struct Json<'a> {
    course: String,
    days: usize,
    built: bool,
    problems: Vec<JsonProblem<'a>>,
}

#[derive(Serialize)]
struct JsonProblem<'a> {
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
    fix: &'a str,
}

/// `{"course", "days", "built", "problems": [{"file", "line", "column", "message", "fix"}]}`.
pub fn json(out: &mut impl Write, checked: &Checked) -> io::Result<()> {
    let problems = checked.problems.iter().map(json_problem).collect();
    let json = Json {
        course: checked.root.display().to_string(),
        days: checked.days,
        built: checked.built,
        problems,
    };
    serde_json::to_writer_pretty(&mut *out, &json)?;
    writeln!(out)
}

fn json_problem(problem: &Problem) -> JsonProblem<'_> {
    JsonProblem {
        file: &problem.file,
        line: problem.at.map(|(line, _)| line),
        column: problem.at.map(|(_, col)| col),
        message: &problem.message,
        fix: &problem.fix,
    }
}
