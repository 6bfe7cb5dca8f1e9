//! What a review judged, so that a review never outlives what it was about.
//!
//! A review records its [`Basis`]: the finding's expected and actual values and the file's size,
//! modification time and probe digest. When a file is checked again, a review stays with its
//! finding only while the basis still holds:
//! - the file is the same file: size, mtime and probe digest unchanged (a replaced, re-rendered
//!   or re-copied file is judged afresh);
//! - the finding says the same thing: same expected value, and the same actual value — where
//!   both actual values are a number with the same unit, numbers that differ by at most one
//!   display step ([`DRIFT`]) are the same (a re-measurement reading −23.62 instead of −23.61
//!   LUFS is still the same breach of the same limit).
//!
//! Otherwise the finding reopens, and the earlier verdict is kept beside it as [`StaleReview`]
//! for everyone to see, until an operator judges the finding again.

use super::model::FileReport;
use crate::check::{Basis, Finding, Review, StaleReview, Verdict};
use crate::probe::Probe;
use sha2::{Digest, Sha256};

/// How far two measured numbers may drift and still be the same finding: one step of the
/// one-decimal figures the checks print.
pub const DRIFT: f64 = 0.1 + 1e-9;

impl Basis {
    /// What a review of `finding` in `file` judges now.
    pub fn of(file: &FileReport, finding: &Finding) -> Basis {
        Basis {
            expected: finding.expected.clone(),
            actual: finding.actual.clone(),
            size: file.size,
            mtime: file.mtime.clone(),
            probe_sha256: file.probe.as_ref().map(probe_digest),
        }
    }

    /// Whether a review made on this basis still judges `finding` in `file`.
    pub fn holds_for(&self, file: &FileReport, finding: &Finding) -> bool {
        let now = Basis::of(file, finding);
        // A field the earlier report did not record (an @1 report has no mtime) is not compared.
        let same = |then: &Option<String>, now: &Option<String>| then.is_none() || then == now;
        let same_size = self.size.is_none() || self.size == now.size;
        same_size
            && same(&self.mtime, &now.mtime)
            && same(&self.probe_sha256, &now.probe_sha256)
            && self.expected == now.expected
            && same_actual(&self.actual, &now.actual)
    }
}

/// Moves `old` (a review of an earlier run's finding) onto `fresh`, or reopens `fresh` with
/// `old` kept as stale when its basis no longer holds. `old_file` is the earlier run's file,
/// for reviews recorded before reviews carried a basis.
pub fn carry(old: &Finding, old_file: &FileReport, fresh: &mut Finding, fresh_file: &FileReport) {
    let review = &old.review;
    if review.verdict == Verdict::Open && review.note.is_empty() {
        // Nothing judged; an earlier stale verdict stays visible until someone judges again.
        fresh.review = review.clone();
        return;
    }
    let basis = review
        .basis
        .clone()
        .unwrap_or_else(|| Basis::of(old_file, old));
    if basis.holds_for(fresh_file, fresh) {
        fresh.review = Review {
            basis: Some(basis),
            ..review.clone()
        };
    } else {
        fresh.review = Review {
            stale: Some(StaleReview {
                verdict: review.verdict,
                note: review.note.clone(),
                operator: review.operator.clone(),
                at: review.at.clone(),
                actual: basis.actual,
            }),
            // Unconfirmed typing is the operator's, whatever the finding now says.
            draft: review.draft.clone(),
            ..Review::default()
        };
    }
}

/// sha256 of what the probe says about the file, leaving out what was measured from its
/// samples (per-stream loudness and its decoder), which a re-measurement may refine, and the
/// material package UMID, which reports only keep since clips are regrouped from them: a review
/// made before must still hold.
pub fn probe_digest(probe: &Probe) -> String {
    let mut probe = probe.clone();
    probe.material_package_umid = None;
    for stream in &mut probe.audio {
        stream.loudness = None;
        stream.decoder = None;
    }
    let json = serde_json::to_vec(&probe).unwrap_or_default();
    Sha256::digest(&json)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Equal text, or the same unit with numbers within [`DRIFT`].
fn same_actual(then: &str, now: &str) -> bool {
    if then == now {
        return true;
    }
    match (leading_number(then), leading_number(now)) {
        (Some((a, unit_a)), Some((b, unit_b))) => unit_a == unit_b && (a - b).abs() <= DRIFT,
        _ => false,
    }
}

/// `"-23.6 LUFS"` → (−23.6, "LUFS"); the minus may be ASCII or U+2212.
fn leading_number(text: &str) -> Option<(f64, &str)> {
    let text = text.trim();
    let (sign, rest) = match text.strip_prefix('-').or_else(|| text.strip_prefix('−')) {
        Some(rest) => (-1.0, rest),
        None => (1.0, text.strip_prefix('+').unwrap_or(text)),
    };
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let number: f64 = rest[..end].parse().ok()?;
    Some((sign * number, rest[end..].trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(size: u64, mtime: &str) -> FileReport {
        FileReport {
            size: Some(size),
            mtime: Some(mtime.into()),
            probe: Some(Probe::default()),
            ..FileReport::with_findings(Vec::new())
        }
    }

    fn finding(actual: &str) -> Finding {
        Finding::fail("video.frame_rate", "frame rate", "25", actual)
    }

    fn waived(actual: &str, file: &FileReport) -> Finding {
        let mut f = finding(actual);
        f.review = Review {
            verdict: Verdict::Waived,
            note: "client accepts".into(),
            operator: Some("ana".into()),
            at: Some("2026-11-30T02:10:00+00:00".into()),
            ..Review::default()
        };
        f.review.basis = Some(Basis::of(file, &f));
        f
    }

    #[test]
    fn a_review_stays_while_file_and_finding_are_unchanged() {
        let old_file = file(100, "t1");
        let old = waived("24", &old_file);
        let mut fresh = finding("24");
        carry(&old, &old_file, &mut fresh, &file(100, "t1"));
        assert_eq!(fresh.review.verdict, Verdict::Waived);
        assert!(fresh.review.stale.is_none());
    }

    #[test]
    fn a_changed_actual_reopens_with_the_old_verdict_kept() {
        let old_file = file(100, "t1");
        let old = waived("24", &old_file);
        let mut fresh = finding("30");
        carry(&old, &old_file, &mut fresh, &file(100, "t1"));
        assert_eq!(fresh.review.verdict, Verdict::Open);
        let stale = fresh.review.stale.as_ref().expect("stale kept");
        assert_eq!(stale.verdict, Verdict::Waived);
        assert_eq!(
            stale.describe(),
            "waived 2026-11-30 by ana for 'got 24': client accepts"
        );
    }

    #[test]
    fn a_replaced_file_reopens_even_with_the_same_actual() {
        let old_file = file(100, "t1");
        let old = waived("24", &old_file);
        for changed in [file(101, "t1"), file(100, "t2")] {
            let mut fresh = finding("24");
            carry(&old, &old_file, &mut fresh, &changed);
            assert_eq!(fresh.review.verdict, Verdict::Open);
            assert!(fresh.review.stale.is_some());
        }
    }

    #[test]
    fn measurements_drifting_within_a_display_step_are_the_same_finding() {
        assert!(same_actual("-23.6 LUFS", "-23.7 LUFS"));
        assert!(same_actual("−23.61 LUFS", "−23.62 LUFS"));
        assert!(!same_actual("-23.6 LUFS", "-23.8 LUFS"));
        assert!(!same_actual("-20.0 LUFS", "-26.0 LUFS"));
        assert!(!same_actual("24", "30"));
        assert!(!same_actual("1.0 dBTP", "1.0 LU"));
        assert!(!same_actual("24", "unknown"));
    }

    #[test]
    fn a_review_without_basis_is_judged_against_the_earlier_finding() {
        let old_file = file(100, "t1");
        let mut old = waived("24", &old_file);
        old.review.basis = None;
        let mut same = finding("24");
        carry(&old, &old_file, &mut same, &file(100, "t1"));
        assert_eq!(same.review.verdict, Verdict::Waived);
        let mut changed = finding("30");
        carry(&old, &old_file, &mut changed, &file(100, "t1"));
        assert_eq!(changed.review.verdict, Verdict::Open);
    }

    #[test]
    fn measured_loudness_does_not_change_the_probe_digest() {
        let mut probe = Probe::default();
        probe.audio.push(Default::default());
        let before = probe_digest(&probe);
        probe.audio[0].decoder = Default::default();
        assert_eq!(before, probe_digest(&probe));
        probe.duration_s = Some(3.0);
        assert_ne!(before, probe_digest(&probe));
    }
}
