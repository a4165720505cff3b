//! The 30-day map: each day with its status and last score, and the plan's figures.

use std::io::{self, Write};

use serde::Serialize;

use super::{marks, palette};
use crate::app::App;
use crate::progress::DayState;

/// `list --json`: one object per day plus the plan's figures.
#[derive(Serialize)]
pub struct ListJson<'a> {
    pub course: &'a str,
    pub done: usize,
    pub total: usize,
    pub streak: usize,
    pub plan_day: Option<i64>,
    pub started_on: Option<String>,
    pub current: &'a str,
    pub days: Vec<DayJson<'a>>,
}

#[derive(Serialize)]
pub struct DayJson<'a> {
    pub day: u32,
    pub name: &'a str,
    pub title: &'a str,
    pub status: &'static str,
    pub done_on: Option<String>,
    pub tests_passed: Option<usize>,
    pub tests_total: Option<usize>,
    pub hints_shown: usize,
    pub hints_total: usize,
    /// The database server the day needs (`"postgres"`), if any.
    pub database: Option<&'static str>,
}

pub fn json(app: &App) -> ListJson<'_> {
    let course = &app.course;
    let days = course
        .exercises
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let entry = app.progress.entry(&e.name);
            let done = app.progress.is_done(&e.name);
            let status = match (app.progress.state_of(course, i), done) {
                (DayState::Current, _) => "current",
                (_, true) => "done",
                _ => "pending",
            };
            DayJson {
                day: e.day,
                name: &e.name,
                title: &e.title,
                status,
                done_on: entry.done_on.map(|d| d.to_string()),
                tests_passed: entry.last_run.map(|r| r.passed),
                tests_total: entry.last_run.map(|r| r.total),
                hints_shown: entry.hints_shown,
                hints_total: e.hints.len(),
                database: e.database.map(|_| crate::course::Database::POSTGRES),
            }
        })
        .collect();
    ListJson {
        course: &course.title,
        done: app.progress.done_count(course),
        total: course.exercises.len(),
        streak: app.progress.streak(app.today),
        plan_day: app.progress.plan_day(app.today),
        started_on: app.progress.started_on.map(|d| d.to_string()),
        current: &app.current().name,
        days,
    }
}

pub fn render(out: &mut impl Write, app: &App) -> io::Result<()> {
    let data = json(app);
    writeln!(out, "{}", palette::strong(data.course))?;
    writeln!(out, "{}\n", plan_line(&data))?;
    let name_width = data.days.iter().map(|d| d.name.len()).max().unwrap_or(0);
    for day in &data.days {
        let state = match day.status {
            "current" => DayState::Current,
            "done" => DayState::Done,
            _ => DayState::Pending,
        };
        let mark = marks::day(state, day.done_on.is_some());
        let score = match (day.tests_passed, day.tests_total) {
            (Some(p), Some(t)) => format!("{p}/{t}"),
            _ => "-".to_string(),
        };
        let current = if day.status == "current" {
            "  ← current"
        } else {
            ""
        };
        let database = if day.database.is_some() {
            " [PostgreSQL]"
        } else {
            ""
        };
        writeln!(
            out,
            "  {mark} {:>2}  {:<name_width$}  {:>5}  {}{}{}",
            day.day,
            day.name,
            score,
            day.title,
            palette::dim(database),
            palette::dim(current)
        )?;
    }
    if data.days.iter().any(|d| d.database.is_some()) {
        writeln!(
            out,
            "\n{}",
            palette::dim(
                "[PostgreSQL]: the day runs on a PostgreSQL server that backlings starts for you \
                 (or set DATABASE_URL); `backlings doctor` checks that one can be had."
            )
        )?;
    }
    writeln!(out)
}

fn plan_line(data: &ListJson) -> String {
    let mut line = format!("{}/{} days done", data.done, data.total);
    if let (Some(day), Some(start)) = (data.plan_day, &data.started_on) {
        line.push_str(&format!(" · day {day} of the plan (started {start})"));
    }
    let streak = data.streak;
    line.push_str(&format!(
        " · streak: {streak} {}",
        if streak == 1 { "day" } else { "days" }
    ));
    line
}
