//! The delivery spec, as the README's "Delivery specs" section documents it. Every section is
//! optional; a rule that is absent is not checked; unknown keys are errors (typos must not
//! silently disable a rule). Every number is one of the bounded types of values.rs, which
//! carry its physical range.

use super::layout::Layout;
use super::values::*;
use crate::check::Severity;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Declares [`Spec`] and [`Kind`] around one list of rule sections, so a section added to the
/// spec is at once allowed in a kind and overlaid by [`Spec::for_kind`]. (serde's `flatten`
/// would share the list too, but it silently drops `deny_unknown_fields`.)
macro_rules! with_rule_sections {
    ($($section:ident: $rules:ty,)*) => {
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Spec {
            pub name: String,
            #[serde(default)]
            pub description: Option<String>,
            #[serde(default)]
            pub files: Option<FilesRules>,
            /// Rule sets by kind of file; the first kind whose `match` holds wins.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub kinds: Option<Vec<Kind>>,
            /// How track files group into clips, and what a clip must hold.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub clips: Option<super::ClipsRules>,
            /// Production sound matched to picture by timecode.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub double_system: Option<super::cross_file::DoubleSystemRules>,
            /// Transcodes checked against their camera originals.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub conform: Option<super::cross_file::ConformRules>,
            $(
                #[serde(default)]
                pub $section: Option<$rules>,
            )*
            #[serde(default)]
            pub severity: BTreeMap<CheckId, Severity>,
        }

        /// The rules for one kind of file: the sections it names replace the spec's, the
        /// others are inherited.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Kind {
            pub name: String,
            #[serde(rename = "match")]
            pub selector: KindMatch,
            $(
                #[serde(default)]
                pub $section: Option<$rules>,
            )*
        }

        impl Spec {
            /// The rules a file of `kind` is checked against: the kind's sections over the
            /// spec's. `files` (scan scope and naming) and `severity` stay spec-wide.
            pub fn for_kind(&self, kind: &Kind) -> Spec {
                Spec {
                    name: self.name.clone(),
                    description: self.description.clone(),
                    files: self.files.clone(),
                    kinds: None,
                    // Clips are judged across files, from the spec itself.
                    clips: None,
                    double_system: None,
                    conform: None,
                    $($section: kind.$section.clone().or_else(|| self.$section.clone()),)*
                    severity: self.severity.clone(),
                }
            }

            /// Whether the spec has rules of its own for files no kind selects.
            pub fn has_default_rules(&self) -> bool {
                false $(|| self.$section.is_some())*
            }
        }
    };
}

with_rule_sections! {
    container: ContainerRules,
    video: VideoRules,
    audio: AudioRules,
    sync: SyncRules,
    timecode: TimecodeRules,
    duration: DurationRules,
    content: ContentRules,
    integrity: IntegrityRules,
    timeline: TimelineRules,
}

/// Which files a kind selects: all of the given conditions hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindMatch {
    /// Globs on the file name, case-insensitive like `files.include`; absent: any name.
    #[serde(default)]
    pub include: Option<Vec<Glob>>,
    /// Streams the file must carry.
    #[serde(default)]
    pub has: Vec<StreamType>,
    /// Streams the file must not carry.
    #[serde(default)]
    pub lacks: Vec<StreamType>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StreamType {
    Video,
    Audio,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilesRules {
    #[serde(default)]
    pub include: Option<Vec<Glob>>,
    #[serde(default)]
    pub naming: Option<Pattern>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerRules {
    pub format: Option<OneOrMany>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scan {
    Progressive,
    Interlaced,
    Tff,
    Bff,
}

impl std::fmt::Display for Scan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Scan::Progressive => "progressive",
            Scan::Interlaced => "interlaced",
            Scan::Tff => "tff",
            Scan::Bff => "bff",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VideoRules {
    pub codec: Option<OneOrMany>,
    pub profile: Option<OneOrMany>,
    pub width: Option<Pixels>,
    pub height: Option<Pixels>,
    pub frame_rate: Option<FrameRate>,
    pub scan: Option<Scan>,
    pub pix_fmt: Option<OneOrMany>,
    pub bit_depth: Option<Bits>,
    pub color_primaries: Option<OneOrMany>,
    pub color_transfer: Option<OneOrMany>,
    pub color_space: Option<OneOrMany>,
    /// HDR static metadata: `video.hdr`.
    pub hdr: Option<HdrRules>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AudioRules {
    pub codec: Option<OneOrMany>,
    pub sample_rate: Option<SampleRate>,
    pub channels: Option<Channels>,
    pub bit_depth: Option<Bits>,
    pub loudness: Option<LoudnessRules>,
    /// Programmes as channel references; with a layout, loudness is judged per programme.
    pub layout: Option<Layout>,
    /// Sustained negative correlation of a pair: `audio.phase`.
    pub phase: Option<PhaseRules>,
    /// Dual mono and one-sided stereo: `audio.stereo`.
    pub stereo: Option<StereoRules>,
    /// A line-up tone's frequency and level: `audio.tone`.
    pub tone: Option<ToneRules>,
    /// Full-range sound on the LFE channel: `audio.layout`.
    pub lfe: Option<LfeRules>,
}

impl AudioRules {
    /// Whether any rule listens to the samples beyond loudness and the layout's programmes.
    pub fn reads_samples(&self) -> bool {
        self.phase.is_some() || self.stereo.is_some() || self.tone.is_some() || self.lfe.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseRules {
    /// Correlation below this (default −0.3)…
    pub min_correlation: Option<Correlation>,
    /// …for at least this long (default 1 s) is a finding.
    pub min_s: Option<Seconds>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StereoRules {
    /// What a pair must carry (default `stereo`).
    pub expect: Option<StereoExpectation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StereoExpectation {
    Stereo,
    Mono,
    Any,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToneRules {
    /// Hz (default 1000).
    pub frequency: Option<Frequency>,
    /// Peak level of the sine, dBFS (default −18, EBU R 68).
    pub level_dbfs: Option<Decibels>,
    /// ± dB (default 0.5).
    pub tolerance_db: Option<LevelTolerance>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LfeRules {
    /// Energy above 120 Hz on the LFE, dB relative to its total (default −20).
    pub max_above_120hz_db: Option<Decibels>,
}

/// The programme layout along the timeline: `timeline.segment`, `timeline.forbidden`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineRules {
    /// The segments expected from the start, in order.
    #[serde(default)]
    pub segments: Vec<SegmentRule>,
    /// What may not appear anywhere.
    #[serde(default)]
    pub forbid: Vec<Forbidden>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentRule {
    pub what: SegmentKind,
    /// The shortest it may be.
    pub min_s: Option<Seconds>,
    /// Where it must start: a timecode, or seconds from the start of the file.
    pub start: Option<SegmentStart>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SegmentStart {
    Seconds(Seconds),
    Timecode(TimecodeValue),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentKind {
    BarsTone,
    Bars,
    Tone,
    BlackSilence,
    Slate,
    Programme,
}

impl SegmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SegmentKind::BarsTone => "bars_tone",
            SegmentKind::Bars => "bars",
            SegmentKind::Tone => "tone",
            SegmentKind::BlackSilence => "black_silence",
            SegmentKind::Slate => "slate",
            SegmentKind::Programme => "programme",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Forbidden {
    Bars,
    Tone,
    Slate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoudnessRules {
    /// Integrated loudness target, LUFS.
    pub integrated: Option<Lufs>,
    /// ± LU around the target (default 0.5, EBU R128's file-based tolerance).
    pub tolerance: Option<LoudnessTolerance>,
    /// dBTP.
    pub true_peak_max: Option<TruePeak>,
    /// LU.
    pub lra_max: Option<LoudnessRange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncRules {
    pub max_start_offset_ms: Option<Milliseconds>,
    pub max_duration_delta_ms: Option<Milliseconds>,
    pub marker: Option<MarkerRules>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkerRules {
    /// How far the sound may lead the picture, ms.
    pub audio_early_ms: Milliseconds,
    /// How far the sound may lag the picture, ms.
    pub audio_late_ms: Milliseconds,
    /// Seconds of the head searched for the marker (default 30).
    pub search_s: Option<SearchSeconds>,
    /// Also look for a tail pop, to show drift.
    #[serde(default)]
    pub tail: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimecodeRules {
    pub start: Option<TimecodeValue>,
    /// The frame rate a sample-count timecode (BWF `bext`) is converted at; default: the
    /// video's rate.
    pub rate: Option<TimecodeRate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DurationRules {
    pub min: Option<Length>,
    pub max: Option<Length>,
}

/// Checks of the file's soundness beyond what the cheap always-on look (`file.truncated`) sees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntegrityRules {
    /// Decode every stream completely (`file.decode`): slow, as slow as playing the file.
    #[serde(default)]
    pub decode: bool,
    /// Verify the files against their folder's ASC MHL / MHL v1 history (`integrity.*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mhl: Option<MhlRequirement>,
}

/// Whether a folder without an MHL history fails (`integrity.no_mhl`) or is simply not verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MhlRequirement {
    Required,
    IfPresent,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentRules {
    pub black: Option<BlackRules>,
    pub freeze: Option<FreezeRules>,
    pub silence: Option<SilenceRules>,
    pub clipping: Option<ClippingRules>,
    /// EBU R 103 gamut and signal levels: `content.levels`.
    pub levels: Option<LevelsRules>,
    /// ITU-R BT.1702 flash screening: `content.flashes`.
    pub flashes: Option<FlashRules>,
    /// Measured field order, pulldown and duplicated frames: `content.cadence`.
    pub cadence: Option<CadenceRules>,
    /// Measured active picture (letterbox/pillarbox): `content.active_picture`.
    pub active_picture: Option<ActivePictureRules>,
}

impl ContentRules {
    /// Whether any rule needs the pictures themselves, beyond ffmpeg's own detectors.
    pub fn reads_pictures(&self) -> bool {
        self.levels.is_some() || self.flashes.is_some() || self.cadence.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelsRules {
    /// Which range R'G'B' and Y' must stay in (default `preferred`).
    pub range: Option<LevelsRange>,
    /// A frame is out when more than this share of its area is outside (default 1 %).
    pub area_pct: Option<Percent>,
    /// The low-pass R 103 allows before measuring (default `box3`).
    pub filter: Option<LevelsFilter>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LevelsRange {
    /// EBU R 103's preferred range: 5–246 (8-bit), 20–984 (10-bit), −5 % to 105 %.
    Preferred,
    /// The nominal range: 16–235 (8-bit), 64–940 (10-bit), 0 to 100 %.
    Narrow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LevelsFilter {
    Box3,
    Off,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlashRules {
    /// More flashes than this in any 1 s window fail (default 3).
    pub max_per_s: Option<FlashesPerSecond>,
    /// Share of the screen a flash must cover to count (default 25 %).
    pub area_pct: Option<Percent>,
    /// Saturated red flashes counted too (default true).
    pub red: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CadenceRules {
    /// Compare idet's measured field order with the stream's tag (default true).
    pub field_order: Option<bool>,
    /// Repeated fields (2:3 pulldown) in the stream (default forbid).
    pub pulldown: Option<Allowance>,
    /// Duplicated frames outside freezes (default forbid).
    pub duplicates: Option<Allowance>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Allowance {
    Forbid,
    Allow,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivePictureRules {
    /// Expected aspect ratio of the active picture, e.g. 1.78 or 2.39.
    pub aspect: AspectRatio,
    /// ± around `aspect` (default 0.03).
    pub tolerance: Option<AspectTolerance>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HdrRules {
    /// Static metadata a PQ or HLG stream must carry.
    pub require: Option<Vec<HdrMetadata>>,
    /// MaxCLL / MaxFALL measured from the pictures (PQ) and compared with the tags.
    pub measure: Option<bool>,
    /// How far the declared values may be from the measured ones (default 10 %).
    pub tolerance_pct: Option<Percent>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HdrMetadata {
    /// SMPTE ST 2086 mastering display colour volume.
    MasteringDisplay,
    /// CTA-861.3 MaxCLL / MaxFALL.
    ContentLightLevel,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlackRules {
    pub max_s: Seconds,
    /// Luma threshold as a fraction of the legal range (0–1), default 0.10.
    pub luma_max: Option<Fraction>,
    pub ignore_head_s: Option<Seconds>,
    pub ignore_tail_s: Option<Seconds>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FreezeRules {
    pub max_s: Seconds,
    pub noise_db: Option<Decibels>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SilenceRules {
    pub max_s: Seconds,
    pub level_db: Option<Decibels>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClippingRules {
    /// The one bare number: any u64 is a sensible limit, and serde refuses negative and
    /// fractional counts.
    pub max_samples: u64,
}

/// A check id used as a key under `severity:`; must name a real check.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CheckId(pub String);

impl<'de> Deserialize<'de> for CheckId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let id = String::deserialize(d)?;
        if crate::check::ids::ALL.contains(&id.as_str()) {
            Ok(CheckId(id))
        } else {
            Err(serde::de::Error::custom(format!(
                "unknown check id {id:?}, expected one of {}",
                crate::check::ids::ALL.join(", ")
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    /// A bare number type here would have no range: every number must be a bounded type.
    #[test]
    fn every_number_has_a_bounded_type() {
        let bare = regex::Regex::new(r"\b(f32|f64|[iu](8|16|32|64|128|size))\b").expect("regex");
        let unbounded: Vec<&str> = include_str!("model.rs")
            .lines()
            .take_while(|line| !line.starts_with("#[cfg(test)]"))
            .filter(|line| !line.trim_start().starts_with("//") && bare.is_match(line))
            .collect();
        assert_eq!(unbounded, ["    pub max_samples: u64,"]);
    }
}
