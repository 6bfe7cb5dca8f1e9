//! Loading a delivery spec: YAML → [`Spec`], with every error naming file, line and key.

mod clips;
pub mod cross_file;
mod layout;
mod locate;
mod model;
mod values;

pub use clips::{CLIP_GROUP, ClipGrouping, ClipsRules, TrackCount, TrackCounts};
pub use layout::{ChannelRef, Layout, MAX_PROGRAMME_CHANNELS, Programme, Role};
pub use model::*;
pub use values::{
    Bits, Channels, Decibels, Fraction, FrameRate, Frames, Glob, Length, LoudnessRange,
    LoudnessTolerance, Lufs, Milliseconds, OneOrMany, Pattern, Pixels, SampleRate, SearchSeconds,
    Seconds, TimecodeRate, TimecodeValue, Tracks, TruePeak,
};

use sha2::{Digest, Sha256};
use std::fmt;
use std::path::{Path, PathBuf};

/// A spec that could not be used, located as `file:line:column: key: problem`.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// Already prefixed with the key path where one applies (`video.width: …`).
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for SpecError {}

/// A spec together with where it came from, for the report.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    pub spec: Spec,
    pub path: PathBuf,
    pub sha256: String,
}

/// Reads and validates a spec file.
pub fn load(path: &Path) -> Result<LoadedSpec, SpecError> {
    let unusable = |message: String| SpecError {
        path: path.to_path_buf(),
        line: None,
        column: None,
        message,
    };
    // Opening a FIFO would wait for a writer forever; a device is no spec either.
    let metadata =
        std::fs::metadata(path).map_err(|e| unusable(format!("cannot read spec: {e}")))?;
    if let Some(why) = crate::scan::special_file_problem(&metadata.file_type()) {
        return Err(unusable(why));
    }
    let bytes = std::fs::read(path).map_err(|e| unusable(format!("cannot read spec: {e}")))?;
    // Editors on Windows save UTF-8 with a byte order mark; YAML allows one.
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    let text = std::str::from_utf8(body).map_err(|e| {
        let valid = String::from_utf8_lossy(&body[..e.valid_up_to()]);
        let (line, column) = locate::position_after(&valid);
        SpecError {
            line: Some(line),
            column: Some(column),
            ..unusable(format!("spec is not UTF-8 text: {e}"))
        }
    })?;
    let spec = parse(text, path)?;
    Ok(LoadedSpec {
        spec,
        path: path.to_path_buf(),
        sha256: hex(&Sha256::digest(&bytes)),
    })
}

/// Parses spec text; `path` only names the source in errors.
pub fn parse(text: &str, path: &Path) -> Result<Spec, SpecError> {
    // Two steps: YAML syntax first (serde_yaml knows the line), then the typed model through
    // serde_path_to_error, which knows the full key path even for errors raised inside our own
    // value types; the path is then located in the text.
    let value: serde_yaml::Value =
        serde_yaml::from_str(text).map_err(|e| yaml_error(&e, text, path))?;
    if value.is_null() {
        return Err(SpecError {
            path: path.to_path_buf(),
            line: Some(1),
            column: Some(1),
            message: "the spec is empty; it needs at least `name:`".to_owned(),
        });
    }
    let spec: Spec =
        serde_path_to_error::deserialize(value).map_err(|e| model_error(&e, text, path))?;
    validate(&spec, text, path)?;
    Ok(spec)
}

fn model_error(
    e: &serde_path_to_error::Error<serde_yaml::Error>,
    text: &str,
    path: &Path,
) -> SpecError {
    use serde_path_to_error::Segment;
    let mut keys: Vec<String> = e
        .path()
        .iter()
        .filter_map(|segment| match segment {
            Segment::Map { key } => Some(key.clone()),
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Enum { variant } => Some(variant.clone()),
            Segment::Unknown => None,
        })
        .collect();
    let message = without_locations(&e.inner().to_string());
    // An unknown key is reported at its parent; name the key itself.
    let unknown = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(key, _)| key.to_owned());
    if let Some(key) = &unknown
        && keys.last() != Some(key)
    {
        keys.push(key.clone());
    }
    let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    let position = if unknown.is_some() {
        locate::key_position(text, &key_refs)
    } else {
        locate::value_position(text, &key_refs)
    };
    let (line, column) = position.or(keys.is_empty().then_some((1, 1))).unzip();
    let message = if keys.is_empty() {
        message
    } else {
        format!("{}: {message}", key_path(&key_refs))
    };
    SpecError {
        path: path.to_path_buf(),
        line,
        column,
        message,
    }
}

fn yaml_error(e: &serde_yaml::Error, text: &str, path: &Path) -> SpecError {
    // serde_yaml writes " at line N column M" into the text; the location goes in front instead.
    let mut message = without_locations(&e.to_string());
    if message == "EOF while parsing a value" || message.is_empty() {
        message = "the spec is empty; it needs at least `name:`".to_owned();
    }
    // serde_yaml gives no location when it refuses a second document; point at where it starts.
    let (line, column) = e
        .location()
        .map(|l| (l.line(), l.column()))
        .or_else(|| locate::second_document(text))
        .unzip();
    SpecError {
        path: path.to_path_buf(),
        line,
        column,
        message,
    }
}

fn without_locations(message: &str) -> String {
    static LOCATION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r" at line \d+ column \d+").expect("valid regex")
    });
    LOCATION.replace_all(message, "").into_owned()
}

/// `kinds[1].match.has`: keys joined by dots, list indices in brackets.
fn key_path(keys: &[&str]) -> String {
    let mut text = String::new();
    for key in keys {
        if key.bytes().all(|b| b.is_ascii_digit()) && !text.is_empty() {
            text.push_str(&format!("[{key}]"));
        } else {
            if !text.is_empty() {
                text.push('.');
            }
            text.push_str(key);
        }
    }
    text
}

/// Rules that involve more than one key.
fn validate(spec: &Spec, text: &str, path: &Path) -> Result<(), SpecError> {
    let fail = |keys: &[&str], message: String| {
        let (line, column) = locate::key_position(text, keys).unzip();
        SpecError {
            path: path.to_path_buf(),
            line,
            column,
            message: format!("{}: {message}", key_path(keys)),
        }
    };
    if spec.name.trim().is_empty() {
        return Err(fail(&["name"], "must not be empty".to_owned()));
    }
    validate_rules(spec, &[]).map_err(|(keys, message)| fail(&keys, message))?;
    if let Some(clips) = &spec.clips {
        clips::validate(clips).map_err(|(keys, message)| fail(&keys, message))?;
    }
    if let Some((keys, message)) = cross_file::unknown_kind(spec) {
        return Err(fail(&keys, message));
    }
    for (i, kind) in spec.kinds.iter().flatten().enumerate() {
        let index = i.to_string();
        let name_key = ["kinds", index.as_str(), "name"];
        if kind.name.trim().is_empty() {
            return Err(fail(&name_key, "must not be empty".to_owned()));
        }
        if let Some(first) = spec
            .kinds
            .iter()
            .flatten()
            .position(|k| k.name == kind.name)
            && first < i
        {
            return Err(fail(
                &name_key,
                format!("{:?} is already the name of kinds[{first}]", kind.name),
            ));
        }
        if kind.integrity.as_ref().is_some_and(|i| i.mhl.is_some()) {
            return Err(fail(
                &["kinds", index.as_str(), "integrity", "mhl"],
                "an MHL history covers a folder, not a kind of file: set it at the top level"
                    .to_owned(),
            ));
        }
        // A kind's sections can break a rule only together with inherited ones (its timecode
        // start against the top-level frame rate), so the combination is what is checked.
        validate_rules(&spec.for_kind(kind), &["kinds", &index])
            .map_err(|(keys, message)| fail(&keys, message))?;
    }
    Ok(())
}

/// A broken cross-key rule: the keys it is reported at, and the problem.
type RuleProblem<'a> = (Vec<&'a str>, String);

/// The cross-key rules of one rule set; keys are reported under `prefix` (a kind's place).
fn validate_rules<'a>(spec: &Spec, prefix: &[&'a str]) -> Result<(), RuleProblem<'a>> {
    let fail = |keys: &[&'a str], message: String| Err(([prefix, keys].concat(), message));
    if let Some(video) = &spec.video {
        match (video.width, video.height) {
            (Some(_), None) => return fail(&["video", "width"], "width needs height too".into()),
            (None, Some(_)) => return fail(&["video", "height"], "height needs width too".into()),
            _ => {}
        }
    }
    if let Some(loudness) = spec.audio.as_ref().and_then(|a| a.loudness.as_ref()) {
        if loudness.tolerance.is_some() && loudness.integrated.is_none() {
            return fail(
                &["audio", "loudness", "tolerance"],
                "a tolerance needs an `integrated` target".into(),
            );
        }
        if loudness.integrated.is_none()
            && loudness.true_peak_max.is_none()
            && loudness.lra_max.is_none()
        {
            return fail(
                &["audio", "loudness"],
                "give at least one of integrated, true_peak_max, lra_max".into(),
            );
        }
    }
    if let Some(duration) = &spec.duration
        && let (Some(min), Some(max)) = (duration.min, duration.max)
        && min.seconds(None) > max.seconds(None)
    {
        return fail(
            &["duration", "min"],
            format!("min {min} is longer than max {max}"),
        );
    }
    if let Some(tc) = spec.timecode.as_ref().and_then(|t| t.start) {
        let rate = (spec.timecode.as_ref().and_then(|t| t.rate).map(|r| r.0))
            .or_else(|| spec.video.as_ref().and_then(|v| v.frame_rate).map(|r| r.0));
        if let Some(rate) = rate {
            if let Err(problem) = tc.0.validate_for_rate(rate) {
                return fail(&["timecode", "start"], problem);
            }
        } else if tc.0.drop_frame
            && tc.0.frames < 2
            && tc.0.seconds == 0
            && !tc.0.minutes.is_multiple_of(10)
        {
            return fail(
                &["timecode", "start"],
                format!("{} is a dropped frame number in drop-frame timecode", tc.0),
            );
        }
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
