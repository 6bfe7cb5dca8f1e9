//! Double system: every picture clip against the production sound that should cover it, by
//! timecode. Ranges are compared as timecode *labels* (label seconds: whole seconds of the
//! timecode plus frames over the timecode base), not as wall-clock time: a 23.976 fps clip and
//! sound stamped at 24 fps both count 24 frames to a timecode second, so `01:00:00:00` on
//! either is the same moment of the slate. Whether the two clocks really ran at the same speed
//! is `sync.sound_rate`'s question (a pulled 48048 Hz recording), not this one's.
//!
//! Matching sweeps sorted intervals: sounds sorted by start with a running maximum of their
//! ends, so each picture looks only at the sounds that can overlap it.

use super::{PairRole, Pairing, add_findings, frame_count};
use crate::check::{Finding, Severity, ids};
use crate::probe::TimeReference;
use crate::rational::Rational;
use crate::report::FileReport;
use crate::spec::Spec;
use crate::spec::cross_file::DoubleSystemRules;
use crate::timecode::Timecode;

/// Timecode seconds in a day, where timecode wraps.
const DAY_S: f64 = 86_400.0;

/// A file's place on the day's timecode, in label seconds.
#[derive(Debug, Clone, Copy)]
struct Span {
    /// The file's index in the run's reports.
    file: usize,
    start: f64,
    end: f64,
    /// Frames per timecode second of the file's own timecode (24 for 23.976).
    base: f64,
}

impl Span {
    fn frames(&self, seconds: f64) -> i64 {
        (seconds * self.base).round() as i64
    }

    /// The start as a timecode label at the file's timecode base.
    fn timecode(&self) -> Timecode {
        let base = Rational::whole(self.base as u32);
        Timecode::from_frames(self.frames(self.start), base, false)
    }
}

/// Matches picture to sound, adds `sync.sound_*` findings and records the pairs.
pub fn check(spec: &Spec, rules: &DoubleSystemRules, reports: &mut [FileReport]) {
    let spec_rate = spec_timecode_rate(spec, &rules.sound);
    let mut pictures = Vec::new();
    for (i, report) in reports.iter_mut().enumerate() {
        if report.kind.as_deref() != Some(rules.picture.as_str()) {
            continue;
        }
        match picture_span(i, report) {
            Some(span) => pictures.push(span),
            None if is_mos(rules, report) => {}
            None => add_findings(spec, report, vec![no_timecode(ids::SYNC_SOUND_MISSING)]),
        }
    }
    // Sound without a rate of its own counts at the spec's, else at the pictures' rate.
    let picture_rate = reports
        .iter()
        .filter(|r| r.kind.as_deref() == Some(rules.picture.as_str()))
        .find_map(|r| r.probe.as_ref().and_then(crate::probe::Probe::frame_rate));
    let fallback_rate = spec_rate.or(picture_rate);
    let mut sounds = Vec::new();
    for (i, report) in reports.iter_mut().enumerate() {
        if report.kind.as_deref() != Some(rules.sound.as_str()) {
            continue;
        }
        match sound_span(i, report, fallback_rate) {
            Some(span) => {
                // A roll running past midnight also covers the first clips of the next day.
                if span.end > DAY_S {
                    sounds.push(Span {
                        start: span.start - DAY_S,
                        end: span.end - DAY_S,
                        ..span
                    });
                }
                sounds.push(span);
            }
            // An unreadable file already has its finding from `bwf::read`.
            None if report.sound_roll.is_none() => {}
            None => add_findings(spec, report, vec![unplaced()]),
        }
    }
    let matches = match_spans(&pictures, &mut sounds);
    for (picture, found) in pictures.iter().zip(matches.by_picture) {
        let findings = match found {
            Some(sound) => {
                for sibling in same_take(reports, &sounds, sound) {
                    record_pair(reports, picture, &sounds[sibling]);
                }
                partial(reports, picture, &sounds[sound])
                    .into_iter()
                    .collect()
            }
            None if is_mos(rules, &reports[picture.file]) => Vec::new(),
            None => vec![missing(&reports[picture.file])],
        };
        add_findings(spec, &mut reports[picture.file], findings);
    }
    let mut overlaps = vec![false; reports.len()];
    for (sound, overlapping) in sounds.iter().zip(&matches.sound_overlaps) {
        overlaps[sound.file] |= overlapping;
    }
    // Each file once: its own span, not the copy a day earlier.
    for sound in sounds.iter().filter(|s| s.start >= 0.0) {
        if !overlaps[sound.file] {
            add_findings(spec, &mut reports[sound.file], vec![orphan(sound)]);
        }
    }
}

/// The rate sound timecode counts at when the file does not say: the sound kind's
/// `timecode.rate`, else the spec's.
fn spec_timecode_rate(spec: &Spec, sound_kind: &str) -> Option<Rational> {
    let kind = spec.kinds.iter().flatten().find(|k| k.name == sound_kind);
    kind.and_then(|k| k.timecode.as_ref())
        .or(spec.timecode.as_ref())
        .and_then(|t| t.rate)
        .map(|r| r.0)
}

fn is_mos(rules: &DoubleSystemRules, report: &FileReport) -> bool {
    rules
        .mos
        .as_ref()
        .is_some_and(|p| p.0.is_match(report.name()))
}

fn picture_span(file: usize, report: &FileReport) -> Option<Span> {
    let probe = report.probe.as_ref()?;
    let rate = probe.frame_rate()?;
    let start = probe.start_timecode()?;
    let frames = frame_count(probe)?;
    let base = f64::from(rate.timecode_base());
    let start = label_seconds(start, rate);
    Some(Span {
        file,
        start,
        end: start + frames as f64 / base,
        base,
    })
}

/// A timecode as label seconds: frames since midnight over the timecode base.
fn label_seconds(tc: Timecode, rate: Rational) -> f64 {
    tc.to_frames(rate) as f64 / f64::from(rate.timecode_base())
}

/// The sound's span: its `bext` TimeReference counted at its iXML timecode rate, else at
/// `fallback`, for as long as its samples last.
fn sound_span(file: usize, report: &FileReport, fallback: Option<Rational>) -> Option<Span> {
    let roll = report.sound_roll.as_ref()?;
    let samples = roll.time_reference?;
    let rate = roll.timecode_rate().or(fallback)?;
    if roll.sample_rate == 0 {
        return None;
    }
    let reference = TimeReference {
        samples,
        sample_rate: roll.sample_rate,
    };
    let start = label_seconds(reference.at(rate), rate);
    let base = f64::from(rate.timecode_base());
    let length_frames = roll.length_samples as f64 * rate.as_f64() / f64::from(roll.sample_rate);
    Some(Span {
        file,
        start,
        end: start + length_frames / base,
        base,
    })
}

/// For each picture, the sound that covers it (or, when none does, the one that overlaps it
/// most); for each sound, whether it overlaps any picture.
struct Matches {
    by_picture: Vec<Option<usize>>,
    sound_overlaps: Vec<bool>,
}

/// Sorts `sounds` by start and matches. Cost: a sort, then per picture a binary search and
/// a walk back over the sounds that can still overlap it (bounded by a running maximum end).
fn match_spans(pictures: &[Span], sounds: &mut [Span]) -> Matches {
    sounds.sort_by(|a, b| a.start.total_cmp(&b.start).then(a.file.cmp(&b.file)));
    let max_end: Vec<f64> = sounds
        .iter()
        .scan(f64::NEG_INFINITY, |max, s| {
            *max = max.max(s.end);
            Some(*max)
        })
        .collect();
    let mut sound_overlaps = vec![false; sounds.len()];
    let by_picture = pictures
        .iter()
        .map(|picture| {
            let mut best: Option<(usize, (bool, f64))> = None;
            let candidates = sounds.partition_point(|s| s.start < picture.end);
            for j in (0..candidates).rev() {
                if max_end[j] <= picture.start {
                    break;
                }
                let sound = &sounds[j];
                let overlap = sound.end.min(picture.end) - sound.start.max(picture.start);
                if overlap <= 0.0 {
                    continue;
                }
                sound_overlaps[j] = true;
                let covers = covers(sound, picture);
                let score = (covers, overlap);
                // Ties go to the earlier-starting sound, met last in this walk.
                if best.is_none_or(|(_, b)| score.partial_cmp(&b).is_some_and(|o| o.is_ge())) {
                    best = Some((j, score));
                }
            }
            best.map(|(j, _)| j)
        })
        .collect();
    Matches {
        by_picture,
        sound_overlaps,
    }
}

/// The sound files of the take `sounds[chosen]` belongs to, in file order: a recorder writing
/// split mono files one per track gives every track of a take the same first sample, length,
/// rate and slate. A picture pairs with all of them, not with whichever sorted first.
fn same_take(reports: &[FileReport], sounds: &[Span], chosen: usize) -> Vec<usize> {
    let take = |span: &Span| {
        reports[span.file].sound_roll.as_ref().map(|r| {
            let slate = (r.scene.as_deref(), r.take.as_deref(), r.roll.as_deref());
            (r.time_reference, r.length_samples, r.sample_rate, slate)
        })
    };
    let Some(wanted) = take(&sounds[chosen]) else {
        return vec![chosen];
    };
    let mut siblings: Vec<usize> = (0..sounds.len())
        .filter(|&k| {
            k == chosen
                || (sounds[k].start == sounds[chosen].start && take(&sounds[k]) == Some(wanted))
        })
        .collect();
    siblings.sort_by_key(|&k| sounds[k].file);
    siblings.dedup_by_key(|k| sounds[*k].file);
    siblings
}

/// Whether `sound` runs from the picture's first frame to its last, to the nearest frame.
fn covers(sound: &Span, picture: &Span) -> bool {
    picture.frames(sound.start - picture.start) <= 0 && picture.frames(picture.end - sound.end) <= 0
}

fn record_pair(reports: &mut [FileReport], picture: &Span, sound: &Span) {
    let sound_path = reports[sound.file].path.clone();
    let picture_path = reports[picture.file].path.clone();
    reports[picture.file].paired.push(Pairing {
        path: sound_path,
        role: PairRole::Sound,
        offset_frames: Some(picture.frames(picture.start - sound.start)),
    });
    reports[sound.file].paired.push(Pairing {
        path: picture_path,
        role: PairRole::Picture,
        offset_frames: Some(sound.frames(sound.start - picture.start)),
    });
}

/// `sync.sound_partial` when the best sound starts after the picture or ends before it.
fn partial(reports: &[FileReport], picture: &Span, sound: &Span) -> Option<Finding> {
    let late = picture.frames(sound.start - picture.start).max(0);
    let early = picture.frames(picture.end - sound.end).max(0);
    if late == 0 && early == 0 {
        return None;
    }
    let name = reports[sound.file].name();
    let mut gaps = Vec::new();
    if late > 0 {
        gaps.push(format!("starts {late} frames late"));
    }
    if early > 0 {
        gaps.push(format!("ends {early} frames early"));
    }
    Some(
        Finding::fail(
            ids::SYNC_SOUND_PARTIAL,
            "sound",
            "sound covering the clip",
            format!("{late} frames late, {early} frames early"),
        )
        .with_message(format!("sound {name} {} for this clip", gaps.join(" and "))),
    )
}

fn missing(report: &FileReport) -> Finding {
    let range = report.probe.as_ref().and_then(|p| {
        Some(format!(
            "{}–{}",
            p.timecode.as_deref()?,
            p.timecode_end.as_deref()?
        ))
    });
    let range = range.unwrap_or_else(|| "the clip's timecode".to_owned());
    Finding::fail(
        ids::SYNC_SOUND_MISSING,
        "sound",
        "sound covering the clip",
        "none",
    )
    .with_message(format!("no sound file's timecode overlaps {range}"))
}

fn orphan(sound: &Span) -> Finding {
    Finding::fail(
        ids::SYNC_SOUND_ORPHAN,
        "picture",
        "a picture clip it covers",
        "none",
    )
    .with_severity(Severity::Warning)
    .with_message(format!(
        "this sound ({} for {:.1} s of timecode) overlaps no picture clip",
        sound.timecode(),
        sound.end - sound.start
    ))
}

/// A sound file with no `bext` TimeReference (or no rate to count it at) covers nothing.
fn unplaced() -> Finding {
    Finding::fail(
        ids::SYNC_SOUND_ORPHAN,
        "timecode",
        "a bext TimeReference",
        "none",
    )
    .with_severity(Severity::Warning)
    .with_message(
        "cannot be placed on the timecode: no bext TimeReference, or no timecode rate \
             from its iXML, the spec or the pictures",
    )
}

fn no_timecode(check: &str) -> Finding {
    Finding::not_measured(
        check,
        "sound covering the clip",
        "the clip has no start timecode, frame rate or length to match sound by",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(file: usize, start: f64, end: f64) -> Span {
        Span {
            file,
            start,
            end,
            base: 24.0,
        }
    }

    #[test]
    fn a_long_sound_that_starts_early_is_found_past_later_short_ones() {
        let pictures = [
            span(0, 60.0, 62.0),
            span(1, 11.0, 11.5),
            span(2, 200.0, 201.0),
        ];
        let mut sounds = [
            span(10, 50.0, 52.0),
            span(11, 0.0, 100.0),
            span(12, 10.0, 12.0),
            span(13, 300.0, 301.0),
        ];
        let matches = match_spans(&pictures, &mut sounds);
        let file_of = |m: Option<usize>| m.map(|j| sounds[j].file);
        assert_eq!(file_of(matches.by_picture[0]), Some(11));
        // Both cover the clip: the earlier-starting roll wins.
        assert_eq!(file_of(matches.by_picture[1]), Some(11));
        assert_eq!(file_of(matches.by_picture[2]), None);
        let orphans: Vec<usize> = sounds
            .iter()
            .zip(&matches.sound_overlaps)
            .filter(|(_, overlaps)| !**overlaps)
            .map(|(s, _)| s.file)
            .collect();
        assert_eq!(orphans, [10, 13]);
    }

    #[test]
    fn a_covering_sound_wins_over_one_that_overlaps_more_of_a_partial() {
        let pictures = [span(0, 10.0, 20.0)];
        let mut sounds = [span(10, 9.0, 20.0), span(11, 12.0, 40.0)];
        let matches = match_spans(&pictures, &mut sounds);
        assert_eq!(matches.by_picture[0].map(|j| sounds[j].file), Some(10));
    }
}
