//! The picture checks broadcasters reject on: EBU R 103 levels (`content.levels`), BT.1702
//! flash screening (`content.flashes`), measured cadence (`content.cadence`), the active
//! picture (`content.active_picture`) and HDR static metadata (`video.hdr`). Each finding that
//! has a place carries the timecodes of its stretch.

use super::measured::{
    MAX_EVENTS, NOT_RUN, cannot_decode, could_not_analyse, partly_analysed, short_coverage, span,
};
use super::{Finding, ids};
use crate::measurements::picture::{Cadence, Hdr, Levels};
use crate::measurements::{Event, Measurements};
use crate::probe::Probe;
use crate::spec::{
    ActivePictureRules, Allowance, CadenceRules, HdrMetadata, HdrRules, LevelsRange, Spec,
};

pub fn all(spec: &Spec, probe: &Probe, m: &Measurements) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(hdr) = spec.video.as_ref().and_then(|v| v.hdr.as_ref()) {
        findings.extend(hdr_metadata(hdr, probe, m));
    }
    let Some(rules) = spec.content.as_ref() else {
        return findings;
    };
    if probe.video.is_none() {
        return findings;
    }
    let asked: [(&str, &str, Option<String>); 4] = [
        (
            ids::CONTENT_LEVELS,
            "levels",
            rules.levels.as_ref().map(|l| {
                let area = l.area_pct.map_or(1.0, |a| a.0);
                let range = match l.range {
                    Some(LevelsRange::Narrow) => "the nominal range (0–100 %)",
                    _ => "EBU R 103's preferred range (−5 %..105 %)",
                };
                format!("Y and R, G, B within {range} on all but {area} % of each frame")
            }),
        ),
        (
            ids::CONTENT_FLASHES,
            "flashes",
            rules.flashes.as_ref().map(|f| {
                let max = f.max_per_s.map_or(3, |m| m.0);
                format!("at most {max} flashes in any second (screening, BT.1702)")
            }),
        ),
        (
            ids::CONTENT_CADENCE,
            "cadence",
            rules
                .cadence
                .as_ref()
                .map(|_| "field order and cadence as declared".to_owned()),
        ),
        (
            ids::CONTENT_ACTIVE_PICTURE,
            "active picture",
            rules.active_picture.as_ref().map(describe_aspect),
        ),
    ];
    let problem = m.content.as_ref().and_then(|c| c.problem.as_deref());
    for (id, what, expected) in asked {
        let Some(expected) = expected else { continue };
        if !m.undecodable.is_empty() {
            findings.push(cannot_decode(id, what, expected, &m.undecodable));
            continue;
        }
        if let Some(problem) = problem {
            findings.push(could_not_analyse(id, what, expected, problem));
            continue;
        }
        if let Some(share) = short_coverage(m) {
            findings.push(partly_analysed(id, what, expected.clone(), share, probe));
        }
        let judged = match id {
            ids::CONTENT_LEVELS => m.levels.as_ref().map(|l| levels(l, &expected, probe)),
            ids::CONTENT_FLASHES => m.flashes.as_ref().map(|f| {
                f.windows
                    .iter()
                    .take(MAX_EVENTS)
                    .map(|w| {
                        let kind = if w.red {
                            "saturated red flashes"
                        } else {
                            "flashes"
                        };
                        let actual = format!("{} {kind} in one second", w.flashes);
                        Finding::fail(id, what, expected.clone(), &actual)
                            .with_message(format!(
                                "flashes (screening, BT.1702): {actual}, expected {expected}"
                            ))
                            .with_at(span(probe, &event(w.start_s, w.end_s)))
                    })
                    .collect()
            }),
            ids::CONTENT_CADENCE => m.cadence.as_ref().map(|c| {
                let rules = rules.cadence.as_ref().cloned().unwrap_or(CadenceRules {
                    field_order: None,
                    pulldown: None,
                    duplicates: None,
                });
                cadence(c, &rules, probe)
            }),
            _ => m.active_picture.as_ref().and_then(|a| {
                let rules = rules.active_picture.as_ref()?;
                active_picture(a, rules, &expected, probe)
            }),
        };
        match judged {
            Some(judged) => findings.extend(judged),
            None => findings.push(Finding::not_measured(id, expected, NOT_RUN)),
        }
    }
    findings
}

fn event(start_s: f64, end_s: f64) -> Event {
    Event { start_s, end_s }
}

fn describe_aspect(rules: &ActivePictureRules) -> String {
    let tolerance = rules.tolerance.map_or(0.03, |t| t.0);
    format!("an active picture of {:.2}:1 ±{tolerance}", rules.aspect.0)
}

/// One finding per stretch of out-of-range frames: which signals, how far, over how much.
fn levels(l: &Levels, expected: &str, probe: &Probe) -> Vec<Finding> {
    let id = ids::CONTENT_LEVELS;
    let mut findings: Vec<Finding> = l
        .stretches
        .iter()
        .take(MAX_EVENTS)
        .map(|s| {
            let actual = format!(
                "{} out of range on up to {:.1} % of the picture (worst {} {:.0} mV = {:.1} %)",
                s.signals.join(", "),
                s.area_pct,
                s.worst.signal,
                s.worst.mv,
                s.worst.mv / 7.0
            );
            Finding::fail(id, "levels", expected, &actual)
                .with_message(format!(
                    "levels (EBU R 103, matrix {}): {actual}, expected {expected}",
                    l.matrix
                ))
                .with_at(span(probe, &event(s.start_s, s.end_s)))
        })
        .collect();
    if let Some(last) = findings.last_mut()
        && l.stretches.len() > MAX_EVENTS
    {
        last.message += &format!(" (and {} more)", l.stretches.len() - MAX_EVENTS);
    }
    findings
}

/// idet's measured order against the stream's tag, repeated fields and duplicated frames.
fn cadence(c: &Cadence, rules: &CadenceRules, probe: &Probe) -> Vec<Finding> {
    let id = ids::CONTENT_CADENCE;
    let mut findings = Vec::new();
    let declared = probe
        .video
        .as_ref()
        .and_then(|v| v.field_order.as_deref())
        .and_then(declared_order);
    let frames = c.multi.tff + c.multi.bff + c.multi.progressive + c.multi.undetermined;
    if rules.field_order != Some(false)
        && let (Some(declared), Some(measured)) = (declared, measured_order(c))
        && declared != measured
    {
        let actual = format!(
            "measured {measured} (idet, multi-frame: TFF {}, BFF {}, progressive {}, undetermined {} of {frames} frames)",
            c.multi.tff, c.multi.bff, c.multi.progressive, c.multi.undetermined
        );
        findings.push(
            Finding::fail(
                id,
                "field order",
                format!("{declared}, as the stream declares"),
                &actual,
            )
            .with_at(whole(probe)),
        );
    }
    let repeated = c.repeated.top + c.repeated.bottom;
    let counted = repeated + c.repeated.neither;
    // 2:3 pulldown repeats a field in two frames of every five (40 %); a tenth is well clear of
    // idet's occasional false repeat on still pictures.
    if rules.pulldown != Some(Allowance::Allow) && counted > 0 && repeated * 10 >= counted {
        let actual = format!(
            "repeated fields in {repeated} of {counted} frames (top {}, bottom {}): pulldown left in the stream",
            c.repeated.top, c.repeated.bottom
        );
        findings.push(
            Finding::fail(id, "pulldown", "no repeated fields", &actual).with_at(whole(probe)),
        );
    }
    if rules.duplicates != Some(Allowance::Allow) {
        for (n, d) in c.duplicates.iter().enumerate().take(MAX_EVENTS) {
            let frames = probe
                .frame_rate()
                .map_or(1.0, |r| ((d.end_s - d.start_s) * r.as_f64()).round());
            let mut finding = Finding::fail(
                id,
                "duplicated frames",
                "no frame repeated outside a still",
                format!("{frames:.0} frame(s) identical to the one before"),
            )
            .with_at(span(probe, d));
            if n + 1 == MAX_EVENTS && c.duplicates.len() > MAX_EVENTS {
                finding.message += &format!(" (and {} more)", c.duplicates.len() - MAX_EVENTS);
            }
            findings.push(finding);
        }
    }
    findings
}

/// The file's whole length, for findings about the stream as a whole.
fn whole(probe: &Probe) -> Option<super::At> {
    span(probe, &event(0.0, probe.duration().unwrap_or(0.0)))
}

/// ffprobe's `field_order` as idet names it; `None` when the stream does not say (`unknown`):
/// there is nothing declared to compare with.
fn declared_order(tag: &str) -> Option<&'static str> {
    match tag {
        "tt" | "tb" => Some("tff"),
        "bb" | "bt" => Some("bff"),
        "progressive" => Some("progressive"),
        _ => None,
    }
}

/// idet's multi-frame verdict, when it is a clear majority of the frames it decided.
fn measured_order(c: &Cadence) -> Option<&'static str> {
    let m = c.multi;
    let decided = m.tff + m.bff + m.progressive;
    if decided == 0 {
        return None;
    }
    [
        ("tff", m.tff),
        ("bff", m.bff),
        ("progressive", m.progressive),
    ]
    .into_iter()
    .find(|(_, n)| n * 10 >= decided * 8)
    .map(|(name, _)| name)
}

fn active_picture(
    a: &crate::measurements::picture::ActivePicture,
    rules: &ActivePictureRules,
    expected: &str,
    probe: &Probe,
) -> Option<Vec<Finding>> {
    let tolerance = rules.tolerance.map_or(0.03, |t| t.0);
    if (a.aspect - rules.aspect.0).abs() <= tolerance + 1e-9 {
        return Some(Vec::new());
    }
    let video = probe.video.as_ref()?;
    let (w, h) = (video.width.unwrap_or(0), video.height.unwrap_or(0));
    let frame_aspect = f64::from(w) / f64::from(h.max(1));
    let boxed = match a.aspect {
        x if x > frame_aspect + tolerance => "letterboxed",
        x if x < frame_aspect - tolerance => "pillarboxed",
        _ => "full frame",
    };
    let actual = format!("{:.2}:1, {boxed} (active {} of {w}x{h})", a.aspect, a.crop);
    Some(vec![
        Finding::fail(
            ids::CONTENT_ACTIVE_PICTURE,
            "active picture",
            expected,
            actual,
        )
        .with_at(whole(probe)),
    ])
}

/// `video.hdr`: the metadata a PQ or HLG stream must carry, and the declared light levels
/// against the measured ones.
fn hdr_metadata(rules: &HdrRules, probe: &Probe, m: &Measurements) -> Vec<Finding> {
    let id = ids::VIDEO_HDR;
    let Some(video) = probe.video.as_ref() else {
        return Vec::new();
    };
    if !video.is_hdr() {
        // SDR: HDR metadata rules have nothing to judge.
        return Vec::new();
    }
    let transfer = video.color_transfer.as_deref().unwrap_or("unknown");
    let mut findings = Vec::new();
    let empty = Hdr::default();
    let hdr = m.hdr.as_ref().unwrap_or(&empty);
    for need in rules.require.iter().flatten() {
        let (name, present) = match need {
            HdrMetadata::MasteringDisplay => (
                "mastering display metadata (SMPTE ST 2086)",
                hdr.declared.mastering_display.is_some(),
            ),
            HdrMetadata::ContentLightLevel => (
                "content light level metadata (MaxCLL/MaxFALL, CTA-861.3)",
                hdr.declared.max_cll.is_some(),
            ),
        };
        if !present {
            findings.push(
                Finding::fail(
                    id,
                    "HDR metadata",
                    name,
                    format!("none on this {transfer} stream"),
                )
                .with_at(whole(probe)),
            );
        }
    }
    if rules.measure != Some(true) || transfer != "smpte2084" {
        return findings;
    }
    let tolerance = rules.tolerance_pct.map_or(10.0, |t| t.0);
    let pairs = [
        ("MaxCLL", hdr.declared.max_cll, hdr.max_cll),
        ("MaxFALL", hdr.declared.max_fall, hdr.max_fall),
    ];
    for (name, declared, measured) in pairs {
        let expected = format!("declared {name} within {tolerance} % of the measured");
        match (declared, measured) {
            (_, None) => findings.push(Finding::not_measured(id, expected, NOT_RUN)),
            (None, Some(_)) => {}
            (Some(declared), Some(measured)) => {
                let off = (f64::from(declared) - measured).abs() / measured.max(1.0) * 100.0;
                if off > tolerance {
                    let actual = format!("declared {declared} cd/m², measured {measured:.0} cd/m²");
                    findings.push(Finding::fail(id, name, expected, actual).with_at(whole(probe)));
                }
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measurements::picture::FieldCounts;

    fn interlaced() -> Cadence {
        Cadence {
            multi: FieldCounts {
                tff: 90,
                progressive: 10,
                ..FieldCounts::default()
            },
            ..Cadence::default()
        }
    }

    fn probe_with(field_order: Option<&str>) -> Probe {
        Probe {
            video: Some(crate::probe::VideoStream {
                field_order: field_order.map(str::to_owned),
                ..Default::default()
            }),
            ..Probe::default()
        }
    }

    #[test]
    fn a_stream_that_declares_no_field_order_is_not_judged_on_it() {
        let rules = CadenceRules {
            field_order: None,
            pulldown: None,
            duplicates: None,
        };
        assert!(cadence(&interlaced(), &rules, &probe_with(Some("unknown"))).is_empty());
        assert!(cadence(&interlaced(), &rules, &probe_with(None)).is_empty());
        let found = cadence(&interlaced(), &rules, &probe_with(Some("bb")));
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("expected bff"), "{:?}", found[0]);
    }
}
