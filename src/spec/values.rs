//! Spec values that validate themselves while deserialising, so serde_yaml reports a bad value
//! with its key path and line like any type error.

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

/// A positive whole number (pixels, Hz, channels, bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Count(pub u32);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Count;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Count, E> {
                match u32::try_from(v) {
                    Ok(n) if n > 0 => Ok(Count(n)),
                    _ => Err(E::custom(format!(
                        "{v} is out of range, expected a positive integer"
                    ))),
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Count, E> {
                match u32::try_from(v) {
                    Ok(n) if n > 0 => Ok(Count(n)),
                    _ => Err(E::custom(format!(
                        "{v} is out of range, expected a positive integer"
                    ))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A number that must not be negative (tolerances, windows in ms, seconds).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NonNegative(pub f64);

impl<'de> Deserialize<'de> for NonNegative {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Number::deserialize(d)?.0;
        if v < 0.0 {
            return Err(de::Error::custom(format!(
                "{v} is negative, expected a number >= 0"
            )));
        }
        Ok(NonNegative(v))
    }
}

/// Any finite number (LUFS targets, dBTP limits).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Number(pub f64);

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number, E> {
                Ok(Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
                Ok(Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number, E> {
                if v.is_finite() {
                    Ok(Number(v))
                } else {
                    Err(E::custom("expected a finite number"))
                }
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
        let text = Scalar::deserialize(d)
            .map_err(|_| {
                de::Error::custom("expected a frame rate such as 25, 23.976 or 24000/1001")
            })?
            .0;
        Rational::parse_frame_rate(&text)
            .map(FrameRate)
            .map_err(de::Error::custom)
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
            Ok(v) if v.is_finite() && v >= 0.0 => Ok(Length::Seconds(v)),
            _ => Err(de::Error::custom(format!(
                "invalid length {text:?}, expected a timecode HH:MM:SS:FF or seconds >= 0"
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
