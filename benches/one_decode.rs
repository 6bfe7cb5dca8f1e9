//! Every content rule (black, freeze, silence, clipping and the picture checks: R 103 levels,
//! BT.1702 flashes, cadence, active picture), loudness and `decode: true`, end to end as a user
//! runs them — `dailies-qc check` (release build) — against `ffmpeg -i FILE -f null -`, the
//! decode alone, on the same 1080p25 ProRes 422 HQ file with 24-bit stereo. All of it comes
//! from one decode of the file, so the ratio is what the analyses add. Target ≤ 1.2.
//!
//! Length: `ONE_DECODE_BENCH_S` seconds (default 60, to keep the bench to about two minutes;
//! the figure is for 600). Three rounds, each side alternating; the median ratio counts.

mod common;

use dailies_qc::synth::Clip;

use std::process::Command;

const ROUNDS: usize = 3;
const TARGET: f64 = 1.2;
const SPEC: &str = "name: every picture and sound check
audio:
  loudness: {integrated: -23.0, tolerance: 1.0, true_peak_max: -1.0, lra_max: 20}
content:
  black: {max_s: 2}
  freeze: {max_s: 5}
  silence: {max_s: 3}
  clipping: {max_samples: 0}
  levels: {}
  flashes: {}
  cadence: {}
  active_picture: {aspect: 1.78}
integrity:
  decode: true
";

fn main() {
    let seconds: u32 = std::env::var("ONE_DECODE_BENCH_S")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let binary = common::release_binary();
    let dir = tempfile::tempdir().expect("tempdir");
    let media = dir.path().join("master.mov");
    // A moving test pattern (a still one would decode faster than real pictures), its sound
    // at lavfi's own −18 dBFS.
    let mut master = Clip::broadcast_master(f64::from(seconds));
    master.video_source = "testsrc2".into();
    if let Some(tone) = master.audio.as_mut() {
        tone.level_dbfs = 20.0 * (1.0f64 / 8.0).log10();
    }
    master
        .write(&media)
        .expect("ffmpeg could not make the test file");
    let spec = dir.path().join("every_check.yaml");
    std::fs::write(&spec, SPEC).expect("spec");

    println!("{seconds} s of 1080p25 ProRes 422 HQ + 24-bit stereo");
    let mut rounds = common::PairedRounds::new("ffmpeg -f null");
    for round in 1..=ROUNDS {
        let ffmpeg = common::timed_run(
            Command::new("ffmpeg")
                .args(["-nostdin", "-nostats", "-v", "error", "-i"])
                .arg(&media)
                .args(["-f", "null", "-"]),
        )
        .0;
        let (ours, report) = common::timed_run(
            Command::new(&binary)
                .args(["check", "--no-cache", "--format", "json", "--spec"])
                .arg(&spec)
                .arg(&media),
        );
        if round == 1 {
            let report: serde_json::Value = serde_json::from_slice(&report).expect("report");
            let m = &report["files"][0]["measurements"];
            for key in [
                "levels",
                "flashes",
                "cadence",
                "active_picture",
                "loudness",
                "decode",
            ] {
                assert!(!m[key].is_null(), "{key} not measured: {m}");
            }
        }
        rounds.add(round, ffmpeg, ours);
    }
    rounds.finish(TARGET);
}
