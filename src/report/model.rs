//! The JSON report (`dailies-qc/report@2`): the canonical record of a QC run and its reviews.

use crate::check::{Finding, Severity};
use crate::measurements::Measurements;
use crate::probe::{Probe, TimecodeSource};
use serde::{Deserialize, Serialize};
use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

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
    /// Track files judged together as clips (`clips:` in the spec); absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clips: Vec<super::ClipReport>,
    /// The folders the files were found under: where `merge` reads the MHL histories that the
    /// whole delivery is judged against.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roots: Vec<String>,
    pub summary: Summary,
    /// Overall sign-off, kept current with the summary.
    #[serde(default)]
    pub verdict: super::SignOff,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
    /// For a merged report: the versions the merged reports were made with, when any differs
    /// from `version` (which did the merge), so a mixed farm shows in the report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_versions: Vec<String>,
}

impl Default for ToolInfo {
    fn default() -> Self {
        ToolInfo {
            name: env!("CARGO_PKG_NAME").to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            merged_versions: Vec::new(),
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
    /// The path for display: a name that is not UTF-8 is shown lossily here, and two such
    /// names can read the same. [`FileReport::file_path`] is the file itself.
    pub path: String,
    /// Only when the path is not UTF-8: its exact bytes, in hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_raw: Option<String>,
    pub size: Option<u64>,
    /// Modification time when checked (RFC 3339, nanoseconds): part of what a review judged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtime: Option<String>,
    pub status: Status,
    /// The spec kind that selected the file (`picture`, `sound`); absent when the spec has no
    /// kinds or none selected it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Where the probe's start timecode was read (`tmcd`, `mxf`, `bext`, `tag`), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timecode_source: Option<TimecodeSource>,
    /// The rate the file's timecode counts at (`24000/1001`): a sound file's recorder's, the
    /// spec's or the picture's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timecode_rate: Option<crate::rational::Rational>,
    /// The id of the clip this file is a track of (see `Report::clips`), when it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clip: Option<String>,
    /// A production sound file's take metadata (BWF `bext` and iXML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sound_roll: Option<crate::bwf::SoundRoll>,
    /// Files the cross-file passes paired with this one (its sound, its original).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paired: Vec<crate::pairing::Pairing>,
    pub probe: Option<Probe>,
    #[serde(default)]
    pub measurements: Measurements,
    pub findings: Vec<Finding>,
}

impl FileReport {
    /// The file at `path` before anything is known about it: no probe, no findings.
    pub fn unchecked(path: &Path) -> FileReport {
        let (path, path_raw) = FileReport::recorded_path(path);
        FileReport {
            path,
            path_raw,
            size: None,
            mtime: None,
            status: Status::Pass,
            kind: None,
            timecode_source: None,
            timecode_rate: None,
            clip: None,
            sound_roll: None,
            paired: Vec::new(),
            probe: None,
            measurements: Measurements::default(),
            findings: Vec::new(),
        }
    }

    /// A failing `/m/a.mov` holding `findings` and nothing else: the unit tests' file.
    #[cfg(test)]
    pub(crate) fn with_findings(findings: Vec<Finding>) -> FileReport {
        FileReport {
            status: Status::Fail,
            findings,
            ..FileReport::unchecked(Path::new("/m/a.mov"))
        }
    }

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

    /// The path for people and exports: as recorded, or with the bytes that are not UTF-8
    /// shown as `\xNN` and the combining marks of a name not in NFC as `\u{301}` (two such
    /// names never look alike).
    pub fn shown_path(&self) -> std::borrow::Cow<'_, str> {
        if self.path_raw.is_some() || !crate::escape::is_nfc(&self.path) {
            return crate::escape::escape_path(&self.file_path()).into();
        }
        self.path.as_str().into()
    }

    /// The last component of [`FileReport::shown_path`].
    pub fn shown_name(&self) -> String {
        let shown = self.shown_path();
        shown.rsplit('/').next().unwrap_or(&shown).to_owned()
    }

    /// `path` and `path_raw` as recorded for the file at `path`.
    pub fn recorded_path(path: &Path) -> (String, Option<String>) {
        let raw = path
            .to_str()
            .is_none()
            .then(|| hex(path.as_os_str().as_bytes()));
        (path.to_string_lossy().into_owned(), raw)
    }

    /// The file on disk: `path_raw`'s bytes when the name is not UTF-8, else `path`.
    pub fn file_path(&self) -> PathBuf {
        match self.path_raw.as_deref().and_then(unhex) {
            Some(bytes) => PathBuf::from(OsString::from_vec(bytes)),
            None => PathBuf::from(&self.path),
        }
    }

    /// What matches this entry with others about the same file: in an earlier run, in
    /// another report, on the review screen.
    pub fn key(&self) -> FileKey {
        FileKey(self.file_path())
    }
}

/// Identifies a file across runs and reports by its exact path, never by the display form
/// (`clip\xff.mov` and `clip\xfe.mov` both display as `clip�.mov`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileKey(PathBuf);

impl FileKey {
    /// The key of the file at `path`, as scanned.
    pub fn of(path: &Path) -> FileKey {
        FileKey(path.to_path_buf())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes `hex` wrote; `None` for anything else (a hand-edited report).
fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
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
            clips: Vec::new(),
            roots: Vec::new(),
            verdict: super::SignOff::Incomplete,
        };
        report.refresh_summary();
        report
    }

    /// Recomputes the counts and the sign-off after findings or reviews change.
    pub fn refresh_summary(&mut self) {
        super::refresh_statuses(&mut self.clips, &self.files);
        self.summary = Summary::of(&self.files);
        self.verdict = super::SignOff::of(self);
    }

    /// Exit-code view: every file and every clip passes.
    pub fn all_pass(&self) -> bool {
        self.files.iter().all(|f| f.status == Status::Pass)
            && self.clips.iter().all(|c| c.status == Status::Pass)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    fn file_at(path: &Path) -> FileReport {
        FileReport::unchecked(path)
    }

    #[test]
    fn a_name_that_is_not_utf8_keeps_its_bytes_beside_the_display_form() {
        let ff = Path::new(OsStr::from_bytes(b"/m/clip\xff.mov"));
        let fe = Path::new(OsStr::from_bytes(b"/m/clip\xfe.mov"));
        let (a, b) = (file_at(ff), file_at(fe));
        assert_eq!(a.path, b.path, "both display as clip\u{fffd}.mov");
        assert_eq!(a.path_raw.as_deref(), Some("2f6d2f636c6970ff2e6d6f76"));
        assert_eq!(a.file_path(), ff);
        assert_eq!(b.file_path(), fe);
        assert_ne!(a.key(), b.key());
        assert_eq!(a.key(), FileKey::of(ff));
    }

    #[test]
    fn a_utf8_name_has_no_raw_form() {
        let file = file_at(Path::new("/m/Café.mov"));
        assert_eq!(file.path_raw, None);
        assert_eq!(file.file_path(), Path::new("/m/Café.mov"));
        let json = serde_json::to_value(&file).expect("serialises");
        assert!(json.get("path_raw").is_none(), "{json}");
    }

    #[test]
    fn a_mangled_raw_form_falls_back_to_the_display_path() {
        for raw in ["2f6", "zz", "+f"] {
            let mut file = file_at(Path::new("/m/a.mov"));
            file.path_raw = Some(raw.to_owned());
            assert_eq!(file.file_path(), Path::new("/m/a.mov"), "{raw}");
        }
    }
}
