//! Places in a file: findings and loudness figures name them by timecode (or elapsed time);
//! the review's preview and the HTML report's pictures count frames from the file's first one.

use crate::check::Finding;
use crate::measurements::Measurements;
use crate::probe::Probe;
use crate::rational::Rational;
use crate::timecode::{Timecode, locate};

/// A place in a video file, as a frame index from its first frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clock {
    pub rate: Rational,
    pub start: Option<Timecode>,
    /// The last frame, when the file's duration is known.
    pub last_frame: Option<i64>,
}

impl Clock {
    /// The clock of a file with a picture; `None` without a video stream or its frame rate.
    pub fn of(probe: &Probe) -> Option<Clock> {
        probe.video.as_ref()?;
        let rate = probe.frame_rate()?;
        let last_frame = probe
            .duration()
            .map(|d| ((d * rate.as_f64()).ceil() as i64 - 1).max(0));
        Some(Clock {
            rate,
            start: probe.start_timecode(),
            last_frame,
        })
    }

    /// The frame a timecode (or elapsed `HH:MM:SS.mmm`) written by the checks names.
    pub fn frame_of(&self, text: &str) -> Option<i64> {
        if let Ok(tc) = Timecode::parse(text) {
            let origin = self.start.map_or(0, |s| s.to_frames(self.rate));
            let day = Timecode::parse("24:00:00:00")
                .map(|d| d.to_frames(self.rate))
                .unwrap_or(i64::MAX);
            return Some((tc.to_frames(self.rate) - origin).rem_euclid(day.max(1)));
        }
        let seconds = elapsed_seconds(text)?;
        Some((seconds * self.rate.as_f64() + 1e-6).floor() as i64)
    }

    /// `frame` moved by `delta` frames, kept within the file.
    pub fn step(&self, frame: i64, delta: i64) -> i64 {
        let moved = frame.saturating_add(delta).max(0);
        self.last_frame.map_or(moved, |last| moved.min(last))
    }

    /// Frames in (about) one second: the timecode base (24 at 23.976).
    pub fn second(&self) -> i64 {
        i64::from(self.rate.timecode_base())
    }

    /// Where to seek for `frame`: half a frame early, so that timestamps rounded to the
    /// container's time base cannot make ffmpeg skip to the next frame.
    pub fn seek_seconds(&self, frame: i64) -> f64 {
        ((frame as f64 - 0.5) / self.rate.as_f64()).max(0.0)
    }

    /// The frame's timecode, as the findings write it.
    pub fn timecode(&self, frame: i64) -> String {
        locate(
            frame as f64 / self.rate.as_f64(),
            self.start.as_ref(),
            Some(self.rate),
        )
    }
}

/// Seconds from the start of the file to a place a check wrote (a timecode at the video's rate,
/// else elapsed time): for files without a picture too.
pub fn seconds_at(probe: &Probe, text: &str) -> Option<f64> {
    let sound_clock = || {
        Some(Clock {
            rate: probe.place_rate()?,
            start: Some(probe.start_timecode()?),
            last_frame: None,
        })
    };
    match Clock::of(probe).or_else(sound_clock) {
        Some(clock) => Some(clock.frame_of(text)? as f64 / clock.rate.as_f64()),
        None => elapsed_seconds(text),
    }
}

/// `HH:MM:SS.mmm`, the elapsed time written where a file has no frame rate.
fn elapsed_seconds(text: &str) -> Option<f64> {
    let mut parts = text.trim().split(':');
    let hours: f64 = parts.next()?.parse().ok()?;
    let minutes: f64 = parts.next()?.parse().ok()?;
    let seconds: f64 = parts.next()?.parse().ok()?;
    parts
        .next()
        .is_none()
        .then_some(hours * 3600.0 + minutes * 60.0 + seconds)
}

/// The frame a finding is about: where its event starts, else the first frame (metadata
/// findings are about the whole file).
pub fn frame_of_finding(clock: &Clock, finding: Option<&Finding>) -> i64 {
    finding
        .and_then(|f| f.at.as_ref())
        .and_then(|at| clock.frame_of(&at.start))
        .map_or(0, |frame| clock.step(frame, 0))
}

/// The loudness figures' places worth a look, in the order `g` visits them: the highest true
/// peak, then the start of the loudest 3 s.
pub fn loudness_landmarks(clock: &Clock, m: &Measurements) -> Vec<(&'static str, i64)> {
    let Some(l) = &m.loudness else {
        return Vec::new();
    };
    [
        ("true peak", l.true_peak_at.as_deref()),
        ("loudest 3 s", l.max_short_term_at.as_deref()),
    ]
    .into_iter()
    .filter_map(|(what, at)| Some((what, clock.step(clock.frame_of(at?)?, 0))))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock(start: &str) -> Clock {
        Clock {
            rate: Rational::new(25, 1).unwrap_or_else(|| panic!("rate")),
            start: Timecode::parse(start).ok(),
            last_frame: Some(25 * 60),
        }
    }

    #[test]
    fn timecodes_count_from_the_files_start() {
        let c = clock("10:00:00:00");
        assert_eq!(c.frame_of("10:00:01:05"), Some(30));
        assert_eq!(c.timecode(30), "10:00:01:05");
        assert_eq!(c.frame_of("00:00:02.000"), Some(50));
    }

    #[test]
    fn steps_stay_within_the_file() {
        let c = clock("00:00:00:00");
        assert_eq!(c.step(3, -25), 0);
        assert_eq!(c.step(1490, 25), 1500);
        assert_eq!(c.second(), 25);
    }

    #[test]
    fn seeks_half_a_frame_early() {
        let c = clock("00:00:00:00");
        assert!((c.seek_seconds(25) - 0.98).abs() < 1e-9);
        assert_eq!(c.seek_seconds(0), 0.0);
    }
}
