//! What ffmpeg's `idet` and `cropdetect` filters write on its log, read line by line in
//! memory that does not grow with the file: idet's totals (logged once, at the end) and each
//! frame's crop, counted.

use crate::measurements::picture::{ActivePicture, Cadence, FieldCounts, RepeatedFields};
use std::collections::BTreeMap;

/// The filter a log line comes from: `[Parsed_idet_3 @ 0x…] rest` → ("idet", "rest").
fn filter_line(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix('[')?;
    let (tag, text) = rest.split_once(']')?;
    let (name, _) = tag.split_once(" @ ")?;
    let name = name.strip_prefix("Parsed_").unwrap_or(name);
    let name = name.rsplit_once('_').map_or(name, |(n, index)| {
        if index.bytes().all(|b| b.is_ascii_digit()) {
            n
        } else {
            name
        }
    });
    Some((name, text.trim()))
}

/// The number after `key` in `text` (`TFF:    12`).
fn count_after(text: &str, key: &str) -> Option<u64> {
    text.split(key)
        .nth(1)?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// idet's three summary lines.
#[derive(Default)]
pub struct IdetLog {
    cadence: Option<Cadence>,
}

impl IdetLog {
    /// One log line; `true` when it was idet's.
    pub fn add(&mut self, line: &str) -> bool {
        let Some(("idet", text)) = filter_line(line) else {
            return false;
        };
        let cadence = self.cadence.get_or_insert_with(Cadence::default);
        let fields = |text: &str| FieldCounts {
            tff: count_after(text, "TFF:").unwrap_or(0),
            bff: count_after(text, "BFF:").unwrap_or(0),
            progressive: count_after(text, "Progressive:").unwrap_or(0),
            undetermined: count_after(text, "Undetermined:").unwrap_or(0),
        };
        if let Some(rest) = text.strip_prefix("Single frame detection:") {
            cadence.single = fields(rest);
        } else if let Some(rest) = text.strip_prefix("Multi frame detection:") {
            cadence.multi = fields(rest);
        } else if let Some(rest) = text.strip_prefix("Repeated Fields:") {
            cadence.repeated = RepeatedFields {
                neither: count_after(rest, "Neither:").unwrap_or(0),
                top: count_after(rest, "Top:").unwrap_or(0),
                bottom: count_after(rest, "Bottom:").unwrap_or(0),
            };
        }
        true
    }

    pub fn finish(self) -> Option<Cadence> {
        self.cadence
    }
}

/// cropdetect's per-frame crops, counted by size. A frame with nothing above the threshold
/// (black) has a negative size and is left out.
#[derive(Default)]
pub struct CropLog {
    crops: BTreeMap<Crop, u64>,
}

/// One frame's crop: (w, h, x, y).
type Crop = (i64, i64, i64, i64);

impl CropLog {
    /// One log line; `true` when it was cropdetect's.
    pub fn add(&mut self, line: &str) -> bool {
        let Some(("cropdetect", text)) = filter_line(line) else {
            return false;
        };
        let crop = text
            .rsplit_once("crop=")
            .map(|(_, c)| c.split(':').filter_map(|v| v.trim().parse::<i64>().ok()));
        if let Some(values) = crop {
            let values: Vec<i64> = values.collect();
            if let [w, h, x, y] = values[..]
                && w > 0
                && h > 0
            {
                *self.crops.entry((w, h, x, y)).or_default() += 1;
            }
        }
        true
    }

    /// The active area: the largest width and height that at least a tenth of the pictured
    /// frames reach (a dark scene's smaller crop does not shrink a letterbox; a few bright
    /// frames — a caption in the bars — do not widen it), placed where the most frames put it.
    /// `sar` is the sample aspect ratio.
    pub fn finish(self, sar: f64) -> Option<ActivePicture> {
        let frames: u64 = self.crops.values().sum();
        if frames == 0 {
            return None;
        }
        let reached = |size: fn(&Crop) -> i64| -> i64 {
            let mut sizes: Vec<(i64, u64)> = self
                .crops
                .iter()
                .map(|(crop, &n)| (size(crop), n))
                .collect();
            sizes.sort_by_key(|s| std::cmp::Reverse(s.0));
            let mut seen = 0;
            for (value, n) in sizes {
                seen += n;
                if seen * 10 >= frames {
                    return value;
                }
            }
            0
        };
        let w = reached(|c| c.0);
        let h = reached(|c| c.1);
        let (x, y) = self
            .crops
            .iter()
            .filter(|(c, _)| c.0 == w || c.1 == h)
            .max_by_key(|(_, n)| **n)
            .map_or((0, 0), |(c, _)| (c.2, c.3));
        let aspect = w as f64 * sar / h as f64;
        Some(ActivePicture {
            aspect: (aspect * 1000.0).round() / 1000.0,
            crop: format!("{w}:{h}:{x}:{y}"),
            frames,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idet_totals_are_read() {
        let mut log = IdetLog::default();
        assert!(log.add(
            "[Parsed_idet_1 @ 0x55a4] Repeated Fields: Neither:    96 Top:    24 Bottom:     0"
        ));
        assert!(log.add("[Parsed_idet_1 @ 0x55a4] Single frame detection: TFF:    71 BFF:     0 Progressive:    49 Undetermined:     0"));
        assert!(log.add("[Parsed_idet_1 @ 0x55a4] Multi frame detection: TFF:     0 BFF:     2 Progressive:   118 Undetermined:     0"));
        assert!(!log.add("[Parsed_cropdetect_0 @ 0x1] x1:0 crop=1:1:0:0"));
        let c = log.finish().expect("read");
        assert_eq!(c.repeated.top, 24);
        assert_eq!(c.single.tff, 71);
        assert_eq!((c.multi.bff, c.multi.progressive), (2, 118));
    }

    #[test]
    fn a_letterbox_holds_through_dark_scenes_and_black_frames() {
        let mut log = CropLog::default();
        let line = |crop: &str| {
            format!(
                "[Parsed_cropdetect_2 @ 0x55ff] x1:0 x2:1919 y1:140 y2:939 w:1920 h:800 x:0 y:140 pts:1 t:0.04 {crop}"
            )
        };
        for _ in 0..80 {
            log.add(&line("crop=1920:800:0:140"));
        }
        for _ in 0..15 {
            log.add(&line("crop=1920:600:0:240")); // a dark scene
        }
        for _ in 0..30 {
            log.add(&line("crop=-1918:-1078:1920:1080")); // black
        }
        log.add(&line("crop=1920:1080:0:0")); // one bright caption frame
        let active = log.finish(1.0).expect("measured");
        assert_eq!(active.crop, "1920:800:0:140");
        assert!((active.aspect - 2.4).abs() < 1e-9);
        assert_eq!(active.frames, 96);
    }
}
