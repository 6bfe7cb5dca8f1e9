//! Marker search cost must not grow with programme length: only the head is decoded.
//! Baseline: the same search on a 1-minute file, in the same run. Prints the ratio.

use dailies_qc::analyze::marker::{self, Window};
use dailies_qc::synth::{MarkerClip, ffmpeg};
use std::time::Instant;

fn time_search(path: &std::path::Path, runs: u32) -> f64 {
    let start = Instant::now();
    for _ in 0..runs {
        let found = marker::find(path, Window::head(30.0)).expect("decodes");
        assert!(found.is_ok(), "{found:?}");
    }
    start.elapsed().as_secs_f64() / runs as f64
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let minute = dir.path().join("minute.mov");
    let mut clip = MarkerClip::new((25, 1), 50, 0.02, false);
    clip.seconds = 60.0;
    clip.write(&minute).expect("ffmpeg must be installed");
    // An hour made of the minute, stream-copied: real 1-hour file, no hour of encoding.
    let hour = dir.path().join("hour.mov");
    let args: Vec<String> = [
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-y",
        "-stream_loop",
        "59",
        "-i",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([minute.to_string_lossy().into_owned()])
    .chain(["-c".into(), "copy".into()])
    .chain([hour.to_string_lossy().into_owned()])
    .collect();
    ffmpeg(&args).expect("loop to one hour");
    let runs = 5;
    let baseline = time_search(&minute, runs);
    let long = time_search(&hour, runs);
    println!("marker search, 30 s head, mean of {runs} runs:");
    println!("  baseline 1-minute file: {baseline:.3} s");
    println!("  1-hour file:            {long:.3} s");
    println!("  ratio hour/minute:      {:.2}", long / baseline);
}
