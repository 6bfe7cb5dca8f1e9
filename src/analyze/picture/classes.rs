//! What each frame shows, for the timeline: black, colour bars, a still, or moving pictures.
//! Bars are found by their columns: in the top half of the picture each column is one
//! flat colour, and across the width at least six bars of distinct colours, several saturated
//! (SMPTE RP 219 and EBU 75 % bars both are).

use super::{Frame, GRID_H, GRID_W};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum PictureClass {
    Black,
    Bars,
    Still,
    Moving,
}

/// Y' below this (a tenth of the range, blackdetect's default) is black…
const BLACK_LUMA: f32 = 0.1;
/// …on this share of the picture.
const BLACK_SHARE: f64 = 0.98;
/// A column is flat when its values vary less than this.
const FLAT: f32 = 0.02;
/// Neighbouring columns this far apart in Y', Cb or Cr start a new bar.
const EDGE: f32 = 0.04;
/// Mean difference of Y' below which a frame is the one before.
const SAME: f64 = 0.05 / 219.0;

#[derive(Default)]
pub struct Classes {
    previous: Vec<f32>,
    pub frames: Vec<PictureClass>,
}

impl Classes {
    pub fn add(&mut self, frame: &Frame) {
        let class = if is_black(frame) {
            PictureClass::Black
        } else if is_bars(frame) {
            PictureClass::Bars
        } else if !self.previous.is_empty() && mean_difference(&frame.y, &self.previous) < SAME {
            PictureClass::Still
        } else {
            PictureClass::Moving
        };
        self.previous.clone_from(&frame.y);
        self.frames.push(class);
    }
}

fn mean_difference(a: &[f32], b: &[f32]) -> f64 {
    let sum: f64 = a.iter().zip(b).map(|(x, y)| f64::from((x - y).abs())).sum();
    sum / a.len().max(1) as f64
}

fn is_black(frame: &Frame) -> bool {
    let dark = frame.y.iter().filter(|&&y| y < BLACK_LUMA).count();
    dark as f64 >= BLACK_SHARE * frame.y.len() as f64
}

fn is_bars(frame: &Frame) -> bool {
    // The top half: SMPTE RP 219 bars fill the top 7/12 with the main bars.
    let rows = GRID_H / 2;
    let mut columns = Vec::with_capacity(GRID_W);
    for x in 0..GRID_W {
        let mut mean = [0.0f32; 3];
        let mut low = [f32::INFINITY; 3];
        let mut high = [f32::NEG_INFINITY; 3];
        for y in 0..rows {
            let i = y * GRID_W + x;
            for (p, v) in [frame.y[i], frame.cb[i], frame.cr[i]]
                .into_iter()
                .enumerate()
            {
                mean[p] += v;
                low[p] = low[p].min(v);
                high[p] = high[p].max(v);
            }
        }
        if (0..3).any(|p| high[p] - low[p] > FLAT) {
            // A column that is not flat: not bars (edges between bars may blur one column).
            columns.push(None);
        } else {
            columns.push(Some(mean.map(|m| m / rows as f32)));
        }
    }
    let flat = columns.iter().filter(|c| c.is_some()).count();
    if flat * 10 < GRID_W * 9 {
        return false;
    }
    // Runs of like columns, at least a twentieth of the width each.
    let mut bars: Vec<[f32; 3]> = Vec::new();
    let mut run: Option<([f32; 3], usize)> = None;
    for column in columns.into_iter().flatten() {
        run = match run {
            Some((colour, n)) if (0..3).all(|p| (colour[p] - column[p]).abs() < EDGE) => {
                Some((colour, n + 1))
            }
            Some((colour, n)) => {
                if n >= GRID_W / 20 {
                    bars.push(colour);
                }
                Some((column, 1))
            }
            None => Some((column, 1)),
        };
    }
    if let Some((colour, n)) = run
        && n >= GRID_W / 20
    {
        bars.push(colour);
    }
    let saturated = bars
        .iter()
        .filter(|c| c[1].abs() + c[2].abs() > 0.15)
        .count();
    bars.len() >= 6 && saturated >= 4
}
