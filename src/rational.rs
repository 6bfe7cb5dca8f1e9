//! Exact frame rates. ffprobe reports rates as "24000/1001"; specs write `23.976`. Comparing
//! floats would call 23.976 and 24000/1001 different, so everything is reduced to a fraction.
//! Two fractions name the same rate when they agree within [`SAME_RATE_TOLERANCE`]: Apple
//! QuickTime stores 23.976 as 2997/125 and 29.97 as 2997/100.

use std::cmp::Ordering;
use std::fmt;

/// Relative difference under which two rates are one rate. Wide enough for a timescale-rounded
/// 2997/125 (1e-6 from 24000/1001), narrow enough that 23.976 is never 24 (1e-3 apart).
pub const SAME_RATE_TOLERANCE: f64 = 1e-4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rational {
    num: i64,
    den: i64,
}

impl Rational {
    /// A reduced fraction with a positive denominator; `None` for a zero denominator (ffprobe's
    /// "0/0" = unknown) or one whose reduced form does not fit (`-9223372036854775808/-1`).
    pub fn new(num: i64, den: i64) -> Option<Self> {
        if den == 0 {
            return None;
        }
        // i128: the gcd of two `i64::MIN`s and the sign flip of `i64::MIN` do not fit an i64.
        let g = i128::from(gcd(num.unsigned_abs(), den.unsigned_abs()).max(1));
        let sign = if den < 0 { -1 } else { 1 };
        Some(Rational {
            num: i64::try_from(sign * i128::from(num) / g).ok()?,
            den: i64::try_from(sign * i128::from(den) / g).ok()?,
        })
    }

    /// A whole number of frames per second.
    pub const fn whole(frames: u32) -> Self {
        Rational {
            num: frames as i64,
            den: 1,
        }
    }

    pub fn num(self) -> i64 {
        self.num
    }

    pub fn den(self) -> i64 {
        self.den
    }

    pub fn as_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// Parses ffprobe's "N/D" (or a bare integer). "0/0" and zero rates are `None`.
    pub fn parse_ffprobe(text: &str) -> Option<Self> {
        let text = text.trim();
        let r = match text.split_once('/') {
            Some((n, d)) => Rational::new(n.trim().parse().ok()?, d.trim().parse().ok()?)?,
            None => Rational::new(text.parse().ok()?, 1)?,
        };
        (r.num > 0).then_some(r)
    }

    /// Parses a frame rate as people write it: `25`, `25.000`, `24000/1001`, `23.976`, `29.97`.
    /// A decimal within rounding of N×1000/1001 is the NTSC rate N×1000/1001 exactly.
    pub fn parse_frame_rate(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let bad = || {
            format!("invalid frame rate {text:?}, expected e.g. 25, 23.976, 29.97 or 24000/1001")
        };
        if text.contains('/') {
            return Rational::parse_ffprobe(text).ok_or_else(bad);
        }
        let value: f64 = text.parse().map_err(|_| bad())?;
        if !value.is_finite() || value <= 0.0 || value > 1000.0 {
            return Err(bad());
        }
        if value.fract() == 0.0 {
            return Ok(Rational::new(value as i64, 1).expect("den 1"));
        }
        let decimals = text.split_once('.').map_or(0, |(_, f)| f.len()).min(6) as u32;
        // "23.98" and "23.976" both name 24000/1001: accept whatever rounds to the written digits.
        let tolerance = (0.5 / 10f64.powi(decimals as i32)).max(0.0015);
        let ntsc_base = (value * 1.001).round();
        let ntsc = Rational::new(ntsc_base as i64 * 1000, 1001).expect("den 1001");
        if ntsc_base > 0.0 && (ntsc.as_f64() - value).abs() <= tolerance {
            return Ok(ntsc);
        }
        // An exact decimal such as 12.5 that is not an NTSC rate: keep it as written.
        // A rate too small to survive the rounding (`0.0000001`) is no rate at all.
        let scale = 10i64.pow(decimals);
        Rational::new((value * scale as f64).round() as i64, scale)
            .filter(|r| r.num > 0)
            .ok_or_else(bad)
    }

    /// The integer frame count of one timecode second (23.976 → 24, 29.97 → 30).
    pub fn timecode_base(self) -> u32 {
        self.as_f64().round().max(1.0) as u32
    }

    /// True when this rate is `reference`, or within a relative [`SAME_RATE_TOLERANCE`] of it.
    pub fn is_same_rate_as(self, reference: Rational) -> bool {
        self == reference
            || ((self.as_f64() - reference.as_f64()) / reference.as_f64()).abs()
                <= SAME_RATE_TOLERANCE
    }

    /// True for the NTSC rates on which drop-frame timecode is defined (29.97, 59.94), in any
    /// of their spellings (30000/1001, Apple's 2997/100).
    pub fn allows_drop_frame(self) -> bool {
        [
            Rational {
                num: 30000,
                den: 1001,
            },
            Rational {
                num: 60000,
                den: 1001,
            },
        ]
        .into_iter()
        .any(|ntsc| self.is_same_rate_as(ntsc))
    }

    /// Both rates as [`Display`](fmt::Display) writes them, with more decimals on both sides
    /// when their usual names coincide (`1` against `1 (5001/5000)` becomes `1 (1/1)` against
    /// `1.0002 (5001/5000)`), so that two different rates never read alike.
    pub fn contrasted(a: Rational, b: Rational) -> (String, String) {
        if a == b || a.short_name(3) != b.short_name(3) {
            return (a.to_string(), b.to_string());
        }
        let decimals = (4..=9)
            .find(|&d| a.short_name(d) != b.short_name(d))
            .unwrap_or(9);
        let precise = |r: Rational| format!("{} ({}/{})", r.short_name(decimals), r.num, r.den);
        (precise(a), precise(b))
    }

    /// The rate in `decimals` decimals without trailing zeros: `23.976`, `25`.
    pub fn short_name(self, decimals: usize) -> String {
        let decimal = format!("{:.decimals$}", self.as_f64());
        decimal
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_owned()
    }
}

impl fmt::Display for Rational {
    /// `25`, or `23.976 (24000/1001)` so the operator sees both the usual name and the exact value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == 1 {
            write!(f, "{}", self.num)
        } else {
            write!(f, "{} ({}/{})", self.short_name(3), self.num, self.den)
        }
    }
}

impl PartialOrd for Rational {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rational {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.num as i128 * other.den as i128).cmp(&(other.num as i128 * self.den as i128))
    }
}

impl serde::Serialize for Rational {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{}/{}", self.num, self.den))
    }
}

impl<'de> serde::Deserialize<'de> for Rational {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Rational::parse_ffprobe(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("invalid rational {text:?}")))
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(n: i64, d: i64) -> Rational {
        Rational::new(n, d).unwrap()
    }

    #[test]
    fn spec_spellings_reduce_to_exact_rates() {
        assert_eq!(
            Rational::parse_frame_rate("23.976").unwrap(),
            r(24000, 1001)
        );
        assert_eq!(Rational::parse_frame_rate("23.98").unwrap(), r(24000, 1001));
        assert_eq!(Rational::parse_frame_rate("29.97").unwrap(), r(30000, 1001));
        assert_eq!(Rational::parse_frame_rate("59.94").unwrap(), r(60000, 1001));
        assert_eq!(
            Rational::parse_frame_rate("24000/1001").unwrap(),
            r(24000, 1001)
        );
        assert_eq!(Rational::parse_frame_rate("25").unwrap(), r(25, 1));
        assert_eq!(Rational::parse_frame_rate("25.000").unwrap(), r(25, 1));
        assert_eq!(Rational::parse_frame_rate("50/2").unwrap(), r(25, 1));
        assert_eq!(Rational::parse_frame_rate("12.5").unwrap(), r(25, 2));
    }

    #[test]
    fn ntsc_is_not_its_integer_neighbour() {
        assert_ne!(Rational::parse_frame_rate("23.976").unwrap(), r(24, 1));
        assert_ne!(Rational::parse_frame_rate("29.97").unwrap(), r(30, 1));
    }

    #[test]
    fn nonsense_rates_are_rejected() {
        for bad in [
            "",
            "fast",
            "0",
            "-25",
            "25/0",
            "nan",
            "inf",
            "0.0000001",
            "1e-300",
        ] {
            assert!(Rational::parse_frame_rate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn extreme_fractions_reduce_or_are_refused_without_overflow() {
        assert_eq!(Rational::new(i64::MIN, i64::MIN), Some(r(1, 1)));
        assert_eq!(Rational::new(i64::MIN, -1), None);
        assert_eq!(Rational::new(1, i64::MIN), None);
        assert_eq!(Rational::new(i64::MAX, -1), Some(r(-i64::MAX, 1)));
        assert_eq!(Rational::parse_ffprobe("-9223372036854775808/-1"), None);
    }

    #[test]
    fn ffprobe_unknown_rate_is_none() {
        assert_eq!(Rational::parse_ffprobe("0/0"), None);
        assert_eq!(Rational::parse_ffprobe("N/A"), None);
        assert_eq!(Rational::parse_ffprobe("30000/1001"), Some(r(30000, 1001)));
    }

    #[test]
    fn display_shows_decimal_and_fraction() {
        assert_eq!(r(24000, 1001).to_string(), "23.976 (24000/1001)");
        assert_eq!(r(30000, 1001).to_string(), "29.97 (30000/1001)");
        assert_eq!(r(25, 1).to_string(), "25");
    }

    #[test]
    fn apple_timescale_rates_are_the_ntsc_rates() {
        assert!(r(2997, 125).is_same_rate_as(r(24000, 1001)));
        assert!(r(2997, 100).is_same_rate_as(r(30000, 1001)));
        assert!(!r(24, 1).is_same_rate_as(r(24000, 1001)));
        assert!(!r(24000, 1001).is_same_rate_as(r(24, 1)));
        assert!(!r(30, 1).is_same_rate_as(r(2997, 100)));
    }

    #[test]
    fn contrasted_rates_never_read_alike() {
        assert_eq!(
            Rational::contrasted(r(24000, 1001), r(25, 1)),
            ("23.976 (24000/1001)".into(), "25".into())
        );
        assert_eq!(
            Rational::contrasted(r(1, 1), r(5001, 5000)),
            ("1 (1/1)".into(), "1.0002 (5001/5000)".into())
        );
    }

    #[test]
    fn drop_frame_only_at_ntsc_30_and_60() {
        assert!(r(2997, 100).allows_drop_frame());
        assert!(r(30000, 1001).allows_drop_frame());
        assert!(r(60000, 1001).allows_drop_frame());
        assert!(!r(24000, 1001).allows_drop_frame());
        assert!(!r(25, 1).allows_drop_frame());
    }
}
