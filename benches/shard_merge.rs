//! One verdict however it runs (issue 24): three shards and a merge against one machine.
//! `dailies-qc check --no-cache --shard K/3 -o sK.json` for K = 1..3, then
//! `dailies-qc merge s1.json s2.json s3.json -o m.json`, against one
//! `dailies-qc check --no-cache -o one.json` of the same folder (the baseline, run in the same
//! process). The real binary, end to end, on 600 files the cross-file passes judge together:
//! 60 OP-Atom clips of four track files grouped by name (`clips:`), and 180 picture clips with
//! 180 BWF sound rolls matched by timecode (`double_system:`). The shards split clips and pairs
//! between them, so the merge has cross-file work to redo.
//!
//! Measured in CPU time (user + system of the child processes and theirs, the probe workers
//! included), which other processes on a shared machine do not stretch as they do wall time.
//! The two sides alternate which goes first; the ratio printed is the median of the rounds'.
//! Target: shards + merge ≤ 1.1 × one machine.
//!
//! Then the merged report must say what the one-machine report says: each file's status,
//! findings and pairs, and the clips. The bench prints how many files and clips differ, and
//! how, with examples, and panics if any do.  Run: `cargo bench --bench shard_merge`.

mod common;

use serde_json::Value;
use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const CLIPS: usize = 60;
const PICTURES: usize = 180;
const FILES: usize = 600;
const SHARDS: usize = 3;
const ROUNDS: usize = 5;
const TARGET: f64 = 1.1;

fn main() {
    common::adopt_orphans();
    let dir = tempfile::tempdir().expect("temp dir");
    let delivery = common::make(dir.path(), CLIPS, PICTURES);
    assert_eq!(delivery.files(), FILES);
    let out = dir.path().join("reports");
    std::fs::create_dir(&out).expect("reports dir");
    let one = out.join("one.json");
    let shards: Vec<_> = (1..=SHARDS)
        .map(|k| out.join(format!("s{k}.json")))
        .collect();
    let merged = out.join("m.json");

    let (spec, media) = (&delivery.spec, &delivery.media);
    let one_machine = || {
        let _ = std::fs::remove_file(&one);
        run(&check_args(spec, media, None, &one))
    };
    let sharded = || {
        let mut total = Times::default();
        for (k, report) in shards.iter().enumerate() {
            let _ = std::fs::remove_file(report);
            total.add(run(&check_args(spec, media, Some(k + 1), report)));
        }
        let _ = std::fs::remove_file(&merged);
        let mut args: Vec<&OsStr> = vec!["merge".as_ref()];
        args.extend(shards.iter().map(|p| p.as_os_str()));
        args.extend(["-o".as_ref(), merged.as_os_str()]);
        let merge = run(&args);
        assert_eq!(merge.code, 0, "merge failed");
        total.add(merge);
        (total, merge)
    };

    // Warm the page cache and the binary.
    one_machine();
    println!(
        "{FILES} files with clips: and double_system: ({CLIPS} clips of 4 track files, \
         {PICTURES} pictures and {PICTURES} sound rolls), --no-cache:"
    );
    println!(
        "round   one machine (cpu, wall)   {SHARDS} shards + merge (cpu, wall)   merge alone (cpu)"
    );
    let mut ratios = Vec::new();
    let mut wall_ratios = Vec::new();
    for round in 1..=ROUNDS {
        let (base, (split, merge)) = if round % 2 == 1 {
            let base = one_machine();
            (base, sharded())
        } else {
            let split = sharded();
            (one_machine(), split)
        };
        println!(
            "{round:>5} {:>12.2} s {:>7.2} s {:>18.2} s {:>7.2} s {:>16.3} s",
            base.cpu, base.wall, split.cpu, split.wall, merge.cpu
        );
        ratios.push(split.cpu / base.cpu);
        wall_ratios.push(split.wall / base.wall);
    }
    let (cpu, wall) = (median(ratios), median(wall_ratios));
    let verdict = if cpu <= TARGET { "met" } else { "MISSED" };
    println!(
        "median ratio shards + merge / one machine: cpu {cpu:.3} (target <= {TARGET}: {verdict}), \
         wall {wall:.2}"
    );

    let whole = read_json(&one);
    common::assert_cross_file_passes_ran(&delivery, &whole);
    let differences = differences(&whole, &read_json(&merged));
    if differences.is_empty() {
        println!("merged report = one-machine report (statuses, findings, pairs, clips)");
        return;
    }
    println!(
        "merged report differs from the one-machine report in {} places:",
        differences.len()
    );
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (what, _) in &differences {
        *counts.entry(what).or_default() += 1;
    }
    for (what, count) in &counts {
        println!("  {count:>4} {what}");
        for (_, line) in differences.iter().filter(|(w, _)| w == what).take(2) {
            println!("         e.g. {line}");
        }
    }
    panic!(
        "the merged report differs from the one-machine report ({} differences)",
        differences.len()
    );
}

/// `check --no-cache --format json [--shard K/3] -o REPORT --spec SPEC MEDIA`.
fn check_args(spec: &Path, media: &Path, shard: Option<usize>, report: &Path) -> Vec<OsString> {
    let mut args: Vec<OsString> = ["check", "--no-cache", "--format", "json"]
        .map(OsString::from)
        .to_vec();
    if let Some(k) = shard {
        args.push("--shard".into());
        args.push(format!("{k}/{SHARDS}").into());
    }
    args.extend([
        "-o".into(),
        report.into(),
        "--spec".into(),
        spec.into(),
        media.into(),
    ]);
    args
}

/// CPU and wall seconds of one or more runs of the binary.
#[derive(Default, Clone, Copy)]
struct Times {
    cpu: f64,
    wall: f64,
    code: i32,
}

impl Times {
    fn add(&mut self, other: Times) {
        self.cpu += other.cpu;
        self.wall += other.wall;
    }
}

/// One run of `dailies-qc ARGS` with no standard input: its CPU time (its own, its children's,
/// and that of probe workers it left behind, reaped here) and wall time. A failing QC verdict
/// is exit 1, not an error.
fn run<S: AsRef<OsStr> + std::fmt::Debug>(args: &[S]) -> Times {
    let cpu = common::children_cpu_s();
    let start = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_dailies-qc"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .status()
        .expect("dailies-qc");
    common::reap_orphans();
    let wall = start.elapsed().as_secs_f64();
    let code = status.code().unwrap_or(-1);
    assert!(code == 0 || code == 1, "dailies-qc {args:?} failed");
    Times {
        cpu: common::children_cpu_s() - cpu,
        wall,
        code,
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn read_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What a file's verdict is made of: status, findings (with their messages, in a fixed order),
/// pairs and clip.
fn verdicts(report: &Value) -> BTreeMap<String, Value> {
    report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            let mut findings: Vec<Value> = f["findings"]
                .as_array()
                .expect("findings")
                .iter()
                .map(|x| serde_json::json!([x["check"], x["severity"], x["message"]]))
                .collect();
            findings.sort_by_key(Value::to_string);
            let verdict = serde_json::json!({
                "status": f["status"],
                "findings": findings,
                "paired": f["paired"],
                "clip": f["clip"],
            });
            (f["path"].as_str().expect("path").to_owned(), verdict)
        })
        .collect()
}

fn clips(report: &Value) -> BTreeMap<String, Value> {
    report["clips"]
        .as_array()
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .map(|c| {
            let mut findings: Vec<Value> = c["findings"]
                .as_array()
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|x| serde_json::json!([x["check"], x["severity"], x["message"]]))
                .collect();
            findings.sort_by_key(Value::to_string);
            let clip = serde_json::json!({
                "status": c["status"],
                "members": c["members"],
                "findings": findings,
            });
            (c["id"].as_str().expect("clip id").to_owned(), clip)
        })
        .collect()
}

/// Each way the merged report says something the one-machine report does not: what differs
/// (`picture files: status`, `clips: findings` …) and a line saying how.
fn differences(whole: &Value, merged: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let (whole_files, merged_files) = (verdicts(whole), verdicts(merged));
    for (path, verdict) in &whole_files {
        let name = path.rsplit('/').next().unwrap_or(path);
        let files = match name.rsplit('.').next() {
            Some("mov") => "picture files",
            Some("wav") => "sound rolls",
            _ => "clip track files",
        };
        let Some(other) = merged_files.get(path) else {
            found.push((format!("{files}: missing"), name.to_owned()));
            continue;
        };
        for key in ["status", "findings", "paired", "clip"] {
            if other[key] != verdict[key] {
                found.push((
                    format!("{files}: {key}"),
                    format!("{name}: {} (one machine: {})", other[key], verdict[key]),
                ));
            }
        }
    }
    for path in merged_files
        .keys()
        .filter(|p| !whole_files.contains_key(*p))
    {
        found.push(("files: only merged".to_owned(), path.clone()));
    }
    let (whole_clips, merged_clips) = (clips(whole), clips(merged));
    for (id, clip) in &whole_clips {
        let Some(other) = merged_clips.get(id) else {
            found.push(("clips: missing".to_owned(), id.clone()));
            continue;
        };
        for key in ["status", "members", "findings"] {
            if other[key] != clip[key] {
                found.push((
                    format!("clips: {key}"),
                    format!("{id}: {} (one machine: {})", other[key], clip[key]),
                ));
            }
        }
    }
    for id in merged_clips
        .keys()
        .filter(|id| !whole_clips.contains_key(*id))
    {
        found.push(("clips: only merged".to_owned(), id.clone()));
    }
    if merged["summary"] != whole["summary"] {
        found.push((
            "summary".to_owned(),
            format!("{} (one machine: {})", merged["summary"], whole["summary"]),
        ));
    }
    found
}
