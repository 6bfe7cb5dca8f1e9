//! Carrying reviews over when a report is re-run: reviews are matched by file path + check id;
//! reviewed findings that no longer occur are kept and marked stale, never deleted.

use super::model::{FileReport, Report};
use crate::check::Verdict;

/// Moves the operator's reviews from `previous` into `fresh` (a new run over the same files).
pub fn carry_reviews(fresh: &mut FileReport, previous: &FileReport) {
    for old in &previous.findings {
        let reviewed = old.review.verdict != Verdict::Open || !old.review.note.is_empty();
        match fresh.findings.iter_mut().find(|f| f.check == old.check) {
            Some(new) => new.review = old.review.clone(),
            None if reviewed => {
                let mut kept = old.clone();
                kept.stale = true;
                fresh.findings.push(kept);
            }
            None => {}
        }
    }
}

/// Applies [`carry_reviews`] file by file (by path) and keeps the earlier creation time.
pub fn resume(fresh: &mut Report, previous: &Report) {
    fresh.created = previous.created.clone();
    for file in &mut fresh.files {
        if let Some(old) = previous.files.iter().find(|f| f.path == file.path) {
            carry_reviews(file, old);
        }
    }
}
