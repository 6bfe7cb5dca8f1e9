//! A sine line-up at one frequency (EBU R 68: 1 kHz at −18 dBFS; SMPTE RP 155: −20 dBFS): a
//! block is tone when a Goertzel filter at that frequency holds nearly all of a channel's
//! energy; its level is the sine's peak (RMS + 3.01 dB). Consecutive tone blocks form a stretch.

use super::BLOCK_S;
use crate::measurements::sound::ToneStretch;

/// Share of a channel's energy at the frequency that makes it a sine.
const PURE: f64 = 0.9;

pub struct Tone {
    origin_s: f64,
    hz: f64,
    rate: f64,
    /// The open stretch: (first block, last block, loudest level).
    run: Option<(u64, u64, f64)>,
    found: Vec<ToneStretch>,
}

impl Tone {
    pub fn new(origin_s: f64, hz: f64, rate: u32) -> Tone {
        Tone {
            origin_s,
            hz,
            rate: f64::from(rate.max(1)),
            run: None,
            found: Vec::new(),
        }
    }

    /// Whether the block is tone.
    pub fn add(&mut self, block: &[f32], channels: usize, index: u64) -> bool {
        match is_tone(block, channels, self.hz, self.rate) {
            Some(level) => {
                self.run = Some(match self.run {
                    Some((first, _, loudest)) => (first, index, loudest.max(level)),
                    None => (index, index, level),
                });
                true
            }
            None => {
                self.close();
                false
            }
        }
    }

    fn close(&mut self) {
        if let Some((first, last, level)) = self.run.take() {
            self.found.push(ToneStretch {
                start_s: self.origin_s + first as f64 * BLOCK_S,
                end_s: self.origin_s + (last + 1) as f64 * BLOCK_S,
                level_dbfs: (level * 100.0).round() / 100.0,
            });
        }
    }

    pub fn finish(mut self) -> Vec<ToneStretch> {
        self.close();
        self.found
    }
}

/// The loudest sine level (dBFS peak) among the block's channels that are a sine at `hz`;
/// `None` when none is (silent channels are left out, but at least one must be tone and no
/// channel may carry anything else).
pub fn is_tone(block: &[f32], channels: usize, hz: f64, rate: f64) -> Option<f64> {
    let frames = block.len() / channels.max(1);
    if frames < 64 {
        return None;
    }
    let coefficient = 2.0 * (2.0 * std::f64::consts::PI * hz / rate).cos();
    let mut loudest: Option<f64> = None;
    for c in 0..channels {
        let (mut s1, mut s2, mut energy) = (0.0f64, 0.0f64, 0.0f64);
        for frame in block.chunks_exact(channels) {
            let x = f64::from(frame[c]);
            let s0 = x + coefficient * s1 - s2;
            s2 = s1;
            s1 = s0;
            energy += x * x;
        }
        let rms_db = 10.0 * (energy / frames as f64).max(1e-20).log10();
        if rms_db < -70.0 {
            continue;
        }
        // |X(f)|² from the Goertzel state; a sine of amplitude A gives A²N²/4.
        let power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
        let share = 2.0 * power / (frames as f64 * energy);
        if share < PURE {
            return None;
        }
        let level = rms_db + 10.0 * 2f64.log10();
        loudest = Some(loudest.map_or(level, |l: f64| l.max(level)));
    }
    loudest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(hz: f64, amplitude: f64) -> Vec<f32> {
        (0..19_200)
            .flat_map(|i| {
                let v = (amplitude * (2.0 * std::f64::consts::PI * hz * i as f64 / 48_000.0).sin())
                    as f32;
                [v, v]
            })
            .collect()
    }

    #[test]
    fn a_sine_at_the_frequency_is_tone_at_its_peak_level() {
        let level = is_tone(
            &block(1000.0, 10f64.powf(-18.0 / 20.0)),
            2,
            1000.0,
            48_000.0,
        );
        assert!((level.expect("tone") + 18.0).abs() < 0.05, "{level:?}");
        assert_eq!(is_tone(&block(440.0, 0.1), 2, 1000.0, 48_000.0), None);
    }
}
