//! A deterministic report of any size, for screen snapshots, screenshots and the review-screen
//! benchmark: file names, probes and defects like a night of 1080p25 ProRes dailies.

use crate::check::{At, Finding, Severity, ids};
use crate::measurements::{AvSync, Loudness, Measurements};
use crate::probe::{AudioStream, Probe, VideoStream};
use crate::rational::Rational;
use crate::report::{FileReport, Report, SpecInfo};

pub const SPEC_NAME: &str = "EBU R128 HD broadcast master";

pub fn spec_info() -> SpecInfo {
    SpecInfo {
        name: SPEC_NAME.to_owned(),
        path: "specs/ebu-r128-hd-broadcast.yaml".to_owned(),
        sha256: "0".repeat(64),
    }
}

/// A fixed clock for reviews in snapshots.
pub fn fixed_clock() -> String {
    "2026-11-29T02:14:00+00:00".to_owned()
}

fn probe(frame_rate: (i64, i64), width: u32, height: u32, audio_start: f64) -> Probe {
    Probe {
        container: Some("mov,mp4,m4a,3gp,3g2,mj2".into()),
        duration_s: Some(2.0),
        size: Some(41_300_000),
        bit_rate: Some(165_000_000),
        video: Some(VideoStream {
            index: 0,
            codec: Some("prores".into()),
            profile: Some("HQ".into()),
            width: Some(width),
            height: Some(height),
            r_frame_rate: Rational::new(frame_rate.0, frame_rate.1),
            avg_frame_rate: Rational::new(frame_rate.0, frame_rate.1),
            field_order: Some("progressive".into()),
            pix_fmt: Some("yuv422p10le".into()),
            bits_per_raw_sample: Some(10),
            color_primaries: Some("bt709".into()),
            color_transfer: Some("bt709".into()),
            color_space: Some("bt709".into()),
            start_time_s: Some(0.0),
            duration_s: Some(2.0),
            nb_frames: Some(50),
            ..VideoStream::default()
        }),
        audio: vec![AudioStream {
            index: 1,
            codec: Some("pcm_s24le".into()),
            sample_fmt: Some("s32".into()),
            bits_per_sample: Some(24),
            sample_rate: Some(48_000),
            channels: Some(2),
            channel_layout: Some("stereo".into()),
            start_time_s: Some(audio_start),
            duration_s: Some(2.0 - audio_start),
            ..AudioStream::default()
        }],
        timecode: Some("10:00:00:00".into()),
        timecode_end: Some("10:00:01:24".into()),
        reel: None,
        timecode_origin: Default::default(),
        stream_bit_rates: Vec::new(),
        material_package_umid: None,
    }
}

/// The file `i` of a sample night: most pass, some carry one or two real defects.
pub fn file(i: usize) -> FileReport {
    let name = format!("A{:03}_C{:03}_v001.mov", i / 100 + 1, i % 100 + 1);
    let path = format!("/mnt/dailies/ep101/{name}");
    let mut findings = Vec::new();
    let mut rate = (25, 1);
    let (mut width, mut height) = (1920, 1080);
    let mut audio_start = 0.0;
    let mut loudness = -23.0;
    match i % 8 {
        2 => {
            rate = (24, 1);
            findings.push(Finding::fail(
                ids::VIDEO_FRAME_RATE,
                "frame rate",
                "25",
                "24",
            ));
        }
        3 => {
            (width, height) = (1280, 720);
            findings.push(Finding::fail(
                ids::VIDEO_RESOLUTION,
                "resolution",
                "1920x1080",
                "1280x720",
            ));
        }
        4 => {
            loudness = -14.1;
            findings.push(
                Finding::fail(
                    ids::LOUDNESS_INTEGRATED,
                    "integrated loudness",
                    "-23.0 LUFS ±0.5 LU",
                    "-14.1 LUFS",
                )
                .with_at(Some(At {
                    start: "10:00:00:00".into(),
                    end: Some("10:00:01:24".into()),
                })),
            );
        }
        5 => {
            audio_start = 0.2;
            findings.push(Finding::fail(
                ids::SYNC_START_OFFSET,
                "audio start offset",
                "within ±40 ms",
                "+200.0 ms (audio late)",
            ));
            findings.push(
                Finding::fail(ids::LOUDNESS_LRA, "loudness range", "≤ 20 LU", "21.3 LU")
                    .with_severity(Severity::Warning),
            );
        }
        _ => {}
    }
    let unreadable = i % 8 == 7;
    if unreadable {
        findings = vec![Finding::fail(
            ids::FILE_READABLE,
            "readable",
            "a media file ffprobe can read",
            "moov atom not found",
        )];
    }
    let mut report = FileReport {
        path,
        path_raw: None,
        size: Some(41_300_000),
        mtime: None,
        status: crate::report::Status::Pass,
        kind: None,
        timecode_source: None,
        timecode_rate: None,
        clip: None,
        sound_roll: None,
        paired: Vec::new(),
        probe: (!unreadable).then(|| probe(rate, width, height, audio_start)),
        measurements: if unreadable {
            Measurements::default()
        } else {
            Measurements {
                loudness: Some(Loudness {
                    integrated_lufs: Some(loudness),
                    true_peak_dbtp: Some(loudness + 3.1),
                    lra_lu: Some(0.0),
                    ..Loudness::default()
                }),
                sync: Some(AvSync {
                    start_offset_ms: Some(audio_start * 1000.0),
                    duration_delta_ms: Some(-audio_start * 1000.0),
                    ..AvSync::default()
                }),
                ..Measurements::default()
            }
        },
        findings,
    };
    report.refresh_status();
    report
}

/// A report of `files` sample files, created at a fixed time.
pub fn report(files: usize) -> Report {
    let mut report = Report::new(spec_info(), "alice".into(), (0..files).map(file).collect());
    report.created = fixed_clock();
    report
}
