//! Every content rule (black, freeze, silence, clipping and the picture checks: R 103 levels,
//! BT.1702 flashes, cadence, active picture), loudness and `decode: true`, end to end as a user
//! runs them — `dailies-qc check` (release build) — against `ffmpeg -i FILE -f null -`, the
//! decode alone, on the same 1080p25 ProRes 422 HQ file with 24-bit stereo. All of it comes
//! from one decode of the file, so the ratio is what the analyses add. Target ≤ 1.2.
//!
//! Two masters, the same moving pattern in both:
//! - **at ProRes 422 HQ's data rate** (the target's case): with a light grain, as camera
//!   pictures have, the encoder writes about 190 Mbit/s — Apple's figure for 422 HQ at 1080p25
//!   is 184. The decoder then reads what a real HQ master makes it read.
//! - **a light pattern** (reported, no target): the clean pattern compresses to about a quarter
//!   of that, so the decode is far quicker while the analyses look at the same pictures: the
//!   worst case for the ratio.
//!
//! Length: `ONE_DECODE_BENCH_S` seconds each (default 30, to keep the bench to about two
//! minutes; the figure is for 600). Three rounds, each side alternating; the median
//! ratio counts.

mod common;

use dailies_qc::synth::Clip;

use std::path::{Path, PathBuf};
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
        .unwrap_or(30);
    let binary = common::release_binary();
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("every_check.yaml");
    std::fs::write(&spec, SPEC).expect("spec");

    let hq = master(dir.path(), "hq_rate.mov", seconds, Some(CAMERA_GRAIN));
    let mbps = bit_rate_mbps(&hq);
    assert!(
        (150.0..260.0).contains(&mbps),
        "the grained master should be near ProRes 422 HQ's 184 Mbit/s, not {mbps:.0}"
    );
    println!("{seconds} s of 1080p25 ProRes 422 HQ at {mbps:.0} Mbit/s + 24-bit stereo");
    rounds(&binary, &spec, &hq).finish(TARGET);

    let light = master(dir.path(), "light.mov", seconds, None);
    println!(
        "\nThe same pattern without grain, {:.0} Mbit/s (the worst case, no target)",
        bit_rate_mbps(&light)
    );
    rounds(&binary, &spec, &light).report();
}

/// Grain as a camera's: a little noise, new on every frame.
const CAMERA_GRAIN: &str = "noise=alls=1:allf=t";

/// A moving test pattern (a still one would decode faster than real pictures), its sound at
/// lavfi's own −18 dBFS, with `grain` filtered in.
fn master(dir: &Path, name: &str, seconds: u32, grain: Option<&str>) -> PathBuf {
    let media = dir.join(name);
    let mut master = Clip::broadcast_master(f64::from(seconds));
    master.video_source = "testsrc2".into();
    master.video_filter = grain.map(str::to_owned);
    if let Some(tone) = master.audio.as_mut() {
        tone.level_dbfs = 20.0 * (1.0f64 / 8.0).log10();
    }
    master
        .write(&media)
        .expect("ffmpeg could not make the test file");
    media
}

/// The file's overall bit rate as ffprobe reads it, Mbit/s.
fn bit_rate_mbps(media: &Path) -> f64 {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", "format=bit_rate", "-of"])
        .arg("default=noprint_wrappers=1:nokey=1")
        .arg(media)
        .output()
        .expect("ffprobe");
    let bits: f64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("a bit rate");
    bits / 1e6
}

/// `ROUNDS` paired runs of the decode alone and the check, the first report checked for every
/// measurement.
fn rounds(binary: &Path, spec: &Path, media: &Path) -> common::PairedRounds {
    let mut rounds = common::PairedRounds::new("ffmpeg -f null");
    for round in 1..=ROUNDS {
        let ffmpeg = common::timed_run(
            Command::new("ffmpeg")
                .args(["-nostdin", "-nostats", "-v", "error", "-i"])
                .arg(media)
                .args(["-f", "null", "-"]),
        )
        .0;
        let (ours, report) = common::timed_run(
            Command::new(binary)
                .args(["check", "--no-cache", "--format", "json", "--spec"])
                .arg(spec)
                .arg(media),
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
    rounds
}
