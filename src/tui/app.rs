//! The review screen's state and its one transition function. `update` does no IO: it returns
//! [`Effect`]s (save, export, quit) that the runtime carries out and answers with a [`Msg`], so
//! whole-app tests drive it with plain key messages and job results.

use super::editor::LineEditor;
use crate::check::{Finding, Review, Verdict};
use crate::escape::escape_control;
use crate::report::{self, FileReport, Report, SpecInfo, Status, ToolInfo};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::cell::Cell;
use std::collections::HashMap;

/// Everything that can happen to the review screen.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    /// The scan finished: these files will be checked (in this order); `unlisted` are paths
    /// that could not even be listed, already reported as errors.
    Planned {
        files: Vec<String>,
        unlisted: Vec<FileReport>,
    },
    /// One file has been probed, measured and checked.
    Checked(Box<FileReport>),
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
    /// The terminal changed size; nothing to do but redraw.
    Resize,
}

/// IO the runtime performs for `update`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Write the report now (a review changed).
    Save,
    /// Write HTML and CSV beside the report.
    Export,
    /// Save and leave. Unless `force`d (a signal, Ctrl-C), a failed save keeps the screen
    /// open so the reviews in memory are not lost.
    Quit { force: bool },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryState {
    /// Found by the scan, not checked yet (and not in an earlier report).
    Pending,
    /// Shown from the earlier report while it is checked again.
    Rechecking,
    /// Checked in this session.
    Checked,
    /// From the earlier report and not part of this run: kept as it was.
    Kept,
}

/// One file on the screen.
#[derive(Debug, Clone)]
pub struct Entry {
    pub report: FileReport,
    pub state: EntryState,
    /// The file name with control characters escaped: safe to draw.
    pub name: String,
    /// Lower-case name for `/` search.
    search_key: String,
}

impl Entry {
    fn new(report: FileReport, state: EntryState) -> Entry {
        let name = escape_control(report.name()).into_owned();
        let search_key = report.name().to_lowercase();
        Entry {
            report,
            state,
            name,
            search_key,
        }
    }

    fn placeholder(path: String) -> Entry {
        Entry::new(
            FileReport {
                path,
                size: None,
                mtime: None,
                status: Status::Pass,
                probe: None,
                measurements: Default::default(),
                findings: Vec::new(),
            },
            EntryState::Pending,
        )
    }

    pub fn is_pending(&self) -> bool {
        matches!(self.state, EntryState::Pending | EntryState::Rechecking)
    }

    /// Whether the saved report should hold this entry (placeholders have nothing to save).
    fn has_result(&self) -> bool {
        self.state != EntryState::Pending
    }

    pub fn open_failures(&self) -> usize {
        self.report
            .findings
            .iter()
            .filter(|f| f.is_open_failure())
            .count()
    }

    fn is_failing(&self) -> bool {
        self.state != EntryState::Pending && self.report.status != Status::Pass
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Files,
    Findings,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    All,
    /// Files with status fail or error.
    Failing,
    /// Files with at least one open failure.
    Open,
}

impl Filter {
    pub fn as_str(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Failing => "failing",
            Filter::Open => "open",
        }
    }

    fn next(self) -> Filter {
        match self {
            Filter::All => Filter::Failing,
            Filter::Failing => Filter::Open,
            Filter::Open => Filter::All,
        }
    }
}

/// What the editor's text becomes on Enter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotePurpose {
    Note,
    WaiveReason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Help,
    Note {
        purpose: NotePurpose,
        editor: LineEditor,
    },
    /// Typing a search; `previous` comes back on Esc.
    Search {
        editor: LineEditor,
        previous: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Showing a saved report; nothing runs.
    Idle,
    /// Walking the paths.
    Scanning,
    Checking {
        done: usize,
        total: usize,
    },
    Done {
        total: usize,
    },
}

/// Counts for the header.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub files: usize,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    pub pending: usize,
    pub open: usize,
}

pub struct Model {
    pub spec: SpecInfo,
    pub created: String,
    pub operator: String,
    /// Time source for review stamps (RFC 3339); tests pass a fixed one.
    pub clock: fn() -> String,
    pub entries: Vec<Entry>,
    by_path: HashMap<String, usize>,
    /// Indices into `entries` that pass the filter and search, in order.
    pub visible: Vec<usize>,
    /// Position in `visible` of the selected file.
    pub cursor: usize,
    /// Index of the selected finding in the selected file.
    pub finding_cursor: usize,
    pub focus: Pane,
    pub filter: Filter,
    pub search: String,
    pub mode: Mode,
    pub progress: Progress,
    /// One line for the footer, cleared by the next key.
    pub status: Option<String>,
    /// Why the last save failed; the runtime retries while this is set.
    pub save_error: Option<String>,
    /// Changes not yet on disk.
    pub unsaved: bool,
    pub color: bool,
    /// First rows shown in the scrolling panes; views keep the selection in sight.
    pub files_offset: Cell<usize>,
    pub findings_offset: Cell<usize>,
}

impl Model {
    /// A screen for `spec`, resuming `previous` (its files are shown until re-checked).
    pub fn new(
        spec: SpecInfo,
        operator: String,
        previous: Option<Report>,
        clock: fn() -> String,
    ) -> Model {
        let (created, entries) = match previous {
            Some(report) => (
                report.created,
                report
                    .files
                    .into_iter()
                    .map(|f| Entry::new(f, EntryState::Kept))
                    .collect(),
            ),
            None => (clock(), Vec::new()),
        };
        let mut model = Model {
            spec,
            created,
            operator,
            clock,
            entries,
            by_path: HashMap::new(),
            visible: Vec::new(),
            cursor: 0,
            finding_cursor: 0,
            focus: Pane::Files,
            filter: Filter::All,
            search: String::new(),
            mode: Mode::Normal,
            progress: Progress::Idle,
            status: None,
            save_error: None,
            unsaved: false,
            color: true,
            files_offset: Cell::new(0),
            findings_offset: Cell::new(0),
        };
        model.reindex();
        model.refilter();
        model
    }

    fn reindex(&mut self) {
        self.by_path = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.report.path.clone(), i))
            .collect();
    }

    /// The report as it should be on disk: every file with a result, reviews included.
    pub fn to_report(&self) -> Report {
        let files: Vec<FileReport> = self
            .entries
            .iter()
            .filter(|e| e.has_result())
            .map(|e| e.report.clone())
            .collect();
        let mut report = Report {
            schema: report::SCHEMA.to_owned(),
            tool: ToolInfo::default(),
            created: self.created.clone(),
            updated: Some((self.clock)()),
            operator: self.operator.clone(),
            spec: self.spec.clone(),
            summary: report::Summary::of(&files),
            files,
            verdict: report::SignOff::Incomplete,
        };
        report.refresh_summary();
        report
    }

    pub fn selected_entry_index(&self) -> Option<usize> {
        self.visible.get(self.cursor).copied()
    }

    pub fn selected_entry(&self) -> Option<&Entry> {
        self.selected_entry_index().map(|i| &self.entries[i])
    }

    pub fn selected_finding(&self) -> Option<&Finding> {
        self.selected_entry()
            .and_then(|e| e.report.findings.get(self.finding_cursor))
    }

    pub fn counts(&self) -> Counts {
        let mut c = Counts {
            files: self.entries.len(),
            ..Counts::default()
        };
        for e in &self.entries {
            if e.is_pending() {
                c.pending += 1;
            } else {
                match e.report.status {
                    Status::Pass => c.pass += 1,
                    Status::Fail => c.fail += 1,
                    Status::Error => c.error += 1,
                }
            }
            c.open += e.open_failures();
        }
        c
    }

    fn passes(&self, entry: &Entry) -> bool {
        let by_filter = match self.filter {
            Filter::All => true,
            Filter::Failing => entry.is_failing(),
            Filter::Open => entry.open_failures() > 0,
        };
        by_filter && (self.search.is_empty() || entry.search_key.contains(&self.search))
    }

    /// Recomputes `visible`, keeping the same file selected when it is still shown.
    fn refilter(&mut self) {
        let selected = self.selected_entry_index();
        self.search = self.search.to_lowercase();
        self.visible = (0..self.entries.len())
            .filter(|&i| self.passes(&self.entries[i]))
            .collect();
        match selected.and_then(|s| self.visible.iter().position(|&i| i == s)) {
            Some(pos) => self.cursor = pos,
            None => {
                self.cursor = self.cursor.min(self.visible.len().saturating_sub(1));
                self.finding_cursor = 0;
            }
        }
        self.clamp_finding();
    }

    fn clamp_finding(&mut self) {
        let n = self.selected_entry().map_or(0, |e| e.report.findings.len());
        self.finding_cursor = self.finding_cursor.min(n.saturating_sub(1));
    }

    fn select_file(&mut self, pos: usize) {
        if pos != self.cursor {
            self.cursor = pos;
            self.finding_cursor = 0;
        }
    }

    fn move_selection(&mut self, delta: isize) {
        match self.focus {
            Pane::Files => {
                let last = self.visible.len().saturating_sub(1);
                let pos = self.cursor.saturating_add_signed(delta).min(last);
                self.select_file(pos);
            }
            Pane::Findings => {
                let n = self.selected_entry().map_or(0, |e| e.report.findings.len());
                self.finding_cursor = self
                    .finding_cursor
                    .saturating_add_signed(delta)
                    .min(n.saturating_sub(1));
            }
        }
    }

    /// The next (or previous) open failure across all files, wrapping around.
    fn find_open(&self, forward: bool) -> Option<(usize, usize)> {
        let n = self.entries.len();
        if n == 0 {
            return None;
        }
        let (start, current) = match self.selected_entry_index() {
            Some(e) if !self.entries[e].report.findings.is_empty() => {
                (e, Some(self.finding_cursor))
            }
            Some(e) => (e, None),
            None => (if forward { 0 } else { n - 1 }, None),
        };
        for step in 0..=n {
            let e = if forward {
                (start + step) % n
            } else {
                (start + n - step % n) % n
            };
            let findings = &self.entries[e].report.findings;
            let mut order: Box<dyn Iterator<Item = usize>> = if forward {
                Box::new(0..findings.len())
            } else {
                Box::new((0..findings.len()).rev())
            };
            let hit = order.find(|&f| {
                let beyond = match (step, current) {
                    (0, Some(c)) if forward => f > c,
                    (0, Some(c)) => f < c,
                    _ => true,
                };
                beyond && findings[f].is_open_failure()
            });
            if let Some(f) = hit {
                return Some((e, f));
            }
        }
        None
    }

    fn jump_to_open(&mut self, forward: bool) {
        let Some((entry, finding)) = self.find_open(forward) else {
            self.status = Some("no open failures".to_owned());
            return;
        };
        if !self.visible.contains(&entry) {
            self.filter = Filter::All;
            self.search.clear();
            self.refilter();
            self.status = Some("filter cleared to show the next open failure".to_owned());
        }
        if let Some(pos) = self.visible.iter().position(|&i| i == entry) {
            self.cursor = pos;
            self.finding_cursor = finding;
            self.focus = Pane::Findings;
        }
    }

    /// Applies `change` to the selected finding's review, stamped with operator and time.
    fn review(&mut self, change: impl FnOnce(&mut Review)) -> Vec<Effect> {
        let Some(index) = self.selected_entry_index() else {
            self.status = Some("no file selected".to_owned());
            return vec![];
        };
        let operator = self.operator.clone();
        let now = (self.clock)();
        let Some(finding) = self.entries[index]
            .report
            .findings
            .get_mut(self.finding_cursor)
        else {
            self.status = Some("this file has no finding to review".to_owned());
            return vec![];
        };
        change(&mut finding.review);
        finding.review.operator = Some(operator);
        finding.review.at = Some(now);
        self.unsaved = true;
        self.refilter();
        vec![Effect::Save]
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if key.kind == KeyEventKind::Release {
            return vec![];
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return vec![Effect::Quit { force: true }];
        }
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Normal => self.on_normal_key(key),
            // Any key closes the help.
            Mode::Help => vec![],
            Mode::Note { purpose, editor } => self.on_note_key(key, purpose, editor),
            Mode::Search { editor, previous } => self.on_search_key(key, editor, previous),
        }
    }

    fn on_normal_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        self.status = None;
        let page = 10;
        match key.code {
            KeyCode::Char('q') => return vec![Effect::Quit { force: false }],
            KeyCode::Char('?') => self.mode = Mode::Help,
            KeyCode::Tab | KeyCode::BackTab => {
                self.focus = match self.focus {
                    Pane::Files => Pane::Findings,
                    Pane::Findings => Pane::Files,
                }
            }
            KeyCode::Enter if self.focus == Pane::Files => self.focus = Pane::Findings,
            KeyCode::Char('j') | KeyCode::Down => self.move_selection(1),
            KeyCode::Char('k') | KeyCode::Up => self.move_selection(-1),
            KeyCode::PageDown => self.move_selection(page),
            KeyCode::PageUp => self.move_selection(-page),
            KeyCode::Char('g') | KeyCode::Home => self.move_selection(isize::MIN / 2),
            KeyCode::Char('G') | KeyCode::End => self.move_selection(isize::MAX / 2),
            KeyCode::Char('n') => self.jump_to_open(true),
            KeyCode::Char('N') => self.jump_to_open(false),
            KeyCode::Char('x') => {
                return self.review(|r| r.verdict = Verdict::Rejected);
            }
            KeyCode::Char('u') => return self.review(|r| r.verdict = Verdict::Open),
            KeyCode::Char('w') | KeyCode::Char('a') => {
                let Some(finding) = self.selected_finding() else {
                    self.status = Some("this file has no finding to review".to_owned());
                    return vec![];
                };
                let purpose = if key.code == KeyCode::Char('w') {
                    NotePurpose::WaiveReason
                } else {
                    NotePurpose::Note
                };
                self.mode = Mode::Note {
                    purpose,
                    editor: LineEditor::with_text(&finding.review.note),
                };
            }
            KeyCode::Char('f') => {
                self.filter = self.filter.next();
                self.refilter();
            }
            KeyCode::Char('/') => {
                self.mode = Mode::Search {
                    editor: LineEditor::with_text(&self.search),
                    previous: self.search.clone(),
                }
            }
            KeyCode::Esc if !self.search.is_empty() => {
                self.search.clear();
                self.refilter();
            }
            KeyCode::Char('e') => return vec![Effect::Export],
            _ => {}
        }
        vec![]
    }

    fn on_note_key(
        &mut self,
        key: KeyEvent,
        purpose: NotePurpose,
        mut editor: LineEditor,
    ) -> Vec<Effect> {
        match key.code {
            KeyCode::Esc => {
                self.status = Some("note not changed".to_owned());
                return vec![];
            }
            KeyCode::Enter => {
                let text = editor.text().trim().to_owned();
                return match purpose {
                    NotePurpose::WaiveReason if text.is_empty() => {
                        self.status = Some("a waiver needs a reason (Esc cancels)".to_owned());
                        self.mode = Mode::Note { purpose, editor };
                        vec![]
                    }
                    NotePurpose::WaiveReason => self.review(|r| {
                        r.verdict = Verdict::Waived;
                        r.note = text;
                    }),
                    NotePurpose::Note => self.review(|r| r.note = text),
                };
            }
            _ => edit(&mut editor, key),
        }
        self.mode = Mode::Note { purpose, editor };
        vec![]
    }

    fn on_search_key(
        &mut self,
        key: KeyEvent,
        mut editor: LineEditor,
        previous: String,
    ) -> Vec<Effect> {
        match key.code {
            KeyCode::Esc => {
                self.search = previous;
                self.refilter();
                return vec![];
            }
            KeyCode::Enter => {
                if self.visible.is_empty() {
                    self.status = Some(format!(
                        "no file name contains \"{}\"",
                        escape_control(&self.search)
                    ));
                }
                return vec![];
            }
            _ => edit(&mut editor, key),
        }
        if editor.text().to_lowercase() != self.search {
            self.search = editor.text().to_owned();
            self.refilter();
        }
        self.mode = Mode::Search { editor, previous };
        vec![]
    }

    fn on_planned(&mut self, files: Vec<String>, unlisted: Vec<FileReport>) {
        let selected_path = self
            .selected_entry()
            .map(|e| e.report.path.clone())
            .unwrap_or_default();
        let mut earlier: HashMap<String, Entry> = self
            .entries
            .drain(..)
            .map(|e| (e.report.path.clone(), e))
            .collect();
        let mut entries = Vec::with_capacity(files.len() + unlisted.len() + earlier.len());
        for path in files {
            entries.push(match earlier.remove(&path) {
                Some(mut e) => {
                    e.state = EntryState::Rechecking;
                    e
                }
                None => Entry::placeholder(path),
            });
        }
        for mut fresh in unlisted {
            if let Some(old) = earlier.remove(&fresh.path) {
                report::carry_reviews(&mut fresh, &old.report);
                fresh.refresh_status();
            }
            entries.push(Entry::new(fresh, EntryState::Checked));
        }
        // Files of the earlier report that this run does not cover stay, in their old order.
        let mut kept: Vec<Entry> = earlier.into_values().collect();
        kept.sort_by(|a, b| natord::compare(&a.report.path, &b.report.path));
        entries.extend(kept);
        self.entries = entries;
        self.reindex();
        let total = self.entries.iter().filter(|e| e.is_pending()).count();
        self.progress = Progress::Checking { done: 0, total };
        self.cursor = self
            .entries
            .iter()
            .position(|e| e.report.path == selected_path)
            .unwrap_or(0);
        self.visible.clear();
        self.refilter_keeping(self.cursor);
        self.unsaved = true;
    }

    /// Refilters with the selection on entry `entry` (an index into `entries`).
    fn refilter_keeping(&mut self, entry: usize) {
        self.visible = vec![entry];
        self.cursor = 0;
        self.refilter();
    }

    fn on_checked(&mut self, mut fresh: FileReport) {
        let index = match self.by_path.get(&fresh.path) {
            Some(&i) => i,
            None => {
                self.entries.push(Entry::placeholder(fresh.path.clone()));
                self.by_path
                    .insert(fresh.path.clone(), self.entries.len() - 1);
                self.entries.len() - 1
            }
        };
        let entry = &mut self.entries[index];
        if entry.state != EntryState::Pending {
            report::carry_reviews(&mut fresh, &entry.report);
            fresh.refresh_status();
        }
        entry.report = fresh;
        entry.state = EntryState::Checked;
        if let Progress::Checking { done, total } = &mut self.progress {
            *done = (*done + 1).min(*total);
        }
        self.unsaved = true;
        if self.filter != Filter::All || !self.search.is_empty() {
            self.refilter();
        } else {
            self.clamp_finding();
        }
    }
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

/// The one transition function.
pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => return model.on_key(key),
        Msg::Planned { files, unlisted } => model.on_planned(files, unlisted),
        Msg::Checked(report) => model.on_checked(*report),
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
        Msg::Signal(_) => return vec![Effect::Quit { force: true }],
        Msg::Resize | Msg::BackgroundSaved { .. } => {}
    }
    vec![]
}

/// A key press as the terminal would send it.
pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Key messages for each character of `text` (`"nx"` → n, x).
pub fn keys(text: &str) -> Vec<Msg> {
    text.chars().map(|c| key(KeyCode::Char(c))).collect()
}
