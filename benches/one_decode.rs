//! Every content rule (black, freeze, silence, clipping and the picture checks: R 103 levels,
//! BT.1702 flashes, cadence, active picture), loudness and `decode: true`, end to end as a user
//! runs them — `dailies-qc check` (release build) — against `ffmpeg -i FILE -f null -`, the
//! decode alone, on the same 1080p25 ProRes 422 HQ file with 24-bit stereo. All of it comes
//! from one decode of the file, so the ratio is what the analyses add. Target ≤ 1.2.
//!
//! Length: `ONE_DECODE_BENCH_S` seconds (default 60, to keep the bench to about two minutes;
//! the figure is for 600). Three rounds, each side alternating; the median ratio counts.

mod common;

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
    let made = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!(
            "testsrc2=size=1920x1080:rate=25:duration={seconds}"
        ))
        .args(["-f", "lavfi", "-i"])
        .arg(format!(
            "sine=frequency=1000:sample_rate=48000:duration={seconds}"
        ))
        .args([
            "-ac",
            "2",
            "-c:v",
            "prores_aw",
            "-profile:v",
            "3",
            "-pix_fmt",
            "yuv422p10le",
            "-vf",
            "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709",
            "-c:a",
            "pcm_s24le",
            "-timecode",
            "10:00:00:00",
        ])
        .arg(&media)
        .status()
        .expect("run ffmpeg");
    assert!(made.success(), "ffmpeg could not make the test file");
    let spec = dir.path().join("every_check.yaml");
    std::fs::write(&spec, SPEC).expect("spec");

    let mut ratios = Vec::new();
    println!("{seconds} s of 1080p25 ProRes 422 HQ + 24-bit stereo");
    println!("round   ffmpeg -f null   dailies-qc check   ratio");
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
        let ratio = ours.as_secs_f64() / ffmpeg.as_secs_f64();
        println!(
            "{round:>5} {:>14.2} s {:>16.2} s {ratio:>7.2}",
            ffmpeg.as_secs_f64(),
            ours.as_secs_f64()
        );
        ratios.push(ratio);
    }
    ratios.sort_by(f64::total_cmp);
    let median = ratios[ROUNDS / 2];
    let verdict = if median <= TARGET { "met" } else { "MISSED" };
    println!("median ratio {median:.2} (target ≤ {TARGET:.2}: {verdict})");
}
