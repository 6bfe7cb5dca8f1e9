//! Carrying reviews over when a report is re-run: reviews are matched by file ([`FileKey`]) +
//! check id; a review whose basis no longer holds reopens its finding (`basis`); reviewed
//! findings that no longer occur are kept and marked stale, never deleted.

use super::model::{FileKey, FileReport, Report, SpecInfo};
use crate::check::{Finding, Review, Verdict};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
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
            None if is_judged(&old.review) => {
                let mut stale = old.clone();
                stale.stale = true;
                kept.push(stale);
            }
            None => {}
        }
    }
    fresh.findings.extend(kept);
}

/// Applies [`carry_reviews`] file by file (and clip by clip) and keeps the earlier creation
/// time. A file listed more than once in `previous` brings the reviews of every listing.
pub fn resume(fresh: &mut Report, previous: &Report) {
    fresh.created = previous.created.clone();
    super::carry_clip_reviews(&mut fresh.clips, &previous.clips);
    let previous: HashMap<FileKey, FileReport> = one_entry_per_file(previous.files.clone())
        .into_iter()
        .map(|file| (file.key(), file))
        .collect();
    for file in &mut fresh.files {
        if let Some(old) = previous.get(&file.key()) {
            carry_reviews(file, old);
        }
    }
}

/// One entry per file, in the order each file first appears. A file listed more than once (a
/// hand-edited report, shards concatenated by hand) is taken as runs oldest first: each later
/// listing takes the reviews of the earlier ones, as [`combine`] does, so no review is lost.
pub fn one_entry_per_file(files: impl IntoIterator<Item = FileReport>) -> Vec<FileReport> {
    let mut once: Vec<FileReport> = Vec::new();
    let mut index: HashMap<FileKey, usize> = HashMap::new();
    for mut file in files {
        match index.entry(file.key()) {
            Entry::Occupied(at) => {
                let earlier = &mut once[*at.get()];
                carry_open_reviews(&mut file, earlier);
                *earlier = file;
            }
            Entry::Vacant(slot) => {
                slot.insert(once.len());
                once.push(file);
            }
        }
    }
    once
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
    let mut files = one_entry_per_file(ordered.iter().flat_map(|r| r.files.iter().cloned()));
    // Names that display alike (not UTF-8) still sort the same way every time.
    files.sort_by(|a, b| {
        crate::scan::natural_order(&a.path, &b.path).then_with(|| a.key().cmp(&b.key()))
    });
    let mut operators: Vec<&str> = Vec::new();
    for report in &ordered {
        if !operators.contains(&report.operator.as_str()) {
            operators.push(&report.operator);
        }
    }
    let mut merged = Report::new(first.spec.clone(), operators.join(", "), files);
    let mut versions: Vec<String> = Vec::new();
    for report in &ordered {
        let tool = &report.tool;
        for version in std::iter::once(&tool.version).chain(&tool.merged_versions) {
            if !versions.contains(version) {
                versions.push(version.clone());
            }
        }
    }
    if versions.iter().any(|v| *v != merged.tool.version) {
        merged.tool.merged_versions = versions;
    }
    merged.clips = super::combine_clips(ordered.iter().flat_map(|r| &r.clips));
    for root in ordered.iter().flat_map(|r| &r.roots) {
        if !merged.roots.contains(root) {
            merged.roots.push(root.clone());
        }
    }
    merged.created = ordered
        .iter()
        .map(|r| &r.created)
        .min_by_key(|c| instant(c))
        .cloned()
        .unwrap_or_default();
    merged.updated = Some(super::model::now_rfc3339());
    merged.refresh_summary();
    Ok(merged)
}

/// Like [`carry_reviews`], but a review already made in the newer run wins. An older review it
/// displaces is kept beside it as a stale finding, as a review of a finding that is gone is.
fn carry_open_reviews(newer: &mut FileReport, older: &FileReport) {
    let kept: Vec<_> = newer.findings.iter().map(|f| f.review.clone()).collect();
    carry_reviews(newer, older);
    let mut displaced = Vec::new();
    for (finding, review) in newer.findings.iter_mut().zip(kept) {
        if is_judged(&review) {
            let carried = std::mem::replace(&mut finding.review, review);
            if is_judged(&carried) && !same_judgement(&carried, &finding.review) {
                let mut older = finding.clone();
                older.review = carried;
                older.stale = true;
                displaced.push(older);
            }
        }
    }
    newer.findings.extend(displaced);
}

/// Whether an operator judged or annotated the finding.
fn is_judged(review: &Review) -> bool {
    review.verdict != Verdict::Open || !review.note.is_empty() || review.draft.is_some()
}

/// The same verdict and note by the same operator at the same time: one review, whatever
/// basis each copy records.
fn same_judgement(a: &Review, b: &Review) -> bool {
    (&a.verdict, &a.note, &a.operator, &a.at) == (&b.verdict, &b.note, &b.operator, &b.at)
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

    fn file(findings: Vec<Finding>) -> FileReport {
        FileReport::with_findings(findings)
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
    fn a_merge_keeps_the_versions_its_reports_were_made_with() {
        let spec = SpecInfo {
            name: "s".into(),
            path: "s.yaml".into(),
            sha256: "0".into(),
        };
        let shard = |version: &str| {
            let mut report = Report::new(spec.clone(), "ana".into(), Vec::new());
            report.tool.version = version.into();
            (PathBuf::from(format!("{version}.json")), report)
        };
        let ours = env!("CARGO_PKG_VERSION");
        let same = combine(vec![shard(ours), shard(ours)]).expect("merged");
        assert_eq!(same.tool.merged_versions, Vec::<String>::new());
        let mixed = combine(vec![shard(ours), shard("0.0.1")]).expect("merged");
        assert_eq!(mixed.tool.version, ours);
        let mut versions = mixed.tool.merged_versions.clone();
        versions.sort();
        let mut expected = vec![ours.to_owned(), "0.0.1".to_owned()];
        expected.sort();
        assert_eq!(versions, expected);
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

    fn reviewed(mut finding: Finding, verdict: Verdict, note: &str) -> Finding {
        finding.review.verdict = verdict;
        finding.review.note = note.into();
        finding
    }

    fn report_of(files: Vec<FileReport>, created: &str) -> Report {
        let mut report = Report::new(SpecInfo::default(), "ana".into(), files);
        report.created = created.into();
        report
    }

    fn rate() -> Finding {
        Finding::fail("video.frame_rate", "frame rate", "25", "24")
    }

    #[test]
    fn a_file_listed_twice_in_one_report_keeps_the_reviews_of_both_listings() {
        let first = file(vec![
            reviewed(loudness(1), Verdict::Waived, "M&E stem"),
            rate(),
        ]);
        let second = file(vec![loudness(1), reviewed(rate(), Verdict::Rejected, "")]);
        let merged = combine(vec![(
            "a.json".into(),
            report_of(vec![first, second], "2026-11-30T10:00:00Z"),
        )])
        .expect("merges");
        assert_eq!(merged.files.len(), 1);
        let verdicts: Vec<_> = merged.files[0]
            .findings
            .iter()
            .map(|f| (f.check.as_str(), f.review.verdict, f.stale))
            .collect();
        assert_eq!(
            verdicts,
            [
                ("audio.loudness.integrated", Verdict::Waived, false),
                ("video.frame_rate", Verdict::Rejected, false),
            ]
        );
    }

    #[test]
    fn two_verdicts_on_one_finding_keep_the_newer_and_the_older_beside_it() {
        let older = file(vec![reviewed(rate(), Verdict::Waived, "client accepts 24")]);
        let newer = file(vec![reviewed(rate(), Verdict::Rejected, "")]);
        let merged = combine(vec![
            (
                "b.json".into(),
                report_of(vec![newer], "2026-11-30T11:00:00Z"),
            ),
            (
                "a.json".into(),
                report_of(vec![older], "2026-11-30T10:00:00Z"),
            ),
        ])
        .expect("merges");
        let findings = &merged.files[0].findings;
        assert_eq!(findings.len(), 2);
        assert_eq!(
            (findings[0].review.verdict, findings[0].stale),
            (Verdict::Rejected, false)
        );
        assert_eq!(
            (findings[1].review.verdict, findings[1].stale),
            (Verdict::Waived, true)
        );
        assert_eq!(findings[1].review.note, "client accepts 24");
    }

    #[test]
    fn the_same_review_listed_twice_is_kept_once() {
        let listing = file(vec![reviewed(rate(), Verdict::Waived, "ok")]);
        let merged = combine(vec![(
            "a.json".into(),
            report_of(vec![listing.clone(), listing], "2026-11-30T10:00:00Z"),
        )])
        .expect("merges");
        assert_eq!(merged.files[0].findings.len(), 1);
    }

    #[test]
    fn names_that_display_alike_stay_two_files() {
        use std::os::unix::ffi::OsStrExt;
        let at = |bytes: &[u8]| {
            let mut f = file(vec![rate()]);
            (f.path, f.path_raw) =
                FileReport::recorded_path(std::path::Path::new(std::ffi::OsStr::from_bytes(bytes)));
            f
        };
        let mut ff = at(b"/m/clip\xff.mov");
        ff.findings[0].review.verdict = Verdict::Waived;
        let fe = at(b"/m/clip\xfe.mov");
        let merged = combine(vec![
            (
                "a.json".into(),
                report_of(vec![ff.clone()], "2026-11-30T10:00:00Z"),
            ),
            (
                "b.json".into(),
                report_of(vec![fe.clone()], "2026-11-30T11:00:00Z"),
            ),
        ])
        .expect("merges");
        assert_eq!(merged.files.len(), 2);
        assert_eq!(merged.files[0].path, merged.files[1].path);
        let waived = merged
            .files
            .iter()
            .find(|f| f.key() == ff.key())
            .expect("ff");
        assert_eq!(waived.findings[0].review.verdict, Verdict::Waived);
        let open = merged
            .files
            .iter()
            .find(|f| f.key() == fe.key())
            .expect("fe");
        assert_eq!(open.findings[0].review.verdict, Verdict::Open);

        let mut fresh = report_of(vec![at(b"/m/clip\xfe.mov"), at(b"/m/clip\xff.mov")], "now");
        resume(&mut fresh, &merged);
        assert_eq!(fresh.files[0].findings[0].review.verdict, Verdict::Open);
        assert_eq!(fresh.files[1].findings[0].review.verdict, Verdict::Waived);
    }

    #[test]
    fn resuming_a_report_that_lists_a_file_twice_brings_every_review() {
        let first = file(vec![
            reviewed(loudness(1), Verdict::Waived, "M&E stem"),
            rate(),
        ]);
        let second = file(vec![loudness(1), reviewed(rate(), Verdict::Rejected, "")]);
        let previous = report_of(vec![first, second], "2026-11-30T10:00:00Z");
        let mut fresh = report_of(vec![file(vec![loudness(1), rate()])], "now");
        resume(&mut fresh, &previous);
        let verdicts: Vec<_> = fresh.files[0]
            .findings
            .iter()
            .map(|f| f.review.verdict)
            .collect();
        assert_eq!(verdicts, [Verdict::Waived, Verdict::Rejected]);
    }

    #[test]
    fn short_sha_never_splits_a_character() {
        assert_eq!(short("sha-xééééé"), "sha-xééééé");
        assert_eq!(short("0123456789abcdef"), "0123456789ab");
    }
}
