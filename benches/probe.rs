//! Probe throughput: `dailies-qc check` on 200 small files against the sequential ffprobe loop
//! an operator would otherwise script, run on the same files in the same process.
//! Target on 2 cores: ratio ≤ 0.65.  Run: `cargo bench --bench probe`.

use dailies_qc::synth::Clip;
use std::process::{Command, Stdio};
use std::time::Instant;

const FILES: usize = 200;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = dir.path().join("clip_0000.mov");
    Clip::small(1.0)
        .write(&first)
        .unwrap_or_else(|e| panic!("{e}"));
    for i in 1..FILES {
        std::fs::copy(&first, dir.path().join(format!("clip_{i:04}.mov"))).expect("copy");
    }
    let spec = dir.path().join("spec.yaml");
    std::fs::write(&spec, "name: bench\nvideo:\n  frame_rate: 25\n").expect("spec");

    // Warm the page cache and the binaries so neither side pays for a cold start.
    baseline(dir.path());
    ours(dir.path(), &spec);

    let runs = 2;
    let mut base = f64::MAX;
    let mut mine = f64::MAX;
    for _ in 0..runs {
        base = base.min(baseline(dir.path()));
        mine = mine.min(ours(dir.path(), &spec));
    }
    println!("probe {FILES} files (best of {runs}):");
    println!("  baseline  sequential `ffprobe -show_format -show_streams` loop: {base:.2} s");
    println!(
        "  dailies-qc check (probe + checks, {} jobs):          {mine:.2} s",
        jobs()
    );
    println!(
        "  ratio dailies-qc / baseline = {:.2} (target <= 0.65)",
        mine / base
    );
}

fn jobs() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

fn baseline(dir: &std::path::Path) -> f64 {
    let start = Instant::now();
    let status = Command::new("sh")
        .arg("-c")
        .arg(r#"for f in "$1"/*.mov; do ffprobe -v error -show_format -show_streams -of json "$f"; done"#)
        .arg("sh")
        .arg(dir)
        .stdout(Stdio::null())
        .status()
        .expect("sh");
    assert!(status.success());
    start.elapsed().as_secs_f64()
}

fn ours(dir: &std::path::Path, spec: &std::path::Path) -> f64 {
    let start = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_dailies-qc"))
        .args(["check", "--format", "json", "--spec"])
        .arg(spec)
        .arg(dir)
        .stderr(Stdio::inherit())
        .output()
        .expect("dailies-qc");
    let elapsed = start.elapsed().as_secs_f64();
    assert_eq!(output.status.code(), Some(0), "every bench file passes");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(report["summary"]["files"], FILES);
    elapsed
}
