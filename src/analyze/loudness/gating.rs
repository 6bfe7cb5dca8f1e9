//! Gated loudness from block energies: integrated loudness (ITU-R BS.1770-4) from 400 ms
//! blocks and loudness range (EBU Tech 3342, 2016) from 3 s short-term blocks, both taken
//! every 100 ms.
//!
//! The `ebur128` crate's own range (libebur128's algorithm) takes a short-term value only every
//! second; on real programme that moves the figure by up to ~2 LU against Tech 3342's reference
//! code and ffmpeg's `ebur128` filter, which both take one every 100 ms. And its integrated
//! loudness sums each 400 ms block afresh every 100 ms, a sixth of the whole meter's time,
//! where four 100 ms energies we already have give the same block. Ten blocks a second of a
//! long programme are too many to keep, so they go into a histogram of 0.01 LU bins (as ffmpeg
//! does) that also sums each bin's energies: memory stays constant, gated means are exact,
//! and percentiles are exact to the bin.

/// BS.1770's absolute gate: blocks below −70 LUFS are silence.
const ABSOLUTE_GATE_LUFS: f64 = -70.0;
/// Blocks above this share the top bin; no real programme reaches it.
const CEILING_LUFS: f64 = 10.0;
/// Bins per LU.
const GRAIN: f64 = 100.0;
const BINS: usize = ((CEILING_LUFS - ABSOLUTE_GATE_LUFS) * GRAIN) as usize + 1;
/// BS.1770-4's relative gate for integrated loudness.
const INTEGRATED_GATE_LU: f64 = -10.0;
/// Tech 3342's relative gate for the loudness range.
const RANGE_GATE_LU: f64 = -20.0;
const RANGE_LOW_PERCENTILE: f64 = 0.10;
const RANGE_HIGH_PERCENTILE: f64 = 0.95;

/// Block loudness values that passed the absolute gate.
pub struct GatedBlocks {
    /// How many blocks fell in each bin; bin `i` holds loudness `−70 + i / GRAIN`.
    counts: Vec<u64>,
    /// The sum of those blocks' energies, per bin.
    energies: Vec<f64>,
}

impl GatedBlocks {
    pub fn new() -> GatedBlocks {
        GatedBlocks {
            counts: vec![0; BINS],
            energies: vec![0.0; BINS],
        }
    }

    /// Adds one block: `energy` is its mean-square channel-weighted energy.
    pub fn add(&mut self, energy: f64) {
        let lufs = loudness(energy);
        if lufs.is_nan() || lufs <= ABSOLUTE_GATE_LUFS {
            return;
        }
        let bin = bin(lufs);
        self.counts[bin] += 1;
        self.energies[bin] += energy;
    }

    /// Integrated loudness in LUFS: the power mean of the blocks above the relative gate.
    /// `None` when no block passed the absolute gate (silence, or under 400 ms of audio).
    pub fn integrated(&self) -> Option<f64> {
        let kept = self.above_relative_gate(INTEGRATED_GATE_LU)?;
        let count: u64 = self.counts[kept..].iter().sum();
        let energy: f64 = self.energies[kept..].iter().sum();
        Some(loudness(energy / count as f64))
    }

    /// Loudness range in LU: the 95th minus the 10th percentile of the blocks above the
    /// relative gate. `None` when no block passed the absolute gate.
    pub fn range(&self) -> Option<f64> {
        let kept = &self.counts[self.above_relative_gate(RANGE_GATE_LU)?..];
        let total: u64 = kept.iter().sum();
        let low = percentile_bin(kept, total, RANGE_LOW_PERCENTILE)?;
        let high = percentile_bin(kept, total, RANGE_HIGH_PERCENTILE)?;
        Some((high - low) as f64 / GRAIN)
    }

    /// The first bin at or above the relative gate `gate_lu` below the power mean of all
    /// gated blocks.
    fn above_relative_gate(&self, gate_lu: f64) -> Option<usize> {
        let count: u64 = self.counts.iter().sum();
        if count == 0 {
            return None;
        }
        let mean = self.energies.iter().sum::<f64>() / count as f64;
        Some(bin(loudness(mean) + gate_lu))
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

/// BS.1770 loudness of a mean-square channel-weighted energy.
pub fn loudness(energy: f64) -> f64 {
    -0.691 + 10.0 * energy.log10()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn energy(lufs: f64) -> f64 {
        10f64.powf((lufs + 0.691) / 10.0)
    }

    fn blocks(levels: &[(f64, usize)]) -> GatedBlocks {
        let mut blocks = GatedBlocks::new();
        for &(lufs, count) in levels {
            for _ in 0..count {
                blocks.add(energy(lufs));
            }
        }
        blocks
    }

    #[test]
    fn two_levels_ten_lu_apart_give_a_range_of_ten() {
        let lra = blocks(&[(-20.0, 200), (-30.0, 200)])
            .range()
            .expect("a range");
        assert!((lra - 10.0).abs() < 0.011, "{lra}");
    }

    #[test]
    fn blocks_below_the_relative_gate_are_left_out() {
        let mixed = blocks(&[(-20.0, 100), (-23.0, 100), (-60.0, 100)]);
        let lra = mixed.range().expect("a range");
        assert!((lra - 3.0).abs() < 0.011, "{lra}");
        // The −60 LUFS blocks fall under the integrated gate too: the mean of −20 and −23.
        let integrated = mixed.integrated().expect("integrated");
        let want = loudness((energy(-20.0) + energy(-23.0)) / 2.0);
        assert!((integrated - want).abs() < 1e-9, "{integrated} vs {want}");
    }

    #[test]
    fn silence_has_no_figures() {
        let silent = blocks(&[(-80.0, 10)]);
        let mut with_zero = GatedBlocks::new();
        with_zero.add(0.0);
        for blocks in [silent, with_zero] {
            assert_eq!(blocks.range(), None);
            assert_eq!(blocks.integrated(), None);
        }
    }
}
