//! Beep/flash marker detection on generated clips: each rate, early/on-time/late audio
//! (including offsets inside one frame), MOV/PCM and MP4/AAC.

use dailies_qc::analyze::marker::{self, Window};
use dailies_qc::synth::{MarkerClip, TailPop};
use std::path::PathBuf;

const RATES: [(u32, u32); 3] = [(24000, 1001), (25, 1), (30000, 1001)];

fn make(dir: &tempfile::TempDir, name: &str, clip: &MarkerClip) -> PathBuf {
    let path = dir.path().join(name);
    clip.write(&path)
        .expect("ffmpeg must be installed to make test media");
    path
}

#[test]
fn measures_offsets_within_half_a_frame_at_every_rate_and_container() {
    let dir = tempfile::tempdir().unwrap();
    // Late, on time, early, and two offsets inside one frame (sample accuracy matters).
    let offsets = [0.0, 0.040, -0.080, 0.0123, -0.0071];
    let mut worst_ms: f64 = 0.0;
    for (r, rate) in RATES.iter().enumerate() {
        for mp4 in [false, true] {
            for (o, offset) in offsets.iter().enumerate() {
                let clip = MarkerClip::new(*rate, 30 + o as u32, *offset, mp4);
                let ext = if mp4 { "mp4" } else { "mov" };
                let path = make(&dir, &format!("m{r}_{o}.{ext}"), &clip);
                let found = marker::find(&path, Window::head(3.0))
                    .expect("decodes")
                    .unwrap_or_else(|why| panic!("{path:?}: {why}"));
                let truth_ms = offset * 1000.0;
                let error_ms = (found.offset_ms() - truth_ms).abs();
                let half_frame_ms = clip.frame_s() * 500.0;
                assert!(
                    error_ms < half_frame_ms,
                    "{path:?} rate {rate:?}: measured {:.2} ms, truth {truth_ms:.2} ms",
                    found.offset_ms()
                );
                // The sample-accurate beep makes the error far smaller than half a frame.
                assert!(error_ms < 2.0, "{path:?}: error {error_ms:.3} ms");
                assert!(
                    (found.flash_s - clip.flash_s()).abs() < 1e-3,
                    "{path:?}: flash at {} not {}",
                    found.flash_s,
                    clip.flash_s()
                );
                worst_ms = worst_ms.max(error_ms);
            }
        }
    }
    eprintln!("worst marker error: {worst_ms:.3} ms");
}

#[test]
fn no_marker_is_reported_not_guessed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.mov");
    dailies_qc::synth::Clip::small(2.0).write(&path).unwrap();
    let why = marker::find(&path, Window::head(2.0))
        .expect("decodes")
        .expect_err("a test pattern with a steady tone has no marker");
    assert!(why.contains("no flash"), "{why}");
}

#[test]
fn tail_marker_shows_drift() {
    let dir = tempfile::tempdir().unwrap();
    let mut clip = MarkerClip::new((25, 1), 25, 0.0, false);
    clip.seconds = 8.0;
    clip.tail = Some(TailPop {
        flash_frame: 175,
        audio_offset_s: 0.120,
    });
    let path = make(&dir, "drift.mov", &clip);
    let head = marker::find(&path, Window::head(3.0)).unwrap().unwrap();
    let tail = marker::find(&path, Window::tail(8.0, 3.0))
        .unwrap()
        .unwrap();
    assert!(head.offset_ms().abs() < 2.0, "head {}", head.offset_ms());
    assert!(
        (tail.offset_ms() - 120.0).abs() < 2.0,
        "tail {}",
        tail.offset_ms()
    );
    assert!(
        (tail.flash_s - 7.0).abs() < 1e-3,
        "tail flash {}",
        tail.flash_s
    );
}

/// The whole path through the binary: spec → marker search → finding with the flash's timecode.
#[test]
fn check_command_reports_marker_offset_and_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let on_time = make(
        &dir,
        "on_time.mov",
        &MarkerClip::new((25, 1), 25, 0.020, false),
    );
    let late = make(&dir, "late.mp4", &MarkerClip::new((25, 1), 25, 0.080, true));
    let spec = dir.path().join("spec.yaml");
    std::fs::write(
        &spec,
        "name: marker\nsync:\n  marker: {audio_early_ms: 40, audio_late_ms: 60, search_s: 3}\n",
    )
    .unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_dailies-qc"))
        .args(["check", "--spec"])
        .arg(&spec)
        .args(["--format", "json"])
        .arg(&on_time)
        .arg(&late)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let files = report["files"].as_array().unwrap();
    let file = |name: &str| {
        files
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(name))
            .unwrap()
    };
    let good = file("on_time.mov");
    assert_eq!(good["status"], "pass");
    let ms = good["measurements"]["sync"]["marker_offset_ms"]
        .as_f64()
        .unwrap();
    assert!((ms - 20.0).abs() < 2.0, "{ms}");
    let bad = file("late.mp4");
    assert_eq!(bad["status"], "fail");
    let finding = bad["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "sync.marker")
        .expect("sync.marker finding");
    assert!(
        finding["actual"].as_str().unwrap().ends_with("ms late"),
        "{finding}"
    );
    // No timecode track: the flash frame (frame 25 at 25 fps) is located as 00:00:01:00.
    assert_eq!(finding["at"]["start"], "00:00:01:00");
}

#[test]
fn missing_marker_is_its_own_failure() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.mov");
    dailies_qc::synth::Clip::small(2.0).write(&path).unwrap();
    let spec = dir.path().join("spec.yaml");
    std::fs::write(
        &spec,
        "name: marker\nsync:\n  marker: {audio_early_ms: 40, audio_late_ms: 60, search_s: 2}\n",
    )
    .unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_dailies-qc"))
        .args(["check", "--spec"])
        .arg(&spec)
        .args(["--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let finding = &report["files"][0]["findings"][0];
    assert_eq!(finding["check"], "sync.marker");
    assert_eq!(finding["actual"], "no marker found");
    assert!(
        finding["message"].as_str().unwrap().contains("first 2 s"),
        "{finding}"
    );
}
