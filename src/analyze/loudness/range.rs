//! Loudness range (EBU Tech 3342, 2016) from short-term loudness taken every 100 ms.
//!
//! The `ebur128` crate's own range (libebur128's algorithm) takes a short-term value only every
//! second; on real programme that moves the figure by up to ~2 LU against Tech 3342's reference
//! code and ffmpeg's `ebur128` filter, which both take one every 100 ms. Ten values a second of
//! a long programme are too many to keep, so they go into a histogram of 0.01 LU bins (as
//! ffmpeg does): memory stays constant and the percentiles are exact to the bin.

/// Tech 3342's absolute gate: short-term values below −70 LUFS are silence.
const ABSOLUTE_GATE_LUFS: f64 = -70.0;
/// Values above this share the top bin; no real programme reaches it.
const CEILING_LUFS: f64 = 10.0;
/// Bins per LU.
const GRAIN: f64 = 100.0;
const BINS: usize = ((CEILING_LUFS - ABSOLUTE_GATE_LUFS) * GRAIN) as usize + 1;
/// Tech 3342's relative gate, below the power mean of the absolute-gated values.
const RELATIVE_GATE_LU: f64 = -20.0;
const LOW_PERCENTILE: f64 = 0.10;
const HIGH_PERCENTILE: f64 = 0.95;

/// Short-term loudness values gathered for the loudness range.
pub struct LoudnessRange {
    /// How many values fell in each bin; bin `i` holds loudness `−70 + i / GRAIN`.
    counts: Vec<u64>,
    /// Exact sum of the gated values' energies, for the relative gate.
    energy_sum: f64,
    gated: u64,
}

impl LoudnessRange {
    pub fn new() -> LoudnessRange {
        LoudnessRange {
            counts: vec![0; BINS],
            energy_sum: 0.0,
            gated: 0,
        }
    }

    /// Adds one short-term reading: `energy` is its mean-square weighted energy.
    pub fn add(&mut self, energy: f64) {
        let lufs = loudness(energy);
        if lufs.is_nan() || lufs < ABSOLUTE_GATE_LUFS {
            return;
        }
        self.counts[bin(lufs)] += 1;
        self.energy_sum += energy;
        self.gated += 1;
    }

    /// The range in LU: the 95th minus the 10th percentile of the values above the relative
    /// gate. `None` when no value passed the absolute gate (silence, or under 3 s of audio).
    pub fn finish(&self) -> Option<f64> {
        if self.gated == 0 {
            return None;
        }
        let gate = loudness(self.energy_sum / self.gated as f64) + RELATIVE_GATE_LU;
        let kept = &self.counts[bin(gate.max(ABSOLUTE_GATE_LUFS))..];
        let total: u64 = kept.iter().sum();
        let low = percentile_bin(kept, total, LOW_PERCENTILE)?;
        let high = percentile_bin(kept, total, HIGH_PERCENTILE)?;
        Some((high - low) as f64 / GRAIN)
    }
}

/// The bin holding the value of rank `fraction · total` (rounded, counted from 1 as ffmpeg's
/// filter and Tech 3342's example code do), as an index into `counts`.
fn percentile_bin(counts: &[u64], total: u64, fraction: f64) -> Option<usize> {
    let rank = ((total as f64 * fraction).round() as u64).max(1);
    let mut seen = 0;
    counts.iter().position(|count| {
        seen += count;
        seen >= rank
    })
}

fn bin(lufs: f64) -> usize {
    (((lufs - ABSOLUTE_GATE_LUFS) * GRAIN).round().max(0.0) as usize).min(BINS - 1)
}

/// BS.1770 loudness of a mean-square weighted energy.
fn loudness(energy: f64) -> f64 {
    -0.691 + 10.0 * energy.log10()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn energy(lufs: f64) -> f64 {
        10f64.powf((lufs + 0.691) / 10.0)
    }

    #[test]
    fn two_levels_ten_lu_apart_give_a_range_of_ten() {
        let mut range = LoudnessRange::new();
        for lufs in [-20.0, -30.0] {
            for _ in 0..200 {
                range.add(energy(lufs));
            }
        }
        let lra = range.finish().expect("a range");
        assert!((lra - 10.0).abs() < 0.011, "{lra}");
    }

    #[test]
    fn values_below_the_relative_gate_are_left_out() {
        let mut range = LoudnessRange::new();
        for _ in 0..100 {
            range.add(energy(-20.0));
            range.add(energy(-23.0));
            range.add(energy(-60.0));
        }
        let lra = range.finish().expect("a range");
        assert!((lra - 3.0).abs() < 0.011, "{lra}");
    }

    #[test]
    fn silence_has_no_range() {
        let mut range = LoudnessRange::new();
        range.add(0.0);
        range.add(energy(-80.0));
        assert_eq!(range.finish(), None);
    }
}
