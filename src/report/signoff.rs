//! The overall verdict a supervisor signs: approved, rejected, or not yet decided.

use super::model::Report;
use crate::check::{Severity, Verdict};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignOff {
    /// No error finding stands: none exist, or each is waived with a note.
    Approved,
    /// An operator confirmed at least one error finding.
    Rejected,
    /// Error findings are still open (or waived without a reason).
    #[default]
    Incomplete,
}

impl SignOff {
    pub fn as_str(self) -> &'static str {
        match self {
            SignOff::Approved => "approved",
            SignOff::Rejected => "rejected",
            SignOff::Incomplete => "incomplete",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SignOff::Approved => "APPROVED",
            SignOff::Rejected => "REJECTED",
            SignOff::Incomplete => "INCOMPLETE",
        }
    }

    /// Judges the current (non-stale) error findings of every file.
    pub fn of(report: &Report) -> SignOff {
        let errors = report
            .files
            .iter()
            .flat_map(|file| &file.findings)
            .chain(report.clips.iter().flat_map(|clip| &clip.findings))
            .filter(|f| !f.stale && f.severity == Severity::Error);
        let mut decided = true;
        for finding in errors {
            match finding.review.verdict {
                Verdict::Rejected => return SignOff::Rejected,
                Verdict::Waived if !finding.review.note.trim().is_empty() => {}
                _ => decided = false,
            }
        }
        if decided {
            SignOff::Approved
        } else {
            SignOff::Incomplete
        }
    }
}

impl std::fmt::Display for SignOff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Finding;
    use crate::report::{FileReport, SpecInfo};

    fn report(findings: Vec<Finding>) -> Report {
        let file = FileReport::with_findings(findings);
        let spec = SpecInfo {
            name: "s".into(),
            path: "s.yaml".into(),
            sha256: "0".into(),
        };
        Report::new(spec, "op".into(), vec![file])
    }

    fn error() -> Finding {
        Finding::fail("video.frame_rate", "frame rate", "25", "24")
    }

    #[test]
    fn no_errors_is_approved() {
        assert_eq!(SignOff::of(&report(vec![])), SignOff::Approved);
        let mut warning = error();
        warning.severity = Severity::Warning;
        assert_eq!(SignOff::of(&report(vec![warning])), SignOff::Approved);
    }

    #[test]
    fn open_or_reasonless_waiver_is_incomplete() {
        assert_eq!(SignOff::of(&report(vec![error()])), SignOff::Incomplete);
        let mut waived = error();
        waived.review.verdict = Verdict::Waived;
        assert_eq!(
            SignOff::of(&report(vec![waived.clone()])),
            SignOff::Incomplete
        );
        waived.review.note = "approved by client, see mail 12/3".into();
        assert_eq!(
            SignOff::of(&report(vec![waived.clone()])),
            SignOff::Approved
        );
        let mut rejected = error();
        rejected.review.verdict = Verdict::Rejected;
        assert_eq!(
            SignOff::of(&report(vec![waived, rejected, error()])),
            SignOff::Rejected
        );
    }

    #[test]
    fn stale_findings_do_not_count() {
        let mut old = error();
        old.stale = true;
        assert_eq!(SignOff::of(&report(vec![old])), SignOff::Approved);
    }
}
