//! Rescan of an unchanged delivery: `dailies-qc check` (the real binary, end to end) on 1,000
//! small files, first with an empty cache (probe + checks), then again with the cache the first
//! run filled. Baseline: the first scan, in the same process. Metadata rules only, so the
//! baseline is the cheapest first scan there is: a loudness rule only makes it slower.
//! Target: rescan ≤ 0.05 of the first scan.  Run: `cargo bench --bench rescan`.
//!
//! Two deliveries:
//! 1. 1,000 copies of three small MOVs, per-file rules only.
//! 2. 1,000 files the cross-file passes judge together (issue 24): 100 OP-Atom clips of four
//!    track files grouped by name (`clips:`), and 300 picture clips with 300 BWF sound rolls
//!    (bext + iXML) matched by timecode (`double_system:`). The passes run again on every
//!    rescan over the cached reports; each report, first scan or rescan, must hold every clip
//!    whole and every picture paired with its sound (the bench panics otherwise), and the
//!    rescan must report what the first scan did, clips included.

mod common;

use dailies_qc::synth::Clip;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const FILES: usize = 1000;
const TARGET: f64 = 0.05;
/// The cross-file delivery: 100 clips x 4 track files + 300 pictures + 300 sound rolls.
const CLIPS: usize = 100;
const PICTURES: usize = 300;

fn main() {
    per_file_rules();
    cross_file_passes();
}

fn per_file_rules() {
    let dir = tempfile::tempdir().expect("temp dir");
    let media = dir.path().join("media");
    std::fs::create_dir(&media).expect("media dir");
    // Three distinct sources (one with late audio, one loud), copied under distinct names:
    // copies, not links, since the scan takes each inode once.
    let mut late = Clip::small(0.5);
    late.audio.as_mut().expect("audio").delay_s = 0.1;
    let mut loud = Clip::small(0.5);
    loud.audio.as_mut().expect("audio").level_dbfs = -12.0;
    let sources: Vec<_> = [Clip::small(0.5), late, loud]
        .iter()
        .enumerate()
        .map(|(i, clip)| {
            let path = dir.path().join(format!("source_{i}.mov"));
            clip.write(&path).unwrap_or_else(|e| panic!("{e}"));
            path
        })
        .collect();
    for i in 0..FILES {
        let name = media.join(format!("A{:03}_C{i:04}.mov", i / 100));
        std::fs::copy(&sources[i % sources.len()], name).expect("copy");
    }
    let spec = dir.path().join("spec.yaml");
    std::fs::write(
        &spec,
        "name: rescan bench\nvideo:\n  frame_rate: 25\naudio:\n  sample_rate: 48000\nsync:\n  max_start_offset_ms: 40\n",
    )
    .expect("spec");
    let cache = dir.path().join("xdg-cache");

    let (first, first_report) = check(&media, &spec, &cache);
    let (rescan, rescan_report) = rescans(&media, &spec, &cache);
    assert_eq!(
        rescan_report["files"], first_report["files"],
        "a rescan reports what the first scan did"
    );
    println!("check {FILES} small files (probe + checks):");
    print_ratio(first, rescan);
}

fn cross_file_passes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let delivery = common::make(dir.path(), CLIPS, PICTURES);
    assert_eq!(delivery.files(), FILES);
    let cache = dir.path().join("xdg-cache");

    let (first, first_report) = check(&delivery.media, &delivery.spec, &cache);
    common::assert_cross_file_passes_ran(&delivery, &first_report);
    let (rescan, rescan_report) = rescans(&delivery.media, &delivery.spec, &cache);
    common::assert_cross_file_passes_ran(&delivery, &rescan_report);
    for part in ["files", "clips", "summary"] {
        assert_eq!(
            rescan_report[part], first_report[part],
            "a rescan reports the {part} the first scan did"
        );
    }
    println!(
        "check {FILES} files with clips: and double_system: ({CLIPS} clips of 4 track files, \
         {PICTURES} pictures paired with {PICTURES} sound rolls):"
    );
    print_ratio(first, rescan);
}

/// Three rescans with the cache the first scan filled: the median's seconds, and the last
/// report.
fn rescans(media: &Path, spec: &Path, cache: &Path) -> (f64, serde_json::Value) {
    let mut seconds = Vec::new();
    let mut report = serde_json::Value::Null;
    for _ in 0..3 {
        let (took, rescanned) = check(media, spec, cache);
        seconds.push(took);
        report = rescanned;
    }
    seconds.sort_by(f64::total_cmp);
    (seconds[seconds.len() / 2], report)
}

fn print_ratio(first: f64, rescan: f64) {
    let ratio = rescan / first;
    let verdict = if ratio <= TARGET { "met" } else { "MISSED" };
    println!("  baseline  first scan, empty cache:       {first:.2} s");
    println!("  rescan, unchanged files (median of 3):   {rescan:.3} s");
    println!("  ratio rescan / first scan = {ratio:.4} (target <= {TARGET}: {verdict})");
}

/// One `check --format json` over `media` with `cache` as XDG_CACHE_HOME: seconds and report.
fn check(media: &Path, spec: &Path, cache: &Path) -> (f64, serde_json::Value) {
    let start = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_dailies-qc"))
        .args(["check", "--format", "json", "--spec"])
        .arg(spec)
        .arg(media)
        .env("XDG_CACHE_HOME", cache)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .expect("dailies-qc");
    let elapsed = start.elapsed().as_secs_f64();
    assert!(
        output.status.code().is_some_and(|code| code <= 1),
        "check failed"
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(report["summary"]["files"], FILES);
    (elapsed, report)
}
