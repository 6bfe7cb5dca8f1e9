//! Sync marker (beep/flash, 2-pop): the flash is a frame whose mean luma jumps well above both
//! neighbours; the beep is a tone burst that starts after quiet, located to the sample. Only a
//! window of the file (its head, or its tail) is decoded: video downscaled to gray for
//! `signalstats`, audio as a mono `f32le` pipe.

use super::ffmpeg;
use crate::measurements::{AvSync, Waveform};
use crate::probe::Probe;
use crate::process::media_url;
use crate::spec::MarkerRules;
use std::ffi::OsString;
use std::path::Path;

/// Downscaled picture for the luma measure: the mean of a flash survives any scaling.
const LUMA_SCALE: &str = "scale=64:36:flags=area,format=gray";
/// A flash frame stands this far (fraction of full scale) above both neighbouring frames.
const FLASH_MIN_JUMP: f64 = 0.3;
/// Audio below this (linear, −40 dBFS) counts as quiet before a beep.
const QUIET_LEVEL: f32 = 0.01;
/// A beep follows at least this much quiet.
const QUIET_BEFORE_S: f64 = 0.25;
/// The onset is where the burst first reaches this fraction of its own peak: late enough to
/// skip codec pre-echo, early enough to be within a few samples of the true start.
const ONSET_FRACTION: f32 = 0.3;
/// Burst length looked at for its peak.
const BURST_S: f64 = 0.05;
/// A beep further than this from the flash does not belong to it.
const PAIR_WINDOW_S: f64 = 1.0;

/// A marker found: both times in seconds from the start of the file (as ffmpeg counts it).
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub flash_s: f64,
    pub beep_s: f64,
    /// The audio around flash and beep, for the review.
    pub pop: Waveform,
}

impl Marker {
    /// Beep − flash in ms: positive when the audio is late.
    pub fn offset_ms(&self) -> f64 {
        (self.beep_s - self.flash_s) * 1000.0
    }
}

/// The part of the file to search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub start_s: f64,
    pub length_s: f64,
}

impl Window {
    pub fn head(length_s: f64) -> Window {
        Window {
            start_s: 0.0,
            length_s,
        }
    }

    /// The last `length_s` of a file of `duration_s`.
    pub fn tail(duration_s: f64, length_s: f64) -> Window {
        let start_s = (duration_s - length_s).max(0.0);
        Window {
            start_s,
            length_s: duration_s - start_s,
        }
    }

    fn input_args(&self, path: &Path) -> Vec<OsString> {
        let mut args = ffmpeg::base_args();
        args.extend(["-v".into(), "error".into()]);
        if self.start_s > 0.0 {
            args.extend(["-ss".into(), format!("{:.6}", self.start_s).into()]);
        }
        args.extend([
            "-t".into(),
            format!("{:.6}", self.length_s).into(),
            "-i".into(),
            media_url(path),
        ]);
        args
    }
}

/// Looks for the marker in `window` of the file. `Ok(Err(reason))` when the media decoded but
/// no complete marker is there; `Err` when ffmpeg could not decode it.
pub fn find(path: &Path, window: Window) -> Result<Result<Marker, String>, String> {
    let timeout = ffmpeg::timeout_for(window.length_s);
    let frames = video_luma(path, window, timeout)?;
    let (samples, rate) = audio_mono(path, window, timeout)?;
    let place = if window.start_s > 0.0 {
        format!("the last {:.0} s", window.length_s)
    } else {
        format!("the first {:.0} s", window.length_s)
    };
    let flash = find_flash(&frames);
    let onsets = find_onsets(&samples, rate);
    Ok(match (flash, pair(flash, &onsets)) {
        (Some(flash_s), Some(beep_s)) => Ok(Marker {
            flash_s: flash_s + window.start_s,
            beep_s: beep_s + window.start_s,
            pop: super::marker_pop::around(
                &samples,
                rate,
                window.start_s,
                flash_s + window.start_s,
                beep_s + window.start_s,
            ),
        }),
        (Some(flash_s), None) => Err(format!(
            "flash at {:.3} s but no beep within {PAIR_WINDOW_S} s of it in {place}",
            flash_s + window.start_s
        )),
        (None, _) if onsets.is_empty() => Err(format!("no flash and no beep in {place}")),
        (None, _) => Err(format!("beep found but no flash frame in {place}")),
    })
}

/// Default head (and tail) length searched, seconds.
pub const DEFAULT_SEARCH_S: f64 = 30.0;

/// Searches the head (and the tail when the spec asks) and records offsets, flash times and
/// why a marker was not found into `sync`.
pub fn measure_into(path: &Path, probe: &Probe, rules: &MarkerRules, sync: &mut AvSync) {
    let search_s = rules.search_s.map_or(DEFAULT_SEARCH_S, |s| s.0).max(1.0);
    let (offset, flash, problem, pop) = split(find(path, Window::head(search_s)));
    sync.marker_offset_ms = offset;
    sync.marker_flash_s = flash;
    sync.marker_problem = problem;
    sync.marker_pop = pop;
    if rules.tail {
        let found = match probe.duration() {
            Some(duration) => find(path, Window::tail(duration, search_s)),
            None => Err("the file's duration is unknown, so its tail cannot be found".into()),
        };
        let (offset, flash, problem, pop) = split(found);
        sync.tail_marker_offset_ms = offset;
        sync.tail_marker_flash_s = flash;
        sync.tail_marker_problem = problem;
        sync.tail_marker_pop = pop;
    }
}

type Found = (Option<f64>, Option<f64>, Option<String>, Option<Waveform>);

fn split(result: Result<Result<Marker, String>, String>) -> Found {
    match result {
        Ok(Ok(m)) => (Some(m.offset_ms()), Some(m.flash_s), None, Some(m.pop)),
        Ok(Err(why)) | Err(why) => (None, None, Some(why), None),
    }
}

/// (time s, mean luma 0–1) of each frame of the first video stream in the window.
fn video_luma(
    path: &Path,
    window: Window,
    timeout: std::time::Duration,
) -> Result<Vec<(f64, f64)>, String> {
    let mut args = window.input_args(path);
    args.extend([
        "-map".into(),
        "0:v:0".into(),
        "-vf".into(),
        format!("{LUMA_SCALE},signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=-").into(),
        "-f".into(),
        "null".into(),
        "-".into(),
    ]);
    let stdout = ffmpeg::run(&args, timeout)?;
    Ok(parse_luma(&String::from_utf8_lossy(&stdout)))
}

/// Parses `metadata=print` output: a `pts_time:` line, then `lavfi.signalstats.YAVG=`.
fn parse_luma(text: &str) -> Vec<(f64, f64)> {
    let mut frames = Vec::new();
    let mut time = None;
    for line in text.lines() {
        if let Some(rest) = line.split("pts_time:").nth(1) {
            time = rest.split_whitespace().next().and_then(|t| t.parse().ok());
        } else if let Some(value) = line.strip_prefix("lavfi.signalstats.YAVG=")
            && let (Some(t), Ok(y)) = (time.take(), value.trim().parse::<f64>())
        {
            frames.push((t, y / 255.0));
        }
    }
    frames
}

/// Mono samples of the first audio stream in the window, starting at the window's time 0
/// (audio that starts late is padded with silence, so sample index = time), and the rate.
fn audio_mono(
    path: &Path,
    window: Window,
    timeout: std::time::Duration,
) -> Result<(Vec<f32>, u32), String> {
    const RATE: u32 = 48_000;
    let mut args = window.input_args(path);
    args.extend([
        "-map".into(),
        "0:a:0".into(),
        // first_pts=0 with min_hard_comp=0 pads a late-starting stream so that sample 0 is
        // the window's time 0, the same origin as the video's pts_time.
        "-af".into(),
        format!("aresample={RATE}:async=1:min_hard_comp=0:first_pts=0").into(),
        "-ac".into(),
        "1".into(),
        "-f".into(),
        "f32le".into(),
        "-".into(),
    ]);
    let stdout = ffmpeg::run(&args, timeout)?;
    Ok((ffmpeg::f32_samples(&stdout), RATE))
}

/// The time of the frame that stands highest above both its neighbours, if any stands
/// at least [`FLASH_MIN_JUMP`] above them. Ties go to the earliest.
pub fn find_flash(frames: &[(f64, f64)]) -> Option<f64> {
    let mut best: Option<(f64, f64)> = None;
    for i in 0..frames.len() {
        let before = if i > 0 { frames[i - 1].1 } else { 0.0 };
        let after = frames.get(i + 1).map_or(0.0, |f| f.1);
        let jump = frames[i].1 - before.max(after);
        if jump >= FLASH_MIN_JUMP && best.is_none_or(|(_, b)| jump > b + 1e-9) {
            best = Some((frames[i].0, jump));
        }
    }
    best.map(|(t, _)| t)
}

/// Start times (s) of tone bursts that follow at least [`QUIET_BEFORE_S`] of quiet (or the
/// start of the window), each located where the burst first reaches [`ONSET_FRACTION`] of its
/// own peak.
pub fn find_onsets(samples: &[f32], rate: u32) -> Vec<f64> {
    let quiet_len = (QUIET_BEFORE_S * rate as f64) as usize;
    let burst_len = (BURST_S * rate as f64) as usize;
    let mut onsets = Vec::new();
    let mut quiet_run = quiet_len; // the window's start counts as quiet
    let mut i = 0;
    while i < samples.len() {
        if samples[i].abs() < QUIET_LEVEL {
            quiet_run += 1;
            i += 1;
            continue;
        }
        if quiet_run >= quiet_len {
            let burst = &samples[i..(i + burst_len).min(samples.len())];
            let peak = burst.iter().fold(0.0f32, |m, s| m.max(s.abs()));
            let onset = burst
                .iter()
                .position(|s| s.abs() >= peak * ONSET_FRACTION)
                .unwrap_or(0);
            onsets.push((i + onset) as f64 / rate as f64);
        }
        quiet_run = 0;
        i += 1;
    }
    onsets
}

/// The onset nearest the flash, within [`PAIR_WINDOW_S`].
fn pair(flash: Option<f64>, onsets: &[f64]) -> Option<f64> {
    let flash = flash?;
    onsets
        .iter()
        .copied()
        .filter(|t| (t - flash).abs() <= PAIR_WINDOW_S)
        .min_by(|a, b| (a - flash).abs().total_cmp(&(b - flash).abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flash_is_the_frame_above_both_neighbours() {
        let frames: Vec<(f64, f64)> = (0..10)
            .map(|i| (i as f64 * 0.04, if i == 6 { 1.0 } else { 0.06 }))
            .collect();
        assert_eq!(find_flash(&frames), Some(0.24));
        // A cut to a bright picture is a step, not a flash.
        let step: Vec<(f64, f64)> = (0..10)
            .map(|i| (i as f64 * 0.04, if i >= 6 { 1.0 } else { 0.06 }))
            .collect();
        assert_eq!(find_flash(&step), None);
    }

    #[test]
    fn onset_is_sample_accurate_after_quiet() {
        let rate = 48_000;
        let start = 30_007usize;
        let samples: Vec<f32> = (0..60_000)
            .map(|i| {
                if (start..start + 1920).contains(&i) {
                    let t = (i - start) as f32 / rate as f32;
                    0.5 * (2.0 * std::f32::consts::PI * 1000.0 * t).sin()
                } else {
                    0.0
                }
            })
            .collect();
        let onsets = find_onsets(&samples, rate);
        assert_eq!(onsets.len(), 1);
        let error_samples = (onsets[0] * rate as f64 - start as f64).abs();
        assert!(error_samples <= 3.0, "{error_samples}");
    }

    #[test]
    fn beep_is_paired_with_the_nearest_flash() {
        assert_eq!(pair(Some(2.0), &[0.5, 2.04, 5.0]), Some(2.04));
        assert_eq!(pair(Some(2.0), &[5.0]), None);
        assert_eq!(pair(None, &[2.0]), None);
    }

    #[test]
    fn parses_metadata_print() {
        let text = "frame:0    pts:0       pts_time:0\nlavfi.signalstats.YAVG=16\nframe:1    pts:1001    pts_time:0.0417083\nlavfi.signalstats.YAVG=235\n";
        let frames = parse_luma(text);
        assert_eq!(frames.len(), 2);
        assert!((frames[1].0 - 0.0417083).abs() < 1e-9);
        assert!((frames[1].1 - 235.0 / 255.0).abs() < 1e-9);
    }
}
