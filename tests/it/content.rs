//! Content checks on generated clips with black, frozen, silent and clipped stretches at
//! known positions: event counts and start/end timecodes within one frame.

use dailies_qc::analyze::content;
use dailies_qc::measurements::Event;
use dailies_qc::probe::probe_file;
use dailies_qc::synth::ffmpeg;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The stall limit of the content pass, as `--probe-timeout` gives it by default.
const STALL: Duration = Duration::from_secs(60);
const FRAME_S: f64 = 0.04; // 25 fps

/// 8 s at 25 fps with timecode 01:00:00:00: black 1.0–3.48 s, frozen picture 4.0–6.0 s
/// (a still frame), silence 2.0–5.5 s, full-scale (clipped) audio 6.5–6.6 s.
fn eventful_clip(dir: &Path) -> PathBuf {
    let path = dir.join("events.mov");
    let video = "testsrc2=s=320x180:r=25:d=8,\
                 drawbox=color=black:t=fill:enable='between(t,1,3.45)',\
                 loop=loop=49:size=1:start=101,setpts=N/25/TB,trim=duration=8";
    let audio = "aevalsrc=exprs='if(between(t,2,5.5),0,if(between(t,6.5,6.6),1.5,0.3)*sin(2*PI*440*t))':s=48000:c=stereo:d=8";
    let args: Vec<String> = [
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-y",
        "-f",
        "lavfi",
        "-i",
        video,
        "-f",
        "lavfi",
        "-i",
        audio,
        "-c:v",
        "mjpeg",
        "-q:v",
        "5",
        "-pix_fmt",
        "yuvj420p",
        "-c:a",
        "pcm_s16le",
        "-timecode",
        "01:00:00:00",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([path.to_string_lossy().into_owned()])
    .collect();
    ffmpeg(&args).expect("ffmpeg must be installed to make test media");
    path
}

fn near(event: &Event, start: f64, end: f64) -> bool {
    (event.start_s - start).abs() <= FRAME_S + 1e-6 && (event.end_s - end).abs() <= FRAME_S + 1e-6
}

const SPEC: &str = "name: content\ncontent:\n  black: {max_s: 2.0, luma_max: 0.10}\n  freeze: {max_s: 1.5, noise_db: -60}\n  silence: {max_s: 3.0, level_db: -60}\n  clipping: {max_samples: 0}\n";

#[test]
fn finds_each_event_in_one_pass() {
    let dir = tempfile::tempdir().unwrap();
    let path = eventful_clip(dir.path());
    let probe = probe_file(&path, Duration::from_secs(30)).unwrap();
    let spec: dailies_qc::spec::Spec = serde_yaml::from_str(SPEC).unwrap();
    let measured = content::analyse(&path, &probe, spec.content.as_ref().unwrap(), STALL);
    assert_eq!(measured.problem, None);
    let black = measured.black.unwrap();
    assert_eq!(black.len(), 1, "{black:?}");
    assert!(near(&black[0], 1.0, 3.48), "{black:?}");
    // The black stretch is also a still picture; the frozen frame is the second freeze.
    let freeze = measured.freeze.unwrap();
    assert_eq!(freeze.len(), 2, "{freeze:?}");
    assert!(near(&freeze[1], 4.0, 6.0), "{freeze:?}");
    let silence = measured.silence.unwrap();
    assert_eq!(silence.len(), 1, "{silence:?}");
    assert!(near(&silence[0], 2.0, 5.5), "{silence:?}");
    // 1.5 × sine clipped at full scale: about a third of each cycle, both channels, 0.1 s.
    let clipped = measured.clipped_samples.unwrap();
    assert!((2000..6000).contains(&clipped), "{clipped}");
    let runs = measured.clipping.unwrap();
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert!(runs[0].start_s > 6.4 && runs[0].end_s < 6.7, "{runs:?}");
}

fn check_json(spec: &str, media: &Path, dir: &Path) -> (Option<i32>, serde_json::Value) {
    let spec_path = dir.join("spec.yaml");
    std::fs::write(&spec_path, spec).expect("spec");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_dailies-qc"))
        .args(["check", "--spec"])
        .arg(&spec_path)
        .args(["--format", "json"])
        .arg(media)
        .output()
        .expect("run dailies-qc");
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    (output.status.code(), report)
}

#[test]
fn check_command_locates_events_by_timecode() {
    let dir = tempfile::tempdir().unwrap();
    let path = eventful_clip(dir.path());
    let (code, report) = check_json(SPEC, &path, dir.path());
    assert_eq!(code, Some(1));
    let findings = report["files"][0]["findings"].as_array().unwrap();
    let of = |id: &str| -> Vec<&serde_json::Value> {
        findings.iter().filter(|f| f["check"] == id).collect()
    };
    let black = of("content.black");
    assert_eq!(black.len(), 1);
    assert_eq!(black[0]["at"]["start"], "01:00:01:00");
    assert_eq!(black[0]["at"]["end"], "01:00:03:12");
    assert_eq!(black[0]["expected"], "no black longer than 2 s");
    let freeze = of("content.freeze");
    assert_eq!(freeze.len(), 2);
    assert_eq!(freeze[1]["at"]["start"], "01:00:04:00");
    assert_eq!(freeze[1]["at"]["end"], "01:00:06:00");
    let silence = of("content.silence");
    assert_eq!(silence.len(), 1);
    assert_eq!(silence[0]["at"]["start"], "01:00:02:00");
    assert_eq!(silence[0]["at"]["end"], "01:00:05:12");
    let clipping = of("content.clipping");
    assert_eq!(clipping.len(), 1);
    assert_eq!(clipping[0]["at"]["start"], "01:00:06:12");
}

#[test]
fn ignored_head_and_longer_limits_pass() {
    let dir = tempfile::tempdir().unwrap();
    let path = eventful_clip(dir.path());
    // Black 1.0–3.48 s minus an ignored 1.5 s head leaves 1.98 s: not longer than 2 s.
    let spec = "name: content\ncontent:\n  black: {max_s: 2.0, ignore_head_s: 1.5}\n  freeze: {max_s: 3}\n  silence: {max_s: 4}\n  clipping: {max_samples: 100000}\n";
    let (code, report) = check_json(spec, &path, dir.path());
    assert_eq!(
        report["files"][0]["findings"],
        serde_json::json!([]),
        "{report}"
    );
    assert_eq!(code, Some(0));
}

#[test]
fn only_the_asked_checks_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = eventful_clip(dir.path());
    let probe = probe_file(&path, Duration::from_secs(30)).unwrap();
    let spec: dailies_qc::spec::Spec =
        serde_yaml::from_str("name: s\ncontent:\n  silence: {max_s: 3.0}\n").unwrap();
    let measured = content::analyse(&path, &probe, spec.content.as_ref().unwrap(), STALL);
    assert_eq!(measured.problem, None);
    assert_eq!(measured.black, None);
    assert_eq!(measured.clipped_samples, None);
    assert_eq!(measured.silence.map(|s| s.len()), Some(1));
}

#[test]
fn unreadable_media_is_a_problem_not_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    let path = eventful_clip(dir.path());
    let probe = probe_file(&path, Duration::from_secs(30)).unwrap();
    dailies_qc::synth::truncate_file(&path, 0.0).unwrap();
    let spec: dailies_qc::spec::Spec =
        serde_yaml::from_str("name: s\ncontent:\n  black: {max_s: 2.0}\n").unwrap();
    let measured = content::analyse(&path, &probe, spec.content.as_ref().unwrap(), STALL);
    let problem = measured.problem.expect("an empty file cannot be analysed");
    assert!(problem.contains("ffmpeg"), "{problem}");
}

/// `picture_s` of picture at `rate` with `audio_s` of PCM beside it, in a MOV.
fn short_clip(dir: &Path, name: &str, rate: &str, picture_s: f64, audio_s: f64) -> PathBuf {
    let path = dir.join(name);
    let args: Vec<String> = [
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-y",
        "-f",
        "lavfi",
        "-i",
        &format!("testsrc2=s=320x180:r={rate}:d={picture_s}"),
        "-f",
        "lavfi",
        "-i",
        &format!("sine=sample_rate=48000:d={audio_s}"),
        "-c:v",
        "mjpeg",
        "-c:a",
        "pcm_s16le",
        path.to_str().expect("UTF-8 temp path"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    ffmpeg(&args).expect("ffmpeg writes the clip");
    path
}

/// Complete short clips are analysed whole: a 4-frame clip whose sound runs 18 ms past its
/// picture (an IMX habit; it read 89.9 %) and a 1-frame 23.976 clip whose movie header rounds
/// its length to the millisecond read a coverage of 1, with no "partly analysed" finding; the
/// picture-only black pass is weighed against the picture's own length.
#[test]
fn complete_short_clips_are_not_partly_analysed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clips = [
        ("imx.mov", "25", 0.16, 0.178),
        ("one.mov", "24000/1001", 0.0417, 0.0417),
    ];
    for (name, rate, picture_s, audio_s) in clips {
        let clip = short_clip(dir.path(), name, rate, picture_s, audio_s);
        let spec = "name: t\ncontent:\n  black: {max_s: 5}\n";
        let (_, report) = check_json(spec, &clip, dir.path());
        let file = &report["files"][0];
        assert_eq!(file["measurements"]["coverage"], 1.0, "{name}: {file:#}");
        let findings = file["findings"].as_array().expect("findings");
        assert!(
            findings
                .iter()
                .all(|f| !f["message"].as_str().unwrap_or_default().contains("partly")),
            "{name}: {findings:#?}"
        );
    }
}
