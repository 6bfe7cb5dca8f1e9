//! Conform: every transcode against the camera original it was made from. A transcode pairs
//! with an original by the clip id in both names (`conform.pair`'s group `clip`), else by the
//! reel or tape name both carry; then start timecode, frame count, frame rate and audio channel
//! count must be kept. Findings go on the transcode; an original nothing was made from gets
//! `conform.missing` too, since editorial would lack the clip.

use super::{PairRole, Pairing, add_findings, frame_count};
use crate::check::{Finding, ids};
use crate::probe::Probe;
use crate::report::FileReport;
use crate::spec::Spec;
use crate::spec::cross_file::ConformRules;
use std::collections::HashMap;

pub fn check(spec: &Spec, rules: &ConformRules, reports: &mut [FileReport]) {
    let of_kind = |kind: &str| -> Vec<usize> {
        (0..reports.len())
            .filter(|&i| reports[i].kind.as_deref() == Some(kind))
            .collect()
    };
    let originals = of_kind(&rules.originals);
    let transcodes = of_kind(&rules.transcodes);
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for &i in &originals {
        if let Some(key) = pairing_key(rules, &reports[i]) {
            by_key.entry(key).or_insert(i);
        }
    }
    let mut transcoded = vec![false; reports.len()];
    for &t in &transcodes {
        let original = pairing_key(rules, &reports[t]).and_then(|k| by_key.get(&k).copied());
        let findings = match original {
            Some(o) => {
                transcoded[o] = true;
                record_pair(reports, o, t);
                compare(rules, &reports[o], &reports[t])
            }
            None => vec![no_original(rules, &reports[t])],
        };
        add_findings(spec, &mut reports[t], findings);
    }
    for &o in originals.iter().filter(|&&o| !transcoded[o]) {
        let finding = Finding::fail(ids::CONFORM_MISSING, "transcode", "a transcode", "none")
            .with_message(format!(
                "no file of kind {:?} pairs with this original",
                rules.transcodes
            ));
        add_findings(spec, &mut reports[o], vec![finding]);
    }
}

/// The clip id in the file name by `conform.pair`, else the reel or tape name tag.
fn pairing_key(rules: &ConformRules, report: &FileReport) -> Option<String> {
    let by_name = rules.pair.as_ref().and_then(|p| p.clip_of(report.name()));
    by_name
        .map(str::to_owned)
        .or_else(|| report.probe.as_ref()?.reel.clone())
}

fn no_original(rules: &ConformRules, report: &FileReport) -> Finding {
    let how = match pairing_key(rules, report) {
        Some(key) => format!("no original of kind {:?} has clip {key:?}", rules.originals),
        None => {
            "neither its name (conform.pair) nor a reel name tag says which clip it is".to_owned()
        }
    };
    Finding::fail(
        ids::CONFORM_MISSING,
        "original",
        "a camera original",
        "none",
    )
    .with_message(format!("no camera original for this transcode: {how}"))
}

fn record_pair(reports: &mut [FileReport], original: usize, transcode: usize) {
    let start = |i: usize| {
        let probe = reports[i].probe.as_ref()?;
        Some(probe.start_timecode()?.to_frames(probe.frame_rate()?))
    };
    let offset = start(original).zip(start(transcode));
    let (original_path, transcode_path) = (
        reports[original].path.clone(),
        reports[transcode].path.clone(),
    );
    reports[transcode].paired.push(Pairing {
        path: original_path,
        role: PairRole::Original,
        offset_frames: offset.map(|(o, t)| t - o),
    });
    reports[original].paired.push(Pairing {
        path: transcode_path,
        role: PairRole::Transcode,
        offset_frames: offset.map(|(o, t)| o - t),
    });
}

/// The transcode's findings against its original.
fn compare(rules: &ConformRules, original: &FileReport, transcode: &FileReport) -> Vec<Finding> {
    let (Some(o), Some(t)) = (&original.probe, &transcode.probe) else {
        // An unreadable side already has its file.readable finding.
        return Vec::new();
    };
    let name = original.name();
    [
        timecode(o, t, name),
        length(rules, o, t, name),
        frame_rate(o, t, name),
        audio(o, t, name),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn timecode(o: &Probe, t: &Probe, name: &str) -> Option<Finding> {
    let same = match (o.start_timecode(), t.start_timecode(), o.frame_rate()) {
        (Some(a), Some(b), Some(rate)) => a.to_frames(rate) == b.to_frames(rate),
        (a, b, _) => a == b,
    };
    (!same).then(|| {
        let shown = |p: &Probe| p.timecode.clone().unwrap_or_else(|| "none".to_owned());
        Finding::fail(ids::CONFORM_TIMECODE, "start timecode", shown(o), shown(t)).with_message(
            format!(
                "start timecode {} differs from the original's {} ({name})",
                shown(t),
                shown(o)
            ),
        )
    })
}

fn length(rules: &ConformRules, o: &Probe, t: &Probe, name: &str) -> Option<Finding> {
    let (Some(expected), Some(actual)) = (frame_count(o), frame_count(t)) else {
        return Some(Finding::not_measured(
            ids::CONFORM_LENGTH,
            "the original's frame count",
            "a frame count is unknown",
        ));
    };
    let delta = actual - expected;
    (delta.unsigned_abs() > rules.max_length_delta_frames).then(|| {
        let how = if delta < 0 { "short" } else { "long" };
        Finding::fail(
            ids::CONFORM_LENGTH,
            "frames",
            format!("{expected} frames"),
            format!("{actual} frames"),
        )
        .with_message(format!(
            "{actual} frames where the original {name} has {expected}: {} {how} (allowed: {})",
            delta.unsigned_abs(),
            rules.max_length_delta_frames
        ))
    })
}

fn frame_rate(o: &Probe, t: &Probe, name: &str) -> Option<Finding> {
    let (expected, actual) = (o.frame_rate()?, t.frame_rate()?);
    (!actual.is_same_rate_as(expected)).then(|| {
        Finding::fail(
            ids::CONFORM_FRAME_RATE,
            "frame rate",
            format!("{expected} fps"),
            format!("{actual} fps"),
        )
        .with_message(format!(
            "frame rate {actual} fps where the original {name} runs at {expected} fps"
        ))
    })
}

fn audio(o: &Probe, t: &Probe, name: &str) -> Option<Finding> {
    let channels = |p: &Probe| -> u32 { p.audio.iter().filter_map(|a| a.channels).sum() };
    let (expected, actual) = (channels(o), channels(t));
    (actual != expected).then(|| {
        Finding::fail(
            ids::CONFORM_AUDIO,
            "audio channels",
            expected.to_string(),
            actual.to_string(),
        )
        .with_message(format!(
            "{actual} audio channels where the original {name} has {expected}"
        ))
    })
}
