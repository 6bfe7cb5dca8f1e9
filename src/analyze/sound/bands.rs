//! Where a 5.1's energy sits: the LFE's energy above 120 Hz against its total (full-range sound
//! on the LFE is a mis-mapped channel), and the dialogue band (300 Hz–3 kHz) on the centre,
//! the LFE and the surrounds (a swapped C/LFE or C/Ls puts the dialogue elsewhere). Second-order
//! filters (RBJ's cookbook), run over every sample.

use super::Positions;
use crate::measurements::sound::ChannelBands;

/// A second-order IIR section in direct form I.
#[derive(Clone, Copy)]
struct Biquad {
    b: [f64; 3],
    a: [f64; 2],
    x: [f64; 2],
    y: [f64; 2],
}

impl Biquad {
    fn new(kind: Kind, hz: f64, rate: f64) -> Biquad {
        let w = 2.0 * std::f64::consts::PI * hz / rate;
        let (sin, cos) = w.sin_cos();
        let alpha = sin / (2.0 * std::f64::consts::FRAC_1_SQRT_2);
        let a0 = 1.0 + alpha;
        let b = match kind {
            Kind::HighPass => [(1.0 + cos) / 2.0, -(1.0 + cos), (1.0 + cos) / 2.0],
            Kind::LowPass => [(1.0 - cos) / 2.0, 1.0 - cos, (1.0 - cos) / 2.0],
        };
        Biquad {
            b: b.map(|v| v / a0),
            a: [-2.0 * cos / a0, (1.0 - alpha) / a0],
            x: [0.0; 2],
            y: [0.0; 2],
        }
    }

    #[inline]
    fn run(&mut self, x: f64) -> f64 {
        let y = self.b[0] * x + self.b[1] * self.x[0] + self.b[2] * self.x[1]
            - self.a[0] * self.y[0]
            - self.a[1] * self.y[1];
        self.x = [x, self.x[0]];
        self.y = [y, self.y[0]];
        y
    }
}

#[derive(Clone, Copy)]
enum Kind {
    HighPass,
    LowPass,
}

/// One channel's dialogue-band filter (high-pass 300 Hz, low-pass 3 kHz) and its energy.
struct Band {
    name: &'static str,
    channel: usize,
    high: Biquad,
    low: Biquad,
    energy: f64,
}

pub struct Bands {
    /// The LFE channel and its 120 Hz high-pass: two sections, 24 dB per octave, so an LFE's
    /// own content (a 50 Hz rumble reads −30 dB) stays well below the threshold.
    lfe: Option<(usize, [Biquad; 2])>,
    lfe_total: f64,
    lfe_high: f64,
    bands: Vec<Band>,
    frames: u64,
}

impl Bands {
    /// `None` for a stream without an LFE and a centre.
    pub fn new(positions: &Positions, rate: u32) -> Option<Bands> {
        let rate = f64::from(rate.max(1));
        let (centre, lfe) = (positions.centre?, positions.lfe?);
        let mut named = vec![("C", centre), ("LFE", lfe)];
        if let Some((ls, rs)) = positions.surrounds {
            named.extend([("Ls", ls), ("Rs", rs)]);
        }
        Some(Bands {
            lfe: Some((lfe, [Biquad::new(Kind::HighPass, 120.0, rate); 2])),
            lfe_total: 0.0,
            lfe_high: 0.0,
            bands: named
                .into_iter()
                .map(|(name, channel)| Band {
                    name,
                    channel,
                    high: Biquad::new(Kind::HighPass, 300.0, rate),
                    low: Biquad::new(Kind::LowPass, 3000.0, rate),
                    energy: 0.0,
                })
                .collect(),
            frames: 0,
        })
    }

    pub fn add(&mut self, block: &[f32], channels: usize) {
        for frame in block.chunks_exact(channels) {
            if let Some((channel, filter)) = self.lfe.as_mut()
                && let Some(&x) = frame.get(*channel)
            {
                let x = f64::from(x);
                let first = filter[0].run(x);
                let high = filter[1].run(first);
                self.lfe_total += x * x;
                self.lfe_high += high * high;
            }
            for band in &mut self.bands {
                if let Some(&x) = frame.get(band.channel) {
                    let y = band.low.run(band.high.run(f64::from(x)));
                    band.energy += y * y;
                }
            }
            self.frames += 1;
        }
    }

    pub fn finish(self) -> ChannelBands {
        let frames = self.frames.max(1) as f64;
        let db = |e: f64| ((10.0 * e.max(1e-20).log10()) * 10.0).round() / 10.0;
        ChannelBands {
            lfe_above_120hz_db: (self.lfe_total > 1e-12)
                .then(|| db(self.lfe_high / self.lfe_total)),
            dialogue_band_dbfs: self
                .bands
                .iter()
                .map(|b| (b.name.to_owned(), db(b.energy / frames)))
                .collect(),
        }
    }
}
