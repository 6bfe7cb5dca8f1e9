//! The spec's `clips:` section: how track files are grouped into clips (Avid OP-Atom keeps each
//! track of a clip in an MXF of its own) and what a whole clip must hold (`clip.tracks`,
//! `clip.sync`).

use super::values::{Frames, Pattern, Tracks};
use serde::de::{self, Deserializer, IntoDeserializer};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClipsRules {
    /// What ties the track files of a clip together.
    #[serde(default)]
    pub group: ClipGrouping,
    /// With `group: name`: the named group `clip` of this regex on the file name is the clip id.
    #[serde(default)]
    pub name: Option<Pattern>,
    /// How many video and audio track files a clip holds (`clip.tracks`).
    #[serde(default)]
    pub tracks: Option<TrackCounts>,
    /// How far the tracks' start timecodes may differ, in frames of the clip's video rate.
    #[serde(default)]
    pub max_start_delta_frames: Option<Frames>,
    /// How far the tracks' lengths may differ, in frames of the clip's video rate.
    #[serde(default)]
    pub max_length_delta_frames: Option<Frames>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClipGrouping {
    /// The MXF material package UMID every track file of an OP-Atom clip carries.
    #[default]
    MaterialPackage,
    /// The `clip` group of the `name` regex on the file name (Resolve's `_V1`/`_A1` exports).
    Name,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackCounts {
    #[serde(default)]
    pub video: Option<TrackCount>,
    #[serde(default)]
    pub audio: Option<TrackCount>,
}

/// A number of track files: exactly `2`, or a range `"2-8"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrackCount {
    pub min: u32,
    pub max: u32,
}

impl TrackCount {
    pub fn contains(&self, count: usize) -> bool {
        u32::try_from(count).is_ok_and(|n| (self.min..=self.max).contains(&n))
    }
}

impl fmt::Display for TrackCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.min == self.max {
            write!(f, "{}", self.min)
        } else {
            write!(f, "{}-{}", self.min, self.max)
        }
    }
}

impl Serialize for TrackCount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for TrackCount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Count(u64),
            Range(String),
        }
        let expected = "expected a number of tracks or a range such as \"2-8\"";
        let bounded = |n: u64| Tracks::deserialize(n.into_deserializer()).map(|t: Tracks| t.0);
        let number = |text: &str| {
            text.trim()
                .parse::<u64>()
                .map_err(|_| de::Error::custom(expected))
                .and_then(bounded)
        };
        let (min, max) = match Written::deserialize(d).map_err(|_| de::Error::custom(expected))? {
            Written::Count(n) => (bounded(n)?, bounded(n)?),
            Written::Range(text) => match text.split_once('-') {
                Some((min, max)) => (number(min)?, number(max)?),
                None => (number(&text)?, number(&text)?),
            },
        };
        if min > max {
            return Err(de::Error::custom(format!(
                "the range {min}-{max} is empty: {min} is more than {max}"
            )));
        }
        Ok(TrackCount { min, max })
    }
}

/// The name of the regex group that holds the clip id.
pub const CLIP_GROUP: &str = "clip";

/// The rules of `clips:` that involve more than one key: the key path of the problem, and the
/// problem.
pub(super) fn validate(rules: &ClipsRules) -> Result<(), (Vec<&'static str>, String)> {
    match (&rules.name, rules.group) {
        (None, ClipGrouping::Name) => Err((
            vec!["clips", "group"],
            "grouping by name needs a `name` regex with a group (?P<clip>…)".to_owned(),
        )),
        (Some(pattern), _) if !pattern.0.capture_names().any(|n| n == Some(CLIP_GROUP)) => Err((
            vec!["clips", "name"],
            format!(
                "the regex {:?} has no named group `clip` (write (?P<clip>…) around the clip id)",
                pattern.0.as_str()
            ),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(yaml: &str) -> Result<TrackCount, String> {
        serde_yaml::from_str(yaml).map_err(|e| e.to_string())
    }

    #[test]
    fn a_track_count_is_a_number_or_a_range() {
        assert_eq!(count("1"), Ok(TrackCount { min: 1, max: 1 }));
        assert_eq!(count("'2-8'"), Ok(TrackCount { min: 2, max: 8 }));
        assert_eq!(count("'4'"), Ok(TrackCount { min: 4, max: 4 }));
        assert!(count("'8-2'").is_err_and(|e| e.contains("is empty")));
        assert!(count("'two'").is_err());
        assert!(count("2000").is_err_and(|e| e.contains("out of range")));
        assert!(TrackCount { min: 2, max: 8 }.contains(8));
        assert!(!TrackCount { min: 2, max: 8 }.contains(1));
    }
}
