//! What the file list's rows are: a file's [`Entry`], or a clip of the report's `clips[]`,
//! addressed alike by a [`Row`]. Plain types, shared by the model and the clip layout.

use crate::report::{FileReport, Status};
use std::path::Path;

/// A row of the file list: a file (an index into `Model::entries`) or a clip (an index into
/// `Model::clips`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Row {
    File(usize),
    Clip(usize),
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
    /// The file name, with as many parent folders as tell it from other files of the same
    /// name, escaped: safe to draw. Set by the model whenever its entries change.
    pub name: String,
    /// Lower-case name for `/` search.
    search_key: String,
}

impl Entry {
    pub(super) fn new(report: FileReport, state: EntryState) -> Entry {
        let search_key = report.name().to_lowercase();
        Entry {
            report,
            state,
            name: String::new(),
            search_key,
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

    pub(super) fn is_failing(&self) -> bool {
        self.state != EntryState::Pending && self.report.status != Status::Pass
    }

    /// Whether `/` search for `search` (lower case) finds this file.
    pub(super) fn matches(&self, search: &str) -> bool {
        self.search_key.contains(search)
    }
}
