//! Where a file keeps its start timecode. Dailies carry it in different places: a QuickTime
//! `tmcd` track, MXF timecode (on the format, or on the stream of an OP-Atom track), a BWF
//! `bext` TimeReference counted in samples since midnight (production sound's only timecode),
//! or a plain `timecode` tag (Matroska). Tag text that is no timecode is never passed on as one.

use super::raw::{RawProbe, RawStream};
use crate::rational::Rational;
use crate::timecode::Timecode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Where the start timecode was read (`files[].timecode_source` in the report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimecodeSource {
    /// A QuickTime timecode track.
    Tmcd,
    /// MXF timecode, from the file or one of its tracks.
    Mxf,
    /// A BWF `bext` TimeReference counted at the spec's rate (or the picture's).
    Bext,
    /// A BWF `bext` TimeReference counted at the rate the recorder's iXML says it counted at.
    Ixml,
    /// A BWF `bext` TimeReference counted at an assumed rate: nothing said which.
    #[serde(rename = "bext-assumed")]
    BextAssumed,
    /// Any other `timecode` tag (Matroska, MP4).
    Tag,
}

impl fmt::Display for TimecodeSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimecodeSource::Tmcd => "tmcd",
            TimecodeSource::Mxf => "mxf",
            TimecodeSource::Bext => "bext",
            TimecodeSource::Ixml => "ixml",
            TimecodeSource::BextAssumed => "bext-assumed",
            TimecodeSource::Tag => "tag",
        })
    }
}

/// The rate a BWF time reference is converted at when neither the spec nor the file gives one.
pub const ASSUMED_COUNT_RATE: Rational = Rational::whole(25);

/// The rate a recorder says its timecode counted at (iXML `TIMECODE_RATE`, `TIMECODE_FLAG`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecorderRate {
    pub rate: Rational,
    pub drop_frame: bool,
}

/// A BWF `bext` TimeReference: samples since midnight at the audio's sample rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeReference {
    pub samples: u64,
    pub sample_rate: u32,
}

impl TimeReference {
    /// The timecode of the first sample at `rate` (non-drop-frame, wrapping at midnight).
    pub fn at(self, rate: Rational) -> Timecode {
        self.counted(rate, false)
    }

    /// The timecode of the first sample at `rate`, drop-frame when `drop_frame` (and the rate
    /// allows it), wrapping at midnight.
    pub fn counted(self, rate: Rational, drop_frame: bool) -> Timecode {
        let frames = i128::from(self.samples) * i128::from(rate.num())
            / (i128::from(self.sample_rate) * i128::from(rate.den()));
        let frames = i64::try_from(frames).unwrap_or(i64::MAX);
        Timecode::from_frames(frames, rate, drop_frame)
    }
}

/// How the probe came by its start timecode. Kept beside the probe rather than in its JSON:
/// the report carries the source as `files[].timecode_source`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimecodeOrigin {
    pub source: Option<TimecodeSource>,
    /// A BWF time reference, which needs a frame rate to become a timecode.
    pub time_reference: Option<TimeReference>,
    /// The rate a time reference was converted at for want of one from the spec or the file.
    pub assumed_rate: Option<Rational>,
    /// The rate a time reference was counted at (`files[].timecode_rate`), whoever gave it.
    pub counted_rate: Option<Rational>,
    /// The first timecode tag whose text is no timecode, when no valid one was found.
    pub malformed: Option<String>,
}

impl TimecodeOrigin {
    /// "timecode from bext at an assumed 25 fps", when the rate was a guess.
    pub fn assumption(&self) -> Option<String> {
        let rate = self.assumed_rate?;
        Some(format!("timecode from bext at an assumed {rate} fps"))
    }
}

/// The start timecode the file declares, and where it came from: the first valid `timecode` tag
/// on the video stream, a `tmcd`/data stream, an audio stream (MXF OP-Atom sound), the format;
/// else the BWF time reference, which [`TimeReference::at`] converts once a rate is known.
pub fn find(raw: &RawProbe, video: Option<&RawStream>) -> (Option<Timecode>, TimecodeOrigin) {
    let container = raw
        .format
        .as_ref()
        .and_then(|f| f.format_name.as_deref())
        .unwrap_or("");
    let has_tmcd = raw.streams.iter().any(is_tmcd);
    let tagged_source = |stream: Option<&RawStream>| {
        if container.split(',').any(|c| c == "mxf") {
            TimecodeSource::Mxf
        } else if stream.is_some_and(|s| is_tmcd(s) || (has_tmcd && is_video(s))) {
            TimecodeSource::Tmcd
        } else {
            TimecodeSource::Tag
        }
    };
    let streams_in_order = video
        .into_iter()
        .chain(raw.streams.iter().filter(|s| is_tmcd(s) || is_data(s)))
        .chain(raw.streams.iter().filter(|s| is_audio(s)));
    let tagged = streams_in_order
        .filter_map(|s| timecode_tag(&s.tags).map(|text| (Some(s), text)))
        .chain(
            raw.format
                .as_ref()
                .and_then(|f| timecode_tag(&f.tags))
                .map(|text| (None, text)),
        );
    let mut origin = TimecodeOrigin::default();
    for (stream, text) in tagged {
        match Timecode::parse(text) {
            Ok(tc) => {
                origin.source = Some(tagged_source(stream));
                origin.malformed = None;
                return (Some(tc), origin);
            }
            Err(_) => {
                origin.malformed.get_or_insert_with(|| text.to_owned());
            }
        }
    }
    origin.time_reference = time_reference(raw);
    (None, origin)
}

/// The BWF `bext` TimeReference (ffprobe's format tag `time_reference`) and the sample rate it
/// counts at. A file that states no sample rate cannot have its reference converted.
fn time_reference(raw: &RawProbe) -> Option<TimeReference> {
    let samples = raw
        .format
        .as_ref()?
        .tags
        .get("time_reference")?
        .trim()
        .parse()
        .ok()?;
    let sample_rate = raw
        .streams
        .iter()
        .filter(|s| is_audio(s))
        .find_map(|s| s.sample_rate.as_deref()?.trim().parse().ok())
        .filter(|&rate: &u32| rate > 0)?;
    Some(TimeReference {
        samples,
        sample_rate,
    })
}

fn timecode_tag(tags: &BTreeMap<String, String>) -> Option<&str> {
    tags.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("timecode"))
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

fn is_tmcd(stream: &RawStream) -> bool {
    stream.codec_tag_string.as_deref() == Some("tmcd")
}

fn is_video(stream: &RawStream) -> bool {
    stream.codec_type.as_deref() == Some("video")
}

fn is_data(stream: &RawStream) -> bool {
    stream.codec_type.as_deref() == Some("data")
}

fn is_audio(stream: &RawStream) -> bool {
    stream.codec_type.as_deref() == Some("audio")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(json: &str) -> RawProbe {
        serde_json::from_str(json).expect("test JSON")
    }

    fn found(json: &str) -> (Option<String>, TimecodeOrigin) {
        let raw = raw(json);
        let video = raw.streams.iter().find(|s| is_video(s));
        let (tc, origin) = find(&raw, video);
        (tc.map(|t| t.to_string()), origin)
    }

    #[test]
    fn zoom_time_reference_is_13_36_19_at_24_or_25() {
        let reference = TimeReference {
            samples: 2_350_992_000,
            sample_rate: 48_000,
        };
        for rate in [(25, 1), (24, 1)] {
            let rate = Rational::new(rate.0, rate.1).expect("rate");
            assert_eq!(reference.at(rate).to_string(), "13:36:19:00");
        }
    }

    #[test]
    fn quicktime_timecode_is_tmcd() {
        let (tc, origin) = found(
            r#"{"format": {"format_name": "mov,mp4,m4a,3gp,3g2,mj2"}, "streams": [
                {"codec_type": "video", "tags": {"timecode": "01:02:03:04"}},
                {"codec_type": "data", "codec_tag_string": "tmcd", "tags": {"timecode": "01:02:03:04"}}]}"#,
        );
        assert_eq!(tc.as_deref(), Some("01:02:03:04"));
        assert_eq!(origin.source, Some(TimecodeSource::Tmcd));
    }

    #[test]
    fn op_atom_sound_timecode_on_the_stream_is_mxf() {
        let (tc, origin) = found(
            r#"{"format": {"format_name": "mxf"}, "streams": [
                {"codec_type": "audio", "sample_rate": "48000", "tags": {"timecode": "01:00:00:00"}}]}"#,
        );
        assert_eq!(tc.as_deref(), Some("01:00:00:00"));
        assert_eq!(origin.source, Some(TimecodeSource::Mxf));
    }

    #[test]
    fn matroska_tag_is_tag_and_malformed_text_is_absent() {
        let (tc, origin) = found(
            r#"{"format": {"format_name": "matroska,webm", "tags": {"TIMECODE": "01:02:03:04"}},
                "streams": [{"codec_type": "video", "tags": {"TIMECODE": "00:00:00:0"}}]}"#,
        );
        assert_eq!(tc.as_deref(), Some("01:02:03:04"));
        assert_eq!(origin.source, Some(TimecodeSource::Tag));
        assert_eq!(origin.malformed, None);
        for bad in ["00:00:00:0", "25:00:00:00", "garbage"] {
            let (tc, origin) = found(&format!(
                r#"{{"streams": [{{"codec_type": "video", "tags": {{"timecode": "{bad}"}}}}]}}"#
            ));
            assert_eq!(tc, None, "{bad}");
            assert_eq!(origin.source, None);
            assert_eq!(origin.malformed.as_deref(), Some(bad));
        }
    }

    #[test]
    fn bext_reference_needs_a_sample_rate() {
        let (tc, origin) = found(
            r#"{"format": {"format_name": "wav", "tags": {"time_reference": "1728000000"}},
                "streams": [{"codec_type": "audio", "sample_rate": "48000"}]}"#,
        );
        assert_eq!(tc, None);
        assert_eq!(
            origin.time_reference,
            Some(TimeReference {
                samples: 1_728_000_000,
                sample_rate: 48_000
            })
        );
        let (_, origin) = found(
            r#"{"format": {"tags": {"time_reference": "1728000000"}},
                "streams": [{"codec_type": "audio"}]}"#,
        );
        assert_eq!(origin.time_reference, None);
    }
}
