//! The sync pop's waveform for the review: the peak level of the audio in short steps around
//! the flash frame and the beep, cut from the samples the marker search decoded anyway.

use crate::measurements::Waveform;

/// Steps in a waveform: enough for a pane or an SVG, small in the report (~1 kB).
const STEPS: usize = 120;
/// Audio shown before the earlier and after the later of flash and beep.
const BEFORE_S: f64 = 0.1;
const AFTER_S: f64 = 0.15;

/// The waveform around `flash_s` and `beep_s` (seconds from the file's start; `samples` start
/// at `origin_s` and run at `rate`).
pub fn around(samples: &[f32], rate: u32, origin_s: f64, flash_s: f64, beep_s: f64) -> Waveform {
    let rate = f64::from(rate);
    let start_s = (flash_s.min(beep_s) - BEFORE_S).max(0.0);
    let end_s = flash_s.max(beep_s) + AFTER_S;
    let step_s = (end_s - start_s) / STEPS as f64;
    let index = |s: f64| (((s - origin_s) * rate).max(0.0) as usize).min(samples.len());
    let peak = (0..STEPS)
        .map(|i| {
            let from = start_s + i as f64 * step_s;
            let bin = &samples[index(from)..index(from + step_s)];
            let level = bin.iter().fold(0.0f32, |m, s| m.max(s.abs())).min(1.0);
            (level * 1000.0).round() / 1000.0
        })
        .collect();
    Waveform {
        start_s,
        step_s,
        peak,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_burst_shows_where_it_is() {
        let rate = 1000;
        // 1 s of quiet with a full-scale burst from 0.5 s to 0.55 s.
        let samples: Vec<f32> = (0..1000)
            .map(|i| if (500..550).contains(&i) { 1.0 } else { 0.001 })
            .collect();
        let w = around(&samples, rate, 0.0, 0.48, 0.5);
        assert_eq!(w.peak.len(), STEPS);
        let loud_at = w.start_s + w.peak.iter().position(|&p| p == 1.0).unwrap() as f64 * w.step_s;
        assert!((loud_at - 0.5).abs() <= w.step_s, "{loud_at}");
        assert_eq!(w.peak[0], 0.001);
    }
}
