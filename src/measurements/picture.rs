//! What the picture analyses measured (`measurements.levels`, `.flashes`, `.cadence`,
//! `.active_picture`, `.hdr`): times in seconds on ffmpeg's timeline, as the other events.

use super::Event;
use serde::{Deserialize, Serialize};

/// EBU R 103 gamut and levels over the whole picture stream: `content.levels`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Levels {
    /// Frames with more than the spec's share of their area outside the range.
    pub frames_out: u64,
    /// Frames measured.
    pub frames: u64,
    /// The Y'CbCr → R'G'B' matrix used, and where it came from ("bt709", "bt709 (assumed …)").
    pub matrix: String,
    /// The furthest excursion of the whole stream, in or out of an out-of-range frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worst: Option<Excursion>,
    /// Consecutive out-of-range frames, one stretch each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stretches: Vec<LevelStretch>,
}

/// One signal's furthest excursion outside the range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Excursion {
    /// "R high", "Y low", …
    pub signal: String,
    /// In millivolts of a 700 mV signal (0 mV black, 700 mV white), as R 103 gives levels.
    pub mv: f64,
    /// Where it was, seconds.
    pub at_s: f64,
}

/// A run of frames out of range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelStretch {
    pub start_s: f64,
    pub end_s: f64,
    /// Every signal out in the stretch: "R high", "B low", …
    pub signals: Vec<String>,
    /// The furthest excursion in the stretch.
    pub worst: Excursion,
    /// The largest share of a frame's area outside, per cent.
    pub area_pct: f64,
}

/// ITU-R BT.1702 screening: `content.flashes`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Flashes {
    /// The most flashes (luminance) in any 1 s window: transitions / 2, so 3.5 is seven.
    pub max_per_s: f64,
    /// The most saturated red flashes in any 1 s window.
    pub red_max_per_s: f64,
    /// Stretches where some 1 s window holds more flashes than the spec allows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub windows: Vec<FlashWindow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlashWindow {
    pub start_s: f64,
    pub end_s: f64,
    /// The most flashes in one second within the stretch (transitions / 2).
    pub flashes: f64,
    /// Saturated red flashes (true) or luminance flashes (false).
    pub red: bool,
}

/// idet's counts of one kind of detection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldCounts {
    pub tff: u64,
    pub bff: u64,
    pub progressive: u64,
    pub undetermined: u64,
}

/// idet's repeated-field counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepeatedFields {
    pub neither: u64,
    pub top: u64,
    pub bottom: u64,
}

/// Measured scan and cadence: `content.cadence`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cadence {
    /// idet's single-frame detection.
    pub single: FieldCounts,
    /// idet's multi-frame detection (what the verdict reads).
    pub multi: FieldCounts,
    pub repeated: RepeatedFields,
    /// Frames identical to the one before, outside runs long enough to be a still.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub duplicates: Vec<Event>,
}

/// The measured active picture: `content.active_picture`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActivePicture {
    /// Display aspect ratio of the active area (sample aspect ratio applied).
    pub aspect: f64,
    /// The active area as ffmpeg's crop: `w:h:x:y`.
    pub crop: String,
    /// Frames that had picture (black frames are left out).
    pub frames: u64,
}

/// HDR static metadata, declared and measured: `video.hdr`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Hdr {
    /// Measured from the pictures (PQ), cd/m².
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_cll: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_fall: Option<f64>,
    pub declared: DeclaredHdr,
}

/// What the stream says about itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeclaredHdr {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_cll: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_fall: Option<u32>,
    /// ST 2086 mastering display, as ffprobe gives it: "max 1000 cd/m², min 0.0001 cd/m²".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mastering_display: Option<String>,
}
