//! The JSON report (`dailies-qc/report@2`): the canonical record of a QC run and its reviews.

use crate::check::{Finding, Severity};
use crate::measurements::Measurements;
use crate::probe::{Probe, TimecodeSource};
use serde::{Deserialize, Serialize};

pub const SCHEMA: &str = "dailies-qc/report@2";
/// Schemas this version reads: @2 only adds to @1 (review basis and stale verdicts, raw paths).
pub const READABLE_SCHEMAS: &[&str] = &["dailies-qc/report@1", SCHEMA];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub tool: ToolInfo,
    pub created: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    pub operator: String,
    pub spec: SpecInfo,
    pub files: Vec<FileReport>,
    pub summary: Summary,
    /// Overall sign-off, kept current with the summary.
    #[serde(default)]
    pub verdict: super::SignOff,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

impl Default for ToolInfo {
    fn default() -> Self {
        ToolInfo {
            name: env!("CARGO_PKG_NAME").to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SpecInfo {
    pub name: String,
    pub path: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
        }
    }

    /// Upper-case word for tables: PASS / FAIL / ERROR.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Error => "ERROR",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileReport {
    pub path: String,
    pub size: Option<u64>,
    /// Modification time when checked (RFC 3339, nanoseconds): part of what a review judged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtime: Option<String>,
    pub status: Status,
    /// Where the probe's start timecode was read (`tmcd`, `mxf`, `bext`, `tag`), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timecode_source: Option<TimecodeSource>,
    pub probe: Option<Probe>,
    #[serde(default)]
    pub measurements: Measurements,
    pub findings: Vec<Finding>,
}

impl FileReport {
    /// `error` when unreadable, `fail` when any current finding is an error, else `pass`.
    pub fn status_of(findings: &[Finding]) -> Status {
        let current = findings.iter().filter(|f| !f.stale);
        if findings
            .iter()
            .any(|f| !f.stale && f.check == crate::check::ids::FILE_READABLE)
        {
            Status::Error
        } else if current.clone().any(|f| f.severity == Severity::Error) {
            Status::Fail
        } else {
            Status::Pass
        }
    }

    pub fn refresh_status(&mut self) {
        self.status = FileReport::status_of(&self.findings);
    }

    /// The file name (last path component) for display.
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub files: usize,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
}

impl Summary {
    pub fn of(files: &[FileReport]) -> Summary {
        let count = |s: Status| files.iter().filter(|f| f.status == s).count();
        Summary {
            files: files.len(),
            pass: count(Status::Pass),
            fail: count(Status::Fail),
            error: count(Status::Error),
        }
    }
}

impl Report {
    pub fn new(spec: SpecInfo, operator: String, files: Vec<FileReport>) -> Report {
        let mut report = Report {
            schema: SCHEMA.to_owned(),
            tool: ToolInfo::default(),
            created: now_rfc3339(),
            updated: None,
            operator,
            spec,
            summary: Summary::of(&files),
            files,
            verdict: super::SignOff::Incomplete,
        };
        report.refresh_summary();
        report
    }

    /// Recomputes the counts and the sign-off after findings or reviews change.
    pub fn refresh_summary(&mut self) {
        self.summary = Summary::of(&self.files);
        self.verdict = super::SignOff::of(self);
    }

    /// Exit-code view: every file passes.
    pub fn all_pass(&self) -> bool {
        self.files.iter().all(|f| f.status == Status::Pass)
    }
}

/// Local time with offset, seconds precision: what operators read in reports.
pub fn now_rfc3339() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// A file's modification time as recorded in reports: UTC, nanoseconds, so that a rewrite
/// within the same second still reads as a change.
pub fn mtime_rfc3339(time: std::time::SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(time).to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
}
