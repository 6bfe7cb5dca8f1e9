//! Loudness speed and memory against ffmpeg's own meter, on the same files in the same run.
//!
//! `cargo bench --bench loudness` makes a 10-minute 48 kHz 24-bit stereo WAV and a 10-minute
//! 5.1 PCM .mov once, then times `ffmpeg -af ebur128=peak=true:framelog=verbose` and our
//! measurement (probe + decode + I/LRA/true peak, in a child process so its peak RSS is its own).
//! Targets: ratio ≤ 0.5, our peak RSS ≤ 64 MiB.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const MINUTES: u32 = 10;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--measure-child") {
        measure_child(Path::new(&args[i + 1]));
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let seconds = MINUTES * 60;
    let stereo = make(
        dir.path(),
        "stereo.wav",
        &format!("anoisesrc=d={seconds}:c=pink:r=48000:a=0.2:seed=1,pan=stereo|c0=c0|c1=0.7*c0"),
        "pcm_s24le",
    );
    let surround = make(
        dir.path(),
        "surround.mov",
        &format!(
            "anoisesrc=d={seconds}:c=pink:r=48000:a=0.2:seed=2,\
             pan=5.1|c0=c0|c1=0.9*c0|c2=0.8*c0|c3=0.3*c0|c4=0.5*c0|c5=0.4*c0"
        ),
        "pcm_s24le",
    );
    println!("file                 ffmpeg ebur128   dailies-qc   ratio   our peak RSS");
    for file in [&stereo, &surround] {
        let ffmpeg = time_ffmpeg(file);
        let (ours, rss_kib, integrated) = time_ours(file);
        let ratio = ours.as_secs_f64() / ffmpeg.as_secs_f64();
        println!(
            "{:<20} {:>12.2} s {:>10.2} s {:>7.2} {:>10.1} MiB   (I = {integrated})",
            file.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            ffmpeg.as_secs_f64(),
            ours.as_secs_f64(),
            ratio,
            rss_kib as f64 / 1024.0,
        );
        println!(
            "    ratio target ≤ 0.50: {}   RSS target ≤ 64 MiB: {}",
            verdict(ratio <= 0.5),
            verdict(rss_kib <= 64 * 1024)
        );
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

fn make(dir: &Path, name: &str, source: &str, codec: &str) -> PathBuf {
    let path = dir.join(name);
    let status = Command::new("ffmpeg")
        .args([
            "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", source, "-c:a", codec,
        ])
        .arg(&path)
        .status()
        .expect("run ffmpeg");
    assert!(status.success(), "ffmpeg could not make {name}");
    path
}

fn time_ffmpeg(file: &Path) -> Duration {
    let start = Instant::now();
    let out = Command::new("ffmpeg")
        .args(["-nostdin", "-nostats", "-i"])
        .arg(file)
        .args([
            "-af",
            "ebur128=peak=true:framelog=verbose",
            "-f",
            "null",
            "-",
        ])
        .output()
        .expect("run ffmpeg");
    let elapsed = start.elapsed();
    assert!(out.status.success(), "ffmpeg ebur128 failed");
    elapsed
}

/// Runs this program again as `--measure-child FILE`; returns wall time, the child's VmHWM in
/// KiB, and its integrated loudness.
fn time_ours(file: &Path) -> (Duration, u64, String) {
    let exe = std::env::current_exe().expect("own path");
    let start = Instant::now();
    let out = Command::new(exe)
        .arg("--measure-child")
        .arg(file)
        .output()
        .expect("run child");
    let elapsed = start.elapsed();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "child failed: {text}");
    let mut fields = text.split_whitespace();
    let rss = fields.next().and_then(|v| v.parse().ok()).unwrap_or(0);
    let integrated = fields.next().unwrap_or("?").to_owned();
    (elapsed, rss, integrated)
}

fn measure_child(file: &Path) {
    let timeout = Duration::from_secs(60);
    let mut probe = dailies_qc::probe::probe_file(file, timeout).expect("probe");
    let loudness = dailies_qc::analyze::loudness::measure_file(file, &mut probe, timeout, None)
        .expect("an audio stream");
    let integrated = loudness
        .integrated_lufs
        .map_or("silent".to_owned(), |i| format!("{i:.1}"));
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .unwrap_or("0");
    println!("{hwm} {integrated}");
}
