//! A clip in the report: track files judged together (`clips:` in the spec), with the findings
//! that belong to the clip as a whole (`clip.tracks`, `clip.sync`).

use super::model::{FileReport, Status};
use crate::check::Finding;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

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
    /// The clip's sound track files among `files`, in track order: what a clip's programme
    /// loudness is measured over.
    pub fn audio_tracks<'a>(&self, files: &'a [FileReport]) -> Vec<&'a FileReport> {
        self.members
            .iter()
            .filter_map(|path| files.iter().find(|f| f.path == *path))
            .filter(|f| {
                f.probe
                    .as_ref()
                    .is_some_and(|p| p.video.is_none() && !p.audio.is_empty())
            })
            .collect()
    }

    /// The clip's findings as a file entry keyed by the clip id, so reviews of clip findings
    /// are carried across runs and reports exactly as a file's are (by check, place and
    /// message; a clip's review basis is its finding's expected and actual values).
    fn as_review_subject(&self) -> FileReport {
        FileReport {
            findings: self.findings.clone(),
            ..FileReport::unchecked(Path::new(&self.id))
        }
    }
}

/// Sets each clip's status: the worst of its own findings and its members' statuses in `files`.
pub fn refresh_statuses<'a>(
    clips: &mut [ClipReport],
    files: impl IntoIterator<Item = &'a FileReport>,
) {
    let mut members: HashMap<&str, Status> = HashMap::new();
    for file in files {
        if let Some(id) = file.clip.as_deref() {
            let worst = members.entry(id).or_insert(Status::Pass);
            *worst = worse(*worst, file.status);
        }
    }
    for clip in clips {
        let own = FileReport::status_of(&clip.findings);
        let of_members = members.get(clip.id.as_str()).copied();
        clip.status = worse(own, of_members.unwrap_or(Status::Pass));
    }
}

/// Moves the reviews of `previous` clips onto the same clips (by id) in `fresh`.
pub fn carry_clip_reviews(fresh: &mut [ClipReport], previous: &[ClipReport]) {
    let previous: HashMap<&str, &ClipReport> =
        previous.iter().map(|c| (c.id.as_str(), c)).collect();
    for clip in fresh {
        if let Some(old) = previous.get(clip.id.as_str()) {
            let mut subject = clip.as_review_subject();
            super::carry_reviews(&mut subject, &old.as_review_subject());
            clip.findings = subject.findings;
        }
    }
}

/// The clips of several runs, oldest first, as one list: a clip found in more than one run
/// keeps its newest run, with the reviews of the older ones (as files do in a merge).
pub fn combine_clips<'a>(runs: impl IntoIterator<Item = &'a ClipReport>) -> Vec<ClipReport> {
    let mut newest: HashMap<&str, &ClipReport> = HashMap::new();
    let mut subjects = Vec::new();
    for clip in runs {
        newest.insert(clip.id.as_str(), clip);
        subjects.push(clip.as_review_subject());
    }
    super::one_entry_per_file(subjects)
        .into_iter()
        .filter_map(|subject| {
            let mut clip = (*newest.get(subject.path.as_str())?).clone();
            clip.findings = subject.findings;
            Some(clip)
        })
        .collect()
}

fn worse(a: Status, b: Status) -> Status {
    let rank = |s: Status| match s {
        Status::Pass => 0,
        Status::Fail => 1,
        Status::Error => 2,
    };
    if rank(b) > rank(a) { b } else { a }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Verdict, ids};

    fn clip(id: &str, actual: &str) -> ClipReport {
        ClipReport {
            id: id.to_owned(),
            kind: None,
            members: vec![format!("/m/{id}_V1.mxf")],
            status: Status::Pass,
            findings: vec![Finding::fail(ids::CLIP_TRACKS, "audio", "2-8", actual)],
        }
    }

    fn waived(mut clip: ClipReport) -> ClipReport {
        clip.findings[0].review.verdict = Verdict::Waived;
        clip.findings[0].review.note = "A2 follows".to_owned();
        clip
    }

    #[test]
    fn a_review_of_a_clip_finding_follows_the_clip_id_while_the_finding_holds() {
        let previous = [waived(clip("C1", "1")), waived(clip("C2", "1"))];
        let mut fresh = [clip("C1", "1"), clip("C2", "0"), clip("C3", "1")];
        carry_clip_reviews(&mut fresh, &previous);
        assert_eq!(fresh[0].findings[0].review.verdict, Verdict::Waived);
        // C2 now misses both tracks: its finding reopens, the old waiver kept as stale.
        assert_eq!(fresh[1].findings[0].review.verdict, Verdict::Open);
        assert!(fresh[1].findings[0].review.stale.is_some());
        assert_eq!(fresh[2].findings[0].review.verdict, Verdict::Open);
    }

    #[test]
    fn combined_runs_keep_the_newest_clip_with_older_reviews() {
        let older = waived(clip("C1", "1"));
        let mut newer = clip("C1", "1");
        newer.members.push("/m/C1_A1.mxf".to_owned());
        let combined = combine_clips([&older, &newer, &clip("C2", "1")]);
        assert_eq!(combined.len(), 2);
        assert_eq!(combined[0].members.len(), 2);
        assert_eq!(combined[0].findings[0].review.verdict, Verdict::Waived);
    }

    #[test]
    fn the_sound_tracks_come_in_track_order() {
        use crate::probe::{AudioStream, Probe, VideoStream};
        let track = |name: &str, video: bool| FileReport {
            probe: Some(Probe {
                video: video.then(VideoStream::default),
                audio: vec![AudioStream::default()],
                ..Probe::default()
            }),
            ..FileReport::unchecked(Path::new(name))
        };
        let files = [
            track("/m/C_A2.mxf", false),
            track("/m/C_V1.mxf", true),
            track("/m/C_A1.mxf", false),
        ];
        let mut clip = clip("C", "1");
        clip.members = ["/m/C_V1.mxf", "/m/C_A1.mxf", "/m/C_A2.mxf"]
            .map(String::from)
            .to_vec();
        let paths: Vec<&str> = clip
            .audio_tracks(&files)
            .iter()
            .map(|f| f.path.as_str())
            .collect();
        assert_eq!(paths, ["/m/C_A1.mxf", "/m/C_A2.mxf"]);
    }

    #[test]
    fn a_clip_is_as_bad_as_its_worst_member() {
        let mut clips = [clip("C1", "1"), clip("C2", "1")];
        clips[1].findings.clear();
        let mut member = FileReport::unchecked(Path::new("/m/C2_V1.mxf"));
        member.clip = Some("C2".to_owned());
        member.status = Status::Error;
        refresh_statuses(&mut clips, &[member]);
        assert_eq!(clips.map(|c| c.status), [Status::Fail, Status::Error]);
    }
}
