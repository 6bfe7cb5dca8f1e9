//! Checks on measurements (loudness, sync marker, content). Until a measurement exists for a
//! file, each rule the spec sets yields an explicit "not measured" finding (severity info).

use super::{Finding, ids};
use crate::measurements::Measurements;
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
    match &m.loudness {
        Some(_) => Vec::new(),
        None => asked
            .into_iter()
            .map(|(id, e)| {
                Finding::not_measured(
                    id,
                    e,
                    "loudness measurement is not available in this version",
                )
            })
            .collect(),
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
}
