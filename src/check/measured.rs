//! Checks on measurements (loudness, sync marker, content). Until a measurement exists for a
//! file, each rule the spec sets yields an explicit "not measured" finding (severity info).

use super::{Finding, ids};
use crate::measurements::{Loudness, Measurements};
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
    let measured = loudness_per_stream(probe, m);
    if measured.iter().all(Option::is_none) {
        return asked
            .into_iter()
            .map(|(id, e)| {
                Finding::not_measured(
                    id,
                    e,
                    "loudness measurement is not available in this version",
                )
            })
            .collect();
    }
    measured
        .iter()
        .enumerate()
        .flat_map(|(i, l)| {
            let stream = format!("stream {}", i + 1);
            match l {
                Some(l) => loudness::stream(rules, l, &stream),
                None => Vec::new(),
            }
        })
        .collect()
}

/// Each audio stream's figures: its own under `probe.audio[i]`, else (first stream only)
/// `measurements.loudness`.
fn loudness_per_stream(probe: &Probe, m: &Measurements) -> Vec<Option<Loudness>> {
    probe
        .audio
        .iter()
        .enumerate()
        .map(|(i, a)| {
            a.loudness
                .as_ref()
                .and_then(|v| serde_json::from_value(v.clone()).ok())
                .or_else(|| if i == 0 { m.loudness.clone() } else { None })
        })
        .collect()
}

/// Loudness rules against one stream's figures. Messages name the stream (1-based) and give
/// expected vs measured to one decimal.
mod loudness {
    use super::{Finding, ids};
    use crate::check::At;
    use crate::measurements::Loudness;
    use crate::spec::LoudnessRules;

    const SILENT: &str = "silent (below the −70 LUFS absolute gate)";

    pub fn stream(rules: &LoudnessRules, l: &Loudness, stream: &str) -> Vec<Finding> {
        let nothing_measured = l.integrated_lufs.is_none()
            && l.true_peak_dbtp.is_none()
            && l.partial.is_none()
            && l.partial_reason.is_some();
        if nothing_measured {
            return failed(rules, l, stream);
        }
        let partial = l.partial.as_deref();
        let suffix = if partial.is_some() { ", partial" } else { "" };
        let mut findings = Vec::new();
        if let Some(target) = rules.integrated {
            let target = target.0;
            let tolerance = rules.tolerance.map_or(0.5, |t| t.0);
            let expected = format!("{target:.1} LUFS ±{tolerance:.1} LU");
            match (l.integrated_lufs, partial) {
                (_, Some(at)) => {
                    let got = l
                        .integrated_lufs
                        .map_or(SILENT.to_owned(), |i| format!("{i:.1} LUFS"));
                    let why = l.partial_reason.as_deref().unwrap_or("decoding stopped");
                    findings.push(
                        Finding::fail(
                            ids::LOUDNESS_INTEGRATED,
                            "integrated loudness",
                            expected,
                            format!("{got} up to {at} (partial)"),
                        )
                        .with_message(format!(
                            "integrated loudness: audio could not be decoded past {at} ({why}); \
                             {got} up to there ({stream})"
                        ))
                        .with_at(Some(at_tc(at))),
                    );
                }
                (None, None) => findings.push(
                    Finding::fail(ids::LOUDNESS_INTEGRATED, "integrated loudness", &expected, "silent")
                        .with_message(format!(
                            "integrated loudness: expected {expected}, got silence: the programme is {SILENT} ({stream})"
                        )),
                ),
                (Some(i), None) if (i - target).abs() > tolerance + 1e-9 => {
                    let actual = format!("{i:.1} LUFS");
                    findings.push(
                        Finding::fail(ids::LOUDNESS_INTEGRATED, "integrated loudness", &expected, &actual)
                            .with_message(format!(
                                "integrated loudness: expected {expected}, got {actual} ({stream})"
                            )),
                    );
                }
                _ => {}
            }
        }
        if let (Some(max), Some(tp)) = (rules.true_peak_max, l.true_peak_dbtp)
            && tp > max.0 + 1e-9
        {
            let expected = format!("≤ {:.1} dBTP", max.0);
            let actual = format!("{tp:.1} dBTP{suffix}");
            let at = l.true_peak_at.as_deref().map(at_tc);
            let place = l
                .true_peak_at
                .as_deref()
                .map_or(String::new(), |t| format!(" at {t}"));
            findings.push(
                Finding::fail(ids::LOUDNESS_TRUE_PEAK, "true peak", &expected, &actual)
                    .with_message(format!(
                        "true peak: expected {expected}, got {actual}{place} ({stream})"
                    ))
                    .with_at(at),
            );
        }
        if let (Some(max), Some(lra)) = (rules.lra_max, l.lra_lu)
            && lra > max.0 + 1e-9
        {
            let expected = format!("≤ {:.1} LU", max.0);
            let actual = format!("{lra:.1} LU{suffix}");
            findings.push(
                Finding::fail(ids::LOUDNESS_LRA, "loudness range", &expected, &actual)
                    .with_message(format!(
                        "loudness range: expected {expected}, got {actual} ({stream})"
                    )),
            );
        }
        findings
    }

    /// The stream could not be measured at all: every asked rule fails with the reason.
    fn failed(rules: &LoudnessRules, l: &Loudness, stream: &str) -> Vec<Finding> {
        let why = l.partial_reason.as_deref().unwrap_or("unknown error");
        let mut asked = Vec::new();
        if rules.integrated.is_some() {
            asked.push(ids::LOUDNESS_INTEGRATED);
        }
        if rules.true_peak_max.is_some() {
            asked.push(ids::LOUDNESS_TRUE_PEAK);
        }
        if rules.lra_max.is_some() {
            asked.push(ids::LOUDNESS_LRA);
        }
        asked
            .into_iter()
            .map(|id| {
                Finding::fail(
                    id,
                    "loudness",
                    "a measurable audio stream",
                    "measurement failed",
                )
                .with_message(format!("loudness could not be measured ({stream}): {why}"))
            })
            .collect()
    }

    fn at_tc(tc: &str) -> At {
        At {
            start: tc.to_owned(),
            end: None,
        }
    }
}

pub fn sync_marker(spec: &Spec, m: &Measurements) -> Option<Finding> {
    let rules = spec.sync.as_ref()?.marker.as_ref()?;
    let measured = m.sync.as_ref().and_then(|s| s.marker_offset_ms);
    measured.is_none().then(|| {
        Finding::not_measured(
            ids::SYNC_MARKER,
            format!(
                "audio between {} ms early and {} ms late",
                rules.audio_early_ms.0, rules.audio_late_ms.0
            ),
            "sync marker detection is not available in this version",
        )
    })
}

pub fn content(spec: &Spec, _m: &Measurements) -> Vec<Finding> {
    let Some(rules) = spec.content.as_ref() else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    let why = "content analysis is not available in this version";
    if let Some(b) = &rules.black {
        findings.push(Finding::not_measured(
            ids::CONTENT_BLACK,
            format!("no black longer than {} s", b.max_s.0),
            why,
        ));
    }
    if let Some(f) = &rules.freeze {
        findings.push(Finding::not_measured(
            ids::CONTENT_FREEZE,
            format!("no freeze longer than {} s", f.max_s.0),
            why,
        ));
    }
    if let Some(s) = &rules.silence {
        findings.push(Finding::not_measured(
            ids::CONTENT_SILENCE,
            format!("no silence longer than {} s", s.max_s.0),
            why,
        ));
    }
    if let Some(c) = &rules.clipping {
        findings.push(Finding::not_measured(
            ids::CONTENT_CLIPPING,
            format!("at most {} clipped samples", c.max_samples),
            why,
        ));
    }
    findings
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
                .all(|f| f.severity == Severity::Info && f.actual == "not measured")
        );
        assert_eq!(findings[0].expected, "-23.0 LUFS ±0.5 LU");
    }

    fn measured(l: Loudness) -> Measurements {
        Measurements {
            loudness: Some(l),
            sync: None,
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
}
