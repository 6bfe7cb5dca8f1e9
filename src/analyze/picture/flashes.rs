//! Flash screening after ITU-R BT.1702 / Ofcom Guidance Note Annex 1 — a screening, not a
//! certified test. Each grid point's luminance on a 200 cd/m² display (R'G'B' through the
//! BT.1886 display EOTF, gamma 2.4); a point makes a transition when its luminance has moved
//! ≥ 20 cd/m² since its last turning point and the darker side is below 160 cd/m². A frame
//! transition is one in which such points (in one direction, summed over a few frames so a fast
//! fade counts) cover `area` of the screen; a flash is a pair of opposite transitions, and more
//! than `max_per_s` flashes in any one second fails. Saturated red (red ≥ 80 % of R+G+B in
//! linear light) is screened the same way: a point turns when it enters or leaves saturated red
//! and its CIE 1976 u′v′ chromaticity has moved ≥ 0.2 since it last turned.

use super::levels::Clock;
use super::signal::Matrix;
use super::{Frame, GRID_H, GRID_W};

/// Screened points: every other grid point each way (160×90). The grid is already an area
/// average; a quarter of the screen is measured as well on a quarter of the points.
const STRIDE: usize = 2;
const POINTS: usize = (GRID_W / STRIDE) * (GRID_H / STRIDE);
use crate::measurements::picture::{FlashWindow, Flashes};

/// Peak white of the display BT.1702's thresholds assume, cd/m².
const DISPLAY_CD: f32 = 200.0;
/// A transition: at least this change, cd/m²…
const STEP_CD: f32 = 20.0;
/// …with the darker side below this.
const DARKER_BELOW_CD: f32 = 160.0;
/// Changes smaller than this are noise, not a turning point, cd/m².
const NOISE_CD: f32 = 0.5;
/// Red share of R+G+B (linear) that makes a colour saturated red.
const RED_SHARE: f32 = 0.8;
/// Chromaticity change a red transition needs (u′v′).
const RED_STEP_UV: f32 = 0.2;
/// D65 white in u′v′: the chromaticity given to black, which has none.
const WHITE_UV: (f32, f32) = (0.1978, 0.4683);

pub struct Screening {
    clock: Clock,
    /// Share of the area, 0..1.
    area: f64,
    max_per_s: u32,
    red: bool,
    /// Frames in one second.
    second_frames: u64,
    eotf: Box<[f32; EOTF_STEPS + 1]>,
    /// Each screened point's Y', Cb, Cr in the last frame.
    seen: Vec<[f32; 3]>,
    /// Each screened point's luminance history, and its red state when red is screened; empty
    /// before the first frame.
    luminance: Vec<Point>,
    redness: Vec<RedPoint>,
    luminance_transitions: Transitions,
    red_transitions: Transitions,
}

impl Screening {
    pub fn new(clock: Clock, area_pct: f64, max_per_s: u32, red: bool) -> Screening {
        let fps = 1.0 / clock.frame_s.max(1e-3);
        let fade_frames = ((fps / 8.0).round() as usize).clamp(1, 4);
        Screening {
            clock,
            area: area_pct / 100.0,
            max_per_s,
            red,
            second_frames: fps.round().max(1.0) as u64,
            eotf: Box::new(std::array::from_fn(|i| {
                (i as f32 / EOTF_STEPS as f32).powf(2.4)
            })),
            seen: Vec::new(),
            luminance: Vec::new(),
            redness: Vec::new(),
            luminance_transitions: Transitions::new(fade_frames),
            red_transitions: Transitions::new(fade_frames),
        }
    }

    /// Linear light of one R'G'B' value (clamped to the display's range), 0..1.
    #[inline]
    fn linear(&self, v: f32) -> f32 {
        // The index is within the table whatever `v` (NaN included): no bounds check per value.
        self.eotf[((v.clamp(0.0, 1.0) * EOTF_STEPS as f32 + 0.5) as usize).min(EOTF_STEPS)]
    }

    pub fn add(&mut self, frame: &Frame, matrix: &Matrix) {
        let first = self.luminance.is_empty();
        if first {
            self.seen = vec![[0.0; 3]; POINTS];
            self.luminance = vec![Point::default(); POINTS];
            if self.red {
                self.redness = vec![RedPoint::default(); POINTS];
            }
        }
        let (mut rises, mut falls) = (0u32, 0u32);
        let (mut into_red, mut out_of_red) = (0u32, 0u32);
        let mut point = 0;
        for row in (0..GRID_H).step_by(STRIDE) {
            let at = row * GRID_W..(row + 1) * GRID_W;
            let (y, cb, cr) = (&frame.y[at.clone()], &frame.cb[at.clone()], &frame.cr[at]);
            for ((&y, &cb), &cr) in y.iter().zip(cb).zip(cr).step_by(STRIDE) {
                let i = point;
                point += 1;
                // A point whose signal has not moved since the last frame makes no transition
                // and keeps its state (its last step saw the same value): most of a still or
                // a graphic, at the cost of a comparison.
                if !first && self.seen[i] == [y, cb, cr] {
                    continue;
                }
                self.seen[i] = [y, cb, cr];
                let [r, g, b] = matrix.rgb(y, cb, cr);
                let (r, g, b) = (self.linear(r), self.linear(g), self.linear(b));
                let cd = DISPLAY_CD * (0.2126 * r + 0.7152 * g + 0.0722 * b);
                if first {
                    self.luminance[i] = Point::first(cd);
                    if self.red {
                        self.redness[i] = RedPoint::first(r, g, b);
                    }
                    continue;
                }
                match self.luminance[i].step(cd) {
                    Some(true) => rises += 1,
                    Some(false) => falls += 1,
                    None => {}
                }
                if self.red {
                    match self.redness[i].step(r, g, b) {
                        Some(true) => into_red += 1,
                        Some(false) => out_of_red += 1,
                        None => {}
                    }
                }
            }
        }
        let share = |n: u32| f64::from(n) / POINTS as f64;
        self.luminance_transitions
            .add(frame.index, share(rises), share(falls), self.area);
        self.red_transitions
            .add(frame.index, share(into_red), share(out_of_red), self.area);
    }

    pub fn finish(self) -> Flashes {
        let (max_per_s, mut windows) = self.windows(&self.luminance_transitions.at, false);
        let (red_max_per_s, red_windows) = if self.red {
            self.windows(&self.red_transitions.at, true)
        } else {
            (0.0, Vec::new())
        };
        windows.extend(red_windows);
        windows.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
        Flashes {
            max_per_s,
            red_max_per_s,
            windows,
        }
    }

    /// The most flashes in any one second, and the stretches where a second holds more than
    /// allowed (overlapping failing seconds merged).
    fn windows(&self, transitions: &[u64], red: bool) -> (f64, Vec<FlashWindow>) {
        let mut most = 0;
        let mut windows: Vec<FlashWindow> = Vec::new();
        for (i, &start) in transitions.iter().enumerate() {
            let within: Vec<u64> = transitions[i..]
                .iter()
                .copied()
                .take_while(|&t| t < start + self.second_frames)
                .collect();
            // A flash is a pair of opposite transitions: seven transitions are more than three
            // flashes (as EA's IRIS counts them, against six allowed).
            let transitions = within.len() as u32;
            most = most.max(transitions);
            if transitions <= 2 * self.max_per_s {
                continue;
            }
            let flashes = f64::from(transitions) / 2.0;
            let last = within.last().copied().unwrap_or(start);
            let (start_s, end_s) = (self.clock.at(start), self.clock.at(last + 1));
            match windows.last_mut() {
                Some(w) if start_s <= w.end_s => {
                    w.end_s = w.end_s.max(end_s);
                    w.flashes = w.flashes.max(flashes);
                }
                _ => windows.push(FlashWindow {
                    start_s,
                    end_s,
                    flashes,
                    red,
                }),
            }
        }
        (f64::from(most) / 2.0, windows)
    }
}

const EOTF_STEPS: usize = 4096;

/// One point's luminance history: where it turned last, and whether that run has counted.
#[derive(Default, Clone, Copy)]
struct Point {
    last: f32,
    turned_at: f32,
    /// +1 rising, −1 falling, 0 not yet moving.
    direction: i8,
    counted: bool,
}

impl Point {
    fn first(cd: f32) -> Point {
        Point {
            last: cd,
            turned_at: cd,
            ..Point::default()
        }
    }

    /// The point's new luminance; `Some(rising)` when it completes a transition.
    #[inline]
    fn step(&mut self, cd: f32) -> Option<bool> {
        let change = cd - self.last;
        let direction = if change > NOISE_CD {
            1
        } else if change < -NOISE_CD {
            -1
        } else {
            0
        };
        if direction != 0 && direction != self.direction {
            self.direction = direction;
            self.turned_at = self.last;
            self.counted = false;
        }
        self.last = cd;
        let from = self.turned_at;
        if self.counted
            || self.direction == 0
            || (cd - from).abs() < STEP_CD
            || cd.min(from) >= DARKER_BELOW_CD
        {
            return None;
        }
        self.counted = true;
        Some(self.direction > 0)
    }
}

/// One point's saturated-red state and its chromaticity when it last turned.
#[derive(Default, Clone, Copy)]
struct RedPoint {
    red: bool,
    uv: (f32, f32),
}

impl RedPoint {
    fn first(r: f32, g: f32, b: f32) -> RedPoint {
        RedPoint {
            red: is_saturated_red(r, g, b),
            uv: uv(r, g, b),
        }
    }

    /// `Some(into_red)` when the point enters or leaves saturated red far enough in colour.
    #[inline]
    fn step(&mut self, r: f32, g: f32, b: f32) -> Option<bool> {
        let red = is_saturated_red(r, g, b);
        if red == self.red {
            return None;
        }
        let now = uv(r, g, b);
        let (du, dv) = (now.0 - self.uv.0, now.1 - self.uv.1);
        if (du * du + dv * dv).sqrt() < RED_STEP_UV {
            return None;
        }
        self.red = red;
        self.uv = now;
        Some(red)
    }
}

/// Red is at least `RED_SHARE` of R+G+B (linear light), written without a division.
#[inline]
fn is_saturated_red(r: f32, g: f32, b: f32) -> bool {
    let sum = r + g + b;
    sum > 1e-3 && r >= RED_SHARE * sum
}

/// CIE 1976 u′v′ of linear BT.709 RGB; black has the white point's.
fn uv(r: f32, g: f32, b: f32) -> (f32, f32) {
    let x = 0.4124 * r + 0.3576 * g + 0.1805 * b;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = 0.0193 * r + 0.1192 * g + 0.9505 * b;
    let d = x + 15.0 * y + 3.0 * z;
    if d < 1e-6 {
        return WHITE_UV;
    }
    (4.0 * x / d, 9.0 * y / d)
}

/// Frame transitions: the shares of points turning each way, summed over the last
/// `fade_frames` frames; a sum reaching the area is one transition, and both sums start again.
struct Transitions {
    fade_frames: usize,
    recent: std::collections::VecDeque<(f64, f64)>,
    /// Frames at which a transition completed.
    at: Vec<u64>,
}

impl Transitions {
    fn new(fade_frames: usize) -> Transitions {
        Transitions {
            fade_frames,
            recent: std::collections::VecDeque::new(),
            at: Vec::new(),
        }
    }

    fn add(&mut self, frame: u64, up: f64, down: f64, area: f64) {
        self.recent.push_back((up, down));
        if self.recent.len() > self.fade_frames {
            self.recent.pop_front();
        }
        let ups: f64 = self.recent.iter().map(|r| r.0).sum();
        let downs: f64 = self.recent.iter().map(|r| r.1).sum();
        if ups >= area || downs >= area {
            self.at.push(frame);
            self.recent.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::SAMPLES;
    use super::super::signal::BT709;
    use super::*;

    fn clock() -> Clock {
        Clock {
            origin_s: 0.0,
            frame_s: 0.04,
        }
    }

    /// A frame whose first `share` of points is (R', G', B') and the rest black.
    fn frame(index: u64, share: f64, rgb: (f32, f32, f32)) -> Frame {
        let (r, g, b) = rgb;
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let (cb, cr) = ((b - y) / 1.8556, (r - y) / 1.5748);
        let lit = (SAMPLES as f64 * share) as usize;
        Frame {
            index,
            y: (0..SAMPLES)
                .map(|i| if i < lit { y } else { 0.0 })
                .collect(),
            cb: (0..SAMPLES)
                .map(|i| if i < lit { cb } else { 0.0 })
                .collect(),
            cr: (0..SAMPLES)
                .map(|i| if i < lit { cr } else { 0.0 })
                .collect(),
        }
    }

    /// `hz` white/black flashes over `share` of the screen for 2 s at 25 fps.
    fn screen(hz: f64, share: f64) -> Flashes {
        let mut s = Screening::new(clock(), 25.0, 3, true);
        for n in 0..50u64 {
            let on = ((n as f64 * 0.04 * hz * 2.0).floor() as u64).is_multiple_of(2);
            let lit = if on { share } else { 0.0 };
            s.add(&frame(n, lit, (1.0, 1.0, 1.0)), &BT709);
        }
        s.finish()
    }

    #[test]
    fn four_flashes_a_second_fail_and_three_pass() {
        let four = screen(4.0, 0.3);
        assert_eq!(four.max_per_s, 4.0, "{four:?}");
        assert_eq!(four.windows.len(), 1);
        let three = screen(3.0, 0.3);
        assert_eq!(three.max_per_s, 3.0, "{three:?}");
        assert!(three.windows.is_empty());
        let small = screen(4.0, 0.2);
        assert_eq!(small.max_per_s, 0.0, "{small:?}");
    }

    #[test]
    fn red_against_grey_of_the_same_luminance_is_a_red_flash_only() {
        let mut s = Screening::new(clock(), 25.0, 3, true);
        // BT.709 red's luminance is 0.2126 of white: a grey of the same linear light.
        let grey = 0.2126f32.powf(1.0 / 2.4);
        for n in 0..50u64 {
            let rgb = if (n / 3) % 2 == 0 {
                (1.0, 0.0, 0.0)
            } else {
                (grey, grey, grey)
            };
            s.add(&frame(n, 1.0, rgb), &BT709);
        }
        let f = s.finish();
        assert_eq!(f.max_per_s, 0.0, "{f:?}");
        assert!(f.red_max_per_s > 3.0, "{f:?}");
        assert!(f.windows.iter().all(|w| w.red));
    }
}
