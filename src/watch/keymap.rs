//! What each key does in each view: a pure table, tested without a terminal.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What the screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Day,
    List { selected: usize },
    ConfirmReset,
}

/// What the learner asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Rerun,
    Next,
    Hint,
    OpenList,
    AskReset,
    Solution,
    /// Open the first failure (or the day's main file) in the learner's editor.
    Open,
    /// Move the list's selection up (-1) or down (+1).
    Move(isize),
    /// Work on the day selected in the list.
    Pick,
    /// Leave the list for the day.
    CloseList,
    ConfirmReset,
    CancelReset,
}

/// The key line under the day.
pub const DAY_KEYS: &str =
    "e edit · n next · h hint · l list · r rerun · x reset · s solution · q quit";

/// The key line above the list.
pub const LIST_KEYS: &str = "Pick a day: ↑/↓ (or j/k) to move, Enter to work on it, Esc to go back";

/// The action for `key` in `view`; `None` for a key that does nothing there.
pub fn action(view: View, key: KeyEvent) -> Option<Action> {
    if key.modifiers.contains(KeyModifiers::CONTROL) && matches!(key.code, KeyCode::Char('c' | 'd'))
    {
        return Some(Action::Quit);
    }
    match view {
        View::Day => day(key.code),
        View::List { .. } => list(key.code),
        // Anything but a yes keeps the learner's files.
        View::ConfirmReset if key.code == KeyCode::Char('y') => Some(Action::ConfirmReset),
        View::ConfirmReset => Some(Action::CancelReset),
    }
}

fn day(code: KeyCode) -> Option<Action> {
    Some(match code {
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Char('r') => Action::Rerun,
        KeyCode::Char('n') => Action::Next,
        KeyCode::Char('h') => Action::Hint,
        KeyCode::Char('l') => Action::OpenList,
        KeyCode::Char('x') => Action::AskReset,
        KeyCode::Char('s') => Action::Solution,
        KeyCode::Char('e') => Action::Open,
        _ => return None,
    })
}

fn list(code: KeyCode) -> Option<Action> {
    Some(match code {
        KeyCode::Up | KeyCode::Char('k') => Action::Move(-1),
        KeyCode::Down | KeyCode::Char('j') => Action::Move(1),
        KeyCode::Enter => Action::Pick,
        KeyCode::Esc | KeyCode::Char('l' | 'q') => Action::CloseList,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn each_view_maps_its_keys() {
        let list = View::List { selected: 3 };
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for (view, key, expected) in [
            (View::Day, key(KeyCode::Char('q')), Some(Action::Quit)),
            (View::Day, key(KeyCode::Char('r')), Some(Action::Rerun)),
            (View::Day, key(KeyCode::Char('n')), Some(Action::Next)),
            (View::Day, key(KeyCode::Char('h')), Some(Action::Hint)),
            (View::Day, key(KeyCode::Char('l')), Some(Action::OpenList)),
            (View::Day, key(KeyCode::Char('x')), Some(Action::AskReset)),
            (View::Day, key(KeyCode::Char('s')), Some(Action::Solution)),
            (View::Day, key(KeyCode::Char('e')), Some(Action::Open)),
            (list, key(KeyCode::Char('e')), None),
            (View::Day, key(KeyCode::Char('z')), None),
            (View::Day, key(KeyCode::Enter), None),
            (View::Day, ctrl_c, Some(Action::Quit)),
            (list, key(KeyCode::Up), Some(Action::Move(-1))),
            (list, key(KeyCode::Char('k')), Some(Action::Move(-1))),
            (list, key(KeyCode::Down), Some(Action::Move(1))),
            (list, key(KeyCode::Char('j')), Some(Action::Move(1))),
            (list, key(KeyCode::Enter), Some(Action::Pick)),
            (list, key(KeyCode::Esc), Some(Action::CloseList)),
            (list, key(KeyCode::Char('q')), Some(Action::CloseList)),
            (list, key(KeyCode::Char('n')), None),
            (list, ctrl_c, Some(Action::Quit)),
            (
                View::ConfirmReset,
                key(KeyCode::Char('y')),
                Some(Action::ConfirmReset),
            ),
            (
                View::ConfirmReset,
                key(KeyCode::Char('Y')),
                Some(Action::CancelReset),
            ),
            (
                View::ConfirmReset,
                key(KeyCode::Enter),
                Some(Action::CancelReset),
            ),
            (View::ConfirmReset, ctrl_c, Some(Action::Quit)),
        ] {
            assert_eq!(action(view, key), expected, "{view:?} {key:?}");
        }
    }
}
