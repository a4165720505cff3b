//! Drawing the watch screen: the day's verdict, the 30-day bar, the notice and the keys; or the
//! list of days. Every view fits the terminal it is drawn for, whatever its size: lines are
//! wrapped at word boundaries (the notice always whole, as far as the height allows), titles
//! cut with an ellipsis, and the key line is always the last one.

use std::io::{self, Write};

use anyhow::Result;
use crossterm::{cursor::MoveTo, queue, terminal};

use super::keymap::{DAY_KEYS, LIST_KEYS, View};
use super::state::Watch;
use crate::app::messages;
use crate::ui::{self, fit, marks, palette};

/// The smallest screen drawn for; a smaller terminal gets this much (and clips it).
const MIN_WIDTH: usize = 20;
const MIN_HEIGHT: usize = 6;

pub fn draw(watch: &Watch) -> Result<()> {
    let (width, height) = terminal::size().map_or((80, 24), |(w, h)| (w as usize, h as usize));
    let (width, height) = (width.max(MIN_WIDTH), height.max(MIN_HEIGHT));
    let mut buffer = Vec::new();
    render(&mut buffer, watch, width, height)?;
    let frame = frame(&buffer, height)?;
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

/// Renders the view for a terminal of `width` columns and `height` rows: at most `height`
/// lines, none wider than `width`.
pub fn render(out: &mut impl Write, watch: &Watch, width: usize, height: usize) -> io::Result<()> {
    let lines = match watch.view {
        View::List { selected } => list(watch, selected, width, height),
        View::Day | View::ConfirmReset => day(watch, width, height),
    };
    for line in lines {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// The day: as much of the verdict as the footer leaves room for, then the footer.
fn day(watch: &Watch, width: usize, height: usize) -> Vec<String> {
    let footer = footer(watch, width, height);
    let room = height.saturating_sub(footer.len());
    let mut lines = verdict(watch, width);
    if lines.len() > room {
        lines.truncate(room.saturating_sub(1));
        lines.push(fit::cut(
            &palette::dim("... (cut to fit: `backlings run` prints it all)").to_string(),
            width,
        ));
    }
    lines.truncate(room);
    lines.extend(footer);
    lines
}

/// The verdict (or, before the first, the day's title): its first line, the title, cut to the
/// width; the rest wrapped.
fn verdict(watch: &Watch, width: usize) -> Vec<String> {
    let course = &watch.app.course;
    let exercise = &course.exercises[watch.shown];
    let mut body = Vec::new();
    let rendered = match &watch.verdict {
        Some(verdict) => ui::verdict::render(&mut body, course, exercise, verdict),
        None => writeln!(
            body,
            "{} {}\n",
            palette::strong(&format!(
                "Day {} of {}:",
                exercise.day,
                course.exercises.len()
            )),
            exercise.title
        ),
    };
    // Rendering into memory cannot fail; an empty body would be the worst case anyway.
    let _ = rendered;
    let body = String::from_utf8_lossy(&body).into_owned();
    let mut lines = body.lines();
    let mut fitted: Vec<String> = lines
        .next()
        .map(|t| fit::cut(t, width))
        .into_iter()
        .collect();
    fitted.extend(lines.flat_map(|line| fit::wrap(line, width)));
    fitted
}

/// The lines under the verdict, bottom up in importance: the keys (or the reset question)
/// always; the notice, whole if it fits; the bar; the status line.
fn footer(watch: &Watch, width: usize, height: usize) -> Vec<String> {
    let exercise = &watch.app.course.exercises[watch.shown];
    let keys = if watch.view == View::ConfirmReset {
        fit::wrap(
            &palette::warn(&messages::reset_question(exercise)).to_string(),
            width,
        )
    } else {
        keys(DAY_KEYS, width)
    };
    let mut room = height.saturating_sub(keys.len());
    let mut notice = watch
        .notice
        .as_deref()
        .map_or(Vec::new(), |n| notice(n, width));
    if let Some(why) = watch.app.unsaved() {
        let line = format!(
            "Progress not saved: {why}; your verdicts are kept, and saving is tried again at \
             the next change"
        );
        let unsaved = fit::wrap(&palette::bad(&line).to_string(), width);
        notice.splice(0..0, unsaved);
    }
    if notice.len() > room {
        notice.truncate(room);
        if let Some(last) = notice.last_mut() {
            *last = fit::cut(&format!("{last} …"), width);
        }
    }
    room -= notice.len();
    let mut lines = Vec::new();
    let status = status(watch, width);
    let bar = fit::wrap(&bar(watch), width);
    if room > bar.len() {
        lines.push(status);
    }
    if room >= bar.len() {
        lines.extend(bar);
    }
    lines.extend(notice);
    lines.extend(keys);
    lines
}

/// `Running the tests...`, or where the lesson is (a link where the terminal makes one).
fn status(watch: &Watch, width: usize) -> String {
    if let (true, Some((built, total, name))) = (watch.jobs.is_running(), &watch.building) {
        let building = format!(
            "Building the day's libraries for the first time: {} ({name})...",
            crate::ui::text::crates_built(*built, *total)
        );
        return palette::warn(&fit::cut(&building, width)).to_string();
    }
    if watch.jobs.is_running() {
        return palette::warn("Running the tests...").to_string();
    }
    let exercise = &watch.app.course.exercises[watch.shown];
    let lesson = watch.app.course.exercise_dir(exercise).join("README.md");
    let text = fit::cut(
        &format!("exercises/{}/README.md", exercise.name),
        width.saturating_sub(8),
    );
    format!("Lesson: {}", palette::link(&lesson, &text))
}

/// `✓✓✓▶·····  3/30 done`, one mark per day, and the warm-up's progress.
fn bar(watch: &Watch) -> String {
    let course = &watch.app.course;
    let progress = &watch.app.progress;
    let marks: String = (0..course.exercises.len())
        .map(|i| mark(watch, i).to_string())
        .collect();
    let mut bar = format!(
        "{marks}  {}/{} done",
        progress.done_count(course),
        course.exercises.len()
    );
    if let Some(warming) = watch.jobs.warming() {
        let (done, total) = warming.crates;
        bar.push_str(
            &palette::dim(&format!(
                "  · warming up `{}` ({} to go): {}",
                warming.day,
                warming.days_left,
                crate::ui::text::crates_built(done, total)
            ))
            .to_string(),
        );
    }
    bar
}

/// A notice as whole lines: a paragraph's lines flow together (they were broken for another
/// width), a list item or an indented line starts its own, and everything is wrapped.
fn notice(text: &str, width: usize) -> Vec<String> {
    let mut flowed: Vec<String> = Vec::new();
    for line in text.trim().lines() {
        let own = line.is_empty()
            || line.starts_with([' ', '\t', '-', '*'])
            || flowed.last().is_none_or(String::is_empty);
        match flowed.last_mut() {
            Some(last) if !own => {
                last.push(' ');
                last.push_str(line.trim());
            }
            _ => flowed.push(line.trim_end().to_string()),
        }
    }
    flowed
        .iter()
        .flat_map(|line| fit::wrap(line, width))
        .collect()
}

/// The key hints, as many to a line as fit, never split inside one.
fn keys(hints: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for hint in hints.split(" · ") {
        if !line.is_empty() && fit::width(&line) + 3 + fit::width(hint) > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push_str(" · ");
        }
        line.push_str(hint);
    }
    lines.push(line);
    lines
        .iter()
        .map(|line| palette::dim(&fit::cut(line, width)).to_string())
        .collect()
}

/// The list of days: the keys on top, then a line per day (its title cut to fit), scrolled so
/// the selected day is always on screen.
fn list(watch: &Watch, selected: usize, width: usize, height: usize) -> Vec<String> {
    let course = &watch.app.course;
    let mut lines: Vec<String> = fit::wrap(LIST_KEYS, width)
        .iter()
        .map(|l| palette::strong(l).to_string())
        .collect();
    lines.push(String::new());
    let room = height.saturating_sub(lines.len()).max(1);
    let total = course.exercises.len();
    let first = if total <= room {
        0
    } else {
        selected.saturating_sub(room / 2).min(total - room)
    };
    for (i, exercise) in course.exercises.iter().enumerate().skip(first).take(room) {
        let pointer = if i == selected { ">" } else { " " };
        let line = fit::cut(
            &format!(
                "{pointer} {} {:>2}  {}  {}",
                mark(watch, i),
                exercise.day,
                exercise.name,
                exercise.title
            ),
            width,
        );
        lines.push(if i == selected {
            palette::strong(&line).to_string()
        } else {
            line
        });
    }
    lines.truncate(height);
    lines
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

#[cfg(test)]
mod tests;
