//! Drawing the watch screen: the day's verdict, the 30-day bar, the notice line and the keys.

use std::io::{self, Write};

use anyhow::Result;
use crossterm::{cursor::MoveTo, queue, terminal};

use super::keymap::{DAY_KEYS, LIST_KEYS, View};
use super::state::Watch;
use crate::app::messages;
use crate::ui::{self, marks, palette};

/// Lines kept for the bar, an unsaved progress, the notice and the keys under the verdict.
const FOOTER: usize = 6;

pub fn draw(watch: &Watch) -> Result<()> {
    let rows = terminal::size()
        .map_or(24, |(_, rows)| rows as usize)
        .max(FOOTER + 3);
    let mut buffer = Vec::new();
    render(&mut buffer, watch, rows)?;
    let frame = frame(&buffer, rows)?;
    // One write for the whole frame (stdout is line-buffered, and a frame written line by line
    // shows half-drawn screens), inside a synchronized update where the terminal supports it.
    let mut out = io::stdout().lock();
    out.write_all(&frame)?;
    out.flush()?;
    Ok(())
}

/// The bytes that replace the screen with `text`: each line overwritten in place and cleared to
/// its end, then everything below cleared, so nothing flickers.
fn frame(text: &[u8], rows: usize) -> io::Result<Vec<u8>> {
    let mut frame = Vec::with_capacity(text.len() + rows * 8);
    queue!(frame, terminal::BeginSynchronizedUpdate, MoveTo(0, 0))?;
    for (i, line) in String::from_utf8_lossy(text).lines().take(rows).enumerate() {
        if i > 0 {
            // Raw mode: a newline does not return the carriage.
            frame.extend_from_slice(b"\r\n");
        }
        frame.extend_from_slice(line.as_bytes());
        queue!(frame, terminal::Clear(terminal::ClearType::UntilNewLine))?;
    }
    queue!(
        frame,
        terminal::Clear(terminal::ClearType::FromCursorDown),
        terminal::EndSynchronizedUpdate
    )?;
    Ok(frame)
}

pub fn render(out: &mut impl Write, watch: &Watch, rows: usize) -> io::Result<()> {
    match watch.view {
        View::List { selected } => render_list(out, watch, selected),
        View::Day | View::ConfirmReset => render_day(out, watch, rows),
    }
}

fn render_day(out: &mut impl Write, watch: &Watch, rows: usize) -> io::Result<()> {
    let course = &watch.app.course;
    let exercise = &course.exercises[watch.shown];
    let mut body = Vec::new();
    match &watch.verdict {
        Some(verdict) => ui::verdict::render(&mut body, course, exercise, verdict)?,
        None => writeln!(
            body,
            "{} {}\n",
            palette::strong(&format!(
                "Day {} of {}:",
                exercise.day,
                course.exercises.len()
            )),
            exercise.title
        )?,
    }
    let lesson = course.exercise_dir(exercise).join("README.md");
    let lesson = palette::link(&lesson, &format!("exercises/{}/README.md", exercise.name));
    let body = String::from_utf8_lossy(&body).into_owned();
    let room = rows.saturating_sub(FOOTER + 1);
    for line in body.lines().take(room) {
        writeln!(out, "{line}")?;
    }
    if body.lines().count() > room {
        writeln!(
            out,
            "{}",
            palette::dim("... (more above: `backlings run` prints it all)")
        )?;
    }
    let status = if watch.jobs.is_running() {
        palette::warn("Running the tests...").to_string()
    } else {
        format!("Lesson: {lesson}")
    };
    writeln!(out, "{status}")?;
    let mut days = bar(watch);
    if let Some((done, total)) = watch.jobs.warming() {
        days.push_str(
            &palette::dim(&format!(
                "  · warming up the other days: {done}/{total} crates"
            ))
            .to_string(),
        );
    }
    writeln!(out, "{days}")?;
    if let Some(why) = watch.app.unsaved() {
        let line = format!(
            "Progress not saved: {why}; your verdicts are kept, and saving is tried again at \
             the next change"
        );
        writeln!(out, "{}", palette::bad(&line))?;
    }
    if let Some(notice) = &watch.notice {
        writeln!(out, "{}", notice.lines().next().unwrap_or(""))?;
    }
    if watch.view == View::ConfirmReset {
        let question = messages::reset_question(exercise);
        return writeln!(out, "{}", palette::warn(&question));
    }
    writeln!(out, "{}", palette::dim(DAY_KEYS))
}

/// `✓✓✓▶·····  3/30 done`, one mark per day.
fn bar(watch: &Watch) -> String {
    let course = &watch.app.course;
    let progress = &watch.app.progress;
    let marks: String = (0..course.exercises.len())
        .map(|i| mark(watch, i).to_string())
        .collect();
    format!(
        "{marks}  {}/{} done",
        progress.done_count(course),
        course.exercises.len()
    )
}

fn render_list(out: &mut impl Write, watch: &Watch, selected: usize) -> io::Result<()> {
    let course = &watch.app.course;
    writeln!(out, "{}\n", palette::strong(LIST_KEYS))?;
    for (i, exercise) in course.exercises.iter().enumerate() {
        let mark = mark(watch, i);
        let pointer = if i == selected { ">" } else { " " };
        let line = format!(
            "{pointer} {mark} {:>2}  {}  {}",
            exercise.day, exercise.name, exercise.title
        );
        if i == selected {
            writeln!(out, "{}", palette::strong(&line))?;
        } else {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

/// The mark of day `index`.
fn mark(watch: &Watch, index: usize) -> colored::ColoredString {
    let progress = &watch.app.progress;
    let state = progress.state_of(&watch.app.course, index);
    marks::day(
        state,
        progress.is_done(&watch.app.course.exercises[index].name),
    )
}
