//! What the analysers measured beyond the probe. Absent/`None` means not measured.

use serde::{Deserialize, Serialize};

pub mod picture;
pub mod sound;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Measurements {
    #[serde(default)]
    pub loudness: Option<Loudness>,
    #[serde(default)]
    pub sync: Option<AvSync>,
    /// Black/freeze/silence/clipping events, when the spec has a `content:` section.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Content>,
    /// Decoded seconds / declared seconds of the decode that fed the content checks (or of
    /// the full decode, when the spec asks for one): below 0.99 the checks saw only part of
    /// the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<f64>,
    /// What the cheap look at the bytes found wrong (header promising more than the file
    /// holds, zero-filled essence): `file.truncated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub damage: Option<String>,
    /// The full decode `integrity: {decode: true}` asks for: `file.decode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decode: Option<FullDecode>,
    /// The ASC MHL verification `integrity: {mhl: …}` asks for: `integrity.*`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mhl: Option<crate::mhl::Verified>,
    /// Streams the installed ffmpeg has no decoder for ("video (codec unknown)"): the
    /// decodes of content and integrity were not run, and their rules say why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undecodable: Vec<String>,
    /// What the decode of the `audio.layout` programmes found about their channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<LayoutScan>,
    /// EBU R 103 gamut and levels: `content.levels`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<picture::Levels>,
    /// BT.1702 flash screening: `content.flashes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flashes: Option<picture::Flashes>,
    /// idet's field order and repeated fields, and duplicated frames: `content.cadence`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cadence: Option<picture::Cadence>,
    /// The active picture: `content.active_picture`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_picture: Option<picture::ActivePicture>,
    /// HDR static metadata, declared and measured: `video.hdr`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hdr: Option<picture::Hdr>,
    /// Each pair of the first audio stream: `audio.phase`, `audio.stereo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<Vec<sound::PairPhase>>,
    /// Line-up tone found: `audio.tone`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tone: Option<Vec<sound::ToneStretch>>,
    /// LFE and dialogue-band energies of a 5.1: `audio.layout`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<sound::ChannelBands>,
    /// The timeline as the decode saw it: `timeline.*`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<sound::Segment>>,
}

/// The channels of `audio.layout`, as the programmes' decode found them: `audio.layout`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LayoutScan {
    /// Channels ("2:1") whose every sample is exactly zero: a track laid down empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub silent: Vec<String>,
    /// Programmes whose channels could not be read to the end, with why: their silence is
    /// unknown.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub unread: std::collections::BTreeMap<String, String>,
}

/// A stretch of one stream where the decoder rejected packets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DecodeError {
    /// Seconds from the start of the file to the end of the stream's last good frame before it.
    pub start_s: f64,
    /// Where the stream's next good frame starts; `None` when none followed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_s: Option<f64>,
    /// Packets rejected in the stretch.
    pub errors: u64,
    /// The first error: "video: Invalid data found when processing input ([mpeg4] header damaged)".
    pub message: String,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// How a decode of every stream went.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FullDecode {
    /// Seconds decoded (the longest stream's end).
    pub decoded_s: f64,
    /// The first few damaged stretches.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<DecodeError>,
    /// Damaged stretches not listed in `errors`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub more_errors: u64,
    /// Why the decode could not run or stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// Streams that gave not one frame or sample ("audio stream 1"): a header with no essence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub empty_streams: Vec<String>,
}

/// BS.1770-4 / EBU R128 figures of one audio stream.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Loudness {
    /// LUFS; `None` when the programme is silent (below the −70 LUFS absolute gate).
    pub integrated_lufs: Option<f64>,
    pub true_peak_dbtp: Option<f64>,
    pub lra_lu: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_peak_dbfs: Option<f64>,
    /// Timecode of the highest true peak.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub true_peak_at: Option<String>,
    /// Timecode where the loudest 3 s short-term window starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_short_term_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_short_term_lufs: Option<f64>,
    /// Set when decoding stopped early: the figures cover only the audio up to `partial`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial: Option<String>,
    /// Why decoding stopped early (set with `partial`), or why the stream could not be measured
    /// at all (then every figure is `None`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial_reason: Option<String>,
    /// With an `audio.layout`: each programme's figures (the fields above are the first
    /// programme's, as they are the first stream's without a layout).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programmes: Vec<ProgrammeLoudness>,
    /// The short-term loudness over time, for the loudness curve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_term: Option<ShortTerm>,
}

/// One `audio.layout` programme's loudness, its channels measured together.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProgrammeLoudness {
    pub name: String,
    #[serde(flatten)]
    pub loudness: Loudness,
}

/// Short-term (3 s) loudness over time: `lufs[i]` is the loudest reading of the 3 s windows
/// ending between `start_s + i·step_s` and the next step (`null`: below the −70 LUFS gate).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShortTerm {
    pub start_s: f64,
    /// At least one second.
    pub step_s: f64,
    pub lufs: Vec<Option<f64>>,
}

/// The decoder that fed a stream's loudness meter, recorded so a reading can be traced to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decoder {
    /// In process: standalone audio files (WAV/BWF, AIFF, FLAC, M4A, MP3).
    Symphonia,
    /// An `ffmpeg` pipe: everything else, and what symphonia gives up on.
    Ffmpeg,
}

/// A/V sync figures in ms, positive when the audio is late.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AvSync {
    pub start_offset_ms: Option<f64>,
    pub duration_delta_ms: Option<f64>,
    pub marker_offset_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tail_marker_offset_ms: Option<f64>,
    /// Seconds from the start of the file to the head marker's flash frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker_flash_s: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tail_marker_flash_s: Option<f64>,
    /// Why the head marker was not measured (not found, or the file would not decode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker_problem: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tail_marker_problem: Option<String>,
    /// The head marker's pop around its flash frame, for the review's waveform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker_pop: Option<Waveform>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tail_marker_pop: Option<Waveform>,
}

/// Peak audio level (0–1) in steps of `step_s`, the first from `start_s` of the file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Waveform {
    pub start_s: f64,
    pub step_s: f64,
    pub peak: Vec<f32>,
}

/// A stretch of the file, seconds from its start.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub start_s: f64,
    pub end_s: f64,
}

impl Event {
    pub fn duration_s(&self) -> f64 {
        self.end_s - self.start_s
    }
}

/// Content events found in one decode pass. Only the kinds the spec asks for are measured;
/// detection thresholds are the spec's, and only events at least `max_s` long are kept.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Content {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub black: Option<Vec<Event>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub freeze: Option<Vec<Event>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub silence: Option<Vec<Event>>,
    /// Samples at full scale (first audio stream, all channels).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clipped_samples: Option<u64>,
    /// Stretches of audio holding the clipped samples (consecutive audio frames merged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clipping: Option<Vec<Event>>,
    /// Set when the decode failed: the checks report it instead of passing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `merge`, `export` and resume read reports back: programme figures and the layout scan
    /// must survive the trip.
    #[test]
    fn programmes_and_layout_scan_read_back_as_written() {
        let programme = |name: &str, lufs| ProgrammeLoudness {
            name: name.to_owned(),
            loudness: Loudness {
                integrated_lufs: Some(lufs),
                true_peak_at: Some("10:00:01:00".to_owned()),
                ..Loudness::default()
            },
        };
        let measurements = Measurements {
            loudness: Some(Loudness {
                integrated_lufs: Some(-23.0),
                programmes: vec![programme("stereo", -23.0), programme("5.1", -24.5)],
                ..Loudness::default()
            }),
            layout: Some(LayoutScan {
                silent: vec!["2:1".to_owned()],
                unread: [("M&E".to_owned(), "ffmpeg failed".to_owned())].into(),
            }),
            ..Measurements::default()
        };
        let json = serde_json::to_string(&measurements).expect("serialises");
        assert!(
            json.contains(r#"{"name":"stereo","integrated_lufs":-23.0,"#),
            "{json}"
        );
        let back: Measurements = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back, measurements);
    }
}
