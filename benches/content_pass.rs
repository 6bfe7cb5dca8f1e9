//! Content checks (black, freeze, silence, clipping) in one pass vs the baseline of running
//! ffmpeg's `blackdetect,freezedetect`, `silencedetect` and `astats` as separate commands on
//! the same 1080p ProRes file, in the same run. Prints the ratio (target ≤ 0.6).
//! Length: `CONTENT_BENCH_S` seconds (default 30, to keep the bench to about a minute; the
//! issue's figure is for 600). Each side runs `CONTENT_BENCH_RUNS` times (default 3), alternating,
//! and the best time of each counts: a shared 2-core machine's noise is larger than the effect.

use dailies_qc::analyze::content;
use dailies_qc::probe::probe_file;
use dailies_qc::synth::{Clip, ffmpeg};
use std::time::{Duration, Instant};

fn separate_commands(url: &str) {
    let run = |filter: &[&str]| {
        let args: Vec<String> = [
            "-hide_banner",
            "-nostdin",
            "-nostats",
            "-v",
            "info",
            "-i",
            url,
        ]
        .iter()
        .chain(filter)
        .chain(&["-f", "null", "-"])
        .map(|s| s.to_string())
        .collect();
        ffmpeg(&args).expect("baseline command");
    };
    run(&[
        "-map",
        "0:v:0",
        "-vf",
        "blackdetect=d=2:pix_th=0.1,freezedetect=n=-60dB:d=5",
    ]);
    run(&["-map", "0:a:0", "-af", "silencedetect=n=-60dB:d=3"]);
    run(&["-map", "0:a:0", "-af", "astats"]);
}

/// Decoding the picture and doing nothing with it: the floor any one-pass analysis stands on.
fn decode_only(url: &str) {
    let args: Vec<String> = [
        "-hide_banner",
        "-nostdin",
        "-nostats",
        "-v",
        "error",
        "-i",
        url,
        "-map",
        "0:v:0",
        "-f",
        "null",
        "-",
    ]
    .map(String::from)
    .to_vec();
    ffmpeg(&args).expect("decode-only command");
}

fn main() {
    let seconds: f64 = std::env::var("CONTENT_BENCH_S")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30.0);
    let runs: usize = std::env::var("CONTENT_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3)
        .max(1);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("master.mov");
    let mut clip = Clip::broadcast_master(seconds);
    clip.video_source = "testsrc2".into();
    clip.write(&path).expect("ffmpeg must be installed");
    let probe = probe_file(&path, Duration::from_secs(60)).expect("probe");
    let spec: dailies_qc::spec::Spec = serde_yaml::from_str(
        "name: b\ncontent:\n  black: {max_s: 2}\n  freeze: {max_s: 5}\n  silence: {max_s: 3}\n  clipping: {max_samples: 0}\n",
    )
    .expect("spec");
    let rules = spec.content.expect("content rules");
    let url = dailies_qc::process::media_url(&path)
        .to_string_lossy()
        .into_owned();

    let (mut baseline, mut ours, mut floor) = (f64::INFINITY, f64::INFINITY, f64::INFINITY);
    for _ in 0..runs {
        let start = Instant::now();
        separate_commands(&url);
        baseline = baseline.min(start.elapsed().as_secs_f64());
        let start = Instant::now();
        let measured = content::analyse(&path, &probe, &rules, std::time::Duration::from_secs(60));
        ours = ours.min(start.elapsed().as_secs_f64());
        assert_eq!(measured.problem, None);
        let start = Instant::now();
        decode_only(&url);
        floor = floor.min(start.elapsed().as_secs_f64());
    }

    println!("content checks on {seconds:.0} s of 1080p25 ProRes 422 HQ + 24-bit stereo:");
    println!("  best of {runs} runs each");
    println!("  baseline (3 separate ffmpeg commands): {baseline:.2} s");
    println!("  one pass (dailies-qc):                 {ours:.2} s");
    println!(
        "  ratio one-pass/baseline:               {:.2}",
        ours / baseline
    );
    println!(
        "  (decoding the picture alone:           {floor:.2} s = {:.2} of the baseline)",
        floor / baseline
    );
}
