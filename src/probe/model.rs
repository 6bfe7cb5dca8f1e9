//! The typed probe the checks read. Built from ffprobe's JSON; serialised into the report.

use super::raw::{RawProbe, RawStream};
use super::timecode::{self, ASSUMED_COUNT_RATE, RecorderRate, TimecodeOrigin, TimecodeSource};
use crate::measurements::{Decoder, Loudness};
use crate::rational::Rational;
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Probe {
    /// ffprobe `format_name`, e.g. "mov,mp4,m4a,3gp,3g2,mj2".
    pub container: Option<String>,
    pub duration_s: Option<f64>,
    pub size: Option<u64>,
    pub bit_rate: Option<u64>,
    /// The first video stream (cover art and other attached pictures are skipped).
    pub video: Option<VideoStream>,
    #[serde(default)]
    pub audio: Vec<AudioStream>,
    /// Start timecode, from where the file keeps it (see `timecode_origin`); always valid text.
    pub timecode: Option<String>,
    /// Last frame's timecode (start + duration in frames), when both are known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timecode_end: Option<String>,
    /// The camera reel or tape name (`reel_name`, `tape_name` or `tape` tag of any stream or
    /// of the format): what pairs a transcode with its original when names do not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reel: Option<String>,
    /// Where `timecode` came from; the report keeps the source as `files[].timecode_source`.
    #[serde(skip)]
    pub timecode_origin: TimecodeOrigin,
    /// Each stream's bit rate as its header declares it (bit/s), where one does: what
    /// `file.truncated` weighs the file size against (the format's rate is computed from the
    /// size, so it would agree with a cut file). Not kept in the report.
    #[serde(skip)]
    pub stream_bit_rates: Vec<u64>,
    /// The MXF material package UMID (format tag `material_package_umid`): every track file of
    /// an OP-Atom clip carries the same one. Kept in the report (and so the cache), so clips
    /// are grouped the same from a cached or merged report as from a fresh probe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub material_package_umid: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VideoStream {
    pub index: u32,
    pub codec: Option<String>,
    pub profile: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub sar: Option<String>,
    pub dar: Option<String>,
    pub r_frame_rate: Option<Rational>,
    pub avg_frame_rate: Option<Rational>,
    pub field_order: Option<String>,
    pub pix_fmt: Option<String>,
    pub bits_per_raw_sample: Option<u32>,
    pub color_range: Option<String>,
    pub color_primaries: Option<String>,
    pub color_transfer: Option<String>,
    pub color_space: Option<String>,
    pub start_time_s: Option<f64>,
    pub duration_s: Option<f64>,
    pub nb_frames: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AudioStream {
    pub index: u32,
    pub codec: Option<String>,
    pub sample_fmt: Option<String>,
    pub bits_per_sample: Option<u32>,
    pub bits_per_raw_sample: Option<u32>,
    pub sample_rate: Option<u32>,
    pub channels: Option<u32>,
    pub channel_layout: Option<String>,
    pub start_time_s: Option<f64>,
    pub duration_s: Option<f64>,
    /// Which decoder measured this stream, once measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decoder: Option<Decoder>,
    /// This stream's own loudness figures, once measured.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "keys_sorted"
    )]
    pub loudness: Option<Loudness>,
}

/// Writes a stream's loudness with its keys in sorted order, as `dailies-qc/report@1` has them:
/// the figures were first kept as a `serde_json::Value`, whose objects sort their keys, whereas
/// `measurements.loudness` (the same type) keeps declaration order.
fn keys_sorted<S: Serializer>(
    loudness: &Option<Loudness>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let as_map = |l: &Loudness| -> serde_json::Result<BTreeMap<String, serde_json::Value>> {
        serde_json::from_value(serde_json::to_value(l)?)
    };
    loudness
        .as_ref()
        .map(as_map)
        .transpose()
        .map_err(serde::ser::Error::custom)?
        .serialize(serializer)
}

impl VideoStream {
    /// The frame rate to judge: the stream's real base rate, else its average.
    pub fn frame_rate(&self) -> Option<Rational> {
        self.r_frame_rate.or(self.avg_frame_rate)
    }

    /// Whether the transfer is HDR: PQ (SMPTE ST 2084) or HLG (ARIB STD-B67).
    pub fn is_hdr(&self) -> bool {
        matches!(
            self.color_transfer.as_deref(),
            Some("smpte2084" | "arib-std-b67")
        )
    }

    /// Bits per component: ffprobe's bits_per_raw_sample, else inferred from pix_fmt.
    pub fn bit_depth(&self) -> Option<u32> {
        self.bits_per_raw_sample
            .or_else(|| self.pix_fmt.as_deref().and_then(bit_depth_of_pix_fmt))
    }
}

impl AudioStream {
    /// Bits per sample as stored: bits_per_raw_sample, else bits_per_sample, else the codec name
    /// (pcm_s24le → 24). sample_fmt is not used: 24-bit PCM decodes to s32.
    pub fn bit_depth(&self) -> Option<u32> {
        self.bits_per_raw_sample
            .filter(|&b| b > 0)
            .or(self.bits_per_sample.filter(|&b| b > 0))
            .or_else(|| self.codec.as_deref().and_then(bit_depth_of_pcm_codec))
    }
}

/// "yuv422p10le" → 10, "yuv420p" → 8, "rgb48le" → 16.
pub fn bit_depth_of_pix_fmt(pix_fmt: &str) -> Option<u32> {
    let trimmed = pix_fmt.trim_end_matches("le").trim_end_matches("be");
    let digits: String = trimmed
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after_p = trimmed.rsplit_once('p').map(|(_, d)| d).unwrap_or("");
    if !digits.is_empty() && after_p == digits {
        return digits.parse().ok();
    }
    match pix_fmt {
        "rgb48le" | "rgb48be" | "rgba64le" | "rgba64be" => Some(16),
        "gray" | "rgb24" | "bgr24" | "rgba" | "bgra" | "argb" | "abgr" | "uyvy422" | "yuyv422"
        | "nv12" => Some(8),
        f if f.starts_with("yuv") || f.starts_with("yuvj") || f.starts_with("gbrp") => Some(8),
        _ => None,
    }
}

fn bit_depth_of_pcm_codec(codec: &str) -> Option<u32> {
    let rest = codec.strip_prefix("pcm_")?;
    let digits: String = rest
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

fn number<T: std::str::FromStr>(text: &Option<String>) -> Option<T> {
    text.as_deref().and_then(|t| t.trim().parse().ok())
}

fn seconds(text: &Option<String>) -> Option<f64> {
    number::<f64>(text).filter(|v| v.is_finite())
}

fn non_empty(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty() && *t != "unknown" && *t != "N/A")
        .map(str::to_owned)
}

fn is_attached_picture(stream: &RawStream) -> bool {
    stream.disposition.get("attached_pic").copied().unwrap_or(0) != 0
}

impl Probe {
    pub fn from_raw(raw: &RawProbe) -> Probe {
        let format = raw.format.as_ref();
        let video = raw
            .streams
            .iter()
            .find(|s| s.codec_type.as_deref() == Some("video") && !is_attached_picture(s))
            .map(video_from_raw);
        let audio = raw
            .streams
            .iter()
            .filter(|s| s.codec_type.as_deref() == Some("audio"))
            .map(audio_from_raw)
            .collect();
        let video_raw = raw
            .streams
            .iter()
            .find(|s| s.codec_type.as_deref() == Some("video") && !is_attached_picture(s));
        let (timecode, timecode_origin) = timecode::find(raw, video_raw);
        let mut probe = Probe {
            container: format.and_then(|f| non_empty(&f.format_name)),
            duration_s: format.and_then(|f| seconds(&f.duration)),
            size: format.and_then(|f| number(&f.size)),
            bit_rate: format.and_then(|f| number(&f.bit_rate)),
            video,
            audio,
            timecode: timecode.map(|tc| tc.to_string()),
            timecode_end: None,
            reel: reel_name(raw),
            timecode_origin,
            stream_bit_rates: raw
                .streams
                .iter()
                .filter_map(|s| number(&s.bit_rate))
                .collect(),
            material_package_umid: format
                .and_then(|f| non_empty(&f.tags.get("material_package_umid").cloned())),
        };
        probe.timecode_end = probe.compute_timecode_end();
        probe.count_time_reference(None, None);
        probe
    }

    /// Converts a BWF time reference into the start timecode at the rate the recorder's iXML
    /// says it counted at, else the spec's `timecode.rate`, else the video's, else
    /// [`ASSUMED_COUNT_RATE`], which the origin then records as a guess. Other sources are left
    /// alone.
    pub fn count_time_reference(
        &mut self,
        recorder: Option<RecorderRate>,
        spec_rate: Option<Rational>,
    ) {
        let Some(reference) = self.timecode_origin.time_reference else {
            return;
        };
        let (rate, drop_frame, source) = match (recorder, spec_rate.or_else(|| self.frame_rate())) {
            (Some(r), _) => (r.rate, r.drop_frame, TimecodeSource::Ixml),
            (None, Some(rate)) => (rate, false, TimecodeSource::Bext),
            (None, None) => (ASSUMED_COUNT_RATE, false, TimecodeSource::BextAssumed),
        };
        self.timecode = Some(reference.counted(rate, drop_frame).to_string());
        self.timecode_origin.source = Some(source);
        self.timecode_origin.assumed_rate = (source == TimecodeSource::BextAssumed).then_some(rate);
        self.timecode_origin.counted_rate = Some(rate);
        self.timecode_end = self.compute_timecode_end();
    }

    /// The rate the start timecode counts at: a time reference's counting rate, else the
    /// picture's.
    pub fn timecode_rate(&self) -> Option<Rational> {
        self.timecode.as_ref()?;
        self.timecode_origin
            .counted_rate
            .or_else(|| self.frame_rate())
    }

    /// The rate places in the file are written at (findings, loudness figures): its timecode's,
    /// else the picture's. A sound file with a timecode is placed by that timecode, as the
    /// pictures beside it are; `None` (elapsed time) only without either.
    pub fn place_rate(&self) -> Option<Rational> {
        self.timecode_rate().or_else(|| self.frame_rate())
    }

    /// The file's duration: the container's, else the longest stream's.
    pub fn duration(&self) -> Option<f64> {
        self.duration_s.or_else(|| {
            self.video
                .iter()
                .filter_map(|v| v.duration_s)
                .chain(self.audio.iter().filter_map(|a| a.duration_s))
                .reduce(f64::max)
        })
    }

    pub fn start_timecode(&self) -> Option<crate::timecode::Timecode> {
        self.timecode
            .as_deref()
            .and_then(|t| crate::timecode::Timecode::parse(t).ok())
    }

    pub fn frame_rate(&self) -> Option<Rational> {
        self.video.as_ref().and_then(VideoStream::frame_rate)
    }

    /// Timecode of the last frame: start + (frames − 1).
    fn compute_timecode_end(&self) -> Option<String> {
        let start = self.start_timecode()?;
        let rate = self.frame_rate()?;
        let video = self.video.as_ref()?;
        let frames = video
            .nb_frames
            .filter(|&n| n > 0)
            .map(|n| n as i64)
            .or_else(|| {
                let d = video.duration_s.or(self.duration_s)?;
                Some((d * rate.as_f64()).round() as i64)
            })?;
        if frames <= 0 {
            return None;
        }
        Some(start.offset_by_frames(frames - 1, rate).to_string())
    }
}

/// The first reel or tape name tag, streams first (QuickTime keeps it on the `tmcd` track).
fn reel_name(raw: &RawProbe) -> Option<String> {
    let tagged = raw
        .streams
        .iter()
        .map(|s| &s.tags)
        .chain(raw.format.as_ref().map(|f| &f.tags));
    tagged.into_iter().find_map(|tags| {
        tags.iter()
            .find(|(k, _)| {
                ["reel_name", "tape_name", "tape"]
                    .iter()
                    .any(|n| k.eq_ignore_ascii_case(n))
            })
            .and_then(|(_, v)| non_empty(&Some(v.clone())))
    })
}

/// The stream's length: ffprobe's `duration`, else Matroska's `DURATION` tag, where MKV keeps
/// stream lengths (ffprobe then reports `duration` as N/A).
fn stream_duration(s: &RawStream) -> Option<f64> {
    seconds(&s.duration).or_else(|| {
        s.tags
            .iter()
            .find(|(k, _)| {
                k.eq_ignore_ascii_case("DURATION")
                    || k.get(..9)
                        .is_some_and(|p| p.eq_ignore_ascii_case("DURATION-"))
            })
            .and_then(|(_, v)| clock_seconds(v))
    })
}

/// `HH:MM:SS.fffffffff` (Matroska's tag form) in seconds.
fn clock_seconds(text: &str) -> Option<f64> {
    let mut fields = text.trim().splitn(3, ':');
    let hours: u32 = fields.next()?.parse().ok()?;
    let minutes: u32 = fields.next()?.parse().ok()?;
    let seconds: f64 = fields.next()?.parse().ok()?;
    (minutes < 60 && (0.0..60.0).contains(&seconds))
        .then(|| f64::from(hours) * 3600.0 + f64::from(minutes) * 60.0 + seconds)
}

fn video_from_raw(s: &RawStream) -> VideoStream {
    VideoStream {
        index: s.index.unwrap_or(0),
        codec: non_empty(&s.codec_name),
        profile: non_empty(&s.profile),
        width: s.width.filter(|&w| w > 0),
        height: s.height.filter(|&h| h > 0),
        sar: non_empty(&s.sample_aspect_ratio),
        dar: non_empty(&s.display_aspect_ratio),
        r_frame_rate: s.r_frame_rate.as_deref().and_then(Rational::parse_ffprobe),
        avg_frame_rate: s
            .avg_frame_rate
            .as_deref()
            .and_then(Rational::parse_ffprobe),
        field_order: non_empty(&s.field_order),
        pix_fmt: non_empty(&s.pix_fmt),
        bits_per_raw_sample: number::<u32>(&s.bits_per_raw_sample).filter(|&b| b > 0),
        color_range: non_empty(&s.color_range),
        color_primaries: non_empty(&s.color_primaries),
        color_transfer: non_empty(&s.color_transfer),
        color_space: non_empty(&s.color_space),
        start_time_s: seconds(&s.start_time),
        duration_s: stream_duration(s),
        nb_frames: number(&s.nb_frames),
    }
}

fn audio_from_raw(s: &RawStream) -> AudioStream {
    AudioStream {
        index: s.index.unwrap_or(0),
        codec: non_empty(&s.codec_name),
        sample_fmt: non_empty(&s.sample_fmt),
        bits_per_sample: s.bits_per_sample.filter(|&b| b > 0),
        bits_per_raw_sample: number::<u32>(&s.bits_per_raw_sample).filter(|&b| b > 0),
        sample_rate: number(&s.sample_rate),
        channels: s.channels,
        channel_layout: non_empty(&s.channel_layout),
        start_time_s: seconds(&s.start_time),
        duration_s: stream_duration(s),
        decoder: None,
        loudness: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pix_fmt_depths() {
        assert_eq!(bit_depth_of_pix_fmt("yuv422p10le"), Some(10));
        assert_eq!(bit_depth_of_pix_fmt("yuv420p"), Some(8));
        assert_eq!(bit_depth_of_pix_fmt("yuv444p12le"), Some(12));
        assert_eq!(bit_depth_of_pix_fmt("rgb48le"), Some(16));
        assert_eq!(bit_depth_of_pix_fmt("yuva444p16le"), Some(16));
    }

    #[test]
    fn matroska_duration_tags_are_clock_times() {
        assert_eq!(clock_seconds("00:00:03.000000000"), Some(3.0));
        assert_eq!(clock_seconds("01:02:03.500000000"), Some(3723.5));
        for bad in [
            "",
            "3.0",
            "00:61:00.0",
            "00:00:75.0",
            "aa:00:00.0",
            "00:00:-1.0",
        ] {
            assert_eq!(clock_seconds(bad), None, "{bad}");
        }
    }

    #[test]
    fn pcm_codec_depths() {
        assert_eq!(bit_depth_of_pcm_codec("pcm_s24le"), Some(24));
        assert_eq!(bit_depth_of_pcm_codec("pcm_f32be"), Some(32));
        assert_eq!(bit_depth_of_pcm_codec("aac"), None);
    }
}

/// The report format (`dailies-qc/report@1`) pins the bytes of a measured stream.
#[cfg(test)]
mod report_bytes {
    use super::*;

    fn stream(decoder: Decoder, loudness: Loudness) -> AudioStream {
        AudioStream {
            index: 1,
            codec: Some("pcm_s24le".into()),
            sample_rate: Some(48000),
            channels: Some(2),
            channel_layout: Some("stereo".into()),
            decoder: Some(decoder),
            loudness: Some(loudness),
            ..Default::default()
        }
    }

    fn assert_written_as(stream: &AudioStream, expected: &str) {
        let json = serde_json::to_string(stream).expect("serialisable");
        assert_eq!(json, expected);
        let read: AudioStream = serde_json::from_str(&json).expect("reads back");
        assert_eq!(&read, stream);
    }

    const PROBED: &str = r#"{"index":1,"codec":"pcm_s24le","sample_fmt":null,"bits_per_sample":null,"bits_per_raw_sample":null,"sample_rate":48000,"channels":2,"channel_layout":"stereo","start_time_s":null,"duration_s":null,"#;

    #[test]
    fn measured_stream_keys_are_sorted() {
        let measured = stream(
            Decoder::Ffmpeg,
            Loudness {
                integrated_lufs: Some(-23.04),
                true_peak_dbtp: Some(-1.5),
                lra_lu: Some(6.25),
                sample_peak_dbfs: Some(-2.0),
                true_peak_at: Some("10:00:01:02".into()),
                max_short_term_at: Some("10:00:00:10".into()),
                max_short_term_lufs: Some(-20.1),
                partial: Some("10:00:03:00".into()),
                partial_reason: Some("read error".into()),
                programmes: Vec::new(),
                short_term: None,
            },
        );
        assert_written_as(
            &measured,
            &format!(
                "{PROBED}{}",
                r#""decoder":"ffmpeg","loudness":{"integrated_lufs":-23.04,"lra_lu":6.25,"max_short_term_at":"10:00:00:10","max_short_term_lufs":-20.1,"partial":"10:00:03:00","partial_reason":"read error","sample_peak_dbfs":-2.0,"true_peak_at":"10:00:01:02","true_peak_dbtp":-1.5}}"#
            ),
        );
    }

    #[test]
    fn unmeasurable_stream_keeps_its_nulls() {
        let failed = stream(
            Decoder::Symphonia,
            Loudness {
                partial_reason: Some("no audio reached the loudness meter".into()),
                ..Loudness::default()
            },
        );
        assert_written_as(
            &failed,
            &format!(
                "{PROBED}{}",
                r#""decoder":"symphonia","loudness":{"integrated_lufs":null,"lra_lu":null,"partial_reason":"no audio reached the loudness meter","true_peak_dbtp":null}}"#
            ),
        );
    }

    #[test]
    fn unmeasured_stream_has_no_loudness_keys() {
        let probed = AudioStream {
            decoder: None,
            loudness: None,
            ..stream(Decoder::Ffmpeg, Loudness::default())
        };
        let expected = format!("{}}}", PROBED.trim_end_matches(','));
        assert_written_as(&probed, &expected);
    }
}
