//! Carrying reviews over when a report is re-run: reviews are matched by file path + check id;
//! reviewed findings that no longer occur are kept and marked stale, never deleted.

use super::model::{FileReport, Report};
use crate::check::Verdict;
use std::path::PathBuf;

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

/// Combines reports made on several machines against the same spec into one. A file found in
/// more than one report keeps the newest run, with reviews carried over from the older ones.
pub fn combine(reports: Vec<(PathBuf, Report)>) -> Result<Report, String> {
    let Some((first_path, first)) = reports.first() else {
        return Err("nothing to merge".to_owned());
    };
    for (path, report) in &reports[1..] {
        if report.spec.sha256 != first.spec.sha256 {
            return Err(format!(
                "{} was checked against spec {:?} (sha256 {}), {} against {:?} (sha256 {}); \
                 reports can only be merged when made with the same spec",
                path.display(),
                report.spec.name,
                short(&report.spec.sha256),
                first_path.display(),
                first.spec.name,
                short(&first.spec.sha256),
            ));
        }
    }
    let mut ordered: Vec<&Report> = reports.iter().map(|(_, r)| r).collect();
    // Oldest first, so a later run of the same file replaces an earlier one.
    ordered.sort_by_key(|r| instant(last_change(r)));
    let mut files: Vec<FileReport> = Vec::new();
    for report in &ordered {
        for file in &report.files {
            match files.iter_mut().find(|f| f.path == file.path) {
                Some(existing) => {
                    let mut newer = file.clone();
                    carry_open_reviews(&mut newer, existing);
                    *existing = newer;
                }
                None => files.push(file.clone()),
            }
        }
    }
    files.sort_by(|a, b| natord::compare(&a.path, &b.path));
    let mut operators: Vec<&str> = Vec::new();
    for report in &ordered {
        if !operators.contains(&report.operator.as_str()) {
            operators.push(&report.operator);
        }
    }
    let mut merged = Report::new(first.spec.clone(), operators.join(", "), files);
    merged.created = ordered
        .iter()
        .map(|r| &r.created)
        .min_by_key(|c| instant(c))
        .cloned()
        .unwrap_or_default();
    merged.updated = Some(super::model::now_rfc3339());
    Ok(merged)
}

/// Like [`carry_reviews`], but a review already made in the newer run wins.
fn carry_open_reviews(newer: &mut FileReport, older: &FileReport) {
    let kept: Vec<_> = newer.findings.iter().map(|f| f.review.clone()).collect();
    carry_reviews(newer, older);
    for (finding, review) in newer.findings.iter_mut().zip(kept) {
        if review.verdict != Verdict::Open || !review.note.is_empty() {
            finding.review = review;
        }
    }
}

fn last_change(report: &Report) -> &str {
    report.updated.as_deref().unwrap_or(&report.created)
}

/// Reports from machines in different time zones compare by instant, not by text.
fn instant(rfc3339: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    chrono::DateTime::parse_from_rfc3339(rfc3339).ok()
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(12)]
}
