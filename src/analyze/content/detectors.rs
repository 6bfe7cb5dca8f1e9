//! ffmpeg's detector lines (blackdetect, freezedetect, silencedetect) read into events, and
//! the full-scale samples of the piped audio counted into clipped stretches.

use crate::measurements::Event;

/// Clipped samples closer together than this form one stretch (one finding).
const CLIP_MERGE_S: f64 = 0.02;
/// A sample at or above this (linear, −0.01 dBFS) counts as clipped: full scale after 16- and
/// 24-bit quantisation, and what a clipped float master reads as.
const CLIP_LEVEL: f64 = 0.99885;

/// A line logged by a `*detect` filter (`[blackdetect @ 0x…]`, `[Parsed_silencedetect_3 @ 0x…]`).
pub(super) fn is_detector_line(line: &str) -> bool {
    line.strip_prefix('[')
        .and_then(|rest| rest.split_once(']'))
        .is_some_and(|(tag, _)| tag.contains("detect") && tag.contains(" @ "))
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
pub(super) fn parse_black(stderr: &str) -> Vec<Event> {
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
pub(super) fn parse_start_end(
    stderr: &str,
    start_key: &str,
    end_key: &str,
    stream_end: f64,
) -> Vec<Event> {
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

/// Counts full-scale samples in the f32 stream ffmpeg writes, and the stretches holding them.
pub(super) struct ClipCounter {
    channels: u64,
    rate: f64,
    /// Where the audio stream starts in the file, seconds.
    start_s: f64,
    /// Samples (all channels) seen so far.
    samples: u64,
    total: u64,
    stretches: Vec<Event>,
}

impl ClipCounter {
    pub(super) fn new(channels: u32, rate: u32, start_s: f64) -> ClipCounter {
        ClipCounter {
            channels: u64::from(channels.max(1)),
            rate: f64::from(rate.max(1)),
            start_s: if start_s.is_finite() { start_s } else { 0.0 },
            samples: 0,
            total: 0,
            stretches: Vec::new(),
        }
    }

    pub(super) fn count(&mut self, samples: &[f32]) {
        for &sample in samples {
            if f64::from(sample.abs()) >= CLIP_LEVEL {
                self.clipped_at(self.samples / self.channels);
            }
            self.samples += 1;
        }
    }

    fn clipped_at(&mut self, frame: u64) {
        self.total += 1;
        let start = self.start_s + frame as f64 / self.rate;
        let end = start + 1.0 / self.rate;
        match self.stretches.last_mut() {
            Some(last) if start <= last.end_s + CLIP_MERGE_S => last.end_s = last.end_s.max(end),
            _ => self.stretches.push(Event {
                start_s: start,
                end_s: end,
            }),
        }
    }

    /// Total clipped samples (all channels) and the stretches.
    pub(super) fn finish(self) -> (u64, Vec<Event>) {
        (self.total, self.stretches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn clipped_samples_merge_into_stretches() {
        // Stereo at 1 kHz: frames 10 (both channels) and 15 clip, then frame 500.
        let mut samples = vec![0.0_f32; 2 * 1000];
        samples[20] = 1.0;
        samples[21] = -1.0;
        samples[31] = 0.9995;
        samples[1000] = -1.0;
        samples[1001] = 0.99; // below full scale
        let mut counter = ClipCounter::new(2, 1000, 0.5);
        for block in samples.chunks(6) {
            counter.count(block);
        }
        let (total, stretches) = counter.finish();
        assert_eq!(total, 4);
        assert_eq!(stretches.len(), 2);
        assert!((stretches[0].start_s - 0.510).abs() < 1e-9);
        assert!((stretches[0].end_s - 0.516).abs() < 1e-9);
        assert!((stretches[1].start_s - 1.0).abs() < 1e-9);
    }
}
