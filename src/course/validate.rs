//! Turns the raw `info.toml` mirror into a [`Course`], collecting every problem with its position.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::model::{Course, DEFAULT_TIMEOUT, Database, Exercise, FORMAT_VERSION, Serve};
use super::raw::{RawCourse, RawExercise, RawServe};
use super::shape;

/// Longest per-test timeout a course may ask for.
const MAX_TIMEOUT_SECS: u64 = 600;

/// One thing wrong in `info.toml`, at a 1-based line and column when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<(usize, usize)>,
    pub message: String,
}

/// Every problem found in one `info.toml`.
#[derive(Debug, Clone)]
pub struct CourseError {
    pub file: String,
    pub problems: Vec<Problem>,
}

impl CourseError {
    pub fn new(problems: Vec<Problem>) -> CourseError {
        CourseError {
            file: String::new(),
            problems,
        }
    }

    pub fn with_file(mut self, file: &str) -> CourseError {
        self.file = file.to_string();
        self
    }

    fn locate(&self, problem: &Problem) -> String {
        match problem.line {
            Some((line, col)) => format!("{}:{line}:{col}: {}", self.file, problem.message),
            None => format!("{}: {}", self.file, problem.message),
        }
    }
}

impl fmt::Display for CourseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let [only] = self.problems.as_slice() {
            return f.write_str(&self.locate(only));
        }
        write!(f, "`{}` has {} problems:", self.file, self.problems.len())?;
        for problem in &self.problems {
            write!(f, "\n  {}", self.locate(problem))?;
        }
        Ok(())
    }
}

impl std::error::Error for CourseError {}

/// Parses and validates `info.toml` text. The returned course has an empty root.
pub fn parse(text: &str) -> Result<Course, CourseError> {
    let mut document =
        DeTable::parse(text).map_err(|e| CourseError::new(vec![toml_problem(text, &e)]))?;
    let shape = shape::problems(&document);
    shape::prune(document.get_mut());
    let read = Read::from(document);
    if let Some(head) = &read.head
        && let Some(unsupported) = unsupported_version(head, text)
    {
        // A format this runner does not know: its fields cannot be judged.
        return Err(CourseError::new(vec![unsupported]));
    }
    let mut problems: Vec<Problem> = shape
        .into_iter()
        .map(|(at, message)| Problem {
            line: at.map(|at| line_col(text, at)),
            message,
        })
        .collect();
    if problems.is_empty() {
        // The shape check and the raw structs agree (a unit test holds them equal); should
        // they drift, serde's own error is still reported rather than an entry dropped.
        problems.extend(read.errors.iter().map(|e| toml_problem(text, e)));
    }
    let course = read.check(text, &mut problems);
    // In file order; problems without a position last.
    problems.sort_by_key(|p| p.line.unwrap_or((usize::MAX, 0)));
    match course {
        Some(course) if problems.is_empty() => Ok(course),
        _ => Err(CourseError::new(problems)),
    }
}

/// The parts of `info.toml` serde could read: the top-level fields, and each `[[exercises]]`
/// entry on its own with its index in the list, so one bad entry does not hide the others.
struct Read {
    head: Option<RawCourse>,
    /// How many entries the list has, read or not.
    listed: usize,
    entries: Vec<(usize, RawExercise)>,
    errors: Vec<toml::de::Error>,
}

impl Read {
    fn from(document: Spanned<DeTable<'_>>) -> Read {
        let span = document.span();
        let mut top = document.into_inner();
        // Read one by one below; `head.exercises` stays empty.
        let list = top.remove("exercises");
        let mut errors = Vec::new();
        let head = RawCourse::deserialize(ValueDeserializer::from(Spanned::new(
            span,
            DeValue::Table(top),
        )))
        .map_err(|e| errors.push(e))
        .ok();
        let items = match list.map(Spanned::into_inner) {
            Some(DeValue::Array(items)) => items.into_iter().collect::<Vec<_>>(),
            _ => Vec::new(),
        };
        let listed = items.len();
        let entries = items
            .into_iter()
            .enumerate()
            .filter_map(|(index, item)| {
                RawExercise::deserialize(ValueDeserializer::from(item))
                    .map_err(|e| errors.push(e))
                    .ok()
                    .map(|entry| (index, entry))
            })
            .collect();
        Read {
            head,
            listed,
            entries,
            errors,
        }
    }
}

impl Read {
    /// Checks whatever serde could read, so one run reports every problem; the course, when
    /// its top-level fields could be read.
    fn check(self, text: &str, problems: &mut Vec<Problem>) -> Option<Course> {
        if let Some(head) = &self.head {
            check_course(head, self.listed, problems);
        }
        let exercises: Vec<Exercise> = self
            .entries
            .iter()
            .map(|(_, e)| check_exercise(e, text, problems))
            .collect();
        check_sequence(&self.entries, text, problems);
        self.head.map(|head| Course {
            root: Default::default(),
            title: head.title,
            welcome: head.welcome,
            final_message: head.final_message,
            exercises,
        })
    }
}

fn toml_problem(text: &str, error: &toml::de::Error) -> Problem {
    Problem {
        line: error.span().map(|span| line_col(text, span.start)),
        message: error.message().trim().to_string(),
    }
}

/// Problems for listed exercises whose directory is missing under the course root.
pub fn missing_directories(course: &Course, text: &str) -> Vec<Problem> {
    let spans: HashMap<String, Range<usize>> = toml::from_str::<RawCourse>(text)
        .map(|raw| {
            raw.exercises
                .into_iter()
                .map(|e| (e.name.get_ref().clone(), e.name.span()))
        })
        .into_iter()
        .flatten()
        .collect();
    let mut problems = Vec::new();
    for exercise in &course.exercises {
        let dir = course.exercise_dir(exercise);
        if dir.join("Cargo.toml").is_file() {
            continue;
        }
        let what = if dir.is_dir() {
            "has no `Cargo.toml`"
        } else if dir.exists() {
            "is a file, not a directory"
        } else {
            "does not exist"
        };
        problems.push(Problem {
            line: spans.get(&exercise.name).map(|span| line_col(text, span.start)),
            message: format!(
                "exercise `{}`: `exercises/{}` {what}; restore it (`backlings reset {}`) or remove the entry",
                exercise.name, exercise.name, exercise.name
            ),
        });
    }
    problems
}

fn unsupported_version(head: &RawCourse, text: &str) -> Option<Problem> {
    let version = *head.format_version.get_ref();
    if version == FORMAT_VERSION {
        return None;
    }
    let advice = if version > FORMAT_VERSION {
        "this course needs a newer backlings: update it (`cargo install --path .` in a newer checkout)"
    } else {
        "set `format_version = 1`"
    };
    let at = head.format_version.span().start;
    Some(problem(
        text,
        at,
        format!(
            "format_version {version} is not supported (this backlings reads {FORMAT_VERSION}); {advice}"
        ),
    ))
}

fn check_course(head: &RawCourse, listed: usize, problems: &mut Vec<Problem>) {
    if head.title.trim().is_empty() {
        problems.push(Problem {
            line: None,
            message: "the course `title` is empty".into(),
        });
    }
    if listed == 0 {
        problems.push(Problem {
            line: None,
            message: "there are no `[[exercises]]`: add at least one".into(),
        });
    }
}

fn check_exercise(raw: &RawExercise, text: &str, problems: &mut Vec<Problem>) -> Exercise {
    let name = raw.name.get_ref();
    let at = raw.name.span().start;
    if !is_valid_name(name) {
        problems.push(problem(text, at, format!(
            "exercise name `{name}` is not a valid directory and package name: use lowercase ASCII \
             letters, digits and `_`, starting with a letter (e.g. `day05_axum`)"
        )));
    }
    if raw.title.trim().is_empty() {
        problems.push(problem(
            text,
            at,
            format!("exercise `{name}` has an empty `title`"),
        ));
    }
    let hints = raw
        .hints
        .as_ref()
        .map(|h| h.get_ref().clone())
        .unwrap_or_default();
    if let Some(empty) = raw
        .hints
        .as_ref()
        .filter(|_| hints.iter().any(|h| h.trim().is_empty()))
    {
        let at = empty.span().start;
        problems.push(problem(
            text,
            at,
            format!("exercise `{name}` has an empty hint: write it or remove it"),
        ));
    }
    let timeout = match &raw.timeout_secs {
        None => DEFAULT_TIMEOUT,
        Some(secs) if (1..=MAX_TIMEOUT_SECS).contains(secs.get_ref()) => {
            Duration::from_secs(*secs.get_ref())
        }
        Some(secs) => {
            problems.push(problem(
                text,
                secs.span().start,
                format!(
                    "exercise `{name}` has `timeout_secs = {}`; use 1 to {MAX_TIMEOUT_SECS}",
                    secs.get_ref()
                ),
            ));
            DEFAULT_TIMEOUT
        }
    };
    Exercise {
        name: name.clone(),
        day: *raw.day.get_ref(),
        title: raw.title.clone(),
        topics: raw.topics.clone(),
        hints,
        timeout,
        starter_may_pass: raw.starter_may_pass.clone(),
        serve: raw
            .serve
            .as_ref()
            .map(|serve| check_serve(name, serve.get_ref(), text, problems)),
        database: raw
            .database
            .as_ref()
            .and_then(|db| check_database(name, db, text, problems)),
    }
}

/// The one database server a day can ask for is PostgreSQL.
fn check_database(
    name: &str,
    raw: &Spanned<String>,
    text: &str,
    problems: &mut Vec<Problem>,
) -> Option<Database> {
    if raw.get_ref() == Database::POSTGRES {
        return Some(Database::Postgres);
    }
    problems.push(problem(
        text,
        raw.span().start,
        format!(
            "exercise `{name}` has `database = \"{}\"`; the one database backlings provides \
             is \"{}\" (leave `database` out for a day on SQLite, which needs no server)",
            raw.get_ref(),
            Database::POSTGRES
        ),
    ));
    None
}

/// Ports are unprivileged; every example is a command line with `{port}` in it.
fn check_serve(name: &str, raw: &RawServe, text: &str, problems: &mut Vec<Problem>) -> Serve {
    let port = *raw.port.get_ref();
    if port < 1024 {
        problems.push(problem(
            text,
            raw.port.span().start,
            format!(
                "exercise `{name}` has `serve.port = {port}`; use 1024 to 65535 (no root needed)"
            ),
        ));
    }
    for example in &raw.examples {
        if !example.get_ref().contains("{port}") {
            problems.push(problem(
                text,
                example.span().start,
                format!(
                    "exercise `{name}` has a `serve.try` example without `{{port}}`: write the \
                     port as `{{port}}` so it follows `serve --port`"
                ),
            ));
        }
    }
    Serve {
        port,
        examples: raw.examples.iter().map(|e| e.get_ref().clone()).collect(),
        env: raw.env.clone().into_iter().collect(),
    }
}

/// Names are unique, and days run 1, 2, 3... in list order.
fn check_sequence(exercises: &[(usize, RawExercise)], text: &str, problems: &mut Vec<Problem>) {
    let mut names: HashMap<&str, usize> = HashMap::new();
    let mut days: HashMap<u32, &str> = HashMap::new();
    let mut ports: HashMap<u16, &str> = HashMap::new();
    for (index, raw) in exercises {
        let name = raw.name.get_ref().as_str();
        let at = raw.name.span().start;
        if let Some(serve) = &raw.serve {
            let port = serve.get_ref().port.get_ref();
            if let Some(other) = ports.insert(*port, name) {
                problems.push(problem(
                    text,
                    serve.get_ref().port.span().start,
                    format!(
                        "port {port} is the `serve.port` of `{other}` and `{name}`; give each \
                         day its own, so two days can be served side by side"
                    ),
                ));
            }
        }
        if let Some(first) = names.insert(name, at) {
            let (line, _) = line_col(text, first);
            problems.push(problem(
                text,
                at,
                format!(
                    "exercise `{name}` is listed twice (first at line {line}); rename or remove one"
                ),
            ));
        }
        let day = *raw.day.get_ref();
        let at_day = raw.day.span().start;
        if let Some(other) = days.insert(day, name) {
            problems.push(problem(
                text,
                at_day,
                format!(
                    "day {day} is used twice (`{other}` and `{name}`); days run 1..N in list order"
                ),
            ));
        } else if day as usize != index + 1 {
            problems.push(problem(text, at_day, format!(
                "exercise `{name}` has `day = {day}` but is entry {} of the list; days run 1..N in \
                 list order, so make it `day = {}`",
                index + 1,
                index + 1
            )));
        }
    }
}

fn problem(text: &str, offset: usize, message: String) -> Problem {
    Problem {
        line: Some(line_col(text, offset)),
        message,
    }
}

/// A name that works as a directory, a cargo package and a Rust crate name.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.len() <= 64
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests;
