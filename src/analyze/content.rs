//! Content events (black, freeze, silence, clipped audio) in ONE ffmpeg decode of the file:
//! the first video stream is downscaled once and fed to `blackdetect` and `freezedetect`; the
//! first audio stream goes to `silencedetect` and, for clipping, through an `aeval` that turns
//! each sample into 1 (at full scale) or 0, whose per-frame mean (`astats` DC offset) is the
//! share of clipped samples. Detectors log events to stderr; clipping arrives on stdout.

use super::ffmpeg;
use crate::measurements::{Content, Event};
use crate::probe::Probe;
use crate::process::media_url;
use crate::spec::ContentRules;
use std::path::Path;

/// Picture size the detectors look at: enough for black/freeze, a fraction of the cost of 1080p.
const DETECT_SCALE: &str = "scale=480:270:flags=fast_bilinear,format=yuv420p";
/// A sample at or above this (linear, −0.01 dBFS) counts as clipped: full scale after 16- and
/// 24-bit quantisation, and what a clipped float master reads as.
const CLIP_LEVEL: f64 = 0.99885;
/// Default luma threshold of `content.black` (fraction of the legal range).
const DEFAULT_LUMA_MAX: f64 = 0.10;
const DEFAULT_FREEZE_NOISE_DB: f64 = -60.0;
const DEFAULT_SILENCE_DB: f64 = -60.0;

/// Runs the content analyses `rules` asks for on `path`. Decode failures come back as
/// `Content::problem`, so the checks can report them instead of passing.
pub fn analyse(path: &Path, probe: &Probe, rules: &ContentRules) -> Content {
    let plan = Plan::new(probe, rules);
    if plan.is_empty() {
        return Content::default();
    }
    let args = plan.args(path);
    let timeout = ffmpeg::timeout_for(probe.duration().unwrap_or(0.0));
    match ffmpeg::run(&args, timeout) {
        Ok((stdout, stderr)) => plan.parse(&String::from_utf8_lossy(&stdout), &stderr, probe),
        Err(problem) => Content {
            problem: Some(problem),
            ..Content::default()
        },
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
}

impl Plan {
    fn new(probe: &Probe, rules: &ContentRules) -> Plan {
        let has_video = probe.video.is_some();
        let audio = probe.audio.first();
        Plan {
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
        }
    }

    fn is_empty(&self) -> bool {
        self.black.is_none()
            && self.freeze.is_none()
            && self.silence.is_none()
            && self.clipping_channels.is_none()
    }

    fn filter_graph(&self) -> String {
        let mut chains = Vec::new();
        if self.black.is_some() || self.freeze.is_some() {
            let mut video = vec![format!("[0:v:0]{DETECT_SCALE}")];
            if let Some((luma, d)) = self.black {
                video.push(format!("blackdetect=d={d}:pix_th={luma}:pic_th=0.98"));
            }
            if let Some((noise, d)) = self.freeze {
                video.push(format!("freezedetect=n={noise}dB:d={d}"));
            }
            chains.push(format!("{}[v]", video.join(",")));
        }
        match (self.silence, self.clipping_channels) {
            (None, None) => {}
            (Some(s), None) => chains.push(format!("[0:a:0]{}[a]", silence_filter(s))),
            (None, Some(c)) => chains.push(format!("[0:a:0]{}[a]", clipping_filter(c))),
            (Some(s), Some(c)) => chains.push(format!(
                "[0:a:0]asplit[s][c];[s]{},anullsink;[c]{}[a]",
                silence_filter(s),
                clipping_filter(c)
            )),
        }
        chains.join(";")
    }

    fn args(&self, path: &Path) -> Vec<String> {
        let mut args = ffmpeg::base_args();
        args.extend(
            ["-v", "info", "-i"]
                .iter()
                .map(|s| s.to_string())
                .chain([media_url(path)]),
        );
        args.extend(["-filter_complex".into(), self.filter_graph()]);
        // Map the graph's outputs explicitly: otherwise ffmpeg also auto-maps the input's
        // streams to the null output, decoding (say) the picture when only audio is checked.
        if self.black.is_some() || self.freeze.is_some() {
            args.extend(["-map".into(), "[v]".into()]);
        }
        if self.silence.is_some() || self.clipping_channels.is_some() {
            args.extend(["-map".into(), "[a]".into()]);
        }
        args.extend(["-f".into(), "null".into(), "-".into()]);
        args
    }

    fn parse(&self, stdout: &str, stderr: &str, probe: &Probe) -> Content {
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
        let clipping = self.clipping_channels.map(|channels| {
            let rate = probe
                .audio
                .first()
                .and_then(|a| a.sample_rate)
                .unwrap_or(48_000);
            parse_clipping(stdout, channels, rate)
        });
        // Only the detectors' own lines: ffmpeg's info log also echoes file names and tags,
        // which could otherwise spell `silence_start: 1` and fake an event.
        let detector_log = detector_lines(stderr);
        let stderr = detector_log.as_str();
        Content {
            black: self.black.map(|_| parse_black(stderr)),
            freeze: self.freeze.map(|_| {
                parse_start_end(
                    stderr,
                    "freezedetect.freeze_start:",
                    "freeze_end:",
                    video_end,
                )
            }),
            silence: self
                .silence
                .map(|_| parse_start_end(stderr, "silence_start:", "silence_end:", audio_end)),
            clipped_samples: clipping.as_ref().map(|c| c.0),
            clipping: clipping.map(|c| c.1),
            problem: None,
        }
    }
}

fn silence_filter((level_db, d): (f64, f64)) -> String {
    format!("silencedetect=n={level_db}dB:d={d}")
}

/// One output channel per input channel, 1 where the sample is at full scale; `astats`
/// then gives per audio frame the mean (share clipped) and the samples per channel.
fn clipping_filter(channels: u32) -> String {
    let exprs: Vec<String> = (0..channels)
        .map(|c| format!("gte(abs(val({c}))\\,{CLIP_LEVEL})"))
        .collect();
    format!(
        "aeval=exprs={}:c=same,astats=metadata=1:reset=1:measure_perchannel=none:measure_overall=DC_offset+Number_of_samples,ametadata=mode=print:file=-",
        exprs.join("|")
    )
}

/// Lines logged by a `*detect` filter (`[blackdetect @ 0x…]`, `[Parsed_silencedetect_3 @ 0x…]`).
fn detector_lines(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|line| {
            line.strip_prefix('[')
                .and_then(|rest| rest.split_once(']'))
                .is_some_and(|(tag, _)| tag.contains("detect") && tag.contains(" @ "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The number after `key` on a line, e.g. `black_start:1.5` or `silence_start: 1.5`.
fn value_after(line: &str, key: &str) -> Option<f64> {
    let rest = line.split(key).nth(1)?;
    rest.trim_start()
        .split(|c: char| c.is_whitespace() || c == '|')
        .next()?
        .parse()
        .ok()
}

/// `black_start:1 black_end:3.52 black_duration:2.52` lines.
fn parse_black(stderr: &str) -> Vec<Event> {
    stderr
        .lines()
        .filter(|l| l.contains("blackdetect"))
        .filter_map(|l| {
            Some(Event {
                start_s: value_after(l, "black_start:")?,
                end_s: value_after(l, "black_end:")?,
            })
        })
        .collect()
}

/// Start/end lines logged separately (freezedetect, silencedetect). An event still open at
/// the end of the stream (ffmpeg does not always close it) ends at `stream_end`.
fn parse_start_end(stderr: &str, start_key: &str, end_key: &str, stream_end: f64) -> Vec<Event> {
    let mut events = Vec::new();
    let mut open = None;
    for line in stderr.lines() {
        if let Some(start) = value_after(line, start_key) {
            open = Some(start);
        } else if let Some(end) = value_after(line, end_key)
            && let Some(start_s) = open.take()
        {
            events.push(Event {
                start_s,
                end_s: end,
            });
        }
    }
    if let Some(start_s) = open {
        events.push(Event {
            start_s,
            end_s: stream_end.max(start_s),
        });
    }
    events
}

/// Total clipped samples and the stretches holding them (adjacent audio frames merged).
fn parse_clipping(stdout: &str, channels: u32, rate: u32) -> (u64, Vec<Event>) {
    let mut total = 0u64;
    let mut runs: Vec<Event> = Vec::new();
    let mut time = None;
    let mut share = None;
    for line in stdout.lines() {
        if let Some(rest) = line.split("pts_time:").nth(1) {
            time = rest
                .split_whitespace()
                .next()
                .and_then(|t| t.parse::<f64>().ok());
            share = None;
        } else if let Some(v) = line.strip_prefix("lavfi.astats.Overall.DC_offset=") {
            share = v.trim().parse::<f64>().ok();
        } else if let Some(v) = line.strip_prefix("lavfi.astats.Overall.Number_of_samples=")
            && let (Some(t), Some(share), Ok(n)) = (time, share, v.trim().parse::<f64>())
        {
            let clipped = (share * n * channels as f64).round() as u64;
            if clipped == 0 {
                continue;
            }
            total += clipped;
            let end = t + n / rate as f64;
            match runs.last_mut() {
                Some(last) if t <= last.end_s + 1e-3 => last.end_s = end,
                _ => runs.push(Event {
                    start_s: t,
                    end_s: end,
                }),
            }
        }
    }
    (total, runs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_tags_in_the_log_are_not_events() {
        let log = "Input #0, mov, from 'file:/m/A001 silence_start: 1 .mov':\n    comment         : freeze_end: 3\n[Parsed_silencedetect_2 @ 0x5] silence_start: 2.5\n[Parsed_silencedetect_2 @ 0x5] silence_end: 4 | silence_duration: 1.5\n";
        let only = detector_lines(log);
        assert_eq!(only.lines().count(), 2);
        let events = parse_start_end(&only, "silence_start:", "silence_end:", 8.0);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].start_s, 2.5);
    }

    #[test]
    fn parses_detector_logs() {
        let log = "[blackdetect @ 0x1] black_start:1 black_end:3.52 black_duration:2.52\n\
                   [freezedetect @ 0x2] lavfi.freezedetect.freeze_start: 1\n\
                   [freezedetect @ 0x2] lavfi.freezedetect.freeze_duration: 2.52\n\
                   [freezedetect @ 0x2] lavfi.freezedetect.freeze_end: 3.52\n\
                   [freezedetect @ 0x2] lavfi.freezedetect.freeze_start: 5.96\n\
                   [silencedetect @ 0x3] silence_start: 2\n\
                   [silencedetect @ 0x3] silence_end: 5 | silence_duration: 3\n";
        assert_eq!(
            parse_black(log),
            vec![Event {
                start_s: 1.0,
                end_s: 3.52
            }]
        );
        let freezes = parse_start_end(log, "freezedetect.freeze_start:", "freeze_end:", 8.0);
        assert_eq!(freezes.len(), 2);
        assert_eq!(
            freezes[1],
            Event {
                start_s: 5.96,
                end_s: 8.0
            }
        );
        let silences = parse_start_end(log, "silence_start:", "silence_end:", 8.0);
        assert_eq!(
            silences,
            vec![Event {
                start_s: 2.0,
                end_s: 5.0
            }]
        );
    }

    #[test]
    fn clipped_frames_merge_into_stretches() {
        let out = "frame:0 pts:0 pts_time:0\nlavfi.astats.Overall.DC_offset=0\nlavfi.astats.Overall.Number_of_samples=1024\n\
                   frame:1 pts:1024 pts_time:0.021333\nlavfi.astats.Overall.DC_offset=0.5\nlavfi.astats.Overall.Number_of_samples=1024\n\
                   frame:2 pts:2048 pts_time:0.042667\nlavfi.astats.Overall.DC_offset=0.25\nlavfi.astats.Overall.Number_of_samples=1024\n";
        let (total, runs) = parse_clipping(out, 2, 48_000);
        assert_eq!(total, 1024 + 512);
        assert_eq!(runs.len(), 1);
        assert!((runs[0].start_s - 0.021333).abs() < 1e-6);
        assert!((runs[0].end_s - 0.064).abs() < 1e-3);
    }
}
