//! Metadata speed against MediaInfo: `dailies-qc check` with metadata rules only (a first scan:
//! its own empty cache) on 200 small MOVs, against `mediainfo --Output=JSON` reading the same
//! 200 files in one process. Target: ratio ≤ 0.5 on an idle machine. The same `check` probing with ffprobe
//! (`DAILIES_QC_PROBE=ffprobe`, one process per file) shows what the probe worker saves.
//!
//! It also times the ffprobe options on a sample of the files, per file, against the plain
//! `ffprobe -show_format -show_streams` the probe runs, so the next step can be chosen on
//! numbers: fewer entries, a smaller probe size, and `ffprobe -version` (start-up alone).
//! Needs Debian's `mediainfo`.  Run: `cargo bench --bench probe_vs_mediainfo`.

use dailies_qc::synth::Clip;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const FILES: usize = 200;
/// Files each ffprobe option is timed on (per-file figures; the loop costs ~80 ms a file).
const SAMPLE: usize = 40;
const TARGET: f64 = 0.5;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let media = dir.path().join("media");
    std::fs::create_dir(&media).expect("media dir");
    let first = media.join("clip_0000.mov");
    Clip::small(1.0)
        .write(&first)
        .unwrap_or_else(|e| panic!("{e}"));
    let files: Vec<PathBuf> = (0..FILES)
        .map(|i| media.join(format!("clip_{i:04}.mov")))
        .collect();
    for file in &files[1..] {
        std::fs::copy(&first, file).expect("copy");
    }
    let spec = dir.path().join("spec.yaml");
    std::fs::write(
        &spec,
        "name: metadata\nvideo:\n  frame_rate: 25\n  codec: [prores]\naudio:\n  sample_rate: 48000\n",
    )
    .expect("spec");

    // Warm the page cache and both programs.
    mediainfo(&files);
    let mediainfo_s = (0..3).map(|_| mediainfo(&files)).fold(f64::MAX, f64::min);
    let best_check = |probe: &str| {
        (0..2)
            .map(|run| {
                let cache = dir.path().join(format!("cache-{probe}-{run}"));
                check(&media, &spec, &cache, probe)
            })
            .fold(f64::MAX, f64::min)
    };
    let check_s = best_check("worker");
    let ffprobe_s = best_check("ffprobe");
    let ratio = check_s / mediainfo_s;
    let verdict = if ratio <= TARGET { "met" } else { "MISSED" };
    println!("metadata of {FILES} small MOVs (best of runs):");
    println!("  baseline  mediainfo --Output=JSON, one process: {mediainfo_s:.2} s");
    println!("  dailies-qc check, metadata rules, empty cache:  {check_s:.2} s");
    println!(
        "    the same with DAILIES_QC_PROBE=ffprobe:       {ffprobe_s:.2} s (ratio {:.1})",
        ffprobe_s / mediainfo_s
    );
    println!("  ratio dailies-qc / mediainfo = {ratio:.1} (target <= {TARGET}: {verdict})");

    let sample = &files[..SAMPLE];
    let full = per_file(sample, &["-show_format", "-show_streams"]);
    println!("ffprobe per file, {SAMPLE} files in sequence (ratio to the probe's own command):");
    println!(
        "  -show_format -show_streams (the probe):  {:6.1} ms",
        full * 1e3
    );
    let options: [(&str, &[&str]); 3] = [
        (
            "trimmed -show_entries",
            &[
                "-show_entries",
                "format=format_name,duration,size,bit_rate:stream=index,codec_type,codec_name,profile,width,height,r_frame_rate,avg_frame_rate,pix_fmt,field_order,sample_rate,channels,start_time,duration:stream_tags=timecode:format_tags=timecode",
            ],
        ),
        (
            "-probesize 32768 -analyzeduration 0",
            &[
                "-probesize",
                "32768",
                "-analyzeduration",
                "0",
                "-show_format",
                "-show_streams",
            ],
        ),
        ("-version (start-up alone)", &["-version"]),
    ];
    for (name, args) in options {
        let seconds = per_file(sample, args);
        println!(
            "  {name:<39} {:6.1} ms  ratio {:.2}",
            seconds * 1e3,
            seconds / full
        );
    }
}

fn mediainfo(files: &[PathBuf]) -> f64 {
    let start = Instant::now();
    let status = Command::new("mediainfo")
        .arg("--Output=JSON")
        .args(files)
        .stdout(Stdio::null())
        .status()
        .expect("mediainfo is required: apt-get install -y mediainfo");
    assert!(status.success(), "mediainfo failed");
    start.elapsed().as_secs_f64()
}

/// One metadata-only `check` over `media` with an empty cache in `cache`, probing with `probe`
/// (`worker`, the default, or `ffprobe`).
fn check(media: &Path, spec: &Path, cache: &Path, probe: &str) -> f64 {
    let start = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_dailies-qc"))
        .args(["check", "--format", "json", "--spec"])
        .arg(spec)
        .arg(media)
        .env("XDG_CACHE_HOME", cache)
        .env("DAILIES_QC_PROBE", probe)
        .stdin(Stdio::null())
        .output()
        .expect("dailies-qc");
    let elapsed = start.elapsed().as_secs_f64();
    assert_eq!(output.status.code(), Some(0), "every bench file passes");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(report["summary"]["files"], FILES);
    elapsed
}

/// Mean seconds per file of `ffprobe -v error ARGS -of json file:PATH`, one file after another.
fn per_file(files: &[PathBuf], args: &[&str]) -> f64 {
    let start = Instant::now();
    for file in files {
        let mut url = std::ffi::OsString::from("file:");
        url.push(file);
        let status = Command::new("ffprobe")
            .args(["-v", "error"])
            .args(args)
            .args(["-of", "json"])
            .arg(url)
            .stdout(Stdio::null())
            .status()
            .expect("ffprobe");
        assert!(status.success());
    }
    start.elapsed().as_secs_f64() / files.len() as f64
}
