//! Loudness end to end, as a user runs it: `dailies-qc check` (release build) with a loudness
//! rule against `ffmpeg -af ebur128=peak=true` on the same 10-minute 48 kHz 24-bit stereo WAV.
//!
//! `cargo bench --bench loudness_cli` builds the release binary, makes the file once, then
//! times one run of each, three times over, and prints the median ratio. Target ≤ 0.45, with
//! the loudness rule alone and with the sound checks that listen to the same decode (phase,
//! stereo, line-up tone, LFE, and a timeline that forbids bars, tone and slate).

mod common;

use std::path::Path;
use std::process::Command;

const SECONDS: u32 = 600;
const ROUNDS: usize = 3;
const TARGET: f64 = 0.45;

fn main() {
    let binary = common::release_binary();
    let dir = tempfile::tempdir().expect("tempdir");
    let wav = dir.path().join("programme.wav");
    let made = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!(
            "anoisesrc=d={SECONDS}:c=pink:r=48000:a=0.2:seed=1,pan=stereo|c0=c0|c1=0.7*c0"
        ))
        .args(["-c:a", "pcm_s24le"])
        .arg(&wav)
        .status()
        .expect("run ffmpeg");
    assert!(made.success(), "ffmpeg could not make the test file");
    let spec = dir.path().join("r128.yaml");
    std::fs::write(
        &spec,
        "name: r128\naudio:\n  loudness: {integrated: -23.0, true_peak_max: -1.0, lra_max: 20}\n",
    )
    .expect("spec");

    let with_sound = dir.path().join("r128_and_sound.yaml");
    std::fs::write(
        &with_sound,
        "name: r128 and sound\naudio:\n  loudness: {integrated: -23.0, true_peak_max: -1.0, lra_max: 20}\n  phase: {}\n  stereo: {expect: any}\n  tone: {}\n  lfe: {}\ntimeline:\n  forbid: [bars, tone, slate]\n",
    )
    .expect("spec");
    for (title, spec) in [
        ("loudness rule", &spec),
        ("loudness + sound checks", &with_sound),
    ] {
        println!("{title}:");
        rounds(&binary, &wav, spec);
    }
}

/// `ROUNDS` alternating runs of ffmpeg's meter and `check` with `spec`; prints the median ratio.
fn rounds(binary: &Path, wav: &Path, spec: &Path) {
    let mut rounds = common::PairedRounds::new("ffmpeg ebur128");
    for round in 1..=ROUNDS {
        let (ffmpeg, _) = common::timed_run(
            Command::new("ffmpeg")
                .args(["-nostdin", "-nostats", "-i"])
                .arg(wav)
                .args(["-af", "ebur128=peak=true", "-f", "null", "-"]),
        );
        let (ours, _) = common::timed_run(
            Command::new(binary)
                .args(["check", "--no-cache", "--spec"])
                .arg(spec)
                .args(["--format", "json"])
                .arg(wav),
        );
        rounds.add(round, ffmpeg, ours);
    }
    rounds.finish(TARGET);
}
