//! Checks on measurements (loudness, sync marker, content). A rule the spec sets whose
//! measurement is missing for a file yields an explicit "not measured" finding (severity info)
//! rather than a pass.

use super::file::MIN_COVERAGE;
use super::{At, Finding, NO_AUDIO_STREAM, ids, locate};
use crate::measurements::{Event, Loudness, Measurements};
use crate::probe::Probe;
use crate::spec::Spec;

pub fn loudness(spec: &Spec, probe: &Probe, m: &Measurements) -> Vec<Finding> {
    let Some(rules) = spec.audio.as_ref().and_then(|a| a.loudness.as_ref()) else {
        return Vec::new();
    };
    let mut asked = Vec::new();
    if let Some(target) = rules.integrated {
        let tolerance = rules.tolerance.map_or(0.5, |t| t.0);
        asked.push((
            ids::LOUDNESS_INTEGRATED,
            format!("{:.1} LUFS ±{tolerance:.1} LU", target.0),
        ));
    }
    if let Some(max) = rules.true_peak_max {
        asked.push((ids::LOUDNESS_TRUE_PEAK, format!("≤ {:.1} dBTP", max.0)));
    }
    if let Some(max) = rules.lra_max {
        asked.push((ids::LOUDNESS_LRA, format!("≤ {:.1} LU", max.0)));
    }
    if probe.audio.is_empty() {
        return asked
            .into_iter()
            .map(|(id, e)| {
                Finding::fail(id, "loudness", e, "no audio stream").with_message("no audio stream")
            })
            .collect();
    }
    if let Some(layout) = spec.audio.as_ref().and_then(|a| a.layout.as_ref()) {
        return super::layout::programme_loudness(rules, &asked, &layout.0, probe, m);
    }
    let measured = loudness_per_stream(probe, m);
    if measured.iter().all(Option::is_none) {
        return asked
            .into_iter()
            .map(|(id, e)| {
                Finding::not_measured(id, e, "loudness analysis did not run for this file")
            })
            .collect();
    }
    measured
        .iter()
        .enumerate()
        .flat_map(|(i, l)| {
            let stream = format!("stream {}", i + 1);
            let too_short = probe.audio[i]
                .duration_s
                .is_some_and(|s| s < super::loudness::GATING_BLOCK_S);
            let mut findings = match l {
                Some(l) => super::loudness::stream(rules, l, &stream, too_short),
                None => Vec::new(),
            };
            if l.is_some() {
                findings.extend(guessed_weights(&probe.audio[i], &stream));
            }
            findings
        })
        .collect()
}

/// An info finding when a stream of more than two channels has a layout that names no channel
/// positions: its BS.1770 weights (LFE left out, surrounds +1.5 dB) were guessed from the count,
/// and the figures are only as right as the guess.
fn guessed_weights(audio: &crate::probe::AudioStream, stream: &str) -> Option<Finding> {
    use crate::analyze::loudness::layout_is_known;
    let channels = audio.channels.filter(|&c| c > 2)?;
    let layout = audio.channel_layout.as_deref();
    if layout_is_known(layout, channels) {
        return None;
    }
    let shown = layout.unwrap_or("none");
    let guess = crate::analyze::loudness::layout_by_count(channels)
        .unwrap_or("unit weight on every channel");
    Some(
        Finding::fail(
            ids::LOUDNESS_INTEGRATED,
            "channel layout",
            "a layout naming each channel's position",
            format!("layout {shown}"),
        )
        .with_severity(super::Severity::Info)
        .with_message(format!(
            "loudness channel weights guessed: the layout ({shown}) names no position for \
             {stream}'s {channels} channels; weighted as {guess}"
        )),
    )
}

/// Each audio stream's figures: its own under `probe.audio[i]`, else (first stream only)
/// `measurements.loudness`.
fn loudness_per_stream<'a>(probe: &'a Probe, m: &'a Measurements) -> Vec<Option<&'a Loudness>> {
    probe
        .audio
        .iter()
        .enumerate()
        .map(|(i, a)| {
            a.loudness
                .as_ref()
                .or(m.loudness.as_ref().filter(|_| i == 0))
        })
        .collect()
}

pub fn sync_marker(spec: &Spec, probe: &Probe, m: &Measurements) -> Vec<Finding> {
    let Some(rules) = spec.sync.as_ref().and_then(|s| s.marker.as_ref()) else {
        return Vec::new();
    };
    let (early, late) = (rules.audio_early_ms.0, rules.audio_late_ms.0);
    let expected = format!("audio between {early} ms early and {late} ms late");
    if probe.video.is_none() || probe.audio.is_empty() {
        let missing = if probe.video.is_none() {
            "no video stream"
        } else {
            "no audio stream"
        };
        return vec![Finding::fail(
            ids::SYNC_MARKER,
            "sync marker",
            expected,
            missing,
        )];
    }
    let sync = m.sync.clone().unwrap_or_default();
    let mut markers = vec![(
        "sync marker",
        sync.marker_offset_ms,
        sync.marker_flash_s,
        sync.marker_problem,
    )];
    if rules.tail {
        markers.push((
            "tail sync marker",
            sync.tail_marker_offset_ms,
            sync.tail_marker_flash_s,
            sync.tail_marker_problem,
        ));
    }
    let mut findings = Vec::new();
    for (what, offset, flash_s, problem) in markers {
        let at = flash_s.map(|s| At {
            start: locate(probe, s),
            end: None,
        });
        match (offset, problem) {
            (Some(ms), _) if ms < -early || ms > late => findings.push(
                Finding::fail(
                    ids::SYNC_MARKER,
                    what,
                    expected.clone(),
                    describe_offset(ms),
                )
                .with_at(at),
            ),
            (Some(_), _) => {}
            (None, Some(problem)) => findings.push(
                Finding::fail(ids::SYNC_MARKER, what, expected.clone(), "no marker found")
                    .with_message(format!("{what} not found: {problem}"))
                    .with_at(at),
            ),
            (None, None) => findings.push(Finding::not_measured(
                ids::SYNC_MARKER,
                expected.clone(),
                "the sync marker was not searched for",
            )),
        }
    }
    findings
}

/// "52.1 ms late", "12.0 ms early", "0 ms".
fn describe_offset(ms: f64) -> String {
    if ms.abs() < 0.05 {
        "0 ms".to_owned()
    } else if ms > 0.0 {
        format!("{ms:.1} ms late")
    } else {
        format!("{:.1} ms early", -ms)
    }
}

pub(super) fn span(probe: &Probe, event: &Event) -> Option<At> {
    Some(At {
        start: locate(probe, event.start_s),
        end: Some(locate(probe, event.end_s)),
    })
}

/// One duration rule over a list of events: (id, name, max_s, events, counted span).
type EventRule<'a> = (&'a str, &'a str, f64, Option<&'a Vec<Event>>, (f64, f64));

/// At most this many findings per content check: a file that is black throughout its
/// scenes should not bury the report; the last finding says how many more there were.
pub(super) const MAX_EVENTS: usize = 50;

/// Why a content rule has no measurement on a file that has the streams it needs.
pub(super) const NOT_RUN: &str = "content analysis did not run for this file";

pub fn content(spec: &Spec, probe: &Probe, m: &Measurements) -> Vec<Finding> {
    let Some(rules) = spec.content.as_ref() else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    let measured = m.content.as_ref();
    let problem = measured.and_then(|c| c.problem.as_deref());
    let duration = probe.duration().unwrap_or(f64::INFINITY);
    let mut kinds: Vec<EventRule> = Vec::new();
    if let Some(b) = &rules.black {
        let head = b.ignore_head_s.map_or(0.0, |h| h.0);
        let tail = b.ignore_tail_s.map_or(0.0, |t| t.0);
        kinds.push((
            ids::CONTENT_BLACK,
            "black",
            b.max_s.0,
            measured.and_then(|c| c.black.as_ref()),
            (head, duration - tail),
        ));
    }
    if let Some(f) = &rules.freeze {
        let events = measured.and_then(|c| c.freeze.as_ref());
        kinds.push((
            ids::CONTENT_FREEZE,
            "freeze",
            f.max_s.0,
            events,
            (0.0, f64::INFINITY),
        ));
    }
    if let Some(s) = &rules.silence {
        let events = measured.and_then(|c| c.silence.as_ref());
        kinds.push((
            ids::CONTENT_SILENCE,
            "silence",
            s.max_s.0,
            events,
            (0.0, f64::INFINITY),
        ));
    }
    let no_audio = probe.audio.is_empty();
    let short = short_coverage(m);
    for (id, what, max_s, events, (from, to)) in kinds {
        let expected = format!("no {what} longer than {max_s} s");
        if !m.undecodable.is_empty() {
            findings.push(cannot_decode(id, what, expected, &m.undecodable));
            continue;
        }
        if let Some(problem) = problem {
            findings.push(could_not_analyse(id, what, expected, problem));
            continue;
        }
        if no_audio && id == ids::CONTENT_SILENCE {
            findings.push(no_audio_stream(id, what, expected));
            continue;
        }
        if let Some(share) = short {
            findings.push(partly_analysed(id, what, expected.clone(), share, probe));
        }
        let Some(events) = events else {
            findings.push(Finding::not_measured(id, expected, NOT_RUN));
            continue;
        };
        // Only the part of an event outside the ignored head/tail counts.
        let long: Vec<Event> = events
            .iter()
            .map(|e| Event {
                start_s: e.start_s.max(from),
                end_s: e.end_s.min(to),
            })
            .filter(|e| e.duration_s() > max_s + 1e-6)
            .collect();
        for (n, event) in long.iter().enumerate().take(MAX_EVENTS) {
            let actual = format!("{what} for {:.2} s", event.duration_s());
            let mut finding =
                Finding::fail(id, what, expected.clone(), actual).with_at(span(probe, event));
            if n + 1 == MAX_EVENTS && long.len() > MAX_EVENTS {
                finding.message += &format!(" (and {} more)", long.len() - MAX_EVENTS);
            }
            findings.push(finding);
        }
    }
    if let Some(c) = &rules.clipping {
        findings.extend(clipping(c.max_samples, probe, m));
    }
    findings
}

/// A rule that needs a decode of streams ffmpeg has no decoder for: a warning that says so,
/// never a verdict on the essence (which may be perfectly sound).
pub fn cannot_decode(id: &str, what: &str, expected: String, streams: &[String]) -> Finding {
    Finding::fail(id, what, expected, "cannot decode this codec")
        .with_severity(super::Severity::Warning)
        .with_message(format!(
            "{what} not analysed: cannot decode this codec: the installed ffmpeg has no decoder \
             for {}",
            streams.join(", ")
        ))
}

/// `content.clipping`: one finding per clipped stretch, so the operator can jump to each.
fn clipping(max_samples: u64, probe: &Probe, m: &Measurements) -> Vec<Finding> {
    let id = ids::CONTENT_CLIPPING;
    let expected = format!("at most {max_samples} clipped samples");
    let measured = m.content.as_ref();
    let problem = measured.and_then(|c| c.problem.as_deref());
    let mut findings = Vec::new();
    if let (None, Some(share), false) = (problem, short_coverage(m), probe.audio.is_empty()) {
        findings.push(partly_analysed(
            id,
            "clipping",
            expected.clone(),
            share,
            probe,
        ));
    }
    if !m.undecodable.is_empty() {
        findings.push(cannot_decode(id, "clipping", expected, &m.undecodable));
        return findings;
    }
    match (problem, measured.and_then(|m| m.clipped_samples)) {
        (Some(problem), _) => findings.push(could_not_analyse(id, "clipping", expected, problem)),
        (None, None) if probe.audio.is_empty() => {
            findings.push(no_audio_stream(id, "clipping", expected))
        }
        (None, None) => findings.push(Finding::not_measured(id, expected, NOT_RUN)),
        (None, Some(total)) if total > max_samples => {
            let runs = measured
                .and_then(|m| m.clipping.as_deref())
                .unwrap_or_default();
            let actual = format!("{total} clipped samples");
            let base = Finding::fail(id, "clipped audio", expected, actual);
            if runs.is_empty() {
                findings.push(base.clone());
            }
            for run in runs.iter().take(MAX_EVENTS) {
                findings.push(base.clone().with_at(span(probe, run)).with_message(format!(
                    "clipped audio: {total} samples at full scale in {} stretch(es), this one {:.3} s",
                    runs.len(),
                    run.duration_s()
                )));
            }
        }
        (None, Some(_)) => {}
    }
    findings
}

/// The share of the declared length the decode reached, when it fell short.
pub(super) fn short_coverage(m: &Measurements) -> Option<f64> {
    m.coverage.filter(|c| *c < MIN_COVERAGE)
}

fn no_audio_stream(id: &str, what: &str, expected: String) -> Finding {
    Finding::fail(id, what, expected, NO_AUDIO_STREAM).with_message(NO_AUDIO_STREAM)
}

/// The decode reached only `share` of the declared length: the events found are real, but the
/// rest of the file was never looked at, so the check cannot pass.
pub(super) fn partly_analysed(
    id: &str,
    what: &str,
    expected: String,
    share: f64,
    probe: &Probe,
) -> Finding {
    let declared = probe.duration().unwrap_or(0.0);
    let actual = format!("{:.1} % analysed", share * 100.0);
    Finding::fail(id, what, expected, &actual).with_message(format!(
        "{what} only partly analysed: the decode reached {:.2} s of {declared:.2} s ({actual})",
        share * declared
    ))
}

pub(super) fn could_not_analyse(id: &str, what: &str, expected: String, problem: &str) -> Finding {
    Finding::fail(id, what, expected, "not analysed")
        .with_message(format!("{what} not analysed: {problem}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Severity;
    use crate::check::test_support::*;

    #[test]
    fn unmeasured_loudness_says_so() {
        let spec = spec("name: t\naudio: {loudness: {integrated: -23, true_peak_max: -1}}\n");
        let findings = loudness(&spec, &probe(), &Measurements::default());
        assert_eq!(
            ids(&findings),
            vec!["audio.loudness.integrated", "audio.loudness.true_peak"]
        );
        assert!(
            findings
                .iter()
                .all(|f| f.severity == Severity::Info && f.is_not_measured())
        );
        assert_eq!(findings[0].expected, "-23.0 LUFS ±0.5 LU");
    }

    fn measured(l: Loudness) -> Measurements {
        Measurements {
            loudness: Some(l),
            sync: None,
            ..Default::default()
        }
    }

    fn with_marker(offset: Option<f64>, problem: Option<&str>) -> Measurements {
        Measurements {
            sync: Some(crate::measurements::AvSync {
                marker_offset_ms: offset,
                marker_flash_s: offset.map(|_| 2.0),
                marker_problem: problem.map(str::to_owned),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn loudness_out_of_tolerance_fails_with_both_figures() {
        let spec =
            spec("name: t\naudio: {loudness: {integrated: -23, true_peak_max: -1, lra_max: 20}}\n");
        let m = measured(Loudness {
            integrated_lufs: Some(-14.23),
            true_peak_dbtp: Some(-0.4),
            true_peak_at: Some("10:00:01:02".into()),
            lra_lu: Some(3.0),
            ..Default::default()
        });
        let findings = loudness(&spec, &probe(), &m);
        assert_eq!(
            ids(&findings),
            vec!["audio.loudness.integrated", "audio.loudness.true_peak"]
        );
        assert_eq!(
            findings[0].message,
            "integrated loudness: expected -23.0 LUFS ±0.5 LU, got -14.2 LUFS (stream 1)"
        );
        assert_eq!(
            findings[1].at.as_ref().map(|a| a.start.as_str()),
            Some("10:00:01:02")
        );
    }

    #[test]
    fn within_tolerance_passes_and_silence_fails() {
        let spec = spec("name: t\naudio: {loudness: {integrated: -23, tolerance: 0.5}}\n");
        let ok = measured(Loudness {
            integrated_lufs: Some(-22.5),
            ..Default::default()
        });
        assert!(loudness(&spec, &probe(), &ok).is_empty());
        let silent = measured(Loudness {
            true_peak_dbtp: None,
            ..Default::default()
        });
        let findings = loudness(&spec, &probe(), &silent);
        assert_eq!(findings.len(), 1);
        assert!(
            findings[0].message.contains("silence"),
            "{}",
            findings[0].message
        );
        assert_eq!(findings[0].severity, Severity::Error);
    }

    #[test]
    fn weights_guessed_from_the_channel_count_are_said() {
        let spec = spec("name: t\naudio: {loudness: {integrated: -23, tolerance: 5}}\n");
        let mut p = probe();
        p.audio[0].channels = Some(6);
        p.audio[0].channel_layout = Some("unknown".into());
        let m = measured(Loudness {
            integrated_lufs: Some(-23.0),
            ..Default::default()
        });
        let findings = loudness(&spec, &p, &m);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].severity, Severity::Info);
        assert!(
            findings[0].message.contains("weighted as 5.1"),
            "{}",
            findings[0].message
        );
        p.audio[0].channel_layout = Some("5.1(side)".into());
        assert!(loudness(&spec, &p, &m).is_empty());
    }

    #[test]
    fn signal_without_a_gated_block_is_not_called_silence() {
        let spec = spec("name: t\naudio: {loudness: {integrated: -23}}\n");
        let m = measured(Loudness {
            sample_peak_dbfs: Some(-18.6),
            true_peak_dbtp: Some(-18.5),
            ..Default::default()
        });
        let findings = loudness(&spec, &probe(), &m);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].actual, "not measurable");
        assert_eq!(findings[0].severity, Severity::Error);
        assert!(
            findings[0].message.contains("sample peak -18.6 dBFS"),
            "{}",
            findings[0].message
        );
        assert!(
            !findings[0].message.contains("silence"),
            "{}",
            findings[0].message
        );
    }

    #[test]
    fn audio_shorter_than_a_gating_block_is_too_short_not_silent() {
        let spec = spec("name: t\naudio: {loudness: {integrated: -23}}\n");
        let mut short = probe();
        short.audio[0].duration_s = Some(0.25);
        let m = measured(Loudness {
            true_peak_dbtp: Some(-5.8),
            sample_peak_dbfs: Some(-6.02),
            ..Default::default()
        });
        let findings = loudness(&spec, &short, &m);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::Info);
        assert_eq!(
            findings[0].message,
            "integrated loudness: too short for integrated loudness (under one 400 ms gating \
             block); sample peak -6.0 dBFS (stream 1)"
        );
    }

    #[test]
    fn partial_measurement_fails_where_decoding_broke() {
        let spec = spec("name: t\naudio: {loudness: {integrated: -23}}\n");
        let m = measured(Loudness {
            integrated_lufs: Some(-23.0),
            partial: Some("10:00:00:12".into()),
            partial_reason: Some("read error".into()),
            ..Default::default()
        });
        let findings = loudness(&spec, &probe(), &m);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].at.as_ref().map(|a| a.start.as_str()),
            Some("10:00:00:12")
        );
        assert!(findings[0].actual.contains("partial"));
    }

    #[test]
    fn marker_window_is_asymmetric() {
        let spec = spec("name: t\nsync: {marker: {audio_early_ms: 40, audio_late_ms: 60}}\n");
        let p = probe();
        assert!(sync_marker(&spec, &p, &with_marker(Some(55.0), None)).is_empty());
        assert!(sync_marker(&spec, &p, &with_marker(Some(-39.0), None)).is_empty());
        let late = sync_marker(&spec, &p, &with_marker(Some(61.0), None));
        assert_eq!(late[0].actual, "61.0 ms late");
        assert_eq!(late[0].at.as_ref().unwrap().start, "10:00:02:00");
        let early = sync_marker(&spec, &p, &with_marker(Some(-45.0), None));
        assert_eq!(early[0].actual, "45.0 ms early");
        assert_eq!(early[0].severity, Severity::Error);
    }

    #[test]
    fn missing_marker_fails_and_unsearched_is_info() {
        let spec =
            spec("name: t\nsync: {marker: {audio_early_ms: 40, audio_late_ms: 60, tail: true}}\n");
        let p = probe();
        let f = sync_marker(&spec, &p, &with_marker(None, Some("no flash and no beep")));
        assert_eq!(f[0].actual, "no marker found");
        assert_eq!(f[0].severity, Severity::Error);
        // The tail was not searched in this measurement: said so, not passed.
        assert!(f[1].is_not_measured());
    }
}
