//! Frames identical to the frame before them, outside stills: a repeated frame in moving
//! pictures is what a frame-rate conversion by duplication (or a dropped-and-repeated frame)
//! leaves. Runs of identical frames longer than `MAX_RUN` are stills, judged by
//! `content.freeze`.

use super::levels::Clock;
use super::{Frame, SAMPLES};
use crate::measurements::Event;

/// The longest run of repeats counted as duplicates rather than a still.
const MAX_RUN: u64 = 2;
/// Mean difference of Y' (0..1) below which two frames are the same picture: a twentieth of an
/// 8-bit code value, far below any real motion, above the decoders' rounding.
const SAME: f64 = 0.05 / 219.0;
/// Duplicate events kept; the rest are only counted.
const MAX_EVENTS: usize = 200;

pub struct Duplicates {
    clock: Clock,
    previous: Vec<f32>,
    /// The current run of repeats: (first repeated frame, length).
    run: Option<(u64, u64)>,
    events: Vec<Event>,
}

impl Duplicates {
    pub fn new(clock: Clock) -> Duplicates {
        Duplicates {
            clock,
            previous: Vec::new(),
            run: None,
            events: Vec::new(),
        }
    }

    pub fn add(&mut self, frame: &Frame) {
        let same = !self.previous.is_empty() && {
            let diff: f64 = frame
                .y
                .iter()
                .zip(&self.previous)
                .map(|(a, b)| f64::from((a - b).abs()))
                .sum();
            diff / (SAMPLES as f64) < SAME
        };
        self.previous.clone_from(&frame.y);
        match (same, self.run.as_mut()) {
            (true, Some((_, length))) => *length += 1,
            (true, None) => self.run = Some((frame.index, 1)),
            (false, _) => self.close_run(),
        }
    }

    fn close_run(&mut self) {
        if let Some((first, length)) = self.run.take()
            && length <= MAX_RUN
            && self.events.len() < MAX_EVENTS
        {
            self.events.push(Event {
                start_s: self.clock.at(first),
                end_s: self.clock.at(first + length),
            });
        }
    }

    /// A run still open at the end is a still that ends the programme, not a duplicate.
    pub fn finish(self) -> Vec<Event> {
        self.events
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_repeats_are_duplicates_and_long_runs_are_stills() {
        let clock = Clock {
            origin_s: 0.0,
            frame_s: 0.04,
        };
        let mut d = Duplicates::new(clock);
        // Pictures: 0 1 2 2 3 4 4 4 4 4 5 — one repeat of 2, then a still of 4.
        for (index, picture) in [0, 1, 2, 2, 3, 4, 4, 4, 4, 4, 5].into_iter().enumerate() {
            d.add(&Frame {
                index: index as u64,
                y: vec![picture as f32 / 10.0; SAMPLES],
                cb: vec![0.0; SAMPLES],
                cr: vec![0.0; SAMPLES],
            });
        }
        let events = d.finish();
        assert_eq!(events.len(), 1, "{events:?}");
        assert!((events[0].start_s - 0.12).abs() < 1e-9);
    }
}
