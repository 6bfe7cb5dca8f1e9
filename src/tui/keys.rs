//! The review screen's keymap: one table says which keys do what, how the help screen lists
//! them and which appear in the footer hints, so the handler, `?` and the footer cannot drift
//! apart. Only normal mode reads it; the note editor and the search prompt edit text.

use ratatui::crossterm::event::KeyCode::{self, *};
use ratatui::crossterm::event::KeyEvent;

/// What a key does in normal mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Down,
    Up,
    PageDown,
    PageUp,
    First,
    Last,
    SwitchPane,
    /// From the files pane into the selected file's findings (nothing in the findings pane);
    /// on a clip's row, folds or unfolds it.
    OpenFindings,
    /// Folds or unfolds the selected clip.
    ToggleClip,
    NextOpen,
    PreviousOpen,
    Reject,
    Waive,
    Note,
    Reopen,
    CycleFilter,
    Search,
    /// Drops the search (nothing when there is none).
    ClearSearch,
    Export,
    /// To the file paired with the selected one (its sound, its original) and back.
    PairedFile,
    /// Shows or hides the frame preview.
    Preview,
    FrameBack,
    FrameForward,
    SecondBack,
    SecondForward,
    /// Moves the preview to the next loudness landmark (true peak, loudest 3 s).
    NextLandmark,
    Help,
    Quit,
}

/// One row of the keymap.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [KeyCode],
    pub action: Action,
    /// The help screen's row: how it names the keys, and what they do. A row may speak for the
    /// bindings after it that have none (`j/k ↓/↑` covers every move).
    pub help: Option<(&'static str, &'static str)>,
    /// The footer's word for it, shown after the binding's first key.
    pub hint: Option<&'static str>,
}

const fn bind(keys: &'static [KeyCode], action: Action) -> Binding {
    Binding {
        keys,
        action,
        help: None,
        hint: None,
    }
}

impl Binding {
    const fn help(self, keys: &'static str, what: &'static str) -> Binding {
        Binding {
            help: Some((keys, what)),
            ..self
        }
    }

    const fn hint(self, word: &'static str) -> Binding {
        Binding {
            hint: Some(word),
            ..self
        }
    }
}

/// Normal mode's keys, in the order the help screen and the footer list them.
pub const BINDINGS: &[Binding] = &[
    bind(&[Char('j'), Down], Action::Down)
        .help("j/k ↓/↑", "move in the pane (PgUp/PgDn, Home/End)"),
    bind(&[Char('k'), Up], Action::Up),
    bind(&[PageDown], Action::PageDown),
    bind(&[PageUp], Action::PageUp),
    bind(&[Home], Action::First),
    bind(&[Char('G'), End], Action::Last),
    bind(&[Tab, BackTab], Action::SwitchPane).help("Tab", "switch pane: files / findings"),
    bind(&[Enter], Action::OpenFindings),
    bind(&[Char(' ')], Action::ToggleClip).help("Enter/Spc", "fold / unfold a clip's track files"),
    bind(&[Char('n')], Action::NextOpen)
        .help("n / N", "next / previous open failure, all files")
        .hint("next"),
    bind(&[Char('N')], Action::PreviousOpen),
    bind(&[Char('x')], Action::Reject)
        .help("x", "reject: confirm the failure")
        .hint("reject"),
    bind(&[Char('w')], Action::Waive)
        .help("w", "waive: accept it, with a reason")
        .hint("waive"),
    bind(&[Char('a')], Action::Note)
        .help("a", "add or edit the note")
        .hint("note"),
    bind(&[Char('u')], Action::Reopen).help("u", "reset the verdict to open"),
    bind(&[Char('f')], Action::CycleFilter)
        .help("f", "filter: all → failing → open")
        .hint("filter"),
    bind(&[Char('/')], Action::Search)
        .help("/", "search file names (Esc clears)")
        .hint("find"),
    bind(&[Esc], Action::ClearSearch),
    bind(&[Char('e')], Action::Export)
        .help("e", "export HTML + CSV beside the report")
        .hint("export"),
    bind(&[Char('o')], Action::PairedFile).help("o", "paired file: its sound / original, and back"),
    bind(&[Char('p')], Action::Preview).help("p", "preview the finding's frame"),
    bind(&[Char('[')], Action::FrameBack).help("[ ] { }", "preview: a frame / a second back, on"),
    bind(&[Char(']')], Action::FrameForward),
    bind(&[Char('{')], Action::SecondBack),
    bind(&[Char('}')], Action::SecondForward),
    bind(&[Char('g')], Action::NextLandmark).help("g", "preview: true peak / loudest 3 s"),
    bind(&[Char('?')], Action::Help)
        .help("?", "this help (any key closes it)")
        .hint("help"),
    bind(&[Char('q')], Action::Quit)
        .help("q", "save and quit")
        .hint("quit"),
];

/// The action `key` is bound to. Modifiers are ignored: a capital letter arrives with or
/// without SHIFT depending on the terminal.
pub fn action_for(key: &KeyEvent) -> Option<Action> {
    BINDINGS
        .iter()
        .find(|binding| binding.keys.contains(&key.code))
        .map(|binding| binding.action)
}

/// The help screen's rows: keys as named there, and what they do.
pub fn help_rows() -> impl Iterator<Item = (&'static str, &'static str)> {
    BINDINGS.iter().filter_map(|binding| binding.help)
}

/// The footer's hints: each hinted binding's first key, and its word.
pub fn hints() -> impl Iterator<Item = (KeyCode, &'static str)> {
    BINDINGS
        .iter()
        .filter_map(|binding| Some((*binding.keys.first()?, binding.hint?)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyModifiers;

    #[test]
    fn no_key_is_bound_twice() {
        let all: Vec<KeyCode> = BINDINGS
            .iter()
            .flat_map(|b| b.keys.iter().copied())
            .collect();
        for (i, code) in all.iter().enumerate() {
            assert!(!all[i + 1..].contains(code), "{code} is bound twice");
        }
    }

    #[test]
    fn shifted_letters_find_their_binding() {
        let shifted_n = KeyEvent::new(Char('N'), KeyModifiers::SHIFT);
        assert_eq!(action_for(&shifted_n), Some(Action::PreviousOpen));
        let unbound = KeyEvent::new(Char('z'), KeyModifiers::NONE);
        assert_eq!(action_for(&unbound), None);
    }
}
