//! The result cache end to end: a rescan of unchanged files answers from the cache, a changed
//! file (or another ffprobe) is inspected again, `--no-cache` skips it, a corrupt entry is a
//! miss, and nothing is written next to the media.

use crate::common::*;
use dailies_qc::synth::Clip;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

const SPEC: &str = "name: cache test\naudio:\n  loudness: {integrated: -23, tolerance: 0.5}\nsync:\n  max_start_offset_ms: 40\n";

struct Setup {
    dir: tempfile::TempDir,
    media: PathBuf,
    clip: PathBuf,
    spec: PathBuf,
    cache: PathBuf,
    /// A folder whose `ffprobe` and `ffmpeg` fail at once, first on the PATH it makes.
    broken_tools: std::ffi::OsString,
}

fn setup() -> Setup {
    let dir = temp_dir();
    let media = dir.path().join("media");
    std::fs::create_dir(&media).expect("media dir");
    let clip = make_clip(&Clip::small(1.0), &media.join("A001.mov"));
    let spec = write_spec(dir.path(), SPEC);
    let cache = dir.path().join("xdg-cache");
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).expect("bin dir");
    for tool in ["ffprobe", "ffmpeg"] {
        let fake = bin.join(tool);
        std::fs::write(
            &fake,
            "#!/bin/sh\necho 'stand-in tool: not run' >&2\nexit 1\n",
        )
        .expect("fake tool");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let broken_tools = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").expect("PATH"),
    )))
    .expect("PATH");
    Setup {
        dir,
        media,
        clip,
        spec,
        cache,
        broken_tools,
    }
}

impl Setup {
    /// `check --format json` with this setup's cache, plus `extra` arguments and environment.
    fn check(&self, extra: &[&str], env: &[(&str, &OsStr)]) -> Outcome {
        let mut args: Vec<&OsStr> = vec!["check".as_ref(), "--format".as_ref(), "json".as_ref()];
        args.extend(extra.iter().map(OsStr::new));
        args.extend([
            "--spec".as_ref(),
            self.spec.as_os_str(),
            self.media.as_os_str(),
        ]);
        let mut env = env.to_vec();
        env.push(("XDG_CACHE_HOME", self.cache.as_os_str()));
        run_with_env(&args, &env)
    }

    fn check_without_tools(&self, extra: &[&str]) -> Outcome {
        // ffprobe, not the probe worker: the stand-in is what must answer.
        self.check(
            extra,
            &[
                ("PATH", self.broken_tools.as_os_str()),
                ("DAILIES_QC_PROBE", "ffprobe".as_ref()),
            ],
        )
    }

    /// Marks every entry, so a report read from the cache shows it: its container becomes
    /// "from-the-cache".
    fn mark_entries(&self) {
        for entry in self.entries() {
            let mut json: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&entry).expect("entry")).expect("entry JSON");
            json["report"]["probe"]["container"] = "from-the-cache".into();
            std::fs::write(&entry, serde_json::to_vec(&json).expect("JSON")).expect("write entry");
        }
    }

    fn entries(&self) -> Vec<PathBuf> {
        let mut found = Vec::new();
        for shard in std::fs::read_dir(self.cache.join("dailies-qc/v2"))
            .into_iter()
            .flatten()
            .flatten()
        {
            found.extend(
                std::fs::read_dir(shard.path())
                    .expect("shard")
                    .flatten()
                    .map(|e| e.path()),
            );
        }
        found
    }
}

fn files(outcome: &Outcome) -> serde_json::Value {
    outcome.json()["files"].clone()
}

fn container(outcome: &Outcome) -> serde_json::Value {
    files(outcome)[0]["probe"]["container"].clone()
}

#[test]
fn a_rescan_of_unchanged_files_answers_from_the_cache() {
    let s = setup();
    let first = s.check(&[], &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(s.entries().len(), 1);
    let loudness = &files(&first)[0]["measurements"]["loudness"]["integrated_lufs"];
    assert!(loudness.is_number(), "{loudness}");
    let again = s.check(&[], &[]);
    assert_eq!(
        files(&again),
        files(&first),
        "a cached report is the report"
    );
    s.mark_entries();
    assert_eq!(container(&s.check(&[], &[])), "from-the-cache");
    // Nothing was written beside the media.
    let beside: Vec<_> = std::fs::read_dir(&s.media)
        .expect("media")
        .flatten()
        .collect();
    assert_eq!(beside.len(), 1, "{beside:?}");
}

#[test]
fn a_changed_file_is_inspected_again() {
    let s = setup();
    assert_eq!(s.check(&[], &[]).code, 0);
    s.mark_entries();
    // Touched (same bytes, new mtime): probed again.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(60);
    std::fs::File::options()
        .write(true)
        .open(&s.clip)
        .and_then(|f| f.set_modified(later))
        .expect("touch");
    let touched = s.check(&[], &[]);
    assert_ne!(container(&touched), "from-the-cache");
    assert_eq!(files(&touched)[0]["status"], "pass");
    // Rewritten with a louder tone: measured again, not the cached figure.
    let mut loud = Clip::small(1.0);
    loud.audio.as_mut().expect("audio").level_dbfs = -12.0;
    make_clip(&loud, &s.clip);
    let rewritten = s.check(&[], &[]);
    assert_eq!(rewritten.code, 1, "{}", rewritten.stderr);
    assert_eq!(
        finding(&rewritten.json(), 0, "audio.loudness.integrated")["severity"],
        "error"
    );
}

#[test]
fn another_ffprobe_or_ffmpeg_inspects_every_file_again() {
    let s = setup();
    assert_eq!(s.check(&[], &[]).code, 0);
    let other_tools = s.check_without_tools(&[]);
    assert_eq!(
        files(&other_tools)[0]["status"],
        "error",
        "answered from the cache"
    );
}

#[test]
fn no_cache_neither_reads_nor_writes_it() {
    let s = setup();
    assert_eq!(s.check(&["--no-cache"], &[]).code, 0);
    assert!(s.entries().is_empty(), "--no-cache wrote an entry");
    assert_eq!(s.check(&[], &[]).code, 0);
    s.mark_entries();
    let without = s.check(&["--no-cache"], &[]);
    assert_ne!(
        container(&without),
        "from-the-cache",
        "--no-cache read the cache"
    );
}

#[test]
fn a_corrupt_entry_is_a_miss_and_is_replaced() {
    let s = setup();
    let first = s.check(&[], &[]);
    for entry in s.entries() {
        std::fs::write(&entry, b"{\"key\": {\"path_hex\": 12").expect("corrupt");
    }
    let again = s.check(&[], &[]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(files(&again), files(&first));
    assert_eq!(s.entries().len(), 1);
    // Whole again, and read on the next run.
    s.mark_entries();
    assert_eq!(container(&s.check(&[], &[])), "from-the-cache");
}

#[test]
fn the_cache_follows_xdg_cache_home_else_home() {
    let s = setup();
    let home = s.dir.path().join("home");
    std::fs::create_dir(&home).expect("home");
    let args: Vec<&OsStr> = vec![
        "check".as_ref(),
        "--spec".as_ref(),
        s.spec.as_os_str(),
        s.media.as_os_str(),
    ];
    // A relative XDG_CACHE_HOME is ignored, as the XDG spec says: HOME/.cache is used.
    let ran = run_with_env(
        &args,
        &[
            ("XDG_CACHE_HOME", OsStr::new("relative")),
            ("HOME", home.as_os_str()),
        ],
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(home.join(".cache/dailies-qc/v2").is_dir());
    assert!(!Path::new("relative").exists());
}

/// Naming rules judge the name a file was reached by: a symlink under a bad name to a clip the
/// cache already passed fails warm as it fails with `--no-cache`, and hard links in two folders
/// are two names, each judged under its own.
#[test]
fn the_name_a_file_is_reached_by_is_part_of_its_verdict() {
    let dir = temp_dir();
    let media = dir.path().join("media");
    std::fs::create_dir_all(media.join("edit")).expect("dirs");
    std::fs::create_dir_all(media.join("copy")).expect("dirs");
    let clip = make_clip(&Clip::small(0.5), &media.join("A001C001.mov"));
    let spec = write_spec(
        dir.path(),
        "name: t\nfiles: {naming: '^[A-Z0-9]+\\.mov$'}\n",
    );
    let cache = dir.path().join("xdg-cache");
    let check = |extra: &[&str], folder: &Path| {
        let mut args: Vec<&OsStr> = vec!["check".as_ref(), "--format".as_ref(), "json".as_ref()];
        args.extend(extra.iter().map(OsStr::new));
        args.extend(["--spec".as_ref(), spec.as_os_str(), folder.as_os_str()]);
        let outcome = run_with_env(&args, &[("XDG_CACHE_HOME", cache.as_os_str())]);
        let names: Vec<(String, String)> = outcome.json()["files"]
            .as_array()
            .expect("files")
            .iter()
            .map(|f| {
                let path = f["path"].as_str().expect("path");
                let relative = path
                    .strip_prefix(media.to_str().expect("UTF-8"))
                    .expect("inside");
                (
                    relative.to_owned(),
                    f["status"].as_str().expect("status").to_owned(),
                )
            })
            .collect();
        names
    };
    let owned = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, s)| ((*n).to_owned(), (*s).to_owned()))
            .collect()
    };
    // The cache holds the clip's pass; the edit folder reaches it under a bad name.
    assert_eq!(check(&[], &media), owned(&[("/A001C001.mov", "pass")]));
    std::os::unix::fs::symlink(&clip, media.join("edit/bad name.mov")).expect("symlink");
    let edit = media.join("edit");
    let expected = owned(&[("/edit/bad name.mov", "fail")]);
    assert_eq!(check(&["--no-cache"], &edit), expected);
    assert_eq!(check(&[], &edit), expected, "warm cache");

    std::fs::remove_file(media.join("edit/bad name.mov")).expect("rm");
    std::fs::hard_link(&clip, media.join("copy/A001C002.mov")).expect("hard link");
    let expected = owned(&[("/A001C001.mov", "pass"), ("/copy/A001C002.mov", "pass")]);
    assert_eq!(check(&["--no-cache"], &media), expected);
    assert_eq!(check(&[], &media), expected, "warm cache");
}

/// A FIFO where a cache entry should be is a miss, not a run that waits forever for a writer.
#[test]
fn a_fifo_among_the_cache_entries_is_a_miss() {
    let s = setup();
    assert_eq!(s.check(&[], &[]).code, 0);
    let entries = s.entries();
    assert_eq!(entries.len(), 1);
    std::fs::remove_file(&entries[0]).expect("rm");
    let made = std::process::Command::new("mkfifo")
        .arg(&entries[0])
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let again = s.check(&[], &[]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        container(&again),
        files(&s.check(&["--no-cache"], &[]))[0]["probe"]["container"]
    );
}
