//! The short-term (3 s) loudness over time, kept for the review's loudness curve.
//!
//! While measuring, one reading per 100 ms step is kept as an `i16` in centi-LU (2 bytes per
//! step: a 10-hour file costs 720 kB). The report holds the loudest reading of each second or
//! so (a peak should not vanish between two samples of the curve).

use crate::measurements::ShortTerm;

/// Below the absolute gate of BS.1770 a reading is silence, written as `null`.
const SILENCE: i16 = i16::MIN;
const GATE_LUFS: f64 = -70.0;

#[derive(Debug, Default)]
pub struct ShortTermSeries {
    centi_lu: Vec<i16>,
}

impl ShortTermSeries {
    /// Adds the reading of the 3 s window that ends now.
    pub fn push(&mut self, lufs: f64) {
        let value = if lufs.is_finite() && lufs > GATE_LUFS {
            (lufs * 100.0)
                .round()
                .clamp(f64::from(SILENCE + 1), f64::from(i16::MAX)) as i16
        } else {
            SILENCE
        };
        self.centi_lu.push(value);
    }

    /// The curve for the report: readings `step_s` apart, the first at `first_s` (the end of
    /// the first whole 3 s window), grouped into steps of at least one second. `None` for audio
    /// shorter than one window.
    pub fn to_report(&self, first_s: f64, step_s: f64) -> Option<ShortTerm> {
        if self.centi_lu.is_empty() || step_s <= 0.0 {
            return None;
        }
        let per_group = (1.0 / step_s - 1e-9).ceil().max(1.0) as usize;
        let lufs = self
            .centi_lu
            .chunks(per_group)
            .map(|group| {
                let loudest = group.iter().copied().max().unwrap_or(SILENCE);
                (loudest != SILENCE).then(|| f64::from(loudest) / 100.0)
            })
            .map(|v| v.map(|l| (l * 10.0).round() / 10.0))
            .collect();
        Some(ShortTerm {
            start_s: first_s,
            step_s: per_group as f64 * step_s,
            lufs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_loudest_reading_of_each_second() {
        let mut series = ShortTermSeries::default();
        for i in 0..25 {
            series.push(-30.0 + f64::from(i) * 0.1);
        }
        series.push(f64::NEG_INFINITY);
        let curve = series.to_report(3.0, 0.1).unwrap();
        assert_eq!(curve.start_s, 3.0);
        assert!((curve.step_s - 1.0).abs() < 1e-9);
        assert_eq!(curve.lufs, vec![Some(-29.1), Some(-28.1), Some(-27.6)]);
    }

    #[test]
    fn silence_is_null_and_steps_are_never_under_a_second() {
        let mut series = ShortTermSeries::default();
        series.push(-80.0);
        let curve = series.to_report(3.0, 1102.0 / 11025.0).unwrap();
        assert_eq!(curve.lufs, vec![None]);
        assert!(curve.step_s >= 1.0, "{}", curve.step_s);
        assert_eq!(ShortTermSeries::default().to_report(3.0, 0.1), None);
    }
}
