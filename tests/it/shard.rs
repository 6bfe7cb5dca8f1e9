//! `check --shard K/N` then `merge`: three machines' shares make the one-machine report.

use crate::common::*;
use dailies_qc::synth::Clip;
use std::collections::BTreeSet;
use std::path::Path;

const SPEC: &str =
    "name: shard test\nfiles:\n  naming: '^A\\d+\\.mov$'\nsync:\n  max_start_offset_ms: 40\n";

/// Fifteen small files in two folders: copies of a clean clip and of one with late audio.
fn delivery(root: &Path) {
    let clean = make_clip(&Clip::small(0.5), &root.join("clean_source.mov"));
    let mut late = Clip::small(0.5);
    late.audio.as_mut().expect("audio").delay_s = 0.2;
    let late = make_clip(&late, &root.join("late_source.mov"));
    std::fs::create_dir_all(root.join("day/sub")).expect("folders");
    for i in 0..15 {
        let folder = if i % 2 == 0 { "day" } else { "day/sub" };
        let name = if i % 5 == 0 {
            format!("x{i}.mov")
        } else {
            format!("A{i}.mov")
        };
        let source = if i % 3 == 0 { &late } else { &clean };
        std::fs::copy(source, root.join(folder).join(name)).expect("copy");
    }
}

/// The files of a JSON report as (path, status, sorted findings), the report's creation time
/// and operator aside.
fn files_of(report: &serde_json::Value) -> Vec<serde_json::Value> {
    report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            let mut f = f.clone();
            let findings = f["findings"].as_array_mut().expect("findings");
            findings.sort_by_key(|x| x.to_string());
            f
        })
        .collect()
}

#[test]
fn three_shards_merged_equal_one_machine() {
    let dir = temp_dir();
    let root = dir.path();
    delivery(root);
    let spec = write_spec(root, SPEC);
    let media = root.join("day");
    let whole = check_json(&spec, &[&media]);
    assert_eq!(whole.code, 1, "{}", whole.stderr);
    let whole = whole.json();
    let all: BTreeSet<String> = paths(&whole);
    assert_eq!(all.len(), 15);

    let mut shard_reports = Vec::new();
    let mut seen = BTreeSet::new();
    for k in 1..=3 {
        let out = root.join(format!("shard{k}.json"));
        let shard = format!("{k}/3");
        let ran = run(&[
            "check".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            "--shard".as_ref(),
            shard.as_ref(),
            "-o".as_ref(),
            out.as_os_str(),
            "--spec".as_ref(),
            spec.as_os_str(),
            media.as_os_str(),
        ]);
        assert!(ran.code == 0 || ran.code == 1, "{}", ran.stderr);
        let report: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&out).expect("shard report")).expect("json");
        let share = paths(&report);
        assert!(
            !share.is_empty(),
            "shard {shard} is empty: a poor split of 15 files"
        );
        assert!(share.is_disjoint(&seen), "shard {shard} overlaps another");
        seen.extend(share);
        shard_reports.push(out);
    }
    assert_eq!(seen, all, "the shards together are the whole delivery");

    let mut args: Vec<&std::ffi::OsStr> = vec!["merge".as_ref()];
    args.extend(shard_reports.iter().map(|p| p.as_os_str()));
    let merged = run(&args);
    assert_eq!(merged.code, 0, "{}", merged.stderr);
    let merged = merged.json();
    assert_eq!(files_of(&merged), files_of(&whole));
    assert_eq!(merged["summary"], whole["summary"]);
}

fn paths(report: &serde_json::Value) -> BTreeSet<String> {
    report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["path"].as_str().expect("path").to_owned())
        .collect()
}

#[test]
fn the_same_shard_takes_the_same_files_from_anywhere() {
    // The hash is of the path below the given folder: a copy of the delivery elsewhere (another
    // machine's mount point) splits the same way.
    let dir = temp_dir();
    let root = dir.path();
    delivery(root);
    let spec = write_spec(root, SPEC);
    let copy = root.join("elsewhere/mount");
    std::fs::create_dir_all(copy.join("sub")).expect("folders");
    for entry in std::fs::read_dir(root.join("day")).expect("list").flatten() {
        if entry.path().is_file() {
            std::fs::hard_link(entry.path(), copy.join(entry.file_name())).expect("link");
        }
    }
    for entry in std::fs::read_dir(root.join("day/sub"))
        .expect("list")
        .flatten()
    {
        std::fs::hard_link(entry.path(), copy.join("sub").join(entry.file_name())).expect("link");
    }
    let names = |media: &Path| -> BTreeSet<String> {
        let ran = run(&[
            "check".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            "--shard".as_ref(),
            "2/3".as_ref(),
            "--spec".as_ref(),
            spec.as_os_str(),
            media.as_os_str(),
        ]);
        paths(&ran.json())
            .into_iter()
            .map(|p| {
                p.strip_prefix(&media.to_string_lossy().into_owned())
                    .expect("under")
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(names(&root.join("day")), names(&copy));
}

#[test]
fn bad_shards_are_usage_errors() {
    let dir = temp_dir();
    let spec = write_spec(dir.path(), SPEC);
    for bad in ["0/3", "4/3", "3", "x/y", "1/0"] {
        let ran = run(&[
            "check".as_ref(),
            "--shard".as_ref(),
            bad.as_ref(),
            "--spec".as_ref(),
            spec.as_os_str(),
            dir.path().as_os_str(),
        ]);
        assert_eq!(ran.code, 2, "--shard {bad}: {}", ran.stderr);
        assert!(ran.stderr.contains("is not a shard"), "{}", ran.stderr);
    }
}
