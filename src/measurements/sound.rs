//! What the sound analyses measured (`measurements.phase`, `.tone`, `.channels`, `.timeline`):
//! times in seconds on ffmpeg's timeline, levels in dBFS.

use super::Event;
use serde::{Deserialize, Serialize};

/// One pair of a programme (`L/R`, `Ls/Rs`): `audio.phase`, `audio.stereo`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PairPhase {
    /// "L/R", "Ls/Rs".
    pub pair: String,
    /// The lowest Pearson correlation of any 400 ms block with sound in it.
    pub min_correlation: f64,
    /// Over the whole programme.
    pub correlation: f64,
    /// Stretches below the spec's correlation for at least its `min_s`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub negative: Vec<Event>,
    /// Energy of L−R against L+R, dB: far below zero, the pair carries mono.
    pub side_to_mid_db: f64,
    /// RMS level of each side, dBFS.
    pub levels_dbfs: [f64; 2],
    /// Where the first block starts, seconds; blocks are 400 ms.
    #[serde(default)]
    pub curve_start_s: f64,
    /// The correlation of each block (`null` where both sides are silent), for the review's
    /// correlation strip.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub curve: Vec<Option<f64>>,
}

/// A line-up tone found: `audio.tone`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToneStretch {
    pub start_s: f64,
    pub end_s: f64,
    /// Peak level of the sine (RMS + 3.01 dB), the loudest channel, dBFS.
    pub level_dbfs: f64,
}

/// What the channels of a 5.1 (or 7.1) carry: `audio.layout`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChannelBands {
    /// Energy above 120 Hz on the LFE relative to its total, dB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lfe_above_120hz_db: Option<f64>,
    /// Energy in the dialogue band (300 Hz–3 kHz) per named channel, dBFS: C, LFE, Ls, Rs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dialogue_band_dbfs: Vec<(String, f64)>,
}

/// One stretch of the timeline as the decode saw it: `timeline.*`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// bars_tone, bars, tone, black_silence, slate, programme.
    pub what: String,
    pub start_s: f64,
    pub end_s: f64,
}
