//! Conform: generated camera originals against transcodes with one dropped frame, a shifted
//! start timecode, another frame rate, lost audio channels and no original at all; paired by
//! the clip id in the name, else by the reel name tag.

use crate::common::*;
use std::path::{Path, PathBuf};

const KINDS: &str = "name: conform
kinds:
  - name: camera
    match: {include: [\"*_ocf.mov\"]}
  - name: picture
    match: {include: [\"*_dnx.mov\"]}
";

struct Clip<'a> {
    rate: &'a str,
    frames: u32,
    tc: &'a str,
    channels: u32,
    reel: Option<&'a str>,
}

const ORIGINAL: Clip = Clip {
    rate: "25",
    frames: 25,
    tc: "11:00:00:00",
    channels: 2,
    reel: None,
};

/// A small MPEG-4 clip with PCM sound, a start timecode and, when given, a reel name.
fn clip(dir: &Path, name: &str, c: &Clip) -> PathBuf {
    let path = dir.join(name);
    let seconds = f64::from(c.frames) / 24.0 + 1.0;
    let mut args: Vec<String> = [
        "-f",
        "lavfi",
        "-i",
        &format!("testsrc2=size=160x90:rate={}", c.rate),
        "-f",
        "lavfi",
        "-i",
        &format!("sine=sample_rate=48000:duration={seconds}"),
        "-frames:v",
        &c.frames.to_string(),
        "-c:v",
        "mpeg4",
        "-c:a",
        "pcm_s16le",
        "-ac",
        &c.channels.to_string(),
        "-shortest",
        "-timecode",
        c.tc,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Some(reel) = c.reel {
        args.extend(["-metadata:s:v:0".to_owned(), format!("reel_name={reel}")]);
    }
    args.push(path.to_str().expect("UTF-8 temp path").to_owned());
    ffmpeg(&args.iter().map(String::as_str).collect::<Vec<_>>());
    path
}

fn report_of(spec: &Path, media: &Path) -> serde_json::Value {
    let outcome = check_json(spec, &[media]);
    assert!(outcome.code == 0 || outcome.code == 1, "{}", outcome.stderr);
    outcome.json()
}

fn checks(report: &serde_json::Value, name: &str) -> Vec<String> {
    findings(report, index_of(report, name))
        .into_iter()
        .map(|(check, _)| check)
        .collect()
}

#[test]
fn transcodes_are_checked_against_the_original_of_the_same_clip() {
    let dir = temp_dir();
    let media = dir.path().join("media");
    std::fs::create_dir(&media).expect("media dir");
    let spec = write_spec(
        dir.path(),
        &format!(
            "{KINDS}conform:\n  originals: camera\n  transcodes: picture\n  \
             pair: '^(?P<clip>[A-Z]\\d{{3}}C\\d{{3}})'\n  max_length_delta_frames: 0\n"
        ),
    );
    for n in 1..=6 {
        clip(&media, &format!("A001C00{n}_ocf.mov"), &ORIGINAL);
    }
    clip(&media, "A001C001_dnx.mov", &ORIGINAL);
    let dropped = Clip {
        frames: 24,
        ..ORIGINAL
    };
    clip(&media, "A001C002_dnx.mov", &dropped);
    let shifted = Clip {
        tc: "11:00:10:00",
        ..ORIGINAL
    };
    clip(&media, "A001C003_dnx.mov", &shifted);
    let other_rate = Clip {
        rate: "24",
        ..ORIGINAL
    };
    clip(&media, "A001C004_dnx.mov", &other_rate);
    let mono = Clip {
        channels: 1,
        ..ORIGINAL
    };
    clip(&media, "A001C005_dnx.mov", &mono);
    clip(&media, "B002C001_dnx.mov", &ORIGINAL);

    let report = report_of(&spec, &media);

    assert_eq!(checks(&report, "A001C001_dnx.mov"), Vec::<String>::new());
    let paired = &report["files"][index_of(&report, "A001C001_dnx.mov")]["paired"][0];
    assert_eq!(paired["role"], "original");
    assert_eq!(paired["offset_frames"], 0);
    assert!(
        paired["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("A001C001_ocf.mov"))
    );
    assert_eq!(checks(&report, "A001C001_ocf.mov"), Vec::<String>::new());

    assert_eq!(checks(&report, "A001C002_dnx.mov"), ["conform.length"]);
    let length = finding(
        &report,
        index_of(&report, "A001C002_dnx.mov"),
        "conform.length",
    );
    assert_eq!(length["expected"], "25 frames");
    assert_eq!(length["actual"], "24 frames");

    assert_eq!(checks(&report, "A001C003_dnx.mov"), ["conform.timecode"]);
    let timecode = finding(
        &report,
        index_of(&report, "A001C003_dnx.mov"),
        "conform.timecode",
    );
    assert_eq!(timecode["expected"], "11:00:00:00");
    assert_eq!(timecode["actual"], "11:00:10:00");

    assert_eq!(checks(&report, "A001C004_dnx.mov"), ["conform.frame_rate"]);
    assert_eq!(checks(&report, "A001C005_dnx.mov"), ["conform.audio"]);
    assert_eq!(checks(&report, "B002C001_dnx.mov"), ["conform.missing"]);
    assert_eq!(checks(&report, "A001C006_ocf.mov"), ["conform.missing"]);
}

#[test]
fn without_a_pair_pattern_the_reel_name_pairs_the_files() {
    let dir = temp_dir();
    let media = dir.path().join("media");
    std::fs::create_dir(&media).expect("media dir");
    let spec = write_spec(
        dir.path(),
        &format!("{KINDS}conform: {{originals: camera, transcodes: picture}}\n"),
    );
    let reel = |reel| Clip {
        reel: Some(reel),
        ..ORIGINAL
    };
    clip(&media, "roll1_ocf.mov", &reel("A007"));
    clip(&media, "shot_12_dnx.mov", &reel("A007"));
    clip(&media, "shot_13_dnx.mov", &reel("A008"));

    let report = report_of(&spec, &media);
    assert_eq!(checks(&report, "shot_12_dnx.mov"), Vec::<String>::new());
    assert_eq!(checks(&report, "roll1_ocf.mov"), Vec::<String>::new());
    assert_eq!(checks(&report, "shot_13_dnx.mov"), ["conform.missing"]);
}

#[test]
fn a_pair_pattern_without_a_clip_group_is_a_spec_error_at_its_line() {
    let dir = temp_dir();
    let spec = write_spec(
        dir.path(),
        &format!(
            "{KINDS}conform:\n  originals: camera\n  transcodes: picture\n  pair: '^([A-Z]\\d{{3}})'\n"
        ),
    );
    let outcome = check_json(&spec, &[dir.path()]);
    assert_eq!(outcome.code, 2, "{}", outcome.stderr);
    assert!(
        outcome
            .stderr
            .contains("spec.yaml:10:9: conform.pair: the regular expression"),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome.stderr.contains("has no named group `clip`"),
        "{}",
        outcome.stderr
    );
}
