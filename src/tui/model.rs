//! The review screen's state: the files, the selection, the filter and what the screen is
//! doing. Changes that must keep it consistent (the path index, the visible list, the cursors)
//! live here; [`super::update`] decides when to make them.

use super::editor::LineEditor;
use super::names::distinguishing_names;
use super::preview::Preview;
use crate::check::Finding;
use crate::report::{self, FileKey, FileReport, Report, SpecInfo, Status, ToolInfo};
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

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
    /// The file name, with as many parent folders as tell it from other files of the same
    /// name, escaped: safe to draw. Set by the model whenever its entries change.
    pub name: String,
    /// Lower-case name for `/` search.
    search_key: String,
    /// The row stands for a clip (see [`super::clips`]), not a file.
    pub clip_row: bool,
}

impl Entry {
    pub(super) fn new(report: FileReport, state: EntryState) -> Entry {
        let search_key = report.name().to_lowercase();
        Entry {
            report,
            state,
            name: String::new(),
            search_key,
            clip_row: false,
        }
    }

    pub(super) fn placeholder(path: &Path) -> Entry {
        Entry::new(FileReport::unchecked(path), EntryState::Pending)
    }

    pub fn is_pending(&self) -> bool {
        matches!(self.state, EntryState::Pending | EntryState::Rechecking)
    }

    /// Whether the saved report should hold this entry (placeholders have nothing to save).
    pub(super) fn has_result(&self) -> bool {
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

    pub(super) fn next(self) -> Filter {
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
    /// One entry per file ([`FileKey`]).
    pub entries: Vec<Entry>,
    /// The clips the files form (the report's `clips[]`); their rows in `entries` hold their
    /// findings.
    pub clips: Vec<report::ClipReport>,
    /// Ids of the clips whose track files are shown under their row.
    pub unfolded: HashSet<String>,
    by_file: HashMap<FileKey, usize>,
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
    /// `--watch`: files keep arriving; the header says so.
    pub watching: bool,
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
    /// The entry `o` last jumped from, so `o` on its pair goes back to it.
    pub paired_from: Option<usize>,
    pub preview: Preview,
}

impl Model {
    /// A screen for `spec`, resuming `previous` (its files are shown until re-checked).
    pub fn new(
        spec: SpecInfo,
        operator: String,
        previous: Option<Report>,
        clock: fn() -> String,
    ) -> Model {
        let (created, clips, entries) = match previous {
            // A file the report lists twice becomes one entry with the reviews of both.
            Some(report) => (
                report.created,
                report.clips,
                report::one_entry_per_file(report.files)
                    .into_iter()
                    .map(|f| Entry::new(f, EntryState::Kept))
                    .collect(),
            ),
            None => (clock(), Vec::new(), Vec::new()),
        };
        let mut model = Model {
            spec,
            created,
            operator,
            clock,
            entries,
            clips: Vec::new(),
            unfolded: HashSet::new(),
            by_file: HashMap::new(),
            visible: Vec::new(),
            cursor: 0,
            finding_cursor: 0,
            focus: Pane::Files,
            filter: Filter::All,
            search: String::new(),
            mode: Mode::Normal,
            progress: Progress::Idle,
            watching: false,
            status: None,
            save_error: None,
            unsaved: false,
            color: true,
            files_offset: Cell::new(0),
            findings_offset: Cell::new(0),
            paired_from: None,
            preview: Preview::default(),
        };
        model.reindex();
        model.refilter();
        if !clips.is_empty() {
            super::clips::install(&mut model, clips);
        }
        model
    }

    /// Rebuilds the file index and the names shown, which depend on every other entry.
    fn reindex(&mut self) {
        let paths: Vec<PathBuf> = self.entries.iter().map(|e| e.report.file_path()).collect();
        for (entry, name) in self.entries.iter_mut().zip(distinguishing_names(&paths)) {
            entry.name = name;
        }
        self.by_file = paths
            .into_iter()
            .enumerate()
            .map(|(i, path)| (FileKey::of(&path), i))
            .collect();
    }

    /// Puts `entries`, one per file, on the screen (the caller refilters).
    pub(super) fn replace_entries(&mut self, entries: Vec<Entry>) {
        self.entries = entries;
        self.reindex();
    }

    /// The index of the entry for `path`, adding a placeholder for a path the scan did not
    /// announce.
    pub(super) fn entry_for(&mut self, path: &Path) -> usize {
        if let Some(&i) = self.by_file.get(&FileKey::of(path)) {
            return i;
        }
        self.entries.push(Entry::placeholder(path));
        self.reindex();
        self.entries.len() - 1
    }

    /// The report as it should be on disk: every file with a result, reviews included.
    pub fn to_report(&self) -> Report {
        let files: Vec<FileReport> = self
            .entries
            .iter()
            .filter(|e| e.has_result() && !e.clip_row)
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
            clips: super::clips::clips_with_reviews(self),
            roots: Vec::new(),
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

    /// The selected finding, to keep the note editor's unconfirmed text on it as a draft.
    pub(super) fn selected_finding_mut(&mut self) -> Option<&mut Finding> {
        let index = self.selected_entry_index()?;
        self.entries[index]
            .report
            .findings
            .get_mut(self.finding_cursor)
    }

    pub fn counts(&self) -> Counts {
        let mut c = Counts {
            files: self.entries.iter().filter(|e| !e.clip_row).count(),
            ..Counts::default()
        };
        for e in &self.entries {
            if e.clip_row {
                // A clip is no file; its open failures count.
            } else if e.is_pending() {
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
    pub(super) fn refilter(&mut self) {
        let selected = self.selected_entry_index();
        self.search = self.search.to_lowercase();
        self.visible = super::clips::display_order(self)
            .into_iter()
            .filter(|&i| super::clips::shown(self, i, |e| self.passes(e)))
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

    pub(super) fn clamp_finding(&mut self) {
        let n = self.selected_entry().map_or(0, |e| e.report.findings.len());
        self.finding_cursor = self.finding_cursor.min(n.saturating_sub(1));
    }

    fn select_file(&mut self, pos: usize) {
        if pos != self.cursor {
            self.cursor = pos;
            self.finding_cursor = 0;
        }
    }

    pub(super) fn move_selection(&mut self, delta: isize) {
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
    pub(super) fn find_open(&self, forward: bool) -> Option<(usize, usize)> {
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

    /// Refilters with the selection on entry `entry` (an index into `entries`).
    pub(super) fn refilter_keeping(&mut self, entry: usize) {
        self.visible = vec![entry];
        self.cursor = 0;
        self.refilter();
    }
}
