//! The checks of a clip as a whole: `clip.tracks` (the tracks the spec asks for are there) and
//! `clip.sync` (the tracks agree on rates, start timecode and length).
//!
//! A track is a stream: an OP-Atom file holds one, so counting streams counts track files, and a
//! clip of one OP1a file with its picture and sound counts right too.

use crate::check::{Finding, ids};
use crate::rational::Rational;
use crate::report::FileReport;
use crate::spec::{ClipsRules, TrackCount};

/// Every finding of one clip; `members` in clip order (video tracks, then audio tracks).
pub fn run(rules: &ClipsRules, members: &[&FileReport]) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(tracks) = &rules.tracks {
        let video: Vec<&FileReport> = members
            .iter()
            .copied()
            .filter(|f| carries_video(f))
            .collect();
        let audio: Vec<(&FileReport, usize)> = members
            .iter()
            .map(|f| (*f, f.probe.as_ref().map_or(0, |p| p.audio.len())))
            .filter(|(_, n)| *n > 0)
            .collect();
        let audio_count = audio.iter().map(|(_, n)| n).sum();
        let audio_files: Vec<&FileReport> = audio.iter().map(|(f, _)| *f).collect();
        findings.extend(count("video", tracks.video, video.len(), &video));
        findings.extend(count("audio", tracks.audio, audio_count, &audio_files));
    }
    let rates = agreeing_rates(members);
    let disagree = !rates.findings.is_empty();
    findings.extend(rates.findings);
    if let Some(rate) = rates.frame_rate {
        findings.extend(starts(rules, members, rate));
        findings.extend(lengths(rules, members, rate));
    } else if !disagree
        && (rules.max_start_delta_frames.is_some() || rules.max_length_delta_frames.is_some())
    {
        findings.push(Finding::not_measured(
            ids::CLIP_SYNC,
            "tracks in sync",
            "the clip has no video track with a frame rate to count frames in",
        ));
    }
    findings
}

fn carries_video(file: &FileReport) -> bool {
    file.probe.as_ref().is_some_and(|p| p.video.is_some())
}

/// `clip.tracks` for one kind of track: too few tracks say how many are missing, too many name
/// the files that carry them.
fn count(
    what: &str,
    wanted: Option<TrackCount>,
    found: usize,
    files: &[&FileReport],
) -> Option<Finding> {
    let wanted = wanted?;
    if wanted.contains(found) {
        return None;
    }
    let mut names: Vec<String> = files.iter().map(|f| f.shown_name()).collect();
    // Tracks of one name in different folders are told apart by their paths.
    if names
        .iter()
        .enumerate()
        .any(|(i, n)| names[..i].contains(n))
    {
        names = files.iter().map(|f| f.shown_path().into_owned()).collect();
    }
    let listed = if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    };
    let problem = if (found as u64) < u64::from(wanted.min) {
        format!(
            "{} missing",
            plural(u64::from(wanted.min) - found as u64, what)
        )
    } else {
        format!(
            "{} extra",
            plural(found as u64 - u64::from(wanted.max), what)
        )
    };
    Some(
        Finding::fail(
            ids::CLIP_TRACKS,
            what,
            wanted.to_string(),
            found.to_string(),
        )
        .with_message(format!(
            "{what} tracks: expected {wanted}, got {found}: {problem} (tracks: {listed})"
        )),
    )
}

fn plural(n: u64, what: &str) -> String {
    format!("{n} {what} track{}", if n == 1 { "" } else { "s" })
}

struct Rates {
    /// The clip's video rate, when its video tracks agree on one.
    frame_rate: Option<Rational>,
    findings: Vec<Finding>,
}

/// Tracks that disagree on frame rate or on sample rate cannot play as one clip (`clip.sync`).
fn agreeing_rates(members: &[&FileReport]) -> Rates {
    let mut findings = Vec::new();
    let frame_rates: Vec<(&FileReport, Rational)> = members
        .iter()
        .filter_map(|f| Some((*f, f.probe.as_ref()?.frame_rate()?)))
        .collect();
    let frame_rate = frame_rates.first().map(|(_, r)| *r);
    if let Some((first, rate)) = frame_rates.first()
        && let Some((other, other_rate)) =
            frame_rates.iter().find(|(_, r)| !r.is_same_rate_as(*rate))
    {
        let (a, b) = Rational::contrasted(*rate, *other_rate);
        findings.push(disagreement("frame rate", first, &a, other, &b));
    }
    let sample_rates: Vec<(&FileReport, u32)> = members
        .iter()
        .flat_map(|f| {
            let streams = f
                .probe
                .as_ref()
                .map(|p| p.audio.as_slice())
                .unwrap_or_default();
            streams
                .iter()
                .filter_map(move |a| Some((*f, a.sample_rate?)))
        })
        .collect();
    if let Some((first, rate)) = sample_rates.first()
        && let Some((other, other_rate)) = sample_rates.iter().find(|(_, r)| r != rate)
    {
        findings.push(disagreement(
            "sample rate",
            first,
            &format!("{rate} Hz"),
            other,
            &format!("{other_rate} Hz"),
        ));
    }
    Rates {
        frame_rate: frame_rate.filter(|_| findings.is_empty()),
        findings,
    }
}

fn disagreement(
    what: &str,
    a: &FileReport,
    a_value: &str,
    b: &FileReport,
    b_value: &str,
) -> Finding {
    Finding::fail(ids::CLIP_SYNC, what, a_value, b_value).with_message(format!(
        "tracks disagree on {what}: {} has {a_value}, {} has {b_value}",
        a.shown_name(),
        b.shown_name()
    ))
}

/// Start timecodes within `max_start_delta_frames` of each other.
fn starts(rules: &ClipsRules, members: &[&FileReport], rate: Rational) -> Option<Finding> {
    let max = rules.max_start_delta_frames?.0;
    let starts: Vec<(&FileReport, i64, String)> = members
        .iter()
        .filter_map(|f| {
            let tc = f.probe.as_ref()?.start_timecode()?;
            Some((*f, tc.to_frames(rate), tc.to_string()))
        })
        .collect();
    spread("start timecode", &starts, max, |frames| frames as f64)
}

/// Lengths within `max_length_delta_frames` of each other, counted in frames of `rate`.
fn lengths(rules: &ClipsRules, members: &[&FileReport], rate: Rational) -> Option<Finding> {
    let max = rules.max_length_delta_frames?.0;
    let lengths: Vec<(&FileReport, f64, String)> = members
        .iter()
        .filter_map(|f| {
            let seconds = f.probe.as_ref()?.duration()?;
            let frames = seconds * rate.as_f64();
            Some((*f, frames, format!("{frames:.1} frames")))
        })
        .collect();
    spread("length", &lengths, max, |frames| frames)
}

/// The finding when the earliest and latest of `values` lie more than `max` frames apart
/// (rounded to whole frames: audio lengths fall between frames).
fn spread<T: Copy>(
    what: &str,
    values: &[(&FileReport, T, String)],
    max: u32,
    frames: impl Fn(T) -> f64,
) -> Option<Finding> {
    let by = |a: &&(&FileReport, T, String), b: &&(&FileReport, T, String)| {
        frames(a.1).total_cmp(&frames(b.1))
    };
    let low = values.iter().min_by(by)?;
    let high = values.iter().max_by(by)?;
    let delta = (frames(high.1) - frames(low.1)).round();
    if delta <= f64::from(max) {
        return None;
    }
    Some(
        Finding::fail(
            ids::CLIP_SYNC,
            what,
            format!("within {max} frames"),
            format!("{delta} frames apart"),
        )
        .with_message(format!(
            "track {what}s {delta} frames apart, more than {max}: {} {}, {} {}",
            low.0.shown_name(),
            low.2,
            high.0.shown_name(),
            high.2
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::test_support::probe;
    use crate::probe::Probe;

    fn rules(yaml: &str) -> ClipsRules {
        serde_yaml::from_str(yaml).expect("clips rules")
    }

    fn track(name: &str, change: impl FnOnce(&mut Probe)) -> FileReport {
        let mut probe = probe();
        change(&mut probe);
        FileReport {
            probe: Some(probe),
            ..FileReport::unchecked(std::path::Path::new(name))
        }
    }

    fn picture(name: &str) -> FileReport {
        track(name, |p| p.audio.clear())
    }

    fn sound(name: &str) -> FileReport {
        track(name, |p| p.video = None)
    }

    fn messages(findings: &[Finding]) -> Vec<(&str, &str)> {
        findings
            .iter()
            .map(|f| (f.check.as_str(), f.message.as_str()))
            .collect()
    }

    #[test]
    fn extra_tracks_are_named_and_missing_ones_counted() {
        let (v1, v2, a1) = (
            picture("/m/C_V1.mxf"),
            picture("/m/C_V2.mxf"),
            sound("/m/C_A1.mxf"),
        );
        let findings = run(&rules("tracks: {video: 1, audio: '2-8'}"), &[&v1, &v2, &a1]);
        assert_eq!(
            messages(&findings),
            [
                (
                    "clip.tracks",
                    "video tracks: expected 1, got 2: 1 video track extra (tracks: C_V1.mxf, C_V2.mxf)"
                ),
                (
                    "clip.tracks",
                    "audio tracks: expected 2-8, got 1: 1 audio track missing (tracks: C_A1.mxf)"
                ),
            ]
        );
    }

    #[test]
    fn tracks_of_one_name_are_named_by_path() {
        let (a, b) = (picture("/m/a/C_V1.mxf"), picture("/m/b/C_V1.mxf"));
        let findings = run(&rules("tracks: {video: 1}"), &[&a, &b]);
        assert!(
            findings[0]
                .message
                .ends_with("(tracks: /m/a/C_V1.mxf, /m/b/C_V1.mxf)"),
            "{}",
            findings[0].message
        );
    }

    #[test]
    fn tracks_at_other_rates_are_a_sync_finding_not_a_crash() {
        let v1 = picture("/m/C_V1.mxf");
        let v2 = track("/m/C_V2.mxf", |p| {
            let video = p.video.as_mut().expect("video");
            video.r_frame_rate = Rational::new(24000, 1001);
            video.avg_frame_rate = video.r_frame_rate;
            p.audio.clear();
        });
        let a1 = sound("/m/C_A1.mxf");
        let a2 = track("/m/C_A2.wav", |p| {
            p.video = None;
            p.audio[0].sample_rate = Some(44100);
        });
        let findings = run(&rules("max_start_delta_frames: 0"), &[&v1, &v2, &a1, &a2]);
        assert_eq!(
            messages(&findings),
            [
                (
                    "clip.sync",
                    "tracks disagree on frame rate: C_V1.mxf has 25, C_V2.mxf has 23.976 (24000/1001)"
                ),
                (
                    "clip.sync",
                    "tracks disagree on sample rate: C_A1.mxf has 48000 Hz, C_A2.wav has 44100 Hz"
                ),
            ]
        );
    }

    #[test]
    fn starts_and_lengths_are_compared_in_frames_of_the_video_rate() {
        let v1 = picture("/m/C_V1.mxf");
        let a1 = track("/m/C_A1.mxf", |p| {
            p.video = None;
            p.timecode = Some("10:00:00:02".into());
            p.duration_s = Some(2.5);
        });
        let rules = rules("{max_start_delta_frames: 1, max_length_delta_frames: 13}");
        assert_eq!(
            messages(&run(&rules, &[&v1, &a1])),
            [(
                "clip.sync",
                "track start timecodes 2 frames apart, more than 1: C_V1.mxf 10:00:00:00, C_A1.mxf 10:00:00:02"
            )]
        );
    }
}
