//! MaxCLL and MaxFALL (CTA-861.3) of PQ pictures: each grid point's R'G'B' through the
//! SMPTE ST 2084 EOTF, the brightest of its three components in cd/m²; MaxCLL is the brightest
//! point of the stream, MaxFALL the highest frame average. The grid is an area average, so a
//! highlight smaller than one grid block (6×6 pixels at 1080p) reads lower than it is.

use super::signal::Matrix;
use super::{Frame, SAMPLES};

pub struct LightLevel {
    pq: Vec<f32>,
    max_cll: f32,
    max_fall: f64,
    frames: u64,
}

const STEPS: usize = 4096;

/// ST 2084: cd/m² of a non-linear PQ value 0..1.
pub fn pq_eotf(e: f64) -> f64 {
    const M1: f64 = 2610.0 / 16384.0;
    const M2: f64 = 2523.0 / 4096.0 * 128.0;
    const C1: f64 = 3424.0 / 4096.0;
    const C2: f64 = 2413.0 / 4096.0 * 32.0;
    const C3: f64 = 2392.0 / 4096.0 * 32.0;
    let p = e.clamp(0.0, 1.0).powf(1.0 / M2);
    10_000.0 * ((p - C1).max(0.0) / (C2 - C3 * p)).powf(1.0 / M1)
}

impl Default for LightLevel {
    fn default() -> Self {
        LightLevel {
            pq: (0..=STEPS)
                .map(|i| pq_eotf(i as f64 / STEPS as f64) as f32)
                .collect(),
            max_cll: 0.0,
            max_fall: 0.0,
            frames: 0,
        }
    }
}

impl LightLevel {
    pub fn add(&mut self, frame: &Frame, matrix: &Matrix) {
        let mut sum = 0.0f64;
        for i in 0..SAMPLES {
            let [r, g, b] = matrix.rgb(frame.y[i], frame.cb[i], frame.cr[i]);
            let brightest = r.max(g).max(b).clamp(0.0, 1.0);
            let cd = self.pq[(brightest * STEPS as f32).round() as usize];
            self.max_cll = self.max_cll.max(cd);
            sum += f64::from(cd);
        }
        self.max_fall = self.max_fall.max(sum / SAMPLES as f64);
        self.frames += 1;
    }

    /// (MaxCLL, MaxFALL) in cd/m², rounded to whole ones as CTA-861.3 carries them; `None`
    /// when no frame came.
    pub fn finish(self) -> Option<(f64, f64)> {
        (self.frames > 0).then(|| (f64::from(self.max_cll).round(), self.max_fall.round()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pq_reference_points() {
        assert!((pq_eotf(1.0) - 10_000.0).abs() < 1e-6);
        // ST 2084: code 0.5081 ≈ 100 cd/m², 0.7518 ≈ 1000 cd/m².
        assert!((pq_eotf(0.5081) - 100.0).abs() < 1.0, "{}", pq_eotf(0.5081));
        assert!(
            (pq_eotf(0.7518) - 1000.0).abs() < 5.0,
            "{}",
            pq_eotf(0.7518)
        );
        assert_eq!(pq_eotf(0.0), 0.0);
    }
}
