//! What the learner reads in more than one place (a command and watch mode), written once.

use crate::course::{Course, Exercise};

/// Every day passes: the course's closing words.
pub fn all_done(course: &Course) -> String {
    format!("Every day is done! {}", course.final_message.trim())
}

/// The first time a day passes.
pub fn day_done(exercise: &Exercise) -> String {
    format!("Day {} done!", exercise.day)
}

/// The question before a reset.
pub fn reset_question(exercise: &Exercise) -> String {
    format!(
        "Reset `{}` to its starter files? Your files are backed up first. [y/N]",
        exercise.name
    )
}

/// A day the course gives no hints for.
pub fn no_hints(exercise: &Exercise) -> String {
    format!(
        "`{}` has no hints: its lesson is `exercises/{}/README.md`.",
        exercise.name, exercise.name
    )
}

/// The solution asked for before the day passes.
pub const SOLUTION_LATER: &str = "The solution is shown once the day passes.";

/// A course that ships no solution for the day.
pub const NO_SOLUTION: &str = "This course ships no solution for this day.";

/// `next` before the current day passes; `how` says how this interface moves elsewhere.
pub fn not_done(current: &str, how: &str) -> String {
    format!("`{current}` is not done yet: make its tests pass first ({how})")
}

/// Said when no editor is known, by `backlings open` and watch mode's `e`.
pub const NO_EDITOR: &str = "no editor is set: set VISUAL or EDITOR (e.g. `export EDITOR=nano` \
     in your shell's profile) or BACKLINGS_EDITOR, or pass --editor";

/// `exercises/day03/src/lib.rs:12:5`: the target as a place to type or click, relative to the
/// course root when it is inside it.
pub fn place(root: &std::path::Path, target: &crate::editor::Target) -> String {
    let path = target.path.strip_prefix(root).unwrap_or(&target.path);
    format!("{}:{}:{}", path.display(), target.line, target.column)
}
