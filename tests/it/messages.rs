//! Messages people can act on: identical reports from two runs of one damaged file, one "no
//! audio stream" per spec section on a picture-only file, the peak's place printed once.

use crate::common::*;
use std::path::{Path, PathBuf};

/// 4 s of 320x180 MPEG-4 at 25 fps, no audio.
fn picture_only(dir: &Path) -> PathBuf {
    let path = dir.join("picture.mov");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=320x180:rate=25:duration=4",
        "-c:v",
        "mpeg4",
        &path.to_string_lossy(),
    ]);
    path
}

fn check(spec: &Path, format: &str, media: &Path) -> Outcome {
    run(&[
        "check".as_ref(),
        "--format".as_ref(),
        format.as_ref(),
        "--spec".as_ref(),
        spec.as_os_str(),
        media.as_os_str(),
    ])
}

#[test]
fn a_picture_only_file_gets_one_no_audio_finding_per_section() {
    let dir = temp_dir();
    let media = picture_only(dir.path());
    let spec = write_spec(
        dir.path(),
        "name: t\naudio: {codec: pcm_s24le, sample_rate: 48000, channels: 2, loudness: {integrated: -23, true_peak_max: -1}}\nsync: {max_start_offset_ms: 40, max_duration_delta_ms: 80}\ncontent:\n  black: {max_s: 2.0}\n  silence: {max_s: 2.0}\n  clipping: {max_samples: 0}\n",
    );
    let outcome = check(&spec, "json", &media);
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    let report = outcome.json();
    let findings = report["files"][0]["findings"].as_array().expect("findings");
    let sections: Vec<&str> = findings
        .iter()
        .filter(|f| f["message"] == "no audio stream")
        .map(|f| f["check"].as_str().expect("check"))
        .map(|id| id.split('.').next().unwrap_or(id))
        .collect();
    assert_eq!(sections, ["audio", "sync", "content"], "{findings:#?}");
    for finding in findings {
        let message = finding["message"].as_str().expect("message");
        assert!(!message.contains("did not run"), "{message}");
    }
}

#[test]
fn two_runs_of_one_damaged_file_give_identical_reports() {
    let dir = temp_dir();
    let media = dir.path().join("damaged.mov");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=320x180:rate=25:duration=6",
        "-f",
        "lavfi",
        "-i",
        "sine=d=6",
        "-c:v",
        "mpeg4",
        "-c:a",
        "aac",
        "-movflags",
        "+faststart",
        &media.to_string_lossy(),
    ]);
    dailies_qc::synth::truncate_file(&media, 0.6).expect("cut");
    let spec = write_spec(
        dir.path(),
        "name: t\nintegrity: {decode: true}\ncontent:\n  black: {max_s: 2.0}\n  silence: {max_s: 2.0}\n",
    );
    let report = |_| {
        let mut report = check(&spec, "json", &media).json();
        report["created"] = serde_json::Value::Null;
        report
    };
    let first = report(1);
    let text = first.to_string();
    assert!(text.contains("file.decode"), "{first:#}");
    assert!(!text.contains(" @ 0x"), "{first:#}");
    assert_eq!(first, report(2));
}

#[test]
fn the_true_peak_place_is_printed_once() {
    let dir = temp_dir();
    let media = dir.path().join("loud.wav");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=997:d=3:sample_rate=48000",
        "-af",
        "volume=8",
        "-c:a",
        "pcm_s24le",
        &media.to_string_lossy(),
    ]);
    let spec = write_spec(
        dir.path(),
        "name: t\naudio: {loudness: {true_peak_max: -1}}\n",
    );
    let outcome = check(&spec, "text", &media);
    let line = outcome
        .stdout
        .lines()
        .find(|l| l.contains("audio.loudness.true_peak"))
        .unwrap_or_else(|| panic!("no true-peak finding:\n{}", outcome.stdout));
    assert_eq!(line.matches(" at ").count(), 1, "{line}");
}
