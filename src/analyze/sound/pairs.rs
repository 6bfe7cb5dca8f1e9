//! Each pair's Pearson correlation over 400 ms blocks (what `aphasemeter` shows), its stretches
//! of sustained negative correlation, and over the programme the energy of L−R against L+R
//! (dual mono) and each side's level (one-sided stereo). Blocks where both sides are silent
//! are left out: silence has no phase.

use super::BLOCK_S;
use crate::measurements::{Event, sound::PairPhase};

/// Both sides below this RMS, dBFS: the block is not judged.
const QUIET_DBFS: f64 = -60.0;

pub struct Pairs {
    origin_s: f64,
    threshold: f64,
    min_s: f64,
    pairs: Vec<Pair>,
}

struct Pair {
    name: String,
    left: usize,
    right: usize,
    min: f64,
    /// Totals: Σl², Σr², Σlr, Σ(l−r)², Σ(l+r)², samples.
    ll: f64,
    rr: f64,
    lr: f64,
    side: f64,
    mid: f64,
    n: u64,
    /// The run of blocks below the threshold: (first block, last block).
    run: Option<(u64, u64)>,
    negative: Vec<Event>,
    curve: Vec<Option<f64>>,
}

impl Pairs {
    pub fn new(
        origin_s: f64,
        pairs: &[(String, usize, usize)],
        threshold: f64,
        min_s: f64,
    ) -> Pairs {
        Pairs {
            origin_s,
            threshold,
            min_s,
            pairs: pairs
                .iter()
                .map(|(name, left, right)| Pair {
                    name: name.clone(),
                    left: *left,
                    right: *right,
                    min: 1.0,
                    ll: 0.0,
                    rr: 0.0,
                    lr: 0.0,
                    side: 0.0,
                    mid: 0.0,
                    n: 0,
                    run: None,
                    negative: Vec::new(),
                    curve: Vec::new(),
                })
                .collect(),
        }
    }

    pub fn add(&mut self, block: &[f32], channels: usize, index: u64) {
        let (origin, threshold, min_s) = (self.origin_s, self.threshold, self.min_s);
        for pair in &mut self.pairs {
            if pair.right >= channels {
                continue;
            }
            let (mut ll, mut rr, mut lr, mut side, mut mid) = (0.0f64, 0.0f64, 0.0f64, 0.0, 0.0);
            let mut n = 0u64;
            for frame in block.chunks_exact(channels) {
                let (l, r) = (f64::from(frame[pair.left]), f64::from(frame[pair.right]));
                ll += l * l;
                rr += r * r;
                lr += l * r;
                side += (l - r) * (l - r);
                mid += (l + r) * (l + r);
                n += 1;
            }
            pair.ll += ll;
            pair.rr += rr;
            pair.lr += lr;
            pair.side += side;
            pair.mid += mid;
            pair.n += n;
            let rms_db = |e: f64| 10.0 * (e / n.max(1) as f64).max(1e-20).log10();
            let quiet = rms_db(ll) < QUIET_DBFS && rms_db(rr) < QUIET_DBFS;
            let correlation = if quiet || ll <= 0.0 || rr <= 0.0 {
                None
            } else {
                Some(lr / (ll * rr).sqrt())
            };
            if let Some(c) = correlation {
                pair.min = pair.min.min(c);
            }
            pair.curve.push(correlation.map(round2));
            match correlation {
                Some(c) if c < threshold => {
                    pair.run = Some(pair.run.map_or((index, index), |(first, _)| (first, index)));
                }
                _ => pair.close_run(origin, min_s),
            }
        }
    }

    pub fn finish(mut self) -> Vec<PairPhase> {
        let (origin, min_s) = (self.origin_s, self.min_s);
        self.pairs
            .iter_mut()
            .filter(|p| p.n > 0)
            .map(|p| {
                p.close_run(origin, min_s);
                let db = |e: f64| round2(10.0 * (e / p.n as f64).max(1e-20).log10());
                PairPhase {
                    pair: p.name.clone(),
                    min_correlation: round2(p.min),
                    correlation: if p.ll > 0.0 && p.rr > 0.0 {
                        round2(p.lr / (p.ll * p.rr).sqrt())
                    } else {
                        0.0
                    },
                    negative: std::mem::take(&mut p.negative),
                    side_to_mid_db: round2(10.0 * (p.side.max(1e-20) / p.mid.max(1e-20)).log10()),
                    levels_dbfs: [db(p.ll), db(p.rr)],
                    curve_start_s: origin,
                    curve: std::mem::take(&mut p.curve),
                }
            })
            .collect()
    }
}

impl Pair {
    fn close_run(&mut self, origin: f64, min_s: f64) {
        if let Some((first, last)) = self.run.take() {
            let (start_s, end_s) = (
                origin + first as f64 * BLOCK_S,
                origin + (last + 1) as f64 * BLOCK_S,
            );
            if end_s - start_s >= min_s - 1e-9 {
                self.negative.push(Event { start_s, end_s });
            }
        }
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair_of(l: impl Fn(f64) -> f64, r: impl Fn(f64) -> f64) -> PairPhase {
        let mut p = Pairs::new(0.0, &[("L/R".to_owned(), 0, 1)], -0.3, 1.0);
        let rate = 48_000.0;
        for block in 0..10u64 {
            let samples: Vec<f32> = (0..19_200)
                .flat_map(|i| {
                    let t = (block as f64 * 19_200.0 + i as f64) / rate;
                    [l(t) as f32, r(t) as f32]
                })
                .collect();
            p.add(&samples, 2, block);
        }
        p.finish().remove(0)
    }

    #[test]
    fn in_phase_uncorrelated_and_inverted_pairs() {
        let sine = |t: f64| 0.3 * (2.0 * std::f64::consts::PI * 440.0 * t).sin();
        let other = |t: f64| 0.3 * (2.0 * std::f64::consts::PI * 660.0 * t).sin();
        let same = pair_of(sine, sine);
        assert!(
            same.min_correlation > 0.99 && same.side_to_mid_db < -100.0,
            "{same:?}"
        );
        let apart = pair_of(sine, other);
        assert!(apart.correlation.abs() < 0.05, "{apart:?}");
        let inverted = pair_of(sine, |t| -sine(t));
        assert!(inverted.min_correlation < -0.99, "{inverted:?}");
        assert_eq!(inverted.negative.len(), 1);
        assert!((inverted.negative[0].end_s - 4.0).abs() < 1e-9);
    }
}
