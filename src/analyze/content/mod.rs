//! Content events (black, freeze, silence, clipped audio) in ONE ffmpeg decode of the file:
//! the first video stream is point-sampled down to 480x270 luma once and fed to `blackdetect`
//! and `freezedetect`; the first audio stream runs through `silencedetect` and, when clipping
//! is asked for, on to stdout as f32 samples that are counted here. Detectors log events to
//! stderr.

mod detectors;
mod taps;

pub use taps::TapMeasurements;

use super::decode::{AudioFormat, Decoded, F32Frames, Sink, ended_early};
use super::ffmpeg;
use super::full_decode::{self, FrameLog};
use super::picture::{
    self,
    logs::{CropLog, IdetLog},
};
use crate::measurements::{Content, Event, FullDecode};
use crate::probe::Probe;
use crate::process::media_url;
use crate::spec::{AudioRules, ContentRules, LevelsFilter, LevelsRange, TimelineRules, VideoRules};
use detectors::{ClipCounter, is_detector_line, parse_black, parse_start_end};
use std::ffi::OsString;
use std::path::Path;
use std::time::Duration;

/// What the picture detectors look at: every 4th pixel of every 4th line of a 1080p luma plane.
/// Black and freeze are shares of pixels and mean differences, which a point sample keeps
/// (without the smoothing a filtered downscale adds to noise), at a fraction of the cost of
/// 1080p; luma only, as a freeze that changes only colour does not happen in practice.
/// `extractplanes` rather than `format=gray`, which would stretch video range to full range.
const DETECT_SCALE: &str = "scale=480:270:flags=neighbor,format=yuv420p,extractplanes=y";
/// Default luma threshold of `content.black` (fraction of the legal range).
const DEFAULT_LUMA_MAX: f64 = 0.10;
const DEFAULT_FREEZE_NOISE_DB: f64 = -60.0;
const DEFAULT_SILENCE_DB: f64 = -60.0;
/// R 103: a frame is out of range when more than 1 % of its area is.
const DEFAULT_LEVELS_AREA_PCT: f64 = 1.0;
/// BT.1702: a flash covers at least a quarter of the screen…
const DEFAULT_FLASH_AREA_PCT: f64 = 25.0;
/// …and more than three in any second fail.
const DEFAULT_FLASHES_PER_S: u32 = 3;
/// idet compares lines of the two fields: it reads the middle half of the lines (every line
/// of them kept), point-sampled to this width, at a sixteenth of a 1080p idet's cost.
const IDET_WIDTH: u32 = 240;
/// audio.phase: correlation below −0.3…
const DEFAULT_MIN_CORRELATION: f64 = -0.3;
/// …for a second is a finding.
const DEFAULT_PHASE_S: f64 = 1.0;
/// EBU R 68 and SMPTE RP 155 line-up: 1 kHz.
const DEFAULT_TONE_HZ: f64 = 1000.0;

/// Runs the content analyses `rules` asks for on `path`. Decode failures come back as
/// `Content::problem`, so the checks can report them instead of passing.
pub fn analyse(path: &Path, probe: &Probe, rules: &ContentRules, stall: Duration) -> Content {
    let rules = PassRules {
        content: rules,
        video: None,
        audio: None,
        timeline: None,
    };
    analyse_sharing_audio(path, probe, rules, None, false, stall).content
}

/// The spec's rules a content pass serves.
#[derive(Clone, Copy)]
pub struct PassRules<'a> {
    pub content: &'a ContentRules,
    /// MaxCLL/MaxFALL measured or not, and the matrix of an untagged stream.
    pub video: Option<&'a VideoRules>,
    /// Phase, stereo, tone and LFE rules.
    pub audio: Option<&'a AudioRules>,
    pub timeline: Option<&'a TimelineRules>,
}

/// What one content pass found, and how far it got.
pub struct Pass {
    pub content: Content,
    /// How the first audio stream's decode into the tap went (see `analyse_sharing_audio`).
    pub audio: Option<Decoded>,
    /// How far into the file the decode got, seconds; `None` when nothing was decoded.
    pub decoded_s: Option<f64>,
    /// How long the streams this pass decoded say they are (the longest): what `decoded_s`
    /// is weighed against, not the container's length, which a longer stream the pass did not
    /// read may set.
    pub declared_s: Option<f64>,
    /// The full decode, when it was asked to share this pass.
    pub full_decode: Option<FullDecode>,
    /// What the picture checks measured (nothing when the pass failed).
    pub taps: TapMeasurements,
}

/// `analyse`, also handing the first audio stream's samples to `tap` (the loudness meter), so
/// a file with both content and loudness rules is read and decoded once. Returns how that
/// audio decode went in `Pass::audio`, `None` when no audio went to the tap (no content pass,
/// no audio, a stream the probe gives no format for). With `full_decode`, the same ffmpeg
/// also decodes every stream for `file.decode` (`Pass::full_decode`, unless no pass ran).
#[allow(clippy::too_many_lines)] // one decode, its taps and its outcome read best in one place
pub fn analyse_sharing_audio(
    path: &Path,
    probe: &Probe,
    rules: PassRules,
    tap: Option<&mut Sink>,
    full_decode: bool,
    stall: Duration,
) -> Pass {
    let mut plan = Plan::new(probe, rules);
    if plan.is_empty() {
        return Pass {
            content: Content::default(),
            audio: None,
            decoded_s: None,
            declared_s: None,
            full_decode: None,
            taps: TapMeasurements::default(),
        };
    }
    plan.full_decode = full_decode;
    let audio = probe.audio.first();
    let format = audio.and_then(|a| match (a.channels, a.sample_rate) {
        (Some(channels), Some(rate)) if channels > 0 && rate > 0 => {
            Some(AudioFormat { channels, rate })
        }
        _ => None,
    });
    let mut tap = tap.filter(|_| format.is_some());
    let mut sound = format.and_then(|f| plan.sound_tap(probe, f));
    plan.pipe_audio = plan.clipping_channels.is_some() || tap.is_some() || sound.is_some();
    let args = plan.args(path, probe);
    let timeout = ffmpeg::timeout_for(probe.duration().unwrap_or(0.0));
    let channels = format.map_or(plan.clipping_channels.unwrap_or(2), |f| f.channels);
    let mut clipping = plan.clipping_channels.map(|_| {
        ClipCounter::new(
            channels,
            format.map_or(48_000, |f| f.rate),
            audio_origin_s(probe),
        )
    });
    let mut frames_of = F32Frames::new(channels);
    let (mut frames, mut tap_error) = (0u64, None);
    let mut on_samples = |bytes: &[u8]| {
        let mut to_each = |block: &[f32]| {
            if let Some(counter) = clipping.as_mut() {
                counter.count(block);
            }
            if let Some(sound) = sound.as_mut() {
                sound.push(block);
            }
            if let (Some(sink), Some(format)) = (tap.as_mut(), format)
                && let Err(e) = sink(format, block)
            {
                tap_error = Some(e);
                tap = None;
            }
            Ok(())
        };
        frames += frames_of.push(bytes, &mut to_each).unwrap_or(0);
    };
    let mut log = Log {
        frames: full_decode.then(|| FrameLog::new(probe)),
        ..Log::default()
    };
    let mut pictures = plan.picture_tap(probe);
    let wants_pictures = pictures.is_some();
    let mut on_pictures = |bytes: &[u8]| {
        if let Some(tap) = pictures.as_mut() {
            tap.push(bytes);
        }
    };
    // `-progress` writes a line every half second while the decode moves: a read hung on a
    // stale mount stops them, and the stall limit (--probe-timeout) ends the run.
    let outcome = ffmpeg::run_streaming_with_fd3(
        &args,
        timeout,
        Some(stall),
        &mut on_samples,
        wants_pictures.then_some(&mut on_pictures as &mut ffmpeg::Bytes<'_>),
        &mut |line| log.add(line),
    );
    let decoded = format
        .filter(|_| frames > 0 && plan.pipe_audio)
        .map(|format| {
            let seconds = frames as f64 / f64::from(format.rate);
            let stopped_early = match &outcome {
                Err(problem) => Some(problem.clone()),
                // ffmpeg skips a packet it cannot decode and carries on: for the meter that
                // is a stream read with holes, so the loudness is measured again on its own.
                Ok(()) => tap_error
                    .or_else(|| log.decode_error(probe))
                    .or_else(|| ended_early(seconds, audio.and_then(|a| a.duration_s))),
            };
            Decoded {
                format,
                frames,
                stopped_early,
            }
        });
    let full_decode = log.frames.take().map(|f| f.finish(outcome.clone().err()));
    let taps = match &outcome {
        Ok(()) => plan.tap_measurements(pictures, log.idet, log.crops, sound, probe),
        Err(_) => TapMeasurements::default(),
    };
    let content = match outcome {
        Ok(()) => plan.parse(&log.detectors, clipping.map(ClipCounter::finish), probe),
        Err(problem) => Content {
            problem: Some(problem),
            ..Content::default()
        },
    };
    Pass {
        content,
        audio: decoded,
        // The pass ran: a decode that never reported progress decoded nothing.
        decoded_s: Some(log.decoded_s.unwrap_or(0.0)),
        declared_s: plan.declared_s(probe),
        full_decode,
        taps,
    }
}

/// Where the first audio stream starts on ffmpeg's timeline, which counts from the earliest
/// stream (ffmpeg shifts the file's start to zero, so the detectors' times do too).
fn audio_origin_s(probe: &Probe) -> f64 {
    origin_s(probe, probe.audio.first().and_then(|a| a.start_time_s))
}

fn origin_s(probe: &Probe, stream_start: Option<f64>) -> f64 {
    let earliest = probe
        .video
        .iter()
        .map(|v| v.start_time_s)
        .chain(probe.audio.iter().map(|a| a.start_time_s))
        .flatten()
        .filter(|s| s.is_finite())
        .fold(f64::INFINITY, f64::min);
    match stream_start.filter(|s| s.is_finite()) {
        Some(start) if earliest.is_finite() => start - earliest,
        _ => 0.0,
    }
}

/// What the pass needs of ffmpeg's log, in memory that does not grow with the log (a broken
/// file can make ffmpeg report every packet): the detectors' lines and the first decode error.
#[derive(Default)]
struct Log {
    /// Lines logged by a `*detect` filter, one event each, `\n`-terminated.
    detectors: String,
    /// The first `Error while decoding stream` line: (ffprobe index, reason).
    decode_error: Option<(u32, String)>,
    /// The furthest output time ffmpeg's progress lines reported, seconds.
    decoded_s: Option<f64>,
    /// The full decode sharing the pass, which reads the rest of the log.
    frames: Option<FrameLog>,
    idet: IdetLog,
    crops: CropLog,
}

impl Log {
    fn add(&mut self, line: &str) {
        if self.crops.add(line) || self.idet.add(line) {
            return;
        }
        if is_detector_line(line) {
            self.detectors.push_str(line);
            self.detectors.push('\n');
        } else if let Some(us) = line.strip_prefix("out_time_us=") {
            if let Ok(us) = us.trim().parse::<i64>() {
                let seconds = us as f64 / 1e6;
                self.decoded_s = Some(self.decoded_s.map_or(seconds, |s| s.max(seconds)));
            }
        } else {
            if let Some(frames) = self.frames.as_mut() {
                frames.add(line);
            }
            if self.decode_error.is_some() {
                return;
            }
            self.decode_error = ffmpeg::decode_error(line)
                .map(|(index, reason)| (index, ffmpeg::without_context(reason)));
        }
    }

    /// "ffmpeg could not decode audio stream 1: Invalid data found when processing input".
    fn decode_error(&self, probe: &Probe) -> Option<String> {
        let (index, reason) = self.decode_error.as_ref()?;
        Some(format!(
            "ffmpeg could not decode {}: {reason}",
            ffmpeg::stream_name(probe, *index)
        ))
    }
}

/// Which detectors run, with the spec's thresholds.
struct Plan {
    /// (luma_max, min duration s)
    black: Option<(f64, f64)>,
    /// (noise dB, min duration s)
    freeze: Option<(f64, f64)>,
    /// (level dB, min duration s)
    silence: Option<(f64, f64)>,
    /// Channel count of the first audio stream, when clipping is asked for.
    clipping_channels: Option<u32>,
    /// The first audio stream goes to stdout as f32 samples (for clipping, or the loudness meter).
    pipe_audio: bool,
    /// Every stream is also decoded for `file.decode`.
    full_decode: bool,
    /// R 103 levels: (range limits, area %, 3×3 box).
    levels: Option<((f32, f32), f64, bool)>,
    /// BT.1702 screening: (area %, max flashes per second, red counted).
    flashes: Option<(f64, u32, bool)>,
    /// idet and duplicated frames.
    cadence: bool,
    /// cropdetect.
    active_picture: bool,
    /// MaxCLL / MaxFALL of a PQ stream.
    light_level: bool,
    /// The matrix from Y'CbCr to R'G'B', and what the findings call it.
    matrix: (picture::signal::Matrix, String),
    /// audio.phase / audio.stereo: (correlation threshold, min_s).
    pairs: Option<(f64, f64)>,
    /// audio.tone: the frequency, Hz.
    tone: Option<f64>,
    /// audio.lfe, or a layout to check the centre against.
    bands: bool,
    /// timeline rules: each block's class…
    timeline: bool,
    /// …and each frame's, when there is a picture.
    timeline_pictures: bool,
}

impl Plan {
    fn new(probe: &Probe, asked: PassRules) -> Plan {
        let (rules, video, audio_rules) = (asked.content, asked.video, asked.audio);
        let picture = probe.video.as_ref();
        let has_video = picture.is_some();
        let audio = probe.audio.first();
        let bits = picture.and_then(|v| v.bit_depth()).unwrap_or(8);
        let spec_space = video
            .and_then(|v| v.color_space.as_ref())
            .and_then(|c| (c.0.len() == 1).then(|| c.0[0].as_str()));
        let is_pq = picture.is_some_and(|v| v.color_transfer.as_deref() == Some("smpte2084"));
        Plan {
            levels: rules.levels.as_ref().filter(|_| has_video).map(|l| {
                let preferred = l.range != Some(LevelsRange::Narrow);
                (
                    picture::levels::limits(preferred, bits),
                    l.area_pct.map_or(DEFAULT_LEVELS_AREA_PCT, |a| a.0),
                    l.filter != Some(LevelsFilter::Off),
                )
            }),
            flashes: rules.flashes.as_ref().filter(|_| has_video).map(|f| {
                (
                    f.area_pct.map_or(DEFAULT_FLASH_AREA_PCT, |a| a.0),
                    f.max_per_s.map_or(DEFAULT_FLASHES_PER_S, |m| m.0),
                    f.red.unwrap_or(true),
                )
            }),
            cadence: rules.cadence.is_some() && has_video,
            active_picture: rules.active_picture.is_some() && has_video,
            light_level: is_pq
                && video
                    .and_then(|v| v.hdr.as_ref())
                    .is_some_and(|h| h.measure == Some(true)),
            matrix: match picture {
                Some(v) => picture::signal::matrix_for(v, spec_space),
                None => (picture::signal::BT709, "bt709".to_owned()),
            },
            // With `audio.layout`, pairs and channels are its programmes' (`programme`).
            pairs: audio_rules
                .filter(|a| a.phase.is_some() || a.stereo.is_some())
                .filter(|a| a.layout.is_none() && audio.is_some())
                .map(|a| pair_thresholds(a.phase.as_ref())),
            tone: audio_rules
                .and_then(|a| a.tone.as_ref())
                .filter(|_| audio.is_some())
                .map(|t| t.frequency.map_or(DEFAULT_TONE_HZ, |f| f.0)),
            bands: audio.is_some()
                && audio_rules.is_some_and(|a| a.lfe.is_some() && a.layout.is_none()),
            timeline: asked
                .timeline
                .is_some_and(|t| !t.segments.is_empty() || !t.forbid.is_empty()),
            // A sound file's timeline is its sound alone.
            timeline_pictures: has_video
                && asked
                    .timeline
                    .is_some_and(|t| !t.segments.is_empty() || !t.forbid.is_empty()),
            black: rules.black.as_ref().filter(|_| has_video).map(|b| {
                (
                    b.luma_max.map_or(DEFAULT_LUMA_MAX, |l| l.0.min(1.0)),
                    // Events shorter than the limit cannot fail, but ignore_head/tail clip
                    // events, so keep every one that is at least the limit long.
                    b.max_s.0,
                )
            }),
            freeze: rules.freeze.as_ref().filter(|_| has_video).map(|f| {
                (
                    f.noise_db.map_or(DEFAULT_FREEZE_NOISE_DB, |n| n.0),
                    f.max_s.0,
                )
            }),
            silence: rules
                .silence
                .as_ref()
                .filter(|_| audio.is_some())
                .map(|s| (s.level_db.map_or(DEFAULT_SILENCE_DB, |l| l.0), s.max_s.0)),
            clipping_channels: rules
                .clipping
                .as_ref()
                .and(audio)
                .map(|a| a.channels.unwrap_or(2).clamp(1, 64)),
            pipe_audio: false,
            full_decode: false,
        }
    }

    /// The longest of the streams this pass decodes, as the probe declares them.
    fn declared_s(&self, probe: &Probe) -> Option<f64> {
        if self.full_decode {
            return probe.duration();
        }
        let video = self
            .decodes_pictures()
            .then(|| probe.video.as_ref().and_then(|v| v.duration_s))
            .flatten();
        let audio = (self.silence.is_some() || self.pipe_audio)
            .then(|| probe.audio.first().and_then(|a| a.duration_s))
            .flatten();
        video
            .into_iter()
            .chain(audio)
            .reduce(f64::max)
            .or_else(|| probe.duration())
    }

    fn is_empty(&self) -> bool {
        !self.decodes_pictures()
            && self.silence.is_none()
            && self.clipping_channels.is_none()
            && !self.listens()
    }

    /// Whether a sound analysis reads the first audio stream's samples.
    fn listens(&self) -> bool {
        self.pairs.is_some() || self.tone.is_some() || self.bands || self.timeline
    }

    /// Whether any rule reads the picture.
    fn decodes_pictures(&self) -> bool {
        self.black.is_some() || self.freeze.is_some() || self.active_picture || self.uses_tap()
    }

    /// Whether the picture tap (pipe:3) is read.
    fn uses_tap(&self) -> bool {
        self.levels.is_some()
            || self.flashes.is_some()
            || self.cadence
            || self.light_level
            || self.timeline_pictures
    }

    /// The picture's branches of the graph, each ending in a labelled output: `[v]` black and
    /// freeze (a point-sampled luma), `[vi]` idet (every line kept: it compares fields),
    /// `[vt]` the picture tap. cropdetect sits before the split, on the full picture.
    fn video_chains(&self, probe: &Probe) -> Vec<String> {
        let mut branches: Vec<(String, &str)> = Vec::new();
        if self.black.is_some() || self.freeze.is_some() {
            let mut video = vec![DETECT_SCALE.to_owned()];
            if let Some((luma, d)) = self.black {
                video.push(format!("blackdetect=d={d}:pix_th={luma}:pic_th=0.98"));
            }
            if let Some((noise, d)) = self.freeze {
                video.push(format!("freezedetect=n={noise}dB:d={d}"));
            }
            branches.push((video.join(","), "v"));
        }
        if self.cadence {
            branches.push((idet_filter(probe), "vi"));
        }
        if self.uses_tap() {
            branches.push((picture::tap_filter(), "vt"));
        }
        if branches.is_empty() {
            // cropdetect alone: its frames still need an output to be pulled through.
            branches.push(("null".to_owned(), "v"));
        }
        let head = if self.active_picture {
            "[0:v:0]cropdetect=limit=0.094:round=2:reset=1"
        } else {
            "[0:v:0]null"
        };
        if let [(chain, label)] = &branches[..] {
            return vec![format!("{head},{chain}[{label}]")];
        }
        let labels: String = branches.iter().map(|(_, l)| format!("[{l}_in]")).collect();
        let mut chains = vec![format!("{head},split={}{labels}", branches.len())];
        chains.extend(
            branches
                .iter()
                .map(|(chain, label)| format!("[{label}_in]{chain}[{label}]")),
        );
        chains
    }

    /// The labels of the picture outputs: (label, goes to the tap).
    fn video_outputs(&self) -> Vec<(&'static str, bool)> {
        let mut outputs = Vec::new();
        if self.black.is_some() || self.freeze.is_some() || !self.uses_tap() && !self.cadence {
            outputs.push(("v", false));
        }
        if self.cadence {
            outputs.push(("vi", false));
        }
        if self.uses_tap() {
            outputs.push(("vt", true));
        }
        outputs
    }

    fn filter_graph(&self, probe: &Probe) -> String {
        let mut chains = Vec::new();
        if self.decodes_pictures() {
            chains.extend(self.video_chains(probe));
        }
        // silencedetect passes its audio through, so clipping counts what comes out of it.
        if self.silence.is_some() || self.pipe_audio {
            let detector = self.silence.map_or("anull".to_owned(), silence_filter);
            chains.push(format!("[0:a:0]{detector}[a]"));
        }
        chains.join(";")
    }

    fn args(&self, path: &Path, probe: &Probe) -> Vec<OsString> {
        let mut args = ffmpeg::base_args();
        args.extend(["-v".into(), "info".into()]);
        if self.full_decode {
            args.extend(full_decode::input_args());
        } else {
            args.extend(["-threads".into(), decoder_threads().to_string().into()]);
        }
        args.extend(["-i".into(), media_url(path)]);
        // Progress lines (`out_time_us=`) on the log say how far the decode got: the coverage.
        args.extend(["-progress".into(), "pipe:2".into()]);
        args.extend(["-filter_complex".into(), self.filter_graph(probe).into()]);
        // Map the graph's outputs explicitly: otherwise ffmpeg also auto-maps the input's
        // streams to the null output, decoding (say) the picture when only audio is checked.
        if self.decodes_pictures() {
            for (label, tap) in self.video_outputs() {
                args.extend(["-map".into(), format!("[{label}]").into()]);
                if tap {
                    args.extend(["-f", "rawvideo", "pipe:3"].map(OsString::from));
                } else {
                    args.extend(["-f", "null", "-"].map(OsString::from));
                }
            }
        }
        if self.pipe_audio {
            args.extend(
                ["-map", "[a]", "-c:a", "pcm_f32le", "-f", "f32le", "pipe:1"].map(OsString::from),
            );
        } else if self.silence.is_some() {
            args.extend(["-map", "[a]", "-f", "null", "-"].map(OsString::from));
        }
        if self.full_decode {
            args.extend(full_decode::output_args(probe));
        }
        args
    }

    /// Reads the events from `detectors`, the detectors' own lines of ffmpeg's log: its info
    /// log also echoes file names and tags, which could otherwise spell `silence_start: 1`
    /// and fake an event.
    fn parse(
        &self,
        detectors: &str,
        clipping: Option<(u64, Vec<Event>)>,
        probe: &Probe,
    ) -> Content {
        let video_end = probe
            .video
            .as_ref()
            .and_then(|v| v.duration_s)
            .or(probe.duration())
            .unwrap_or(0.0);
        let audio_end = probe
            .audio
            .first()
            .and_then(|a| a.duration_s)
            .or(probe.duration())
            .unwrap_or(0.0);
        Content {
            black: self.black.map(|_| parse_black(detectors)),
            freeze: self.freeze.map(|_| {
                parse_start_end(
                    detectors,
                    "freezedetect.freeze_start:",
                    "freeze_end:",
                    video_end,
                )
            }),
            silence: self
                .silence
                .map(|_| parse_start_end(detectors, "silence_start:", "silence_end:", audio_end)),
            clipped_samples: clipping.as_ref().map(|c| c.0),
            clipping: clipping.map(|c| c.1),
            problem: None,
        }
    }
}

/// `audio.phase`'s correlation threshold and shortest stretch, defaults filled in (also what
/// `audio.stereo` alone measures pairs with).
pub fn pair_thresholds(phase: Option<&crate::spec::PhaseRules>) -> (f64, f64) {
    (
        phase
            .and_then(|p| p.min_correlation)
            .map_or(DEFAULT_MIN_CORRELATION, |c| c.0),
        phase.and_then(|p| p.min_s).map_or(DEFAULT_PHASE_S, |s| s.0),
    )
}

/// Frame threads for the picture decoder. ffmpeg's default (one per core, plus one) leaves
/// cores idle while the main thread runs the filters; a few more frames in flight keep them
/// busy (≈ 7% faster on 2 cores, for ≈ 8 MB per extra 1080p 10-bit frame).
fn decoder_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    (cores * 4).clamp(4, 16)
}

/// idet on the middle half of the picture's lines. The band starts and ends on even lines, so
/// its first line is a top-field line as the picture's is: an odd start would swap the fields.
/// Sizes are ffmpeg expressions of the decoded picture, whatever the stream declares.
fn idet_filter(probe: &Probe) -> String {
    let width = probe
        .video
        .as_ref()
        .and_then(|v| v.width)
        .unwrap_or(IDET_WIDTH);
    let width = width.clamp(2, IDET_WIDTH);
    format!(
        "crop=iw:trunc(ih/4)*2:0:trunc(ih/8)*2,scale={width}:ih:flags=neighbor,format=yuv420p,idet"
    )
}

fn silence_filter((level_db, d): (f64, f64)) -> String {
    format!("silencedetect=n={level_db}dB:d={d}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` fed to a `Log` line by line, as ffmpeg's stderr arrives.
    fn logged(text: &str) -> Log {
        let mut log = Log::default();
        text.lines().for_each(|line| log.add(line));
        log
    }

    #[test]
    fn names_and_tags_in_the_log_are_not_events() {
        let log = "Input #0, mov, from 'file:/m/A001 silence_start: 1 .mov':\n    comment         : freeze_end: 3\n[Parsed_silencedetect_2 @ 0x5] silence_start: 2.5\n[Parsed_silencedetect_2 @ 0x5] silence_end: 4 | silence_duration: 1.5\n";
        let only = logged(log).detectors;
        assert_eq!(only.lines().count(), 2);
        let events = parse_start_end(&only, "silence_start:", "silence_end:", 8.0);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].start_s, 2.5);
    }

    #[test]
    fn clip_times_count_from_the_earliest_stream_like_ffmpeg() {
        use crate::probe::{AudioStream, VideoStream};
        let mut probe = Probe {
            video: Some(VideoStream {
                start_time_s: Some(1.4),
                ..VideoStream::default()
            }),
            audio: vec![AudioStream {
                start_time_s: Some(1.5),
                ..AudioStream::default()
            }],
            ..Probe::default()
        };
        assert!((audio_origin_s(&probe) - 0.1).abs() < 1e-9);
        probe.video = None;
        assert_eq!(audio_origin_s(&probe), 0.0);
        probe.audio[0].start_time_s = None;
        assert_eq!(audio_origin_s(&probe), 0.0);
    }

    #[test]
    fn an_undecodable_packet_in_the_log_is_a_decode_error() {
        let log = "Input #0, mov, from 'file:/m/a.mov':\n[aac @ 0x1] Number of bands exceeds limit\nError while decoding stream #0:1: Invalid data found when processing input\n";
        let probe = Probe {
            audio: vec![crate::probe::AudioStream {
                index: 1,
                ..Default::default()
            }],
            ..Probe::default()
        };
        let error = logged(log).decode_error(&probe).expect("found");
        assert_eq!(
            error,
            "ffmpeg could not decode audio stream 1: Invalid data found when processing input"
        );
        assert_eq!(
            logged("[silencedetect @ 0x3] silence_start: 2\n").decode_error(&probe),
            None
        );
    }
}
