//! SMPTE timecode: parsing, validation against a frame rate, and frame arithmetic
//! (including drop-frame at 29.97/59.94).

use crate::rational::Rational;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timecode {
    pub hours: u32,
    pub minutes: u32,
    pub seconds: u32,
    pub frames: u32,
    /// Written with `;` (or `.`) before the frames: drop-frame counting.
    pub drop_frame: bool,
}

impl Timecode {
    /// Parses `HH:MM:SS:FF` or drop-frame `HH:MM:SS;FF`. Checks field ranges that hold at any
    /// rate; [`Timecode::validate_for_rate`] checks the frames field and drop-frame use.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("invalid timecode {text:?}, expected HH:MM:SS:FF or HH:MM:SS;FF");
        let t = text.trim();
        if t.len() != 11 || !t.is_ascii() {
            return Err(bad());
        }
        let b = t.as_bytes();
        if b[2] != b':' || b[5] != b':' || !matches!(b[8], b':' | b';' | b'.' | b',') {
            return Err(bad());
        }
        let field = |i: usize| -> Result<u32, String> {
            let s = &t[i..i + 2];
            if !s.bytes().all(|c| c.is_ascii_digit()) {
                return Err(bad());
            }
            s.parse().map_err(|_| bad())
        };
        let tc = Timecode {
            hours: field(0)?,
            minutes: field(3)?,
            seconds: field(6)?,
            frames: field(9)?,
            drop_frame: b[8] != b':',
        };
        if tc.hours > 23 || tc.minutes > 59 || tc.seconds > 59 {
            return Err(format!(
                "invalid timecode {text:?}: hours must be 00-23, minutes and seconds 00-59"
            ));
        }
        Ok(tc)
    }

    /// Checks that this timecode addresses a real frame at `rate`: the frames field fits the
    /// rate, drop-frame is only used at 29.97/59.94, and dropped frame numbers are not used.
    pub fn validate_for_rate(&self, rate: Rational) -> Result<(), String> {
        let base = rate.timecode_base();
        if self.frames >= base {
            return Err(format!(
                "{self}: frame {:02} does not exist at {rate} fps (frames run 00-{:02})",
                self.frames,
                base - 1
            ));
        }
        if self.drop_frame {
            if !rate.allows_drop_frame() {
                return Err(format!(
                    "{self}: drop-frame timecode is only defined at 29.97 and 59.94 fps, not {rate}"
                ));
            }
            let dropped = drop_count(base);
            if self.seconds == 0 && !self.minutes.is_multiple_of(10) && self.frames < dropped {
                return Err(format!(
                    "{self}: frames 00-{:02} are dropped at the start of this minute",
                    dropped - 1
                ));
            }
        }
        Ok(())
    }

    /// Frame number counted from 00:00:00:00 at `rate` (drop-frame aware). Saturates rather
    /// than overflows for fields beyond a day (the fields are public; `parse` keeps them in range).
    pub fn to_frames(&self, rate: Rational) -> i64 {
        let base = i64::from(rate.timecode_base());
        let total_minutes = i64::from(self.hours) * 60 + i64::from(self.minutes);
        let nominal = (total_minutes * 60 + i64::from(self.seconds))
            .saturating_mul(base)
            .saturating_add(i64::from(self.frames));
        if self.drop_frame && rate.allows_drop_frame() {
            let dropped = i64::from(drop_count(rate.timecode_base()));
            nominal - dropped * (total_minutes - total_minutes / 10)
        } else {
            nominal
        }
    }

    /// The timecode of frame `frame` at `rate`, wrapping at 24 hours like a real timecode reader.
    pub fn from_frames(frame: i64, rate: Rational, drop_frame: bool) -> Self {
        let base = i64::from(rate.timecode_base());
        let drop_frame = drop_frame && rate.allows_drop_frame();
        let mut n = frame.rem_euclid(frames_per_day(rate, drop_frame));
        if drop_frame {
            let dropped = i64::from(drop_count(rate.timecode_base()));
            let per_10min = base * 600 - dropped * 9;
            let per_min = base * 60 - dropped;
            let tens = n / per_10min;
            let rem = n % per_10min;
            let extra = if rem < dropped {
                0
            } else {
                dropped * ((rem - dropped) / per_min)
            };
            n += dropped * 9 * tens + extra;
        }
        Timecode {
            hours: (n / (base * 3600)) as u32,
            minutes: (n / (base * 60) % 60) as u32,
            seconds: (n / base % 60) as u32,
            frames: (n % base) as u32,
            drop_frame,
        }
    }

    /// The timecode `frames` frames after this one at `rate`, wrapping at 24 hours. Both sides
    /// are reduced to within a day first, so any frame count (a header can claim 4.6e18 s)
    /// gives a timecode instead of overflowing.
    pub fn offset_by_frames(&self, frames: i64, rate: Rational) -> Self {
        let day = frames_per_day(rate, self.drop_frame && rate.allows_drop_frame());
        let sum = self.to_frames(rate).rem_euclid(day) + frames.rem_euclid(day);
        Timecode::from_frames(sum, rate, self.drop_frame)
    }

    /// The timecode `seconds` after this one at `rate`, rounded down to a whole frame. Seconds
    /// past what an `i64` frame count holds saturate (the `as` cast); NaN counts as 0.
    pub fn offset_by_seconds(&self, seconds: f64, rate: Rational) -> Self {
        let frames = (seconds.max(0.0) * rate.as_f64() + 1e-6).floor() as i64;
        self.offset_by_frames(frames, rate)
    }

    /// A duration written as timecode (`00:00:01:00`), in seconds at `rate` (non-drop counting).
    pub fn as_duration_seconds(&self, rate: Rational) -> f64 {
        let base = f64::from(rate.timecode_base());
        let whole = f64::from(self.hours) * 3600.0 + f64::from(self.minutes) * 60.0;
        whole + f64::from(self.seconds) + f64::from(self.frames) / base
    }
}

/// Frames in 24 hours of timecode at `rate`: fewer in drop-frame, which skips numbers.
fn frames_per_day(rate: Rational, drop_frame: bool) -> i64 {
    let base = i64::from(rate.timecode_base());
    if drop_frame {
        let dropped = i64::from(drop_count(rate.timecode_base()));
        (base * 600 - dropped * 9) * 144
    } else {
        base * 86_400
    }
}

/// Frames dropped each minute (except every tenth): 2 at 29.97, 4 at 59.94.
fn drop_count(base: u32) -> u32 {
    base / 15
}

impl fmt::Display for Timecode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sep = if self.drop_frame { ';' } else { ':' };
        write!(
            f,
            "{:02}:{:02}:{:02}{sep}{:02}",
            self.hours, self.minutes, self.seconds, self.frames
        )
    }
}

/// Where something happens in a file, as a timecode when the file has one, else as elapsed time.
/// `start_tc` and `rate` come from the probe; without a rate, elapsed `HH:MM:SS.mmm` is used.
pub fn locate(seconds: f64, start_tc: Option<&Timecode>, rate: Option<Rational>) -> String {
    match rate {
        Some(rate) => {
            let origin = start_tc.copied().unwrap_or(Timecode {
                hours: 0,
                minutes: 0,
                seconds: 0,
                frames: 0,
                drop_frame: false,
            });
            origin.offset_by_seconds(seconds, rate).to_string()
        }
        None => {
            let ms = (seconds.max(0.0) * 1000.0).round() as u64;
            format!(
                "{:02}:{:02}:{:02}.{:03}",
                ms / 3_600_000,
                ms / 60_000 % 60,
                ms / 1000 % 60,
                ms % 1000
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(n: i64, d: i64) -> Rational {
        Rational::new(n, d).unwrap()
    }

    #[test]
    fn parses_and_prints_both_separators() {
        let tc = Timecode::parse("01:00:00:00").unwrap();
        assert!(!tc.drop_frame);
        assert_eq!(tc.to_string(), "01:00:00:00");
        let df = Timecode::parse("01:00:00;00").unwrap();
        assert!(df.drop_frame);
        assert_eq!(df.to_string(), "01:00:00;00");
    }

    #[test]
    fn rejects_malformed_timecode() {
        for bad in [
            "1:00:00:00",
            "01:00:00",
            "01:60:00:00",
            "25:00:00:00",
            "aa:bb:cc:dd",
            "",
        ] {
            assert!(Timecode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn frames_field_must_fit_rate() {
        let tc = Timecode::parse("01:00:00:24").unwrap();
        assert!(tc.validate_for_rate(rate(25, 1)).is_ok());
        assert!(tc.validate_for_rate(rate(24, 1)).is_err());
        assert!(tc.validate_for_rate(rate(24000, 1001)).is_err());
    }

    #[test]
    fn drop_frame_only_at_29_97_and_59_94() {
        let df = Timecode::parse("01:00:00;00").unwrap();
        assert!(df.validate_for_rate(rate(30000, 1001)).is_ok());
        let err = df.validate_for_rate(rate(25, 1)).unwrap_err();
        assert!(err.contains("only defined at 29.97 and 59.94"), "{err}");
        let dropped = Timecode::parse("00:01:00;00").unwrap();
        assert!(dropped.validate_for_rate(rate(30000, 1001)).is_err());
        let tenth = Timecode::parse("00:10:00;00").unwrap();
        assert!(tenth.validate_for_rate(rate(30000, 1001)).is_ok());
    }

    #[test]
    fn drop_frame_round_trips_at_minute_boundaries() {
        let r = rate(30000, 1001);
        // One hour of 29.97 DF is 107892 frames.
        assert_eq!(
            Timecode::parse("01:00:00;00").unwrap().to_frames(r),
            107_892
        );
        for text in [
            "00:00:59;29",
            "00:01:00;02",
            "00:09:59;29",
            "00:10:00;00",
            "10:00:00;00",
        ] {
            let tc = Timecode::parse(text).unwrap();
            assert_eq!(
                Timecode::from_frames(tc.to_frames(r), r, true).to_string(),
                text
            );
        }
        let before = Timecode::parse("00:00:59;29").unwrap().to_frames(r);
        assert_eq!(
            Timecode::from_frames(before + 1, r, true).to_string(),
            "00:01:00;02"
        );
    }

    #[test]
    fn offset_and_locate() {
        let start = Timecode::parse("10:00:00:00").unwrap();
        assert_eq!(
            start
                .offset_by_seconds(2.0 + 3.0 / 25.0, rate(25, 1))
                .to_string(),
            "10:00:02:03"
        );
        assert_eq!(locate(1.5, None, Some(rate(25, 1))), "00:00:01:12");
        assert_eq!(locate(61.25, None, None), "00:01:01.250");
    }

    #[test]
    fn offsets_beyond_any_frame_count_wrap_instead_of_overflowing() {
        let start = Timecode::parse("10:00:00:00").unwrap();
        let r = rate(25, 1);
        let day = 25 * 86_400;
        assert_eq!(
            start.offset_by_frames(i64::MAX, r),
            start.offset_by_frames(i64::MAX % day, r)
        );
        assert_eq!(start.offset_by_frames(-1, r).to_string(), "09:59:59:24");
        for seconds in [4.6e18, f64::INFINITY, f64::NAN] {
            let moved = start.offset_by_seconds(seconds, r);
            assert!(moved.validate_for_rate(r).is_ok(), "{seconds}: {moved}");
        }
        assert_eq!(locate(f64::NAN, Some(&start), None), "00:00:00.000");
    }
}
