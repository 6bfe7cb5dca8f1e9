//! Spec values that validate themselves while deserialising, so serde_yaml reports a bad value
//! with its key path and line like any type error. Every number has a physical range (see the
//! table of bounded types below): a threshold of +60 dB or a search of 10^15 s is a spec
//! mistake, reported at load, not a failure of every file later.

use crate::rational::Rational;
use crate::timecode::Timecode;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One string or a list of strings: `codec: prores` and `codec: [prores, dnxhd]` both work.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OneOrMany(pub Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            One(Scalar),
            Many(Vec<Scalar>),
        }
        let values = match Either::deserialize(d)
            .map_err(|_| de::Error::custom("expected a string or a list of strings"))?
        {
            Either::One(s) => vec![s.0],
            Either::Many(v) => v.into_iter().map(|s| s.0).collect(),
        };
        if values.is_empty() || values.iter().any(|v| v.trim().is_empty()) {
            return Err(de::Error::custom("expected at least one non-empty value"));
        }
        Ok(OneOrMany(values))
    }
}

impl OneOrMany {
    pub fn contains_ignore_case(&self, value: &str) -> bool {
        self.0.iter().any(|v| v.eq_ignore_ascii_case(value))
    }

    /// `prores` or `one of prores, dnxhd`.
    pub fn describe(&self) -> String {
        match self.0.as_slice() {
            [one] => one.clone(),
            many => format!("one of {}", many.join(", ")),
        }
    }
}

/// A scalar written bare or quoted (`profile: 4444` and `profile: "4444"` mean the same).
struct Scalar(String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// The values that make physical sense for one kind of number, and how an error names them.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    min: f64,
    /// `false` when `min` itself is excluded (a tolerance of 0 LU tolerates nothing).
    min_included: bool,
    max: f64,
    unit: &'static str,
}

impl Bounds {
    const fn from_to(min: f64, max: f64, unit: &'static str) -> Bounds {
        Bounds {
            min,
            min_included: true,
            max,
            unit,
        }
    }

    const fn above_up_to(min: f64, max: f64, unit: &'static str) -> Bounds {
        Bounds {
            min,
            min_included: false,
            max,
            unit,
        }
    }

    /// False for NaN and infinities too.
    fn contains(&self, value: f64) -> bool {
        let above_min = if self.min_included {
            value >= self.min
        } else {
            value > self.min
        };
        above_min && value <= self.max
    }

    /// The error for a value outside these bounds.
    fn rejects(&self, written: impl fmt::Display) -> String {
        format!("{written} is out of range, expected {self}")
    }
}

impl fmt::Display for Bounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.min_included {
            write!(f, "{} to {}", self.min, self.max)?;
        } else {
            write!(f, "more than {} and at most {}", self.min, self.max)?;
        }
        if !self.unit.is_empty() {
            write!(f, " {}", self.unit)?;
        }
        Ok(())
    }
}

/// One day, the bound on every time in a spec: longer than any take, within what ffmpeg's
/// detectors accept (silencedetect takes at most a day), and small enough that no arithmetic
/// on it overflows.
const DAY_S: f64 = 86_400.0;

/// Frames per second a spec may ask for.
const FRAME_RATES: Bounds = Bounds::from_to(1.0, 1000.0, "fps");

/// Frames per second a timecode can count: SMPTE ST 12 goes up to 120.
const TIMECODE_RATES: Bounds = Bounds::from_to(1.0, 120.0, "fps");

/// Declares a number type per kind of quantity, with its bounds; a value outside them fails
/// the spec with its key and line.
macro_rules! bounded_numbers {
    ($($(#[$doc:meta])* $name:ident: $bounds:expr;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Serialize)]
        pub struct $name(pub f64);

        impl $name {
            const BOUNDS: Bounds = $bounds;
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = AnyNumber::deserialize(d)?.0;
                if Self::BOUNDS.contains(value) {
                    Ok($name(value))
                } else {
                    Err(de::Error::custom(Self::BOUNDS.rejects(value)))
                }
            }
        }
    )*};
}

/// As [`bounded_numbers!`], for whole numbers.
macro_rules! bounded_counts {
    ($($(#[$doc:meta])* $name:ident: $bounds:expr;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
        pub struct $name(pub u32);

        impl $name {
            const BOUNDS: Bounds = $bounds;
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = Whole::deserialize(d)?.0;
                match u32::try_from(value) {
                    Ok(n) if Self::BOUNDS.contains(f64::from(n)) => Ok($name(n)),
                    _ => Err(de::Error::custom(Self::BOUNDS.rejects(value))),
                }
            }
        }
    )*};
}

// The table: every number in a spec has one of these types (or is a `Length`, bounded by
// `Seconds`, or a `FrameRate` or `TimecodeRate`, bounded by `FRAME_RATES` or `TIMECODE_RATES`),
// so no key goes without a range.
bounded_numbers! {
    /// Integrated loudness target: from BS.1770's absolute gate (-70) up to full scale.
    Lufs: Bounds::from_to(-70.0, 0.0, "LUFS");
    /// Highest true peak allowed; inter-sample peaks of loud masters measure above 0 dBTP.
    TruePeak: Bounds::from_to(-70.0, 20.0, "dBTP");
    /// ± around a loudness target; delivery specs use 0.5 to 2.
    LoudnessTolerance: Bounds::above_up_to(0.0, 20.0, "LU");
    /// Highest loudness range allowed; it cannot exceed the 70 LU the meter spans.
    LoudnessRange: Bounds::above_up_to(0.0, 70.0, "LU");
    /// A level threshold below full scale (silence, freeze noise); 32-bit audio ends near -193.
    Decibels: Bounds::from_to(-200.0, 0.0, "dB");
    /// A share of the legal range (luma threshold).
    Fraction: Bounds::from_to(0.0, 1.0, "");
    /// A span of time that may be zero (a zero limit fails any event at all).
    Seconds: Bounds::from_to(0.0, DAY_S, "s");
    /// A stretch of the file to search; an empty one would find nothing.
    SearchSeconds: Bounds::above_up_to(0.0, DAY_S, "s");
    /// A sync window.
    Milliseconds: Bounds::from_to(0.0, DAY_S * 1000.0, "ms");
    /// A share of a picture's area, or a tolerance in per cent.
    Percent: Bounds::from_to(0.0, 100.0, "%");
    /// A picture's aspect ratio: from a 1:10 strip to a 10:1 panorama.
    AspectRatio: Bounds::from_to(0.1, 10.0, "");
    /// ± around an aspect ratio.
    AspectTolerance: Bounds::from_to(0.0, 1.0, "");
    /// A correlation coefficient.
    Correlation: Bounds::from_to(-1.0, 1.0, "");
    /// A tone's frequency, within what 48 kHz sound carries.
    Frequency: Bounds::above_up_to(0.0, 24_000.0, "Hz");
    /// ± around a level.
    LevelTolerance: Bounds::above_up_to(0.0, 60.0, "dB");
}

bounded_counts! {
    /// Picture width or height; 16K is 15360 wide.
    Pixels: Bounds::from_to(1.0, 32_768.0, "pixels");
    /// Audio sample rate; 768 kHz is the highest PCM rate in use.
    SampleRate: Bounds::from_to(1.0, 768_000.0, "Hz");
    /// Channels of one audio stream; object-based masters carry up to 128.
    Channels: Bounds::from_to(1.0, 1024.0, "channels");
    /// Bits per sample (audio) or per component (video); 64-bit float is the widest.
    Bits: Bounds::from_to(1.0, 64.0, "bits");
    /// Track files of one kind in a clip; Media Composer sequences hold at most 64 audio tracks.
    Tracks: Bounds::from_to(0.0, 1024.0, "tracks");
    /// Flashes in one second: a picture changes at most at its frame rate.
    FlashesPerSecond: Bounds::from_to(0.0, 120.0, "flashes");
    /// A difference in frames; a day at 120 fps is the most any take can differ by.
    Frames: Bounds::from_to(0.0, DAY_S * 120.0, "frames");
}

/// Any number YAML can write, bounds not yet checked.
struct AnyNumber(f64);

impl<'de> Deserialize<'de> for AnyNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = AnyNumber;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<AnyNumber, E> {
                Ok(AnyNumber(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<AnyNumber, E> {
                Ok(AnyNumber(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<AnyNumber, E> {
                Ok(AnyNumber(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// Any whole number YAML can write, bounds not yet checked.
struct Whole(i128);

impl<'de> Deserialize<'de> for Whole {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Whole;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Whole, E> {
                Ok(Whole(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Whole, E> {
                Ok(Whole(v.into()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A frame rate: `25`, `25.000`, `23.976`, `"24000/1001"`, `29.97`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FrameRate(pub Rational);

impl<'de> Deserialize<'de> for FrameRate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        frame_rate_within(d, FRAME_RATES).map(FrameRate)
    }
}

/// The rate a sample-count timecode is counted at: a frame rate a timecode can have.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TimecodeRate(pub Rational);

impl<'de> Deserialize<'de> for TimecodeRate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        frame_rate_within(d, TIMECODE_RATES).map(TimecodeRate)
    }
}

fn frame_rate_within<'de, D: Deserializer<'de>>(
    d: D,
    bounds: Bounds,
) -> Result<Rational, D::Error> {
    let text = Scalar::deserialize(d)
        .map_err(|_| de::Error::custom("expected a frame rate such as 25, 23.976 or 24000/1001"))?
        .0;
    let rate = Rational::parse_frame_rate(&text).map_err(de::Error::custom)?;
    if bounds.contains(rate.as_f64()) {
        Ok(rate)
    } else {
        Err(de::Error::custom(bounds.rejects(text.trim())))
    }
}

/// `HH:MM:SS:FF` or drop-frame `HH:MM:SS;FF`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimecodeValue(pub Timecode);

impl Serialize for TimecodeValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for TimecodeValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Scalar::deserialize(d)
            .map_err(|_| de::Error::custom("expected a timecode HH:MM:SS:FF"))?
            .0;
        Timecode::parse(&text)
            .map(TimecodeValue)
            .map_err(de::Error::custom)
    }
}

/// A length written as timecode (`"00:00:01:00"`, read at the file's rate) or in seconds (`1.5`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Length {
    Timecode(Timecode),
    Seconds(f64),
}

impl Length {
    /// Seconds; timecode lengths are counted at `rate` (25 when the file has no video).
    pub fn seconds(&self, rate: Option<Rational>) -> f64 {
        match self {
            Length::Seconds(s) => *s,
            Length::Timecode(tc) => {
                tc.as_duration_seconds(rate.unwrap_or(Rational::new(25, 1).expect("25/1")))
            }
        }
    }
}

impl fmt::Display for Length {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Length::Timecode(tc) => write!(f, "{tc}"),
            Length::Seconds(s) => write!(f, "{s} s"),
        }
    }
}

impl Serialize for Length {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Length::Timecode(tc) => s.serialize_str(&tc.to_string()),
            Length::Seconds(v) => s.serialize_f64(*v),
        }
    }
}

impl<'de> Deserialize<'de> for Length {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Scalar::deserialize(d)
            .map_err(|_| de::Error::custom("expected a timecode HH:MM:SS:FF or seconds"))?
            .0;
        if text.contains(':') || text.contains(';') {
            return Timecode::parse(&text)
                .map(Length::Timecode)
                .map_err(de::Error::custom);
        }
        match text.parse::<f64>() {
            Ok(v) if Seconds::BOUNDS.contains(v) => Ok(Length::Seconds(v)),
            Ok(_) => Err(de::Error::custom(Seconds::BOUNDS.rejects(text.trim()))),
            Err(_) => Err(de::Error::custom(format!(
                "invalid length {text:?}, expected a timecode HH:MM:SS:FF or seconds"
            ))),
        }
    }
}

/// A regular expression, compiled when the spec loads.
#[derive(Debug, Clone)]
pub struct Pattern(pub regex::Regex);

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

impl Serialize for Pattern {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.as_str())
    }
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Scalar::deserialize(d)
            .map_err(|_| de::Error::custom("expected a regular expression"))?
            .0;
        regex::Regex::new(&text).map(Pattern).map_err(|e| {
            // regex errors are multi-line drawings; keep the last line, which says what is wrong.
            let detail = e.to_string();
            let last = detail.lines().last().unwrap_or("").trim().to_owned();
            de::Error::custom(format!("invalid regular expression {text:?}: {last}"))
        })
    }
}

/// A glob on file names (`*.mov`), matched case-insensitively.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Glob(pub String);

impl<'de> Deserialize<'de> for Glob {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Scalar::deserialize(d)
            .map_err(|_| de::Error::custom("expected a glob such as \"*.mov\""))?
            .0;
        globset::GlobBuilder::new(&text)
            .case_insensitive(true)
            .build()
            .map_err(|e| de::Error::custom(format!("invalid glob {text:?}: {}", e.kind())))?;
        Ok(Glob(text))
    }
}
