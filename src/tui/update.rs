//! The review screen's one transition function. `update` does no IO: it returns [`Effect`]s
//! (save, export, quit) that the runtime carries out and answers with a [`Msg`], so whole-app
//! tests drive it with plain key messages and job results.

use super::editor::LineEditor;
use super::keys::{Action, action_for};
use super::model::{Entry, EntryState, Filter, Mode, Model, NotePurpose, Pane, Progress, Row};
use super::preview::{self, actions::Step};
use crate::check::{Basis, Review, Verdict};
use crate::escape::escape_control;
use crate::report::{self, FileKey, FileReport};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::collections::HashMap;
use std::path::PathBuf;

/// Everything that can happen to the review screen.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    /// The scan finished: these files will be checked (in this order); `unlisted` are paths
    /// that could not even be listed, already reported as errors.
    Planned {
        files: Vec<PathBuf>,
        unlisted: Vec<FileReport>,
        /// The folders they were found under (`Report::roots`).
        roots: Vec<PathBuf>,
    },
    /// One file has been probed, measured and checked.
    Checked(Box<FileReport>),
    /// The checked files form these clips (none without `clips:` in the spec); sent before
    /// `ChecksDone`.
    Clips(Vec<report::ClipReport>),
    /// Every planned file has been checked.
    ChecksDone,
    /// The outcome of an [`Effect::Save`]: `Err` holds what went wrong.
    Saved(Result<(), String>),
    /// A background save finished (handled by the runtime, which knows whether a newer save
    /// is still on its way; `update` only ever sees `Saved`).
    BackgroundSaved {
        generation: u64,
        result: Result<(), String>,
    },
    /// The outcome of an [`Effect::Export`], as a line for the status bar.
    Exported(String),
    /// SIGHUP/SIGTERM/SIGINT: save and leave.
    Signal(&'static str),
    /// The terminal hung up or failed (even when no SIGHUP comes): save and leave, as on a
    /// signal.
    TerminalGone,
    /// The terminal changed size; nothing to do but redraw.
    Resize,
    /// The preview worker decoded a frame (or could not).
    PreviewFrame(Box<preview::Decoded>),
}

/// IO the runtime performs for `update`.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Write the report now (a review changed).
    Save,
    /// Write HTML and CSV beside the report.
    Export,
    /// Save and leave. Unless `force`d (a signal, a lost terminal, Ctrl-C), a failed save keeps
    /// the screen open so the reviews in memory are not lost.
    Quit { force: bool },
    /// Decode a frame for the preview; the answer comes as `Msg::PreviewFrame`.
    Preview(preview::Request),
}

/// The one transition function.
pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => return on_key(model, key),
        Msg::Planned {
            files,
            unlisted,
            roots,
        } => {
            model.roots = roots
                .iter()
                .map(|r| r.to_string_lossy().into_owned())
                .collect();
            on_planned(model, files, unlisted);
        }
        Msg::Checked(report) if model.watching => {
            // A file that landed is a new entry: shown at once, and saved as a review would be.
            on_checked(model, *report);
            model.refilter();
            return vec![Effect::Save];
        }
        Msg::Checked(report) => on_checked(model, *report),
        Msg::Clips(clips) if clips.is_empty() && model.clips.is_empty() => {}
        Msg::Clips(clips) => {
            model.install_clips(clips);
            model.unsaved = true;
        }
        Msg::ChecksDone => {
            let total = model.entries.iter().filter(|e| e.has_result()).count();
            model.progress = Progress::Done { total };
            for e in &mut model.entries {
                // A file the engine never answered for keeps its earlier result.
                if e.state == EntryState::Rechecking {
                    e.state = EntryState::Kept;
                }
            }
            return vec![Effect::Save];
        }
        Msg::Saved(Ok(())) => {
            model.unsaved = false;
            model.save_error = None;
        }
        Msg::Saved(Err(why)) => model.save_error = Some(why),
        Msg::Exported(line) => model.status = Some(line),
        Msg::Signal(_) | Msg::TerminalGone => {
            keep_draft(model);
            return vec![Effect::Quit { force: true }];
        }
        Msg::PreviewFrame(decoded) => model.preview.on_decoded(*decoded),
        Msg::Resize | Msg::BackgroundSaved { .. } => {}
    }
    vec![]
}

fn on_key(model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        return vec![];
    }
    // Ctrl-C leaves from any mode, even when the last save failed.
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        return vec![Effect::Quit { force: true }];
    }
    match std::mem::replace(&mut model.mode, Mode::Normal) {
        Mode::Normal => {
            model.status = None;
            let mut effects =
                action_for(&key).map_or_else(Vec::new, |action| perform(model, action));
            effects.extend(preview::actions::follow_selection(model).map(Effect::Preview));
            effects
        }
        // Any key closes the help.
        Mode::Help => vec![],
        Mode::Note { purpose, editor } => on_note_key(model, key, purpose, editor),
        Mode::Search { editor, previous } => on_search_key(model, key, editor, previous),
    }
}

/// Rows moved by PgUp/PgDn.
const PAGE: isize = 10;

fn perform(model: &mut Model, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => return vec![Effect::Quit { force: false }],
        Action::Help => model.mode = Mode::Help,
        Action::SwitchPane => {
            model.focus = match model.focus {
                Pane::Files => Pane::Findings,
                Pane::Findings => Pane::Files,
            }
        }
        Action::OpenFindings if matches!(model.selected_row(), Some(Row::Clip(_))) => {
            model.toggle_clip()
        }
        Action::ToggleClip => model.toggle_clip(),
        Action::OpenFindings if model.focus == Pane::Files => model.focus = Pane::Findings,
        Action::OpenFindings => {}
        Action::Down => model.move_selection(1),
        Action::Up => model.move_selection(-1),
        Action::PageDown => model.move_selection(PAGE),
        Action::PageUp => model.move_selection(-PAGE),
        Action::First => model.move_selection(isize::MIN / 2),
        Action::Last => model.move_selection(isize::MAX / 2),
        Action::NextOpen => jump_to_open(model, true),
        Action::PreviousOpen => jump_to_open(model, false),
        Action::Reject => return review(model, |r| r.verdict = Verdict::Rejected),
        Action::Reopen => return review(model, |r| r.verdict = Verdict::Open),
        Action::Waive => open_note(model, NotePurpose::WaiveReason),
        Action::Note => open_note(model, NotePurpose::Note),
        Action::CycleFilter => {
            model.filter = model.filter.next();
            model.refilter();
        }
        Action::Search => {
            model.mode = Mode::Search {
                editor: LineEditor::with_text(&model.search),
                previous: model.search.clone(),
            }
        }
        Action::ClearSearch if !model.search.is_empty() => {
            model.search.clear();
            model.refilter();
        }
        Action::ClearSearch => {}
        Action::Export => return vec![Effect::Export],
        Action::PairedFile => super::paired::jump(model),
        Action::Preview => return decode(preview::actions::toggle(model)),
        Action::FrameBack => return decode(preview::actions::step(model, Step::Frames(-1))),
        Action::FrameForward => return decode(preview::actions::step(model, Step::Frames(1))),
        Action::SecondBack => return decode(preview::actions::step(model, Step::Seconds(-1))),
        Action::SecondForward => return decode(preview::actions::step(model, Step::Seconds(1))),
        Action::NextLandmark => return decode(preview::actions::next_landmark(model)),
    }
    vec![]
}

/// The effect that decodes the preview's frame, when one must be.
fn decode(request: Option<preview::Request>) -> Vec<Effect> {
    request.map(Effect::Preview).into_iter().collect()
}

/// Opens the note editor on the selected finding's draft, if it has one, else on its note.
fn open_note(model: &mut Model, purpose: NotePurpose) {
    let Some(finding) = model.selected_finding() else {
        model.status = Some("this file has no finding to review".to_owned());
        return;
    };
    let review = &finding.review;
    model.mode = Mode::Note {
        purpose,
        editor: LineEditor::with_text(review.draft.as_deref().unwrap_or(&review.note)),
    };
}

/// Leaving with the note editor open (a signal, a lost terminal): what was typed becomes the
/// selected finding's draft, unless it is empty or the note itself. The verdict stays as it
/// was: a waiver reason typed but not confirmed does not waive.
fn keep_draft(model: &mut Model) {
    let Mode::Note { editor, .. } = &model.mode else {
        return;
    };
    let text = editor.text().trim().to_owned();
    let Some(finding) = model.selected_finding_mut() else {
        return;
    };
    let draft = (!text.is_empty() && text != finding.review.note).then_some(text);
    if finding.review.draft != draft {
        finding.review.draft = draft;
        model.unsaved = true;
    }
}

fn on_note_key(
    model: &mut Model,
    key: KeyEvent,
    purpose: NotePurpose,
    mut editor: LineEditor,
) -> Vec<Effect> {
    match key.code {
        // A draft stays as it was: Esc cancels this edit, not the earlier typing.
        KeyCode::Esc => {
            model.status = Some("note not changed".to_owned());
            return vec![];
        }
        KeyCode::Enter => {
            let text = editor.text().trim().to_owned();
            return match purpose {
                NotePurpose::WaiveReason if text.is_empty() => {
                    model.status = Some("a waiver needs a reason (Esc cancels)".to_owned());
                    model.mode = Mode::Note { purpose, editor };
                    vec![]
                }
                NotePurpose::WaiveReason => review(model, |r| {
                    r.verdict = Verdict::Waived;
                    r.note = text;
                    r.draft = None;
                }),
                NotePurpose::Note => review(model, |r| {
                    r.note = text;
                    r.draft = None;
                }),
            };
        }
        _ => edit(&mut editor, key),
    }
    model.mode = Mode::Note { purpose, editor };
    vec![]
}

fn on_search_key(
    model: &mut Model,
    key: KeyEvent,
    mut editor: LineEditor,
    previous: String,
) -> Vec<Effect> {
    match key.code {
        KeyCode::Esc => {
            model.search = previous;
            model.refilter();
            return vec![];
        }
        KeyCode::Enter => {
            if model.visible.is_empty() {
                model.status = Some(format!(
                    "no file name contains \"{}\"",
                    escape_control(&model.search)
                ));
            }
            return vec![];
        }
        _ => edit(&mut editor, key),
    }
    if editor.text().to_lowercase() != model.search {
        model.search = editor.text().to_owned();
        model.refilter();
    }
    model.mode = Mode::Search { editor, previous };
    vec![]
}

/// Line-editing keys shared by the note editor and the search prompt.
fn edit(editor: &mut LineEditor, key: KeyEvent) {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Char('a') if ctrl => editor.home(),
        KeyCode::Char('e') if ctrl => editor.end(),
        KeyCode::Char('u') if ctrl => editor.clear(),
        KeyCode::Char(c) if !ctrl && !c.is_control() => editor.insert(c),
        KeyCode::Backspace => editor.backspace(),
        KeyCode::Delete => editor.delete(),
        KeyCode::Left => editor.left(),
        KeyCode::Right => editor.right(),
        KeyCode::Home => editor.home(),
        KeyCode::End => editor.end(),
        _ => {}
    }
}

fn jump_to_open(model: &mut Model, forward: bool) {
    let Some((row, finding)) = model.find_open(forward) else {
        model.status = Some("no open failures".to_owned());
        return;
    };
    if model.reveal(row) {
        model.refilter();
    }
    if !model.visible.contains(&row) {
        model.filter = Filter::All;
        model.search.clear();
        model.refilter();
        model.status = Some("filter cleared to show the next open failure".to_owned());
    }
    if let Some(pos) = model.visible.iter().position(|&r| r == row) {
        model.cursor = pos;
        model.finding_cursor = finding;
        model.focus = Pane::Findings;
    }
}

/// Applies `change` to the selected finding's review, stamped with operator and time.
fn review(model: &mut Model, change: impl FnOnce(&mut Review)) -> Vec<Effect> {
    let Some(row) = model.selected_row() else {
        model.status = Some("no file selected".to_owned());
        return vec![];
    };
    let operator = model.operator.clone();
    let now = (model.clock)();
    let index = model.finding_cursor;
    let Some(basis) = basis(model, row, index) else {
        model.status = Some("this file has no finding to review".to_owned());
        return vec![];
    };
    let finding = &mut model.findings_mut(row)[index];
    change(&mut finding.review);
    finding.review.operator = Some(operator);
    finding.review.at = Some(now);
    // What this verdict judged: it reopens when a re-check finds something else.
    finding.review.basis = Some(basis);
    if finding.review.verdict != Verdict::Open {
        // The earlier, stale verdict has been replaced by a judgement of the current finding.
        finding.review.stale = None;
    }
    model.unsaved = true;
    model.refilter();
    vec![Effect::Save]
}

/// What a review of finding `f` of `row` judges: for a file, the finding and the file as it is
/// now; a clip is no file, so its finding alone.
fn basis(model: &Model, row: Row, f: usize) -> Option<Basis> {
    let finding = model.findings(row).get(f)?;
    Some(match row {
        Row::File(i) => Basis::of(&model.entries[i].report, finding),
        Row::Clip(_) => Basis {
            expected: finding.expected.clone(),
            actual: finding.actual.clone(),
            ..Basis::default()
        },
    })
}

fn on_planned(model: &mut Model, files: Vec<PathBuf>, unlisted: Vec<FileReport>) {
    let selected_clip = model.selected_row().filter(|r| matches!(r, Row::Clip(_)));
    let selected = model.selected_entry().map(|e| e.report.key());
    // The model holds one entry per file, so none is lost here.
    let mut earlier: HashMap<FileKey, Entry> = model
        .entries
        .drain(..)
        .map(|e| (e.report.key(), e))
        .collect();
    let mut entries = Vec::with_capacity(files.len() + unlisted.len() + earlier.len());
    for path in files {
        entries.push(match earlier.remove(&FileKey::of(&path)) {
            Some(mut e) => {
                e.state = EntryState::Rechecking;
                e
            }
            None => Entry::placeholder(&path),
        });
    }
    for mut fresh in unlisted {
        if let Some(old) = earlier.remove(&fresh.key()) {
            report::carry_reviews(&mut fresh, &old.report);
            fresh.refresh_status();
        }
        entries.push(Entry::new(fresh, EntryState::Checked));
    }
    // Files of the earlier report that this run does not cover stay, in their old order.
    let mut kept: Vec<Entry> = earlier.into_values().collect();
    kept.sort_by(|a, b| {
        crate::scan::natural_order(&a.report.path, &b.report.path)
            .then_with(|| a.report.key().cmp(&b.report.key()))
    });
    entries.extend(kept);
    model.replace_entries(entries);
    let total = model.entries.iter().filter(|e| e.is_pending()).count();
    model.progress = Progress::Checking { done: 0, total };
    let selected_file = model
        .entries
        .iter()
        .position(|e| Some(e.report.key()) == selected);
    // The clips stay as they were until the checks send theirs.
    model.refilter_keeping(selected_clip.unwrap_or(Row::File(selected_file.unwrap_or(0))));
    model.unsaved = true;
}

fn on_checked(model: &mut Model, mut fresh: FileReport) {
    let index = model.entry_for(&fresh.file_path());
    let entry = &mut model.entries[index];
    if entry.state != EntryState::Pending {
        report::carry_reviews(&mut fresh, &entry.report);
        fresh.refresh_status();
    }
    entry.report = fresh;
    entry.state = EntryState::Checked;
    if let Progress::Checking { done, total } = &mut model.progress {
        *done = (*done + 1).min(*total);
    }
    model.unsaved = true;
    if model.filter != Filter::All || !model.search.is_empty() {
        model.refilter();
    } else {
        model.clamp_finding();
    }
}

/// A key press as the terminal would send it (for tests, benches and examples).
#[cfg(feature = "testing")]
pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Key messages for each character of `text` (`"nx"` → n, x).
#[cfg(feature = "testing")]
pub fn keys(text: &str) -> Vec<Msg> {
    text.chars().map(|c| key(KeyCode::Char(c))).collect()
}
