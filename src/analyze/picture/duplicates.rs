//! Single repeated frames in moving pictures: a frame identical to the one before it, with
//! `CONTEXT` moving frames on each side. That is what a frame-rate conversion by duplication
//! (24 → 30 repeats one frame in five) or a dropped-and-repeated frame leaves. Longer runs of
//! identical frames are stills (`content.freeze` judges them), and pictures that repeat every
//! other frame (animation "on twos", flashing graphics) are the material's own rhythm.

use super::levels::Clock;
use super::{Frame, SAMPLES};
use crate::measurements::Event;
use std::collections::VecDeque;

/// Moving frames needed on each side of a repeat.
const CONTEXT: usize = 3;
/// Mean difference of Y' (0..1) below which two frames are the same picture: a twentieth of an
/// 8-bit code value, far below any real motion, above the decoders' rounding.
const SAME: f64 = 0.05 / 219.0;
/// Duplicate events kept; the rest are only counted.
const MAX_EVENTS: usize = 200;

pub struct Duplicates {
    clock: Clock,
    previous: Vec<f32>,
    /// The last frames: (index, identical to the one before).
    recent: VecDeque<(u64, bool)>,
    events: Vec<Event>,
}

impl Duplicates {
    pub fn new(clock: Clock) -> Duplicates {
        Duplicates {
            clock,
            previous: Vec::new(),
            recent: VecDeque::with_capacity(2 * CONTEXT + 1),
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
        self.recent.push_back((frame.index, same));
        if self.recent.len() < 2 * CONTEXT + 1 {
            return;
        }
        let (index, repeated) = self.recent[CONTEXT];
        let moving_around = self
            .recent
            .iter()
            .enumerate()
            .all(|(i, (_, same))| i == CONTEXT || !same);
        if repeated && moving_around && self.events.len() < MAX_EVENTS {
            self.events.push(Event {
                start_s: self.clock.at(index),
                end_s: self.clock.at(index + 1),
            });
        }
        self.recent.pop_front();
    }

    pub fn finish(self) -> Vec<Event> {
        self.events
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_repeats_in_motion_are_duplicates_and_stills_and_twos_are_not() {
        let clock = Clock {
            origin_s: 0.0,
            frame_s: 0.04,
        };
        let mut d = Duplicates::new(clock);
        // One repeat of 3 in motion, then a still of 8, then pictures on twos.
        let pictures = [
            0, 1, 2, 3, 3, 4, 5, 6, 7, 8, 8, 8, 8, 8, 9, 10, 10, 11, 11, 12, 12, 13,
        ];
        for (index, picture) in pictures.into_iter().enumerate() {
            d.add(&Frame {
                index: index as u64,
                y: vec![picture as f32 / 10.0; SAMPLES],
                cb: vec![0.0; SAMPLES],
                cr: vec![0.0; SAMPLES],
            });
        }
        let events = d.finish();
        assert_eq!(events.len(), 1, "{events:?}");
        assert!((events[0].start_s - 0.16).abs() < 1e-9, "{events:?}");
    }
}
