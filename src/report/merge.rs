//! Carrying reviews over when a report is re-run: reviews are matched by file path + check id;
//! a review whose basis no longer holds reopens its finding (`basis`); reviewed findings that no
//! longer occur are kept and marked stale, never deleted.

use super::model::{FileReport, Report, SpecInfo};
use crate::check::{Finding, Verdict};
use std::path::PathBuf;

/// Moves the operator's reviews from `previous` into `fresh` (a new run over the same files).
/// A check can yield several findings (one per audio stream, per black stretch …), so a review
/// goes to the finding with the same check, place and message; by check id alone only when
/// that id occurs once on each side. Each fresh finding takes at most one review.
pub fn carry_reviews(fresh: &mut FileReport, previous: &FileReport) {
    let key = |f: &Finding| {
        (
            f.check.clone(),
            f.at.as_ref().map(|a| a.start.clone()),
            f.message.clone(),
        )
    };
    let count = |findings: &[Finding], check: &str| {
        findings
            .iter()
            .filter(|f| !f.stale && f.check == check)
            .count()
    };
    let mut taken = vec![false; fresh.findings.len()];
    // Current findings first: an old stale review must not win over a current one.
    let olds = previous.findings.iter().filter(|f| !f.stale);
    let olds = olds.chain(previous.findings.iter().filter(|f| f.stale));
    let mut kept = Vec::new();
    for old in olds {
        let exact = (0..taken.len()).find(|&i| !taken[i] && key(&fresh.findings[i]) == key(old));
        let by_id = || {
            let unique = !old.stale
                && count(&fresh.findings, &old.check) == 1
                && count(&previous.findings, &old.check) == 1;
            (0..taken.len()).find(|&i| unique && !taken[i] && fresh.findings[i].check == old.check)
        };
        match exact.or_else(by_id) {
            Some(i) => {
                taken[i] = true;
                let mut finding = fresh.findings[i].clone();
                super::basis::carry(old, previous, &mut finding, fresh);
                fresh.findings[i] = finding;
            }
            None if old.review.verdict != Verdict::Open
                || !old.review.note.is_empty()
                || old.review.draft.is_some() =>
            {
                let mut stale = old.clone();
                stale.stale = true;
                kept.push(stale);
            }
            None => {}
        }
    }
    fresh.findings.extend(kept);
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

/// Why reports could not be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("nothing to merge")]
    Nothing,
    #[error(transparent)]
    SpecDiffers(Box<SpecMismatch>),
}

/// Reviews made against different rules cannot be put side by side.
#[derive(Debug, thiserror::Error)]
#[error(
    "{} was checked against spec {:?} (sha256 {}), {} against {:?} (sha256 {}); \
     reports can only be merged when made with the same spec",
    .path.display(), .spec.name, short(&.spec.sha256),
    .first_path.display(), .first_spec.name, short(&.first_spec.sha256)
)]
pub struct SpecMismatch {
    pub path: PathBuf,
    pub spec: SpecInfo,
    pub first_path: PathBuf,
    pub first_spec: SpecInfo,
}

/// Combines reports made on several machines against the same spec into one. A file found in
/// more than one report keeps the newest run, with reviews carried over from the older ones.
pub fn combine(reports: Vec<(PathBuf, Report)>) -> Result<Report, MergeError> {
    let Some((first_path, first)) = reports.first() else {
        return Err(MergeError::Nothing);
    };
    for (path, report) in &reports[1..] {
        if report.spec.sha256 != first.spec.sha256 {
            return Err(MergeError::SpecDiffers(Box::new(SpecMismatch {
                path: path.clone(),
                spec: report.spec.clone(),
                first_path: first_path.clone(),
                first_spec: first.spec.clone(),
            })));
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
    sha.get(..12).unwrap_or(sha)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Status;

    fn file(findings: Vec<Finding>) -> FileReport {
        FileReport {
            path: "/m/a.mov".into(),
            size: None,
            mtime: None,
            status: Status::Fail,
            timecode_source: None,
            probe: None,
            measurements: Default::default(),
            findings,
        }
    }

    fn loudness(stream: u32) -> Finding {
        Finding::fail(
            "audio.loudness.integrated",
            "integrated loudness",
            "-23",
            "-14",
        )
        .with_message(format!(
            "integrated loudness: got -14.0 LUFS (stream {stream})"
        ))
    }

    #[test]
    fn reviews_of_findings_sharing_a_check_id_stay_on_their_own_finding() {
        let mut old = file(vec![loudness(1), loudness(2)]);
        old.findings[0].review.verdict = Verdict::Waived;
        old.findings[0].review.note = "M&E stem".into();
        old.findings[1].review.verdict = Verdict::Rejected;
        let mut fresh = file(vec![loudness(1), loudness(2)]);
        carry_reviews(&mut fresh, &old);
        assert_eq!(fresh.findings.len(), 2);
        assert_eq!(fresh.findings[0].review.verdict, Verdict::Waived);
        assert_eq!(fresh.findings[0].review.note, "M&E stem");
        assert_eq!(fresh.findings[1].review.verdict, Verdict::Rejected);
    }

    #[test]
    fn a_unique_check_keeps_its_review_when_the_figures_change() {
        let mut old = file(vec![loudness(1)]);
        old.findings[0].review.verdict = Verdict::Rejected;
        let mut changed = loudness(1);
        changed.message = "integrated loudness: got -15.0 LUFS (stream 1)".into();
        let mut fresh = file(vec![changed]);
        carry_reviews(&mut fresh, &old);
        assert_eq!(fresh.findings.len(), 1);
        assert_eq!(fresh.findings[0].review.verdict, Verdict::Rejected);
    }

    #[test]
    fn a_waiver_of_another_value_reopens_the_finding() {
        // Waived "expected 25, got 24"; the clip was replaced by a 30 fps file of the same name.
        let rate = |actual: &str| Finding::fail("video.frame_rate", "frame rate", "25", actual);
        let mut old = file(vec![rate("24")]);
        old.findings[0].review.verdict = Verdict::Waived;
        old.findings[0].review.note = "client accepts 24".into();
        let mut fresh = file(vec![rate("30")]);
        carry_reviews(&mut fresh, &old);
        assert_eq!(fresh.findings.len(), 1);
        let review = &fresh.findings[0].review;
        assert_eq!(review.verdict, Verdict::Open);
        assert_eq!(review.stale.as_ref().map(|s| s.actual.as_str()), Some("24"));
        fresh.refresh_status();
        let report = crate::report::Report::new(Default::default(), "ana".into(), vec![fresh]);
        assert_eq!(report.verdict, crate::report::SignOff::Incomplete);
    }

    #[test]
    fn reviewed_findings_that_are_gone_are_kept_stale() {
        let mut old = file(vec![loudness(1), loudness(2)]);
        old.findings[1].review.note = "check stem 2".into();
        let mut fresh = file(vec![loudness(1)]);
        carry_reviews(&mut fresh, &old);
        assert_eq!(fresh.findings.len(), 2);
        assert!(fresh.findings[1].stale);
        assert_eq!(fresh.findings[1].review.note, "check stem 2");
    }

    #[test]
    fn short_sha_never_splits_a_character() {
        assert_eq!(short("sha-xééééé"), "sha-xééééé");
        assert_eq!(short("0123456789abcdef"), "0123456789ab");
    }
}
