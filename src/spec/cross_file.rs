//! Spec sections that judge files against each other rather than one at a time: production
//! sound against picture (`double_system`) and transcodes against camera originals (`conform`).
//! They name kinds of `kinds:`, so they are checked against that list when the spec loads.

use super::values::Pattern;
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};

/// Which kinds are picture and which production sound, and which picture needs no sound.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoubleSystemRules {
    /// Kind name of the picture clips that need sound.
    pub picture: String,
    /// Kind name of the production sound files (BWF).
    pub sound: String,
    /// File names of picture shot without sound (MOS).
    #[serde(default)]
    pub mos: Option<Pattern>,
}

/// Which kinds are camera originals and which their transcodes, and how they pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConformRules {
    pub originals: String,
    pub transcodes: String,
    /// The clip id of a file name, as the named group `clip`; absent: reel/tape name tags.
    #[serde(default)]
    pub pair: Option<ClipPattern>,
    /// Frames a transcode may differ in length from its original (default 0).
    #[serde(default)]
    pub max_length_delta_frames: u64,
}

/// A regular expression with a named group `clip`: the part of a file name that names the
/// clip, so files of one clip pair up whatever else their names carry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClipPattern(pub Pattern);

impl ClipPattern {
    /// The clip id `name` carries, when the pattern matches it.
    pub fn clip_of<'a>(&self, name: &'a str) -> Option<&'a str> {
        let captures = self.0.0.captures(name)?;
        captures.name("clip").map(|m| m.as_str())
    }
}

impl<'de> Deserialize<'de> for ClipPattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let pattern = Pattern::deserialize(d)?;
        if pattern.0.capture_names().flatten().any(|n| n == "clip") {
            Ok(ClipPattern(pattern))
        } else {
            Err(de::Error::custom(format!(
                "the regular expression {:?} has no named group `clip`, e.g. (?P<clip>...)",
                pattern.0.as_str()
            )))
        }
    }
}

/// A kind name the cross-file sections use that `kinds:` does not define: the keys it is
/// at, and the problem.
pub fn unknown_kind(spec: &super::Spec) -> Option<(Vec<&'static str>, String)> {
    let defined: Vec<&str> = spec
        .kinds
        .iter()
        .flatten()
        .map(|k| k.name.as_str())
        .collect();
    let mut used: Vec<([&'static str; 2], &str)> = Vec::new();
    if let Some(ds) = &spec.double_system {
        used.push((["double_system", "picture"], &ds.picture));
        used.push((["double_system", "sound"], &ds.sound));
    }
    if let Some(conform) = &spec.conform {
        used.push((["conform", "originals"], &conform.originals));
        used.push((["conform", "transcodes"], &conform.transcodes));
    }
    let (keys, name) = used.into_iter().find(|(_, name)| !defined.contains(name))?;
    let known = if defined.is_empty() {
        "the spec defines no kinds".to_owned()
    } else {
        format!("kinds are {}", defined.join(", "))
    };
    Some((
        keys.to_vec(),
        format!("no kind is named {name:?} ({known})"),
    ))
}
