//! What the learner's keys do: each action is a small handler over the learner-actions layer
//! (`app::actions`), presenting what happened as the notice line.

use anyhow::Result;
use crossterm::event::KeyEvent;

use super::keymap::{self, Action, View};
use super::state::Watch;
use super::terminal;
use crate::app::actions::{Hints, Next, Solution};
use crate::app::messages;
use crate::editor::{self, Kind, Launch};
use crate::runner;

impl Watch {
    /// A key was pressed; true: redraw.
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Result<bool> {
        if self.view == View::Day {
            self.notice = None;
        }
        let Some(action) = keymap::action(self.view, key) else {
            return Ok(true);
        };
        match action {
            Action::Quit => self.quit = true,
            Action::Rerun => self.start_run(self.shown),
            Action::Next => self.next(),
            Action::Hint => self.hint(),
            Action::Solution => self.solution()?,
            Action::Open => self.open(),
            Action::OpenList => {
                self.view = View::List {
                    selected: self.shown,
                }
            }
            Action::AskReset => self.view = View::ConfirmReset,
            Action::Move(step) => self.move_selection(step),
            Action::Pick => self.pick(),
            Action::CloseList => self.view = View::Day,
            Action::ConfirmReset => self.reset()?,
            Action::CancelReset => {
                self.view = View::Day;
                self.say("Reset cancelled.");
            }
        }
        Ok(true)
    }

    fn next(&mut self) {
        match self.app.next() {
            Next::Moved(index) => self.start_run(index),
            Next::NotDone(current) => {
                self.say(messages::not_done(&current, "or pick a day with l"));
            }
            Next::AllDone => {
                self.say(messages::all_done(&self.app.course));
            }
        }
    }

    fn hint(&mut self) {
        let exercise = self.app.course.exercises[self.shown].clone();
        let notice = match self.app.reveal_hint(&exercise, false) {
            Hints::None => messages::no_hints(&exercise),
            Hints::Revealed { shown, total, .. } => {
                format!("Hint {shown}/{total}: {}", exercise.hints[shown - 1].trim())
            }
        };
        self.say(notice);
    }

    fn solution(&mut self) -> Result<()> {
        let exercise = &self.app.course.exercises[self.shown];
        let notice = match self.app.solution(exercise)? {
            Solution::NotYet => messages::SOLUTION_LATER.to_string(),
            Solution::At(path) => format!("Solution: {}", path.display()),
            Solution::NotShipped => messages::NO_SOLUTION.to_string(),
        };
        self.say(notice);
        Ok(())
    }

    /// Opens the first failure on screen (or the day's main file) in the learner's editor.
    fn open(&mut self) {
        let exercise = &self.app.course.exercises[self.shown];
        let target = self.app.open_target(exercise, self.verdict.as_ref());
        let place = messages::place(&self.app.course.root, &target);
        let launch = editor::choose(self.editor.as_deref(), |name| std::env::var(name).ok())
            .and_then(|(command, from)| editor::launch(&command, from, &target));
        let Some(launch) = launch else {
            self.say(format!("{place}: {}", messages::NO_EDITOR));
            return;
        };
        let opened = match launch.kind {
            Kind::Window => runner::editor::start(&launch),
            Kind::Terminal => self.lend_terminal(&launch),
        };
        self.say(match opened {
            Ok(()) => format!("Opened {place} in `{}`.", launch.program),
            Err(error) => crate::chain(&error),
        });
    }

    /// Runs a terminal editor with the terminal to itself: no key read from under it, cooked
    /// mode, then everything taken back (the caller's redraw repaints the screen).
    fn lend_terminal(&mut self, launch: &Launch) -> anyhow::Result<()> {
        if let Some(keyboard) = &self.keyboard {
            keyboard.pause();
        }
        terminal::suspend();
        let ran = runner::editor::run(launch);
        let back = terminal::resume();
        if let Some(keyboard) = &self.keyboard {
            keyboard.resume();
        }
        back.and(ran)
    }

    fn move_selection(&mut self, step: isize) {
        if let View::List { selected } = self.view {
            let last = self.app.course.exercises.len() - 1;
            let selected = selected.saturating_add_signed(step).min(last);
            self.view = View::List { selected };
        }
    }

    fn pick(&mut self) {
        if let View::List { selected } = self.view {
            self.view = View::Day;
            self.app.go(selected);
            self.start_run(selected);
        }
    }

    fn reset(&mut self) -> Result<()> {
        self.view = View::Day;
        let exercise = self.app.course.exercises[self.shown].clone();
        self.jobs.stop();
        let notice = match self.app.reset(&exercise)? {
            Some(path) => format!("Reset. Your files were saved to {}", path.display()),
            None => "Reset.".into(),
        };
        self.say(notice);
        self.start_run(self.shown);
        Ok(())
    }
}
