//! Cross-file passes: files judged against each other once every file has been checked on its
//! own. Production sound against picture ([`double_system`]) and transcodes against camera
//! originals ([`conform`]). Each records which files it paired (`files[].paired`), which the
//! review follows with `o`.

pub mod conform;
pub mod double_system;

use serde::{Deserialize, Serialize};

/// Another file this one was paired with, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pairing {
    /// The other file's path, as the report records it.
    pub path: String,
    /// What the other file is to this one.
    pub role: PairRole,
    /// Frames the other file starts before this one (negative: after), on this file's
    /// timecode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset_frames: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PairRole {
    /// The production sound that covers this picture.
    Sound,
    /// A picture clip this sound covers.
    Picture,
    /// The camera original this file was transcoded from.
    Original,
    /// A transcode made from this camera original.
    Transcode,
}

impl PairRole {
    pub fn as_str(self) -> &'static str {
        match self {
            PairRole::Sound => "sound",
            PairRole::Picture => "picture",
            PairRole::Original => "original",
            PairRole::Transcode => "transcode",
        }
    }
}

/// The picture's length in frames: the stream's frame count, else its duration at its rate.
pub(crate) fn frame_count(probe: &crate::probe::Probe) -> Option<i64> {
    let video = probe.video.as_ref()?;
    let rate = video.frame_rate()?;
    let counted = video.nb_frames.filter(|&n| n > 0).map(|n| n as i64);
    counted
        .or_else(|| {
            let seconds = video.duration_s.or(probe.duration_s)?;
            Some((seconds * rate.as_f64()).round() as i64)
        })
        .filter(|&n| n > 0)
}

/// Adds `findings` to `report` with the spec's severity overrides, and updates its
/// status.
pub(crate) fn add_findings(
    spec: &crate::spec::Spec,
    report: &mut crate::report::FileReport,
    findings: Vec<crate::check::Finding>,
) {
    if findings.is_empty() {
        return;
    }
    report
        .findings
        .extend(crate::check::apply_severity(spec, findings));
    report.refresh_status();
}

/// What the detail pane and the exports show of a file's take and pairs, as label and text:
/// `Take: sc 12A tk 3 roll SR042 (circled)`, `Sound: S001.wav, starts 24 frames before`.
pub fn rows(report: &crate::report::FileReport) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    if let Some(roll) = &report.sound_roll {
        let slate = roll.slate();
        if !slate.is_empty() {
            rows.push(("Take".to_owned(), slate));
        }
        if let Some(note) = &roll.note {
            rows.push(("Note".to_owned(), note.clone()));
        }
        if !roll.track_names.is_empty() {
            rows.push(("Tracks".to_owned(), roll.track_names.join(", ")));
        }
    }
    for pair in &report.paired {
        rows.push((capitalised(pair.role.as_str()), pair.describe()));
    }
    rows
}

impl Pairing {
    /// `S001.wav, starts 24 frames before`: the other file's name and where it starts.
    pub fn describe(&self) -> String {
        let name = self.path.rsplit('/').next().unwrap_or(&self.path);
        let offset = match self.offset_frames {
            Some(0) => ", starts on the same frame".to_owned(),
            Some(n) if n > 0 => format!(", starts {n} frames before"),
            Some(n) => format!(", starts {} frames after", -n),
            None => String::new(),
        };
        format!("{name}{offset}")
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
