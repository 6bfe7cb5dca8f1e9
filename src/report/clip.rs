//! A clip in the report: track files judged together (`clips:` in the spec), with the findings
//! that belong to the clip as a whole (`clip.tracks`, `clip.sync`).

use super::model::{FileReport, Status};
use crate::check::Finding;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClipReport {
    /// The clip id members carry as `files[].clip`.
    pub id: String,
    /// The spec kind of the clip's picture track (else of its first track), when it has one.
    pub kind: Option<String>,
    /// Paths of the track files: video tracks first, then audio tracks, each in natural name
    /// order (`A2` before `A10`), so the audio files are in track order.
    pub members: Vec<String>,
    /// The worst of the clip's own findings and its members' statuses.
    pub status: Status,
    pub findings: Vec<Finding>,
}

impl ClipReport {
    /// Recomputes `status` from the clip's findings and its members in `files`.
    pub fn refresh_status(&mut self, files: &[FileReport]) {
        let own = FileReport::status_of(&self.findings);
        let members = files
            .iter()
            .filter(|f| f.clip.as_deref() == Some(self.id.as_str()))
            .map(|f| f.status);
        self.status = std::iter::once(own).chain(members).fold(Status::Pass, worse);
    }

    /// The clip's findings as a file entry keyed by the clip id, so reviews of clip findings
    /// are carried across runs exactly as a file's are (by check, place and message).
    pub fn as_review_subject(&self) -> FileReport {
        FileReport {
            findings: self.findings.clone(),
            ..FileReport::unchecked(std::path::Path::new(&self.id))
        }
    }
}

fn worse(a: Status, b: Status) -> Status {
    let rank = |s: Status| match s {
        Status::Pass => 0,
        Status::Fail => 1,
        Status::Error => 2,
    };
    if rank(b) > rank(a) { b } else { a }
}
