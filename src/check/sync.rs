//! `sync.start_offset` and `sync.duration`: each audio stream against the first video stream,
//! from the probe's start times and durations. Positive = audio late / longer.

use super::{Finding, ids, per_stream};
use crate::probe::Probe;
use crate::spec::Spec;

/// Audio start − video start, ms, per audio stream (positive: audio starts late).
pub fn start_offsets_ms(probe: &Probe) -> Vec<Option<f64>> {
    let video_start = probe.video.as_ref().and_then(|v| v.start_time_s);
    probe
        .audio
        .iter()
        .map(|a| Some((a.start_time_s? - video_start?) * 1000.0))
        .collect()
}

/// Audio duration − video duration, ms, per audio stream (negative: audio shorter).
pub fn duration_deltas_ms(probe: &Probe) -> Vec<Option<f64>> {
    let video_duration = probe.video.as_ref().and_then(|v| v.duration_s);
    probe
        .audio
        .iter()
        .map(|a| Some((a.duration_s? - video_duration?) * 1000.0))
        .collect()
}

pub fn streams(spec: &Spec, probe: &Probe) -> Vec<Finding> {
    let Some(rules) = spec.sync.as_ref() else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    if let Some(max) = rules.max_start_offset_ms {
        findings.extend(window(
            ids::SYNC_START_OFFSET,
            "audio start",
            max.0,
            probe,
            &start_offsets_ms(probe),
            |ms| describe(ms, "late", "early"),
        ));
    }
    if let Some(max) = rules.max_duration_delta_ms {
        findings.extend(window(
            ids::SYNC_DURATION,
            "audio length",
            max.0,
            probe,
            &duration_deltas_ms(probe),
            |ms| describe(ms, "longer", "shorter"),
        ));
    }
    findings
}

fn describe(ms: f64, positive: &str, negative: &str) -> String {
    if ms.abs() < 0.05 {
        "0 ms".to_owned()
    } else if ms > 0.0 {
        format!("{ms:.1} ms {positive}")
    } else {
        format!("{:.1} ms {negative}", -ms)
    }
}

fn window(
    id: &str,
    what: &str,
    max_ms: f64,
    probe: &Probe,
    values: &[Option<f64>],
    show: impl Fn(f64) -> String,
) -> Option<Finding> {
    let expected = format!("within ±{max_ms} ms of the picture");
    if probe.video.is_none() {
        return Some(
            Finding::fail(id, what, expected, "no video stream").with_message("no video stream"),
        );
    }
    if probe.audio.is_empty() {
        return Some(
            Finding::fail(id, what, expected, "no audio stream").with_message("no audio stream"),
        );
    }
    let failing: Vec<(usize, String)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| match v {
            Some(ms) if ms.abs() <= max_ms + 1e-6 => None,
            Some(ms) => Some((i, show(*ms))),
            None => Some((i, "unknown (no start time or duration)".to_owned())),
        })
        .collect();
    (!failing.is_empty())
        .then(|| Finding::fail(id, what, expected, per_stream(&failing, values.len())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::test_support::*;

    #[test]
    fn late_audio_is_positive_and_fails() {
        let spec = spec("name: t\nsync: {max_start_offset_ms: 40, max_duration_delta_ms: 80}\n");
        let mut p = probe();
        p.audio[0].start_time_s = Some(0.2);
        p.audio[0].duration_s = Some(1.8);
        let findings = streams(&spec, &p);
        assert_eq!(ids(&findings), vec!["sync.start_offset", "sync.duration"]);
        assert_eq!(findings[0].actual, "200.0 ms late");
        assert_eq!(findings[1].actual, "200.0 ms shorter");
        assert!((start_offsets_ms(&p)[0].unwrap() - 200.0).abs() < 1e-9);
    }

    #[test]
    fn within_window_passes() {
        let spec = spec("name: t\nsync: {max_start_offset_ms: 40}\n");
        let mut p = probe();
        p.audio[0].start_time_s = Some(-0.04);
        assert!(streams(&spec, &p).is_empty());
    }
}
