//! EBU R 103 v3 gamut and levels: every point of the grid as Y' and R'G'B' (the stream's
//! matrix, unclamped), after the 3×3 box R 103 allows, against the preferred range (−5 %..105 %,
//! 8-bit 5–246, 10-bit 20–984) or the nominal one. A frame is out when more than `area` of it
//! lies outside; consecutive out frames form one stretch.

use super::signal::Matrix;
use super::wide::avx2_when_present;
use super::{Frame, GRID_H, GRID_W, SAMPLES};
use crate::measurements::picture::{Excursion, LevelStretch, Levels as Measured};

/// Millivolts of white in a 700 mV signal, the units R 103 gives levels in.
const WHITE_MV: f64 = 700.0;
/// The four signals, each with its low and high side: `Y low`, `Y high`, `R low`, …
const SIGNALS: [&str; 4] = ["Y", "R", "G", "B"];

/// Frame times on ffmpeg's timeline.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    /// Where the picture starts, seconds.
    pub origin_s: f64,
    /// One frame, seconds.
    pub frame_s: f64,
}

impl Clock {
    pub fn at(&self, frame: u64) -> f64 {
        self.origin_s + frame as f64 * self.frame_s
    }
}

pub struct Levels {
    clock: Clock,
    /// Signal limits, normalised (0 black, 1 white), half a code value of slack included.
    low: f32,
    high: f32,
    /// Share of the area, 0..1.
    area: f64,
    box3: bool,
    matrix_name: String,
    frames: u64,
    frames_out: u64,
    worst: Option<Excursion>,
    /// How far beyond its limit `worst` is, normalised.
    worst_beyond: f32,
    /// Working planes, kept from frame to frame: the boxed Y'CbCr, a box pass.
    boxed: [Vec<f32>; 3],
    rows: Vec<f32>,
    stretches: Vec<LevelStretch>,
}

/// The range: `preferred` (R 103) or `narrow` (nominal), for a stream of `bits` per component.
pub fn limits(preferred: bool, bits: u32) -> (f32, f32) {
    // Half a code value of slack: the area filter and 16-bit widening round.
    let (low, high, span) = match (preferred, bits >= 10) {
        (true, false) => (5.0 - 16.0, 246.0 - 16.0, 219.0),
        (true, true) => (20.0 - 64.0, 984.0 - 64.0, 876.0),
        (false, false) => (0.0, 219.0, 219.0),
        (false, true) => (0.0, 876.0, 876.0),
    };
    ((low - 0.5) / span, (high + 0.5) / span)
}

impl Levels {
    pub fn new(
        clock: Clock,
        (low, high): (f32, f32),
        area_pct: f64,
        box3: bool,
        matrix_name: String,
    ) -> Levels {
        Levels {
            clock,
            low,
            high,
            area: area_pct / 100.0,
            box3,
            matrix_name,
            frames: 0,
            frames_out: 0,
            worst: None,
            worst_beyond: 0.0,
            boxed: std::array::from_fn(|_| vec![0.0; SAMPLES]),
            rows: vec![0.0; SAMPLES],
            stretches: Vec::new(),
        }
    }

    pub fn add(&mut self, frame: &Frame, matrix: &Matrix) {
        self.frames += 1;
        let (low, high) = (self.low, self.high);
        // A frame inside the limits everywhere stays inside after the box (an average of
        // values inside): most frames of real pictures are done in one pass, and a frame with
        // a point outside stops that pass at the first.
        if !any_outside(&frame.y, &frame.cb, &frame.cr, matrix, low, high) {
            return;
        }
        let (y, cb, cr) = if self.box3 {
            let [y, cb, cr] = &mut self.boxed;
            box3_into(&frame.y, y, &mut self.rows);
            box3_into(&frame.cb, cb, &mut self.rows);
            box3_into(&frame.cr, cr, &mut self.rows);
            (&self.boxed[0][..], &self.boxed[1][..], &self.boxed[2][..])
        } else {
            (&frame.y[..], &frame.cb[..], &frame.cr[..])
        };
        let tally = Tally::of(y, cb, cr, matrix, low, high);
        let lowest: [f32; 4] = std::array::from_fn(|s| tally.lowest[s].min(low));
        let highest: [f32; 4] = std::array::from_fn(|s| tally.highest[s].max(high));
        let out = tally.out;
        let below: [bool; 4] = std::array::from_fn(|s| lowest[s] < low);
        let above: [bool; 4] = std::array::from_fn(|s| highest[s] > high);
        let at_s = self.clock.at(frame.index);
        // The furthest excursion of this frame, beyond the limit it crossed.
        let mut frame_worst: Option<(f32, Excursion)> = None;
        for s in 0..4 {
            let candidates = [
                (below[s], self.low - lowest[s], lowest[s], "low"),
                (above[s], highest[s] - self.high, highest[s], "high"),
            ];
            for (present, beyond, value, side) in candidates {
                if present && frame_worst.as_ref().is_none_or(|(b, _)| beyond > *b) {
                    let excursion = Excursion {
                        signal: format!("{} {side}", SIGNALS[s]),
                        mv: round1(f64::from(value) * WHITE_MV),
                        at_s,
                    };
                    frame_worst = Some((beyond, excursion));
                }
            }
        }
        if let Some((beyond, excursion)) = &frame_worst
            && *beyond > self.worst_beyond
        {
            self.worst_beyond = *beyond;
            self.worst = Some(excursion.clone());
        }
        let share = f64::from(out) / y.len() as f64;
        if share <= self.area {
            return;
        }
        self.frames_out += 1;
        let signals = tally.signals_out();
        let worst = frame_worst.map(|(_, e)| e).unwrap_or(Excursion {
            signal: String::new(),
            mv: 0.0,
            at_s,
        });
        let area_pct = round1(share * 100.0);
        let end_s = self.clock.at(frame.index + 1);
        match self.stretches.last_mut() {
            Some(last) if (last.end_s - at_s).abs() < self.clock.frame_s / 2.0 => {
                last.end_s = end_s;
                last.area_pct = last.area_pct.max(area_pct);
                for signal in signals {
                    if !last.signals.contains(&signal) {
                        last.signals.push(signal);
                    }
                }
                if beyond(&worst, self.low, self.high) > beyond(&last.worst, self.low, self.high) {
                    last.worst = worst;
                }
            }
            _ => self.stretches.push(LevelStretch {
                start_s: at_s,
                end_s,
                signals,
                worst,
                area_pct,
            }),
        }
    }

    pub fn finish(self) -> Measured {
        Measured {
            frames_out: self.frames_out,
            frames: self.frames,
            matrix: self.matrix_name,
            worst: self.worst,
            stretches: self.stretches,
        }
    }
}

/// Points the tally takes at a time.
const TALLY_BLOCK: usize = 64;

/// One frame's Y', R', G', B' against the limits, counted in one pass over the Y'CbCr planes:
/// each signal's extremes and points below and above, and the points with any signal outside.
struct Tally {
    lowest: [f32; 4],
    highest: [f32; 4],
    below: [u32; 4],
    above: [u32; 4],
    out: u32,
}

impl Tally {
    avx2_when_present! {
        fn of(y: &[f32], cb: &[f32], cr: &[f32], matrix: &Matrix, low: f32, high: f32) -> Tally
            = tally_in;
    }
}

/// `Tally::of`, compiled into each build of it: `BLOCK` points at a time, each position of
/// the block with its own sums and extremes — element-wise loops over fixed arrays, which the
/// compiler turns into vector instructions (a float reduction otherwise runs one value after
/// another).
#[inline(always)]
fn tally_in(y: &[f32], cb: &[f32], cr: &[f32], matrix: &Matrix, low: f32, high: f32) -> Tally {
    const BLOCK: usize = TALLY_BLOCK;
    let mut sums = BlockSums {
        lowest: [[f32::INFINITY; BLOCK]; 4],
        highest: [[f32::NEG_INFINITY; BLOCK]; 4],
        below: [[0u32; BLOCK]; 4],
        above: [[0u32; BLOCK]; 4],
        out: [0u32; BLOCK],
    };
    let chunks = y.chunks_exact(BLOCK).zip(cb.chunks_exact(BLOCK));
    for ((y, cb), cr) in chunks.zip(cr.chunks_exact(BLOCK)) {
        sums.add(as_block(y), as_block(cb), as_block(cr), matrix, (low, high));
    }
    // The points left over, padded with mid grey (inside every limit, so never counted).
    let rest = y.len() / BLOCK * BLOCK;
    if rest < y.len() {
        let padded = |plane: &[f32], grey: f32| {
            let mut block = [grey; BLOCK];
            block[..plane.len() - rest].copy_from_slice(&plane[rest..]);
            block
        };
        let (y, cb, cr) = (padded(y, 0.5), padded(cb, 0.0), padded(cr, 0.0));
        sums.add(&y, &cb, &cr, matrix, (low, high));
    }
    Tally {
        lowest: sums
            .lowest
            .map(|l| l.into_iter().fold(f32::INFINITY, f32::min)),
        highest: sums
            .highest
            .map(|h| h.into_iter().fold(f32::NEG_INFINITY, f32::max)),
        below: sums.below.map(|b| b.iter().sum()),
        above: sums.above.map(|a| a.iter().sum()),
        out: sums.out.iter().sum(),
    }
}

/// The tally's sums and extremes, one per position of the block.
struct BlockSums {
    lowest: [[f32; TALLY_BLOCK]; 4],
    highest: [[f32; TALLY_BLOCK]; 4],
    below: [[u32; TALLY_BLOCK]; 4],
    above: [[u32; TALLY_BLOCK]; 4],
    out: [u32; TALLY_BLOCK],
}

impl BlockSums {
    #[inline(always)]
    fn add(
        &mut self,
        y: &[f32; TALLY_BLOCK],
        cb: &[f32; TALLY_BLOCK],
        cr: &[f32; TALLY_BLOCK],
        matrix: &Matrix,
        (low, high): (f32, f32),
    ) {
        let mut signals = [[0f32; TALLY_BLOCK]; 4];
        for i in 0..TALLY_BLOCK {
            let [r, g, b] = matrix.rgb(y[i], cb[i], cr[i]);
            signals[0][i] = y[i];
            signals[1][i] = r;
            signals[2][i] = g;
            signals[3][i] = b;
        }
        let mut outside = [0u32; TALLY_BLOCK];
        for (s, signal) in signals.iter().enumerate() {
            let (lo, hi) = (&mut self.lowest[s], &mut self.highest[s]);
            let (under, over) = (&mut self.below[s], &mut self.above[s]);
            for i in 0..TALLY_BLOCK {
                let v = signal[i];
                lo[i] = if v < lo[i] { v } else { lo[i] };
                hi[i] = if v > hi[i] { v } else { hi[i] };
                let (is_under, is_over) = (u32::from(v < low), u32::from(v > high));
                under[i] += is_under;
                over[i] += is_over;
                outside[i] |= is_under | is_over;
            }
        }
        for (out, outside) in self.out.iter_mut().zip(outside) {
            *out += outside;
        }
    }
}

impl Tally {
    /// The signals that hold a real part of the frame's points outside (a few stray points do
    /// not name theirs): "R high", "Y low", …
    fn signals_out(&self) -> Vec<String> {
        let named_from = (self.out / 4).max(1);
        let mut signals = Vec::new();
        for (s, name) in SIGNALS.iter().enumerate() {
            if self.below[s] >= named_from {
                signals.push(format!("{name} low"));
            }
            if self.above[s] >= named_from {
                signals.push(format!("{name} high"));
            }
        }
        signals
    }
}

avx2_when_present! {
    /// Whether any point's Y', R', G' or B' lies outside `low..=high`, `TALLY_BLOCK` points at
    /// a time (vector instructions, as in `Tally::of`), stopping at the first block that has one.
    fn any_outside(y: &[f32], cb: &[f32], cr: &[f32], matrix: &Matrix, low: f32, high: f32) -> bool
        = any_outside_in;
}

#[inline(always)]
fn any_outside_in(y: &[f32], cb: &[f32], cr: &[f32], matrix: &Matrix, low: f32, high: f32) -> bool {
    const BLOCK: usize = TALLY_BLOCK;
    let chunks = y.chunks_exact(BLOCK).zip(cb.chunks_exact(BLOCK));
    for ((y, cb), cr) in chunks.zip(cr.chunks_exact(BLOCK)) {
        let (y, cb, cr): (&[f32; BLOCK], &[f32; BLOCK], &[f32; BLOCK]) =
            (as_block(y), as_block(cb), as_block(cr));
        let mut any = 0u32;
        for i in 0..BLOCK {
            let [r, g, b] = matrix.rgb(y[i], cb[i], cr[i]);
            let (lowest, highest) = (y[i].min(r).min(g).min(b), y[i].max(r).max(g).max(b));
            any |= u32::from(lowest < low) | u32::from(highest > high);
        }
        if any != 0 {
            return true;
        }
    }
    let rest = y.len() / BLOCK * BLOCK;
    for i in rest..y.len() {
        let [r, g, b] = matrix.rgb(y[i], cb[i], cr[i]);
        if [y[i], r, g, b].iter().any(|v| *v < low || *v > high) {
            return true;
        }
    }
    false
}

fn as_block<const N: usize>(chunk: &[f32]) -> &[f32; N] {
    chunk.try_into().expect("a chunk of N")
}

/// How far past its limit an excursion is, in millivolts.
fn beyond(e: &Excursion, low: f32, high: f32) -> f64 {
    if e.signal.ends_with("low") {
        f64::from(low) * WHITE_MV - e.mv
    } else {
        e.mv - f64::from(high) * WHITE_MV
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

avx2_when_present! {
    /// A 3×3 box filter over one grid plane, into `out`; the edges average what lies inside the
    /// picture. Rows into `rows`, then columns, each a run of three-tap sums the compiler
    /// vectorises.
    pub fn box3_into(plane: &[f32], out: &mut [f32], rows: &mut [f32]) = box3_in;
}

#[inline(always)]
fn box3_in(plane: &[f32], out: &mut [f32], rows: &mut [f32]) {
    let (w, h) = (GRID_W, GRID_H);
    for (row, sums) in plane.chunks_exact(w).zip(rows.chunks_exact_mut(w)) {
        sums[0] = (row[0] + row[1]) / 2.0;
        sums[w - 1] = (row[w - 2] + row[w - 1]) / 2.0;
        for ((o, a), (b, c)) in sums[1..w - 1]
            .iter_mut()
            .zip(&row[..w - 2])
            .zip(row[1..w - 1].iter().zip(&row[2..]))
        {
            *o = (a + b + c) / 3.0;
        }
    }
    for y in 0..h {
        let (from, to) = (y.saturating_sub(1), (y + 1).min(h - 1));
        let n = (to - from + 1) as f32;
        let target = &mut out[y * w..(y + 1) * w];
        target.fill(0.0);
        for yy in from..=to {
            for (o, v) in target.iter_mut().zip(&rows[yy * w..(yy + 1) * w]) {
                *o += v;
            }
        }
        for o in target.iter_mut() {
            *o /= n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::signal::BT709;
    use super::*;

    fn grey_frame(index: u64) -> Frame {
        Frame {
            index,
            y: vec![0.5; SAMPLES],
            cb: vec![0.0; SAMPLES],
            cr: vec![0.0; SAMPLES],
        }
    }

    fn levels() -> Levels {
        let clock = Clock {
            origin_s: 0.0,
            frame_s: 0.04,
        };
        Levels::new(clock, limits(true, 10), 1.0, true, "bt709".into())
    }

    /// A block of saturated red beyond the range (R' 110 %) over `share` of the picture.
    fn with_red_block(index: u64, share: f64) -> Frame {
        let mut frame = grey_frame(index);
        let rows = (GRID_H as f64 * share).round() as usize;
        for i in 0..rows * GRID_W {
            // R' = 1.1, G' = B' = 0.3 in BT.709.
            let (r, g, b) = (1.1f32, 0.3f32, 0.3f32);
            let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
            frame.y[i] = y;
            frame.cb[i] = (b - y) / 1.8556;
            frame.cr[i] = (r - y) / 1.5748;
        }
        frame
    }

    #[test]
    fn half_a_percent_out_passes_and_two_percent_fails() {
        let mut l = levels();
        l.add(&with_red_block(0, 0.005), &BT709);
        l.add(&with_red_block(1, 0.02), &BT709);
        l.add(&with_red_block(2, 0.02), &BT709);
        l.add(&grey_frame(3), &BT709);
        let m = l.finish();
        assert_eq!((m.frames, m.frames_out), (4, 2));
        assert_eq!(m.stretches.len(), 1);
        let s = &m.stretches[0];
        assert!((s.start_s - 0.04).abs() < 1e-9 && (s.end_s - 0.12).abs() < 1e-9);
        assert_eq!(s.signals, vec!["R high".to_owned()]);
        assert!((s.worst.mv - 770.0).abs() < 2.0, "{:?}", s.worst);
    }

    #[test]
    fn the_tally_counts_points_past_a_whole_block_too() {
        // 70 points: one block of 64 and 6 left over, with Y' (so R', G', B' too) too high at 3
        // and R' too low (Cr far negative) at 67.
        let (mut y, cb, mut cr) = (vec![0.5f32; 70], vec![0.0f32; 70], vec![0.0f32; 70]);
        y[3] = 1.2;
        cr[67] = -0.45;
        let (low, high) = limits(true, 10);
        let tally = Tally::of(&y, &cb, &cr, &BT709, low, high);
        assert_eq!(tally.out, 2);
        assert_eq!((tally.above, tally.below), ([1, 1, 1, 1], [0, 1, 0, 0]));
        assert!((tally.highest[0] - 1.2).abs() < 1e-6);
        assert!((tally.lowest[1] - (0.5 - 1.5748 * 0.45)).abs() < 1e-4);
        assert_eq!(
            tally.signals_out(),
            ["Y high", "R low", "R high", "G high", "B high"]
        );
    }

    #[test]
    fn a_single_point_outside_is_found_in_a_block_and_past_the_last_one() {
        let (low, high) = limits(true, 10);
        let grey = || (vec![0.5f32; 70], vec![0.0f32; 70], vec![0.0f32; 70]);
        let (y, cb, cr) = grey();
        assert!(!any_outside(&y, &cb, &cr, &BT709, low, high));
        let (y, mut cb, cr) = grey();
        // B' = Y' + 1.8556·Cb: below the preferred range with Y' still inside.
        cb[40] = -0.3;
        assert!(any_outside(&y, &cb, &cr, &BT709, low, high));
        let (mut y, cb, cr) = grey();
        y[69] = -0.06;
        assert!(any_outside(&y, &cb, &cr, &BT709, low, high));
    }

    #[test]
    fn the_wide_build_gives_the_baseline_results_bit_for_bit() {
        // Random planes reaching past every limit; `Tally::of` and `box3_into` take the AVX2
        // build where the processor has it, the `_in` functions here are the baseline's.
        let mut seed = 0x2545_f491_u32;
        let mut plane = |centre: f32| -> Vec<f32> {
            (0..SAMPLES)
                .map(|_| {
                    seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    centre + (seed >> 8) as f32 / (1 << 24) as f32 * 1.4 - 0.7
                })
                .collect()
        };
        let (y, cb, cr) = (plane(0.5), plane(0.0), plane(0.0));
        let (low, high) = limits(true, 10);
        let (wide, base) = (
            Tally::of(&y, &cb, &cr, &BT709, low, high),
            tally_in(&y, &cb, &cr, &BT709, low, high),
        );
        let bits = |v: [f32; 4]| v.map(f32::to_bits);
        assert_eq!(bits(wide.lowest), bits(base.lowest));
        assert_eq!(bits(wide.highest), bits(base.highest));
        assert_eq!(
            (wide.below, wide.above, wide.out),
            (base.below, base.above, base.out)
        );
        let (mut wide_box, mut base_box) = (vec![0.0; SAMPLES], vec![0.0; SAMPLES]);
        box3_into(&y, &mut wide_box, &mut vec![0.0; SAMPLES]);
        box3_in(&y, &mut base_box, &mut vec![0.0; SAMPLES]);
        assert!(
            wide_box
                .iter()
                .zip(&base_box)
                .all(|(a, b)| a.to_bits() == b.to_bits())
        );
    }

    #[test]
    fn the_box_filter_keeps_flat_areas_and_averages_edges() {
        let mut plane = vec![0.0f32; SAMPLES];
        plane[GRID_W * 10 + 10] = 9.0;
        let box3 = |plane: &[f32]| {
            let mut out = vec![0.0f32; SAMPLES];
            box3_into(plane, &mut out, &mut vec![0.0f32; SAMPLES]);
            out
        };
        let boxed = box3(&plane);
        assert!((boxed[GRID_W * 10 + 10] - 1.0).abs() < 1e-6);
        assert!((boxed[GRID_W * 11 + 11] - 1.0).abs() < 1e-6);
        assert_eq!(boxed[GRID_W * 13 + 13], 0.0);
        let flat = box3(&vec![0.25f32; SAMPLES]);
        assert!(flat.iter().all(|v| (v - 0.25).abs() < 1e-6));
    }
}
