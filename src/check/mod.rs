//! Checks: pure functions from spec × probe × measurements to findings. No IO here.

mod audio;
mod duration;
mod file;
mod finding;
pub mod ids;
mod kind;
mod layout;
mod loudness;
mod measured;
mod picture;
mod sound;
mod sync;
mod timecode;
mod video;

pub use finding::{At, Basis, Finding, Review, Severity, StaleReview, Verdict};
pub use kind::{Selection, not_checked, rules_for};
pub use sync::{
    duration_deltas_ms as sync_duration_deltas_ms, start_offsets_ms as sync_start_offsets_ms,
};

use crate::measurements::Measurements;
use crate::probe::Probe;
use crate::spec::Spec;

/// What the checks look at for one readable file.
pub struct Subject<'a> {
    pub file_name: &'a str,
    pub probe: &'a Probe,
    pub measurements: &'a Measurements,
}

/// Every finding for one readable file, with the spec's severity overrides applied.
pub fn run(spec: &Spec, subject: &Subject) -> Vec<Finding> {
    let mut findings = Vec::new();
    findings.extend(file::name(spec, subject.file_name));
    findings.extend(file::container(spec, subject.probe));
    findings.extend(file::truncated(subject.measurements));
    findings.extend(file::decode(spec, subject.probe, subject.measurements));
    findings.extend(video::all(spec, subject.probe));
    findings.extend(audio::all(spec, subject.probe));
    findings.extend(layout::check(spec, subject.probe, subject.measurements));
    findings.extend(sync::streams(spec, subject.probe));
    findings.extend(timecode::start(spec, subject.probe));
    findings.extend(duration::length(spec, subject.probe));
    findings.extend(measured::loudness(
        spec,
        subject.probe,
        subject.measurements,
    ));
    findings.extend(measured::sync_marker(
        spec,
        subject.probe,
        subject.measurements,
    ));
    findings.extend(measured::content(spec, subject.probe, subject.measurements));
    findings.extend(picture::all(spec, subject.probe, subject.measurements));
    findings.extend(sound::all(spec, subject.probe, subject.measurements));
    apply_severity(spec, one_missing_audio_per_section(findings))
}

/// A clip's `audio.layout` programmes and the loudness rules on them, judged as [`run`] judges
/// a file's, over the clip's audio tracks (see `clips::programmes`).
pub(crate) fn programmes(spec: &Spec, probe: &Probe, m: &Measurements) -> Vec<Finding> {
    let mut findings = layout::check(spec, probe, m);
    findings.extend(measured::loudness(spec, probe, m));
    apply_severity(spec, findings)
}

/// A file without audio fails every audio rule for that one reason: one "no audio stream"
/// finding per spec section (`audio`, `sync`, `content`) says it without burying the report.
fn one_missing_audio_per_section(findings: Vec<Finding>) -> Vec<Finding> {
    let mut reported: Vec<String> = Vec::new();
    findings
        .into_iter()
        .filter(|f| {
            if f.actual != NO_AUDIO_STREAM {
                return true;
            }
            let section = f.check.split('.').next().unwrap_or_default().to_owned();
            if reported.contains(&section) {
                return false;
            }
            reported.push(section);
            true
        })
        .collect()
}

/// What an audio rule reads on a file that has no audio.
const NO_AUDIO_STREAM: &str = "no audio stream";

/// The finding for a file ffprobe could not read.
pub fn unreadable(spec: &Spec, message: &str) -> Vec<Finding> {
    let finding = Finding::fail(ids::FILE_READABLE, "file", "a readable media file", message)
        .with_message(format!("unreadable: {message}"));
    apply_severity(spec, vec![finding])
}

/// The spec's `severity:` overrides on `findings` (the clip checks' too).
pub(crate) fn apply_severity(spec: &Spec, mut findings: Vec<Finding>) -> Vec<Finding> {
    for finding in &mut findings {
        // A missing measurement stays info: an override must not turn it into a failure.
        if finding.is_not_measured() {
            continue;
        }
        if let Some(severity) = spec
            .severity
            .iter()
            .find(|(id, _)| id.0 == finding.check)
            .map(|(_, s)| *s)
        {
            finding.severity = severity;
        }
    }
    findings
}

/// A time in the file as timecode (elapsed time when the file has none).
fn locate(probe: &Probe, seconds: f64) -> String {
    crate::timecode::locate(seconds, probe.start_timecode().as_ref(), probe.place_rate())
}

/// "stream 1 44100, stream 2 48000" — which audio streams break a rule, numbered from 1 among
/// the audio streams, as every finding numbers them.
fn per_stream<T: std::fmt::Display>(failing: &[(usize, T)], total: usize) -> String {
    if total == 1 && failing.len() == 1 {
        return failing[0].1.to_string();
    }
    failing
        .iter()
        .map(|(i, v)| format!("stream {} {v}", i + 1))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::probe::{AudioStream, Probe, VideoStream};
    use crate::rational::Rational;
    use crate::spec::Spec;

    pub fn spec(yaml: &str) -> Spec {
        crate::spec::parse(yaml, std::path::Path::new("test.yaml")).expect("valid test spec")
    }

    /// A clean 1080p25 ProRes HQ file with one 48 kHz 24-bit stereo stream, TC 10:00:00:00.
    pub fn probe() -> Probe {
        Probe {
            container: Some("mov,mp4,m4a,3gp,3g2,mj2".into()),
            duration_s: Some(2.0),
            size: Some(1000),
            bit_rate: Some(1),
            video: Some(VideoStream {
                index: 0,
                codec: Some("prores".into()),
                profile: Some("HQ".into()),
                width: Some(1920),
                height: Some(1080),
                r_frame_rate: Rational::new(25, 1),
                avg_frame_rate: Rational::new(25, 1),
                field_order: Some("progressive".into()),
                pix_fmt: Some("yuv422p10le".into()),
                bits_per_raw_sample: Some(10),
                color_primaries: Some("bt709".into()),
                color_transfer: Some("bt709".into()),
                color_space: Some("bt709".into()),
                start_time_s: Some(0.0),
                duration_s: Some(2.0),
                nb_frames: Some(50),
                ..Default::default()
            }),
            audio: vec![AudioStream {
                index: 1,
                codec: Some("pcm_s24le".into()),
                sample_fmt: Some("s32".into()),
                bits_per_sample: Some(24),
                bits_per_raw_sample: Some(24),
                sample_rate: Some(48000),
                channels: Some(2),
                channel_layout: Some("stereo".into()),
                start_time_s: Some(0.0),
                duration_s: Some(2.0),
                ..Default::default()
            }],
            timecode: Some("10:00:00:00".into()),
            timecode_end: None,
            reel: None,
            timecode_origin: Default::default(),
            stream_bit_rates: Vec::new(),
            material_package_umid: None,
        }
    }

    pub fn ids(findings: &[crate::check::Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.check.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    /// The findings of `spec` on the clean test file, nothing measured.
    fn run_on_clean_file(spec: &Spec) -> Vec<Finding> {
        run(
            spec,
            &Subject {
                file_name: "a.mov",
                probe: &probe(),
                measurements: &Measurements::default(),
            },
        )
    }

    #[test]
    fn severity_override_applies() {
        let spec = spec(
            "name: t\nvideo: {width: 1280, height: 720}\nseverity: {video.resolution: warning}\n",
        );
        let findings = run_on_clean_file(&spec);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::Warning);
    }

    #[test]
    fn severity_override_leaves_a_missing_measurement_at_info() {
        let spec = spec(
            "name: t\naudio: {loudness: {integrated: -23}}\nseverity: {audio.loudness.integrated: error}\n",
        );
        let findings = run_on_clean_file(&spec);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].is_not_measured());
        assert_eq!(findings[0].severity, Severity::Info);
    }

    #[test]
    fn clean_file_has_no_findings_under_a_full_spec() {
        let spec = spec(
            "name: t\ncontainer: {format: mov}\nvideo: {codec: prores, profile: HQ, width: 1920, height: 1080, frame_rate: 25, scan: progressive, pix_fmt: yuv422p10le, bit_depth: 10, color_primaries: bt709, color_transfer: bt709, color_space: bt709}\naudio: {codec: pcm_s24le, sample_rate: 48000, channels: 2, bit_depth: 24}\nsync: {max_start_offset_ms: 40, max_duration_delta_ms: 80}\ntimecode: {start: '10:00:00:00'}\nduration: {min: '00:00:01:00', max: 10}\n",
        );
        let findings = run(
            &spec,
            &Subject {
                file_name: "a.mov",
                probe: &probe(),
                measurements: &Measurements::default(),
            },
        );
        assert!(findings.is_empty(), "{findings:#?}");
    }
}
