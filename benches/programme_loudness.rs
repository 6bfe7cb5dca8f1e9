//! What a layout costs: `dailies-qc check` (release build) on a 10-minute 48 kHz 24-bit stereo
//! programme carried as two mono tracks of a .mov, measured as one `audio.layout` programme
//! (one ffmpeg picking the channels out and merging them), against the same audio as one
//! stereo stream of a .mov measured per stream without a layout (the baseline).
//!
//! `cargo bench --bench programme_loudness` makes both files once, then times one run of each,
//! five times over, and prints the median ratios of wall time and of CPU time (the children's,
//! from /proc: steadier than wall time on a shared machine). Target ≤ 1.2 in CPU time: the
//! meter's work is the same, but ffmpeg demuxes and decodes two streams where the baseline has
//! one, and joins them (≈ 0.15 s of CPU per 10 minutes of stereo).

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const SECONDS: u32 = 600;
const ROUNDS: usize = 5;
const TARGET: f64 = 1.2;
const LOUDNESS: &str = "  loudness: {integrated: -23.0, true_peak_max: -1.0, lra_max: 20}\n";

fn main() {
    let binary = common::release_binary();
    let dir = tempfile::tempdir().expect("tempdir");
    let source =
        format!("anoisesrc=d={SECONDS}:c=pink:r=48000:a=0.2:seed=1,pan=stereo|c0=c0|c1=0.7*c0");
    let stereo = dir.path().join("stereo.mov");
    ffmpeg(
        &["-f", "lavfi", "-i", &source, "-c:a", "pcm_s24le"],
        &stereo,
    );
    let pair = dir.path().join("pair.mov");
    ffmpeg(
        &[
            "-i",
            path_str(&stereo),
            "-filter_complex",
            "[0:a]channelsplit=channel_layout=stereo[l][r]",
            "-map",
            "[l]",
            "-map",
            "[r]",
            "-c:a",
            "pcm_s24le",
        ],
        &pair,
    );
    let per_stream = dir.path().join("per_stream.yaml");
    std::fs::write(&per_stream, format!("name: per stream\naudio:\n{LOUDNESS}")).expect("spec");
    let layout = dir.path().join("layout.yaml");
    std::fs::write(
        &layout,
        format!(
            "name: layout\naudio:\n  layout:\n    - {{name: stereo, channels: [\"1:1 L\", \"2:1 R\"]}}\n{LOUDNESS}"
        ),
    )
    .expect("spec");

    let (mut wall_ratios, mut cpu_ratios) = (Vec::new(), Vec::new());
    println!("round   stereo stream (wall, cpu)   two mono tracks as a programme (wall, cpu)");
    for round in 1..=ROUNDS {
        let baseline = time(&binary, &per_stream, &stereo);
        let programme = time(&binary, &layout, &pair);
        println!(
            "{round:>5} {:>10.2} s {:>8.2} s {:>25.2} s {:>8.2} s",
            baseline.wall.as_secs_f64(),
            baseline.cpu_s,
            programme.wall.as_secs_f64(),
            programme.cpu_s
        );
        wall_ratios.push(programme.wall.as_secs_f64() / baseline.wall.as_secs_f64());
        cpu_ratios.push(programme.cpu_s / baseline.cpu_s);
    }
    let (wall, cpu) = (median(wall_ratios), median(cpu_ratios));
    let verdict = if cpu <= TARGET { "met" } else { "MISSED" };
    println!("median ratio: wall {wall:.2}, cpu {cpu:.2} (target ≤ {TARGET:.2} in cpu: {verdict})");
}

fn median(mut ratios: Vec<f64>) -> f64 {
    ratios.sort_by(f64::total_cmp);
    ratios[ratios.len() / 2]
}

/// User + system seconds of this process's waited-for children (and theirs), from
/// /proc/self/stat (`cutime`, `cstime`, in USER_HZ ticks of 1/100 s).
fn children_cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("read /proc/self/stat");
    // The command name in parentheses may hold spaces: count fields after its closing one.
    let after_name = &stat[stat.rfind(')').expect("stat format") + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| fields[i].parse::<f64>().expect("stat number");
    // Fields 16 and 17 of stat(5); after the name, field 3 is index 0.
    (ticks(13) + ticks(14)) / 100.0
}

struct Timing {
    wall: Duration,
    cpu_s: f64,
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}

fn ffmpeg(args: &[&str], out: &Path) {
    let made = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y"])
        .args(args)
        .arg(out)
        .status()
        .expect("run ffmpeg");
    assert!(made.success(), "ffmpeg could not make {}", out.display());
}

/// Wall and CPU time of one `check`; a failing QC verdict is exit 1, not an error.
fn time(binary: &Path, spec: &Path, media: &Path) -> Timing {
    let cpu_before = children_cpu_s();
    let start = Instant::now();
    let out = Command::new(binary)
        .args(["check", "--format", "json", "--spec"])
        .arg(spec)
        .arg(media)
        .output()
        .expect("run dailies-qc");
    let wall = start.elapsed();
    let cpu_s = children_cpu_s() - cpu_before;
    assert!(
        out.status.code().is_some_and(|code| code <= 1),
        "check failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("\"integrated_lufs\": -"),
        "no loudness was measured: {report}"
    );
    Timing { wall, cpu_s }
}
