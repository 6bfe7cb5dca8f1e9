//! A finding: one rule a file breaks (or could not be judged on), plus the operator's review.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where in the file, as timecode (or elapsed time when the file has none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct At {
    pub start: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    #[default]
    Open,
    /// The operator confirmed the failure.
    Rejected,
    /// The operator accepted it, with a reason in the note.
    Waived,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Open => "open",
            Verdict::Rejected => "rejected",
            Verdict::Waived => "waived",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Review {
    pub verdict: Verdict,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub operator: Option<String>,
    /// RFC 3339 time of the last change.
    #[serde(default)]
    pub at: Option<String>,
    /// What the verdict judged; the review reopens when it no longer holds (`report::basis`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<Basis>,
    /// An earlier verdict on this finding whose basis no longer holds, shown until the finding
    /// is judged again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale: Option<StaleReview>,
    /// A note or waiver reason typed but not confirmed when the session ended (a signal, a
    /// hang-up): kept so the typing is not lost, shown and offered again, never a verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<String>,
}

impl Review {
    /// The note as reports and exports show it: followed by the earlier verdict when the
    /// finding was reopened, so a handed-over report never hides that it was once judged.
    pub fn note_with_history(&self) -> std::borrow::Cow<'_, str> {
        let Some(stale) = &self.stale else {
            return std::borrow::Cow::Borrowed(&self.note);
        };
        let history = format!("reopened; earlier: {}", stale.describe());
        if self.note.is_empty() {
            history.into()
        } else {
            format!("{}\n{history}", self.note).into()
        }
    }
}

/// What a review judged: the finding's values and the file as it was.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Basis {
    pub expected: String,
    pub actual: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtime: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probe_sha256: Option<String>,
}

/// An earlier review whose basis no longer holds, kept for the record.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StaleReview {
    pub verdict: Verdict,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub operator: Option<String>,
    #[serde(default)]
    pub at: Option<String>,
    /// The actual value the review judged.
    pub actual: String,
}

impl StaleReview {
    /// One line for screens and exports: `waived 2026-11-30 by ana for 'got 24': reason`.
    pub fn describe(&self) -> String {
        let mut text = self.verdict.as_str().to_owned();
        if let Some(at) = &self.at {
            text.push(' ');
            text.push_str(at.get(..10).unwrap_or(at));
        }
        if let Some(operator) = &self.operator {
            text.push_str(" by ");
            text.push_str(operator);
        }
        text.push_str(&format!(" for 'got {}'", self.actual));
        if !self.note.is_empty() {
            text.push_str(": ");
            text.push_str(&self.note);
        }
        text
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub check: String,
    pub severity: Severity,
    pub expected: String,
    pub actual: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<At>,
    #[serde(default)]
    pub review: Review,
    /// Kept from an earlier run of the report although the file no longer shows it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stale: bool,
    /// Made by [`Finding::not_measured`]. Only the checks that made the finding read it, so it
    /// stays out of the report (a finding read back from one has it unset).
    #[serde(skip)]
    not_measured: bool,
}

impl Finding {
    /// A broken rule: `message` reads "{what}: expected {expected}, got {actual}".
    pub fn fail(
        check: &str,
        what: &str,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) -> Self {
        let expected = expected.into();
        let actual = actual.into();
        Finding {
            check: check.to_owned(),
            severity: Severity::Error,
            message: format!("{what}: expected {expected}, got {actual}"),
            expected,
            actual,
            at: None,
            review: Review::default(),
            stale: false,
            not_measured: false,
        }
    }

    /// A rule that could not be judged; says so rather than passing silently.
    pub fn not_measured(check: &str, expected: impl Into<String>, why: &str) -> Self {
        Finding {
            check: check.to_owned(),
            severity: Severity::Info,
            expected: expected.into(),
            actual: "not measured".to_owned(),
            message: format!("not measured: {why}"),
            at: None,
            review: Review::default(),
            stale: false,
            not_measured: true,
        }
    }

    /// A rule that could not be judged for want of a measurement (see [`Finding::not_measured`]).
    pub fn is_not_measured(&self) -> bool {
        self.not_measured
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    pub fn with_at(mut self, at: Option<At>) -> Self {
        self.at = at;
        self
    }

    /// An error-severity finding nobody has waived yet.
    pub fn is_open_failure(&self) -> bool {
        !self.stale && self.severity == Severity::Error && self.review.verdict == Verdict::Open
    }
}
