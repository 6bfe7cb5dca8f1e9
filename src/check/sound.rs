//! Sound checks beyond loudness: phase and polarity (`audio.phase`), dual mono and one-sided
//! stereo (`audio.stereo`), the line-up tone (`audio.tone`), full-range sound on the LFE and
//! dialogue off the centre (`audio.layout`, warnings), and the programme layout along the
//! timeline (`timeline.segment`, `timeline.forbidden`).

use super::measured::{
    MAX_EVENTS, NOT_RUN, could_not_analyse, partly_analysed, short_coverage, span,
};
use super::{Finding, Severity, ids, locate};
use crate::measurements::sound::{PairPhase, Segment};
use crate::measurements::{Event, Measurements};
use crate::probe::Probe;
use crate::spec::{
    AudioRules, Forbidden, SegmentRule, SegmentStart, Spec, StereoExpectation, TimelineRules,
};

/// A pair whose programme-wide correlation is below this is polarity-inverted, not out of phase.
const INVERTED: f64 = -0.9;
/// L−R this far below L+R: the pair carries the same signal twice.
const MONO_SIDE_DB: f64 = -30.0;
/// One side this far below the other: one-sided.
const ONE_SIDED_DB: f64 = 20.0;

pub fn all(spec: &Spec, probe: &Probe, m: &Measurements) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(problem) = m.content.as_ref().and_then(|c| c.problem.as_deref()) {
        // The decode these rules listen to failed: each says so instead of "not measured".
        return asked_ids(spec)
            .into_iter()
            .map(|(id, what)| could_not_analyse(id, what, "measured".to_owned(), problem))
            .collect();
    }
    if let Some(share) = short_coverage(m) {
        // What was heard is judged, but the rest of the file never was: none of these passes.
        for (id, what) in asked_ids(spec) {
            findings.push(partly_analysed(
                id,
                what,
                "measured".to_owned(),
                share,
                probe,
            ));
        }
    }
    if let Some(audio) = spec.audio.as_ref() {
        findings.extend(audio_rules(audio, probe, m));
    }
    if let Some(timeline) = spec.timeline.as_ref() {
        findings.extend(timeline_rules(timeline, probe, m));
    }
    findings
}

/// The checks of this module the spec asks for: (id, name).
fn asked_ids(spec: &Spec) -> Vec<(&'static str, &'static str)> {
    let mut asked = Vec::new();
    if let Some(a) = spec.audio.as_ref() {
        if a.phase.is_some() {
            asked.push((ids::AUDIO_PHASE, "phase"));
        }
        if a.stereo.is_some() {
            asked.push((ids::AUDIO_STEREO, "stereo"));
        }
        if a.tone.is_some() {
            asked.push((ids::AUDIO_TONE, "line-up tone"));
        }
    }
    if let Some(timeline) = spec.timeline.as_ref() {
        if !timeline.segments.is_empty() {
            asked.push((ids::TIMELINE_SEGMENT, "timeline"));
        }
        if !timeline.forbid.is_empty() {
            asked.push((ids::TIMELINE_FORBIDDEN, "timeline"));
        }
    }
    asked
}

fn event(start_s: f64, end_s: f64) -> Event {
    Event { start_s, end_s }
}

fn whole(probe: &Probe) -> Option<super::At> {
    span(probe, &event(0.0, probe.duration().unwrap_or(0.0)))
}

fn audio_rules(rules: &AudioRules, probe: &Probe, m: &Measurements) -> Vec<Finding> {
    let mut findings = Vec::new();
    if probe.audio.is_empty() {
        return findings;
    }
    let pairs = m.phase.as_deref();
    if let Some(phase) = &rules.phase {
        let threshold = phase.min_correlation.map_or(-0.3, |c| c.0);
        let min_s = phase.min_s.map_or(1.0, |s| s.0);
        let expected = format!("correlation above {threshold} (no stretch of {min_s} s below)");
        match pairs {
            None => findings.push(Finding::not_measured(ids::AUDIO_PHASE, expected, NOT_RUN)),
            Some(pairs) => {
                for pair in pairs {
                    findings.extend(phase_of(pair, &expected, probe));
                }
            }
        }
    }
    if let Some(stereo) = &rules.stereo {
        let expect = stereo.expect.unwrap_or(StereoExpectation::Stereo);
        match pairs {
            None => findings.push(Finding::not_measured(
                ids::AUDIO_STEREO,
                "stereo pairs measured",
                NOT_RUN,
            )),
            Some(pairs) => {
                for pair in pairs {
                    findings.extend(stereo_of(pair, expect, probe));
                }
            }
        }
    }
    if let Some(tone) = &rules.tone {
        findings.extend(tone_rule(tone, probe, m));
    }
    if let Some(lfe) = &rules.lfe {
        findings.extend(lfe_rule(lfe, probe, m));
    }
    findings
}

fn phase_of(pair: &PairPhase, expected: &str, probe: &Probe) -> Vec<Finding> {
    let id = ids::AUDIO_PHASE;
    let what = format!("phase of {}", pair.pair);
    if pair.correlation <= INVERTED {
        let actual = format!(
            "polarity inverted (correlation {:.2} over the programme)",
            pair.correlation
        );
        return vec![Finding::fail(id, &what, expected, actual).with_at(whole(probe))];
    }
    pair.negative
        .iter()
        .take(MAX_EVENTS)
        .map(|e| {
            let actual = format!(
                "out of phase for {:.1} s (lowest correlation {:.2})",
                e.end_s - e.start_s,
                pair.min_correlation
            );
            Finding::fail(id, &what, expected, actual).with_at(span(probe, e))
        })
        .collect()
}

fn stereo_of(pair: &PairPhase, expect: StereoExpectation, probe: &Probe) -> Vec<Finding> {
    let id = ids::AUDIO_STEREO;
    let what = format!("stereo {}", pair.pair);
    let [left, right] = pair.levels_dbfs;
    let mut findings = Vec::new();
    if (left - right).abs() >= ONE_SIDED_DB {
        let (quiet, loud) = if left < right {
            ("left", right)
        } else {
            ("right", left)
        };
        let actual = format!(
            "one-sided: the {quiet} side is {:.1} dB below the other ({:.1} dBFS against {loud:.1})",
            (left - right).abs(),
            left.min(right)
        );
        findings.push(
            Finding::fail(id, &what, "both sides carrying sound", actual).with_at(whole(probe)),
        );
        return findings;
    }
    let mono = pair.side_to_mid_db <= MONO_SIDE_DB;
    match expect {
        StereoExpectation::Stereo if mono => findings.push(
            Finding::fail(
                id,
                &what,
                "a stereo pair",
                format!(
                    "the pair carries mono (L−R {:.1} dB below L+R)",
                    -pair.side_to_mid_db
                ),
            )
            .with_at(whole(probe)),
        ),
        StereoExpectation::Mono if !mono => findings.push(
            Finding::fail(
                id,
                &what,
                "mono (the same sound on both sides)",
                format!(
                    "the sides differ (L−R {:.1} dB below L+R)",
                    -pair.side_to_mid_db
                ),
            )
            .with_at(whole(probe)),
        ),
        _ => {}
    }
    findings
}

fn tone_rule(tone: &crate::spec::ToneRules, probe: &Probe, m: &Measurements) -> Vec<Finding> {
    let id = ids::AUDIO_TONE;
    let hz = tone.frequency.map_or(1000.0, |f| f.0);
    let level = tone.level_dbfs.map_or(-18.0, |l| l.0);
    let tolerance = tone.tolerance_db.map_or(0.5, |t| t.0);
    let expected = format!("a {hz} Hz line-up tone at {level} dBFS ±{tolerance} dB");
    let Some(found) = m.tone.as_deref() else {
        return vec![Finding::not_measured(id, expected, NOT_RUN)];
    };
    if found.is_empty() {
        return vec![
            Finding::fail(
                id,
                "line-up tone",
                &expected,
                format!("no {hz} Hz tone found"),
            )
            .with_at(whole(probe)),
        ];
    }
    found
        .iter()
        .filter(|t| (t.level_dbfs - level).abs() > tolerance)
        .take(MAX_EVENTS)
        .map(|t| {
            Finding::fail(
                id,
                "line-up tone",
                &expected,
                format!("tone at {:.2} dBFS", t.level_dbfs),
            )
            .with_at(span(probe, &event(t.start_s, t.end_s)))
        })
        .collect()
}

/// `audio.layout` warnings from the channel bands: full-range sound on the LFE, and the
/// dialogue band stronger elsewhere than on the centre.
fn lfe_rule(lfe: &crate::spec::LfeRules, probe: &Probe, m: &Measurements) -> Vec<Finding> {
    let id = ids::AUDIO_LAYOUT;
    let max = lfe.max_above_120hz_db.map_or(-20.0, |d| d.0);
    let expected = format!("LFE energy above 120 Hz at most {max} dB of its total");
    let Some(bands) = m.channels.as_ref() else {
        // A stream without LFE and centre has nothing to judge.
        return Vec::new();
    };
    let mut findings = Vec::new();
    if let Some(above) = bands.lfe_above_120hz_db
        && above > max
    {
        findings.push(
            Finding::fail(
                id,
                "LFE",
                expected,
                format!("{above:.1} dB above 120 Hz: full-range audio on LFE — mis-mapped?"),
            )
            .with_severity(Severity::Warning)
            .with_at(whole(probe)),
        );
    }
    let band = |name: &str| {
        bands
            .dialogue_band_dbfs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, db)| *db)
    };
    if let Some(centre) = band("C") {
        let louder: Vec<String> = ["LFE", "Ls", "Rs"]
            .into_iter()
            .filter_map(|n| {
                band(n)
                    .filter(|&db| db > centre + 3.0)
                    .map(|db| format!("{n} {db:.1}"))
            })
            .collect();
        if !louder.is_empty() {
            findings.push(
                Finding::fail(
                    id,
                    "centre channel",
                    "the dialogue band (300 Hz–3 kHz) strongest on the centre",
                    format!(
                        "C {centre:.1} dBFS, below {} dBFS: a swapped C/LFE or C/Ls?",
                        louder.join(", ")
                    ),
                )
                .with_severity(Severity::Warning)
                .with_at(whole(probe)),
            );
        }
    }
    findings
}

fn timeline_rules(rules: &TimelineRules, probe: &Probe, m: &Measurements) -> Vec<Finding> {
    if rules.segments.is_empty() && rules.forbid.is_empty() {
        return Vec::new();
    }
    let Some(seen) = m.timeline.as_deref() else {
        let expected = "the programme layout measured";
        return vec![Finding::not_measured(
            ids::TIMELINE_SEGMENT,
            expected,
            NOT_RUN,
        )];
    };
    let mut findings = Vec::new();
    if let Some(finding) = first_mismatch(&rules.segments, seen, probe) {
        findings.push(finding);
    }
    for segment in seen {
        let hit = rules.forbid.iter().find(|f| {
            let name = match f {
                Forbidden::Bars => "bars",
                Forbidden::Tone => "tone",
                Forbidden::Slate => "slate",
            };
            segment.what.split('_').any(|part| part == name)
        });
        if hit.is_some() && findings.len() < MAX_EVENTS {
            findings.push(
                Finding::fail(
                    ids::TIMELINE_FORBIDDEN,
                    "timeline",
                    "no bars, tone or slate the spec forbids",
                    format!(
                        "{} for {:.1} s",
                        segment.what,
                        segment.end_s - segment.start_s
                    ),
                )
                .with_at(span(probe, &event(segment.start_s, segment.end_s))),
            );
        }
    }
    findings
}

/// The first expected segment the timeline does not hold, in order from the start.
fn first_mismatch(expected: &[SegmentRule], seen: &[Segment], probe: &Probe) -> Option<Finding> {
    let id = ids::TIMELINE_SEGMENT;
    for (i, rule) in expected.iter().enumerate() {
        let want = rule.what.as_str();
        let min_s = rule.min_s.map_or(0.0, |s| s.0);
        let describe = describe(rule, probe);
        let Some(segment) = seen.get(i) else {
            return Some(
                Finding::fail(id, "timeline", describe, "the file ends first")
                    .with_at(whole(probe)),
            );
        };
        let at = span(probe, &event(segment.start_s, segment.end_s));
        let length = segment.end_s - segment.start_s;
        let found = format!(
            "{} {}–{}",
            segment.what,
            locate(probe, segment.start_s),
            locate(probe, segment.end_s)
        );
        if segment.what != want {
            return Some(Finding::fail(id, "timeline", describe, found).with_at(at));
        }
        // Blocks are 400 ms: a segment may read up to one block short.
        if length + 0.4 < min_s {
            let actual = format!("{found} ({length:.1} s)");
            return Some(Finding::fail(id, "timeline", describe, actual).with_at(at));
        }
        if let Some(start) = &rule.start {
            let want_s = match start {
                SegmentStart::Seconds(s) => s.0,
                SegmentStart::Timecode(tc) => seconds_of_timecode(probe, tc),
            };
            if (segment.start_s - want_s).abs() > 0.4 + 1e-9 {
                return Some(Finding::fail(id, "timeline", describe, found).with_at(at));
            }
        }
    }
    None
}

fn describe(rule: &SegmentRule, probe: &Probe) -> String {
    let mut text = rule.what.as_str().to_owned();
    if let Some(min) = rule.min_s {
        text += &format!(" for at least {} s", min.0);
    }
    match &rule.start {
        Some(SegmentStart::Seconds(s)) => text += &format!(" from {}", locate(probe, s.0)),
        Some(SegmentStart::Timecode(tc)) => text += &format!(" from {}", tc.0),
        None => {}
    }
    text
}

/// Seconds into the file of a timecode, by the file's own start timecode and rate.
fn seconds_of_timecode(probe: &Probe, tc: &crate::spec::TimecodeValue) -> f64 {
    let Some(rate) = probe.place_rate() else {
        return 0.0;
    };
    let start = probe.start_timecode().map_or(0, |s| s.to_frames(rate));
    (tc.0.to_frames(rate) - start) as f64 / rate.as_f64()
}
