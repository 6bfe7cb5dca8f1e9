//! The review screen's state: the files, the selection, the filter and what the screen is
//! doing. Changes that must keep it consistent (the path index, the visible list, the cursors)
//! live here; [`super::update`] decides when to make them.

use super::clips;
use super::editor::LineEditor;
use super::names::distinguishing_names;
use super::preview::Preview;
use crate::check::Finding;
use crate::escape::escape_control;
use crate::report::{self, FileKey, FileReport, Report, SpecInfo, Status, ToolInfo};
use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

pub use super::rows::{Entry, EntryState, Row};

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

/// Counts for the header. With clips, the verdicts count what `check` lists at the left of its
/// text output: each clip once (for itself and its track files) and each file in no clip.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Every file, in a clip or not.
    pub files: usize,
    pub clips: usize,
    /// Files in no clip.
    pub unclipped_files: usize,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    pub pending: usize,
    /// Open failures of files and clips.
    pub open: usize,
}

pub struct Model {
    pub spec: SpecInfo,
    pub created: String,
    /// The folders the files were found under, saved with the report so that `merge` can judge
    /// the whole delivery's MHL histories.
    pub roots: Vec<String>,
    pub operator: String,
    /// Time source for review stamps (RFC 3339); tests pass a fixed one.
    pub clock: fn() -> String,
    /// One entry per file ([`FileKey`]).
    pub entries: Vec<Entry>,
    /// The clips the files form (the report's `clips[]`), their findings reviewed in place.
    pub clips: Vec<report::ClipReport>,
    /// Ids of the clips whose track files are shown under their row.
    pub unfolded: HashSet<String>,
    by_file: HashMap<FileKey, usize>,
    /// The rows that pass the filter and search, in order.
    pub visible: Vec<Row>,
    /// Position in `visible` of the selected row.
    pub cursor: usize,
    /// Index of the selected finding in the selected row.
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
        let (created, clips, roots, entries) = match previous {
            // A file the report lists twice becomes one entry with the reviews of both.
            Some(report) => (
                report.created,
                report.clips,
                report.roots,
                report::one_entry_per_file(report.files)
                    .into_iter()
                    .map(|f| Entry::new(f, EntryState::Kept))
                    .collect(),
            ),
            None => (clock(), Vec::new(), Vec::new(), Vec::new()),
        };
        let mut model = Model {
            spec,
            created,
            roots,
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
        if clips.is_empty() {
            model.refilter();
        } else {
            model.install_clips(clips);
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

    /// Puts `clips` on the screen in place of the clips shown so far (see
    /// [`clips::install`]), keeping the selected row selected.
    pub(super) fn install_clips(&mut self, clips: Vec<report::ClipReport>) {
        let selected_clip = match self.selected_row() {
            Some(Row::Clip(c)) => Some(self.clips[c].id.clone()),
            _ => None,
        };
        clips::install(&mut self.clips, clips, &mut self.entries);
        // The new list may hold the selected clip at another index, or not at all.
        match selected_clip.map(|id| self.clips.iter().position(|c| c.id == id)) {
            Some(Some(c)) => self.refilter_keeping(Row::Clip(c)),
            Some(None) => {
                self.visible.clear();
                self.refilter();
            }
            None => self.refilter(),
        }
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
            clips: self.clips.clone(),
            roots: self.roots.clone(),
            verdict: report::SignOff::Incomplete,
        };
        report.refresh_summary();
        report
    }

    pub fn selected_row(&self) -> Option<Row> {
        self.visible.get(self.cursor).copied()
    }

    /// The index of the selected file; none when a clip's row is selected.
    pub fn selected_entry_index(&self) -> Option<usize> {
        match self.selected_row()? {
            Row::File(i) => Some(i),
            Row::Clip(_) => None,
        }
    }

    /// The selected file; none when a clip's row is selected.
    pub fn selected_entry(&self) -> Option<&Entry> {
        self.selected_entry_index().map(|i| &self.entries[i])
    }

    /// The findings of a file or of a clip as a whole.
    pub fn findings(&self, row: Row) -> &[Finding] {
        match row {
            Row::File(i) => &self.entries[i].report.findings,
            Row::Clip(c) => &self.clips[c].findings,
        }
    }

    pub(super) fn findings_mut(&mut self, row: Row) -> &mut [Finding] {
        match row {
            Row::File(i) => &mut self.entries[i].report.findings,
            Row::Clip(c) => &mut self.clips[c].findings,
        }
    }

    pub fn selected_finding(&self) -> Option<&Finding> {
        let row = self.selected_row()?;
        self.findings(row).get(self.finding_cursor)
    }

    /// The selected finding, to keep the note editor's unconfirmed text on it as a draft.
    pub(super) fn selected_finding_mut(&mut self) -> Option<&mut Finding> {
        let row = self.selected_row()?;
        let finding = self.finding_cursor;
        self.findings_mut(row).get_mut(finding)
    }

    /// What titles call a row: the file's name, or `clip A001_C002`; escaped, safe to draw.
    pub(crate) fn title(&self, row: Row) -> Cow<'_, str> {
        match row {
            Row::File(i) => self.entries[i].name.as_str().into(),
            Row::Clip(c) => format!("clip {}", escape_control(&self.clips[c].id)).into(),
        }
    }

    /// The index in `clips` of the clip file `i` is a track of.
    pub(crate) fn clip_of(&self, i: usize) -> Option<usize> {
        let id = self.entries[i].report.clip.as_deref()?;
        self.clips.iter().position(|c| c.id == id)
    }

    /// Whether the row waits for a check: a clip does while any of its track files does.
    pub(crate) fn is_pending(&self, row: Row) -> bool {
        match row {
            Row::File(i) => self.entries[i].is_pending(),
            Row::Clip(c) => {
                let id = Some(self.clips[c].id.as_str());
                let track = |e: &&Entry| e.report.clip.as_deref() == id;
                self.entries.iter().filter(track).any(Entry::is_pending)
            }
        }
    }

    pub fn status(&self, row: Row) -> Status {
        match row {
            Row::File(i) => self.entries[i].report.status,
            Row::Clip(c) => self.clips[c].status,
        }
    }

    pub(crate) fn open_failures(&self, row: Row) -> usize {
        self.findings(row)
            .iter()
            .filter(|f| f.is_open_failure())
            .count()
    }

    pub fn counts(&self) -> Counts {
        let mut c = Counts {
            files: self.entries.len(),
            clips: self.clips.len(),
            ..Counts::default()
        };
        let mut count = |pending: bool, status: Status| match status {
            _ if pending => c.pending += 1,
            Status::Pass => c.pass += 1,
            Status::Fail => c.fail += 1,
            Status::Error => c.error += 1,
        };
        // Track files count under their clip, which waits while any of them does.
        let ids: HashSet<&str> = self.clips.iter().map(|c| c.id.as_str()).collect();
        let mut waiting: HashSet<&str> = HashSet::new();
        for e in &self.entries {
            match e.report.clip.as_deref().filter(|id| ids.contains(id)) {
                Some(id) if e.is_pending() => {
                    waiting.insert(id);
                }
                Some(_) => {}
                None => count(e.is_pending(), e.report.status),
            }
        }
        for clip in &self.clips {
            count(waiting.contains(clip.id.as_str()), clip.status);
        }
        c.unclipped_files = c.pass + c.fail + c.error + c.pending - c.clips;
        let rows = (0..self.entries.len()).map(Row::File);
        let rows = rows.chain((0..self.clips.len()).map(Row::Clip));
        c.open = rows.map(|row| self.open_failures(row)).sum();
        c
    }

    /// Whether the filter and search pass `row` on its own.
    fn passes(&self, row: Row) -> bool {
        let by_filter = match self.filter {
            Filter::All => true,
            Filter::Failing => match row {
                Row::File(i) => self.entries[i].is_failing(),
                Row::Clip(c) => self.clips[c].status != Status::Pass,
            },
            Filter::Open => self.open_failures(row) > 0,
        };
        let by_search = || match row {
            Row::File(i) => self.entries[i].matches(&self.search),
            Row::Clip(_) => self.title(row).to_lowercase().contains(&self.search),
        };
        by_filter && (self.search.is_empty() || by_search())
    }

    /// The rows in the order the file list shows them, every clip unfolded when `all`.
    fn order(&self, all: bool) -> Vec<Row> {
        clips::order(&self.clips, &self.entries, |clip| {
            all || self.unfolded.contains(&clip.id)
        })
    }

    /// Recomputes `visible`, keeping the same row selected when it is still shown.
    pub(super) fn refilter(&mut self) {
        let selected = self.selected_row();
        self.search = self.search.to_lowercase();
        // A clip's row shows when one of its track files passes: folded under it, they would
        // be out of sight otherwise.
        let with_tracks_shown: HashSet<&str> = (0..self.entries.len())
            .filter(|&i| self.passes(Row::File(i)))
            .filter_map(|i| self.entries[i].report.clip.as_deref())
            .collect();
        let visible = self
            .order(false)
            .into_iter()
            .filter(|&row| match row {
                Row::Clip(c) => {
                    with_tracks_shown.contains(self.clips[c].id.as_str()) || self.passes(row)
                }
                Row::File(_) => self.passes(row),
            })
            .collect();
        self.visible = visible;
        match selected.and_then(|s| self.visible.iter().position(|&r| r == s)) {
            Some(pos) => self.cursor = pos,
            None => {
                self.cursor = self.cursor.min(self.visible.len().saturating_sub(1));
                self.finding_cursor = 0;
            }
        }
        self.clamp_finding();
    }

    pub(super) fn clamp_finding(&mut self) {
        let n = self.selected_row().map_or(0, |r| self.findings(r).len());
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
                let n = self.selected_row().map_or(0, |r| self.findings(r).len());
                self.finding_cursor = self
                    .finding_cursor
                    .saturating_add_signed(delta)
                    .min(n.saturating_sub(1));
            }
        }
    }

    /// The next (or previous) open failure across all files and clips, in the order of the
    /// list with every clip unfolded, wrapping around.
    pub(super) fn find_open(&self, forward: bool) -> Option<(Row, usize)> {
        let rows = self.order(true);
        let n = rows.len();
        if n == 0 {
            return None;
        }
        let selected = self
            .selected_row()
            .and_then(|s| rows.iter().position(|&r| r == s));
        let (start, current) = match selected {
            Some(r) if !self.findings(rows[r]).is_empty() => (r, Some(self.finding_cursor)),
            Some(r) => (r, None),
            None => (if forward { 0 } else { n - 1 }, None),
        };
        for step in 0..=n {
            let r = if forward {
                (start + step) % n
            } else {
                (start + n - step % n) % n
            };
            let findings = self.findings(rows[r]);
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
                return Some((rows[r], f));
            }
        }
        None
    }

    /// Refilters with the selection on `row`.
    pub(super) fn refilter_keeping(&mut self, row: Row) {
        self.visible = vec![row];
        self.cursor = 0;
        self.refilter();
    }

    /// Folds or unfolds the clip of the selected row (its own row or one of its track files'),
    /// keeping the clip's row selected.
    pub(super) fn toggle_clip(&mut self) {
        let clip = match self.selected_row() {
            Some(Row::Clip(c)) => c,
            Some(Row::File(i)) => match self.clip_of(i) {
                Some(c) => c,
                None => return,
            },
            None => return,
        };
        let id = &self.clips[clip].id;
        if !self.unfolded.remove(id) {
            self.unfolded.insert(id.clone());
        }
        self.refilter_keeping(Row::Clip(clip));
    }

    /// Unfolds the clip `row` is a track file of, so that selecting it shows it; whether that
    /// changed anything.
    pub(super) fn reveal(&mut self, row: Row) -> bool {
        match row {
            Row::File(i) => match self.clip_of(i) {
                Some(c) => self.unfolded.insert(self.clips[c].id.clone()),
                None => false,
            },
            Row::Clip(_) => false,
        }
    }
}
