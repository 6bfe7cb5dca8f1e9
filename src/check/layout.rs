//! `audio.layout`: the channels each programme names exist and carry sound; and, with a layout,
//! the loudness rules judged per programme instead of per stream.

use super::loudness::{GATING_BLOCK_S, stream as judge_loudness};
use super::{Finding, NO_AUDIO_STREAM, ids};
use crate::measurements::Measurements;
use crate::probe::Probe;
use crate::spec::{ChannelRef, LoudnessRules, Programme, Spec};

/// One finding per programme that names channels the file lacks, and one per programme channel
/// that holds only digital silence.
pub fn check(spec: &Spec, probe: &Probe, m: &Measurements) -> Vec<Finding> {
    let Some(layout) = spec.audio.as_ref().and_then(|a| a.layout.as_ref()) else {
        return Vec::new();
    };
    if probe.audio.is_empty() {
        return vec![
            Finding::fail(
                ids::AUDIO_LAYOUT,
                "audio layout",
                "audio streams",
                NO_AUDIO_STREAM,
            )
            .with_message(NO_AUDIO_STREAM),
        ];
    }
    let mut findings = Vec::new();
    for programme in &layout.0 {
        let expected = expected(programme);
        let missing: Vec<String> = programme
            .channels
            .iter()
            .filter_map(|c| lacks(probe, c))
            .collect();
        if !missing.is_empty() {
            let actual = missing.join("; ");
            findings.push(
                Finding::fail(ids::AUDIO_LAYOUT, "audio layout", expected, &actual).with_message(
                    format!("audio layout: programme {:?}: {actual}", programme.name),
                ),
            );
            continue;
        }
        let Some(scan) = m.layout.as_ref() else {
            findings.push(Finding::not_measured(
                ids::AUDIO_LAYOUT,
                expected,
                "the programmes were not decoded",
            ));
            continue;
        };
        if let Some(why) = scan.unread.get(&programme.name) {
            findings.push(Finding::not_measured(
                ids::AUDIO_LAYOUT,
                expected,
                &format!(
                    "programme {:?} could not be read to the end, so its silence is unknown: {why}",
                    programme.name
                ),
            ));
            continue;
        }
        for channel in &programme.channels {
            if scan.silent.contains(&channel.reference()) {
                let actual = format!("{channel} is digital silence");
                findings.push(
                    Finding::fail(ids::AUDIO_LAYOUT, "audio layout", &expected, &actual)
                        .with_message(format!(
                            "audio layout: programme {:?}: channel {channel} is digital silence \
                             (every sample is zero)",
                            programme.name
                        )),
                );
            }
        }
    }
    findings
}

/// "1:1 L, 2:1 R": what the programme asks for.
fn expected(programme: &Programme) -> String {
    let channels: Vec<String> = programme.channels.iter().map(|c| c.to_string()).collect();
    channels.join(", ")
}

/// Why the file does not have `channel`, if it does not.
fn lacks(probe: &Probe, channel: &ChannelRef) -> Option<String> {
    let streams = probe.audio.len();
    let Some(stream) = channel.audio_index().and_then(|i| probe.audio.get(i)) else {
        let plural = if streams == 1 { "" } else { "s" };
        return Some(format!(
            "{} missing: the file has {streams} audio stream{plural}",
            channel.reference()
        ));
    };
    match stream.channels {
        Some(n) if channel.channel <= n => None,
        Some(n) => Some(format!(
            "{} missing: stream {} has {n} channel{}",
            channel.reference(),
            channel.stream,
            if n == 1 { "" } else { "s" }
        )),
        None => Some(format!(
            "{} missing: stream {} has no known channel count",
            channel.reference(),
            channel.stream
        )),
    }
}

/// The loudness rules against each programme's figures. `asked` holds each rule the spec sets
/// with its expected value, for the findings of a programme that was not measured.
pub fn programme_loudness(
    rules: &LoudnessRules,
    asked: &[(&str, String)],
    programmes: &[Programme],
    probe: &Probe,
    m: &Measurements,
) -> Vec<Finding> {
    let measured = m.loudness.as_ref().map(|l| l.programmes.as_slice());
    let mut findings = Vec::new();
    for programme in programmes {
        let label = format!("programme {:?}", programme.name);
        let why = if programme.channels.iter().any(|c| lacks(probe, c).is_some()) {
            format!("{label} names channels the file lacks (see audio.layout)")
        } else if let Some(figures) = measured
            .unwrap_or_default()
            .iter()
            .find(|p| p.name == programme.name)
        {
            let too_short = shortest_s(probe, programme).is_some_and(|s| s < GATING_BLOCK_S);
            findings.extend(judge_loudness(rules, &figures.loudness, &label, too_short));
            continue;
        } else {
            "loudness analysis did not run for this file".to_owned()
        };
        findings.extend(
            asked
                .iter()
                .map(|(id, expected)| Finding::not_measured(id, expected, &why)),
        );
    }
    findings
}

/// The shortest of the streams a programme draws on, s.
fn shortest_s(probe: &Probe, programme: &Programme) -> Option<f64> {
    programme
        .channels
        .iter()
        .filter_map(|c| probe.audio.get(c.audio_index()?)?.duration_s)
        .reduce(f64::min)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::test_support::*;
    use crate::measurements::{LayoutScan, Loudness, ProgrammeLoudness};

    const LAYOUT: &str = "name: t\naudio:\n  layout:\n    - {name: stereo, channels: [\"1:1 L\", \"1:2 R\"]}\n    - {name: M&E, channels: [\"2:1 L\", \"1:3 R\"]}\n";

    #[test]
    fn a_missing_channel_names_its_programme_and_reference() {
        let findings = check(&spec(LAYOUT), &probe(), &Measurements::default());
        assert_eq!(ids(&findings), ["audio.layout", "audio.layout"]);
        assert!(findings[0].is_not_measured());
        assert_eq!(
            findings[1].message,
            "audio layout: programme \"M&E\": 2:1 missing: the file has 1 audio stream; \
             1:3 missing: stream 1 has 2 channels"
        );
    }

    #[test]
    fn a_silent_channel_is_a_finding() {
        let m = Measurements {
            layout: Some(LayoutScan {
                silent: vec!["1:2".to_owned()],
                ..LayoutScan::default()
            }),
            ..Measurements::default()
        };
        let findings = check(&spec(LAYOUT), &probe(), &m);
        assert_eq!(findings[0].actual, "1:2 R is digital silence");
        assert_eq!(findings[0].expected, "1:1 L, 1:2 R");
    }

    #[test]
    fn loudness_is_judged_per_programme() {
        let spec = spec(&format!("{LAYOUT}  loudness: {{integrated: -23}}\n"));
        let programme = ProgrammeLoudness {
            name: "stereo".to_owned(),
            loudness: Loudness {
                integrated_lufs: Some(-20.0),
                ..Loudness::default()
            },
        };
        let m = Measurements {
            loudness: Some(Loudness {
                programmes: vec![programme],
                ..Loudness::default()
            }),
            ..Measurements::default()
        };
        let findings = crate::check::run(
            &spec,
            &crate::check::Subject {
                file_name: "a.mov",
                probe: &probe(),
                measurements: &m,
            },
        );
        let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
        assert!(messages.contains(
            &"integrated loudness: expected -23.0 LUFS ±0.5 LU, got -20.0 LUFS (programme \"stereo\")"
        ), "{messages:#?}");
        assert!(
            messages.contains(
                &"not measured: programme \"M&E\" names channels the file lacks (see audio.layout)"
            ),
            "{messages:#?}"
        );
    }
}
