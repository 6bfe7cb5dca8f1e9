//! Production sound rolls: what a Broadcast WAV's `bext` and `iXML` chunks say about the take
//! (scene, take, roll, note, circled, rates, track names) and where it sits on the day's
//! timecode. [`riff`] reads the RIFF/RF64/BW64 structure (`fmt `, `bext`, where `data` is)
//! tolerantly and hands back iXML as bytes, which [`ixml`] parses.

pub mod ixml;
pub mod riff;

use crate::check::{Finding, Severity, ids};
use crate::probe::RecorderRate;
use crate::rational::Rational;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::Duration;

/// One production sound file's take metadata (`files[].sound_roll` in the report).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SoundRoll {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scene: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub take: Option<String>,
    /// The sound roll (iXML `TAPE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roll: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub circled: Option<bool>,
    /// The picture rate the take was recorded for (iXML `MASTER_SPEED`), as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_rate: Option<String>,
    /// The rate the recorder's timecode counted at (iXML `TIMECODE_RATE`), as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timecode_rate: Option<String>,
    /// `DF` or `NDF` (iXML `TIMECODE_FLAG`), as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timecode_flag: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub track_names: Vec<String>,
    pub sample_rate: u32,
    /// The rate the recorder's converters ran at (iXML `DIGITIZER_SAMPLE_RATE`), when it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_sample_rate: Option<u32>,
    pub channels: u16,
    /// `bext` TimeReference: samples since midnight of the first sample.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_reference: Option<u64>,
    /// Sample frames in the `data` chunk.
    pub length_samples: u64,
}

impl SoundRoll {
    /// `sc 12A tk 3 roll SR042 (circled)`, leaving out what the recorder did not write.
    pub fn slate(&self) -> String {
        let mut parts = Vec::new();
        if let Some(scene) = &self.scene {
            parts.push(format!("sc {scene}"));
        }
        if let Some(take) = &self.take {
            parts.push(format!("tk {take}"));
        }
        if let Some(roll) = &self.roll {
            parts.push(format!("roll {roll}"));
        }
        if self.circled == Some(true) {
            parts.push("(circled)".to_owned());
        }
        parts.join(" ")
    }

    /// The iXML timecode rate, when it is one.
    pub fn timecode_rate(&self) -> Option<Rational> {
        let text = self.timecode_rate.as_deref()?.trim();
        Rational::parse_ffprobe(text).or_else(|| Rational::parse_frame_rate(text).ok())
    }

    /// How the recorder counted its timecode, when its iXML says at what rate.
    pub fn recorder_rate(&self) -> Option<RecorderRate> {
        Some(RecorderRate {
            rate: self.timecode_rate()?,
            drop_frame: self
                .timecode_flag
                .as_deref()
                .is_some_and(|f| f.trim().eq_ignore_ascii_case("DF")),
        })
    }
}

/// Sample rates of 48 kHz pulled up or down by 0.1 % (film at 24 fps shown at 23.976, and back).
const PULLED_48K: [u32; 2] = [48048, 47952];

/// What reading a sound file gave: the roll, when the file could be read as a WAV, and the
/// findings about it (a corrupt iXML chunk, a pulled sample rate).
pub struct Reading {
    pub roll: Option<SoundRoll>,
    pub findings: Vec<Finding>,
    /// The `data` chunk's declared and present sizes, for a truncation check: a roll is read
    /// for what the file holds, and its length counts only the samples present.
    pub data: Option<riff::DataExtent>,
}

/// A WAVE file's header as read once per inspection ([`read_header`]): the roll, why its iXML
/// chunk could not be read when it could not, and the `data` chunk's extent; or why the file is
/// not readable as a Broadcast WAV. The timecode count, the take metadata and the truncation
/// check all come from it.
pub struct Header(Result<ReadHeader, String>);

struct ReadHeader {
    roll: SoundRoll,
    ixml_problem: Option<String>,
    data: riff::DataExtent,
    /// Bytes of one sample frame (`fmt ` block align).
    frame_bytes: u64,
}

impl Header {
    /// The `data` chunk's extent, the bytes of one sample frame and the sample rate, when the
    /// file reads as a WAVE: for the truncation check.
    pub fn data(&self) -> Option<(riff::DataExtent, u64, u32)> {
        let read = self.0.as_ref().ok()?;
        Some((read.data, read.frame_bytes, read.roll.sample_rate))
    }
}

/// Reads `path`'s header. A read that delivers nothing for `stall` (a stale mount) is given up.
pub fn read_header(path: &Path, stall: Duration) -> Header {
    Header(read_roll(path, stall))
}

/// The take metadata in `header`. `expected_rate` is the sample rate the spec asks of sound
/// (48 kHz when it names none): a pulled 48 kHz file is `sync.sound_rate`. Never fails: what
/// cannot be read is a finding on the file.
pub fn read(header: &Header, expected_rate: Option<u32>) -> Reading {
    let mut findings = Vec::new();
    let mut data = None;
    let roll = match &header.0 {
        Ok(read) => {
            data = Some(read.data);
            if let Some(problem) = &read.ixml_problem {
                findings.push(
                    Finding::fail(ids::SYNC_SOUND_RATE, "iXML", "readable iXML", "corrupt")
                        .with_severity(Severity::Warning)
                        .with_message(format!(
                            "iXML chunk unreadable ({problem}): scene, take and the recorder's \
                             timecode rate are unknown; its timecode counts at the spec's (else the \
                             pictures') rate"
                        )),
                );
            }
            Some(read.roll.clone())
        }
        Err(problem) => {
            findings.push(
                Finding::fail(
                    ids::SYNC_SOUND_ORPHAN,
                    "bext",
                    "a Broadcast WAV",
                    "unreadable",
                )
                .with_severity(Severity::Warning)
                .with_message(format!(
                    "cannot be placed on the timecode: not readable as a Broadcast WAV \
                         ({problem})"
                )),
            );
            None
        }
    };
    if expected_rate.unwrap_or(48000) == 48000
        && let Some(finding) = roll.as_ref().and_then(pulled_rate)
    {
        findings.push(finding);
    }
    Reading {
        roll,
        findings,
        data,
    }
}

/// `sync.sound_rate` for a file at 48048/47952 Hz, or one whose header says 48000 Hz while the
/// iXML says the converters ran at 48048/47952 (a recorder's "48048F" pull-down mode).
fn pulled_rate(roll: &SoundRoll) -> Option<Finding> {
    let (rate, how) = if PULLED_48K.contains(&roll.sample_rate) {
        (roll.sample_rate, "the file runs at")
    } else {
        let recorded = roll
            .recorded_sample_rate
            .filter(|r| PULLED_48K.contains(r) && roll.sample_rate == 48000)?;
        (
            recorded,
            "the file says 48000 Hz but its iXML says it was recorded at",
        )
    };
    let direction = if rate > 48000 { "up" } else { "down" };
    Some(
        Finding::fail(
            ids::SYNC_SOUND_RATE,
            "sample rate",
            "48000 Hz",
            format!("{rate} Hz"),
        )
        .with_message(format!(
            "{how} {rate} Hz where 48000 Hz is expected: pulled {direction} by 0.1 %, it \
                 drifts against picture shot at the speed it was not pulled for"
        )),
    )
}

/// The roll, why its iXML chunk could not be read when it could not, and the `data` chunk's
/// extent. A read that delivers nothing for `stall` is an error, not a hang.
fn read_roll(path: &Path, stall: Duration) -> Result<ReadHeader, String> {
    let wave = riff::open(path, stall).map_err(|e| e.to_string())?;
    let mut roll = SoundRoll {
        sample_rate: wave.format.sample_rate,
        channels: wave.format.channels,
        time_reference: wave.time_reference,
        length_samples: wave.frames(),
        ..SoundRoll::default()
    };
    let problem = match &wave.ixml {
        None => None,
        Some(Ok(bytes)) if bytes.is_empty() => None,
        Some(Ok(bytes)) => match ixml::parse(bytes) {
            Ok(ixml) => {
                roll.scene = ixml.scene;
                roll.take = ixml.take;
                roll.roll = ixml.tape;
                roll.note = ixml.note;
                roll.circled = ixml.circled;
                roll.frame_rate = ixml.frame_rate;
                roll.timecode_rate = ixml.timecode_rate;
                roll.timecode_flag = ixml.timecode_flag;
                roll.track_names = ixml.track_names;
                roll.recorded_sample_rate = ixml.digitizer_sample_rate;
                None
            }
            Err(problem) => Some(problem),
        },
        Some(Err(problem)) => Some(problem.clone()),
    };
    Ok(ReadHeader {
        roll,
        ixml_problem: problem,
        data: wave.data,
        frame_bytes: u64::from(wave.format.block_align.max(1)),
    })
}

/// How the recorder of a sound file counted its timecode (its iXML), when its header could be
/// read and says.
pub fn recorder_rate(header: &Header) -> Option<RecorderRate> {
    header.0.as_ref().ok()?.roll.recorder_rate()
}

/// Reads the take metadata of a file the spec's `double_system.sound` kind selected into its
/// report, with the findings about it, from the file's header (read by `header` when asked).
pub fn attach<'h>(
    spec: &crate::spec::Spec,
    header: impl FnOnce() -> &'h Header,
    report: &mut crate::report::FileReport,
) {
    let Some(rules) = &spec.double_system else {
        return;
    };
    if report.kind.as_deref() != Some(rules.sound.as_str()) {
        return;
    }
    let kind = spec.kinds.iter().flatten().find(|k| k.name == rules.sound);
    let expected_rate = kind
        .and_then(|k| k.audio.as_ref())
        .or(spec.audio.as_ref())
        .and_then(|a| a.sample_rate)
        .map(|r| r.0);
    let reading = read(header(), expected_rate);
    report.sound_roll = reading.roll;
    report
        .findings
        .extend(crate::check::apply_severity(spec, reading.findings));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roll(sample_rate: u32, recorded: Option<u32>) -> SoundRoll {
        SoundRoll {
            sample_rate,
            recorded_sample_rate: recorded,
            ..SoundRoll::default()
        }
    }

    #[test]
    fn pulled_48k_in_the_header_or_in_the_ixml_is_found() {
        let actual = |r: &SoundRoll| pulled_rate(r).map(|f| f.actual);
        assert_eq!(actual(&roll(48048, None)).as_deref(), Some("48048 Hz"));
        assert_eq!(actual(&roll(47952, None)).as_deref(), Some("47952 Hz"));
        assert_eq!(
            actual(&roll(48000, Some(48048))).as_deref(),
            Some("48048 Hz")
        );
        assert_eq!(actual(&roll(48000, Some(48000))), None);
        assert_eq!(actual(&roll(48000, None)), None);
        assert_eq!(actual(&roll(96000, None)), None);
    }
}
