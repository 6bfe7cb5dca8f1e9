//! One verdict however it runs (DESIGN.md, Wave 3 "One pipeline"): the same folders checked
//! cold, warm from the cache, without the cache, in three shards then merged, as JSON lines and
//! under `--watch` give every file and every clip the same status and findings, and the same
//! overall verdict. Each folder's verdict hangs on a pass over several files: clips by material
//! package and by name, double-system sound, conform, an ASC MHL history.
//!
//! The folders are made once per run and shared by the tests (`one-verdict-PID` under cargo's
//! scratch folder); a test that changes a folder works on a copy of its own. Each test checks
//! every folder and lists every difference it finds before it fails.

use crate::common::deliveries::{self, Delivery};
use crate::common::verdicts::{Verdicts, below, differences};
use crate::common::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{OnceLock, mpsc};
use std::time::{Duration, Instant};

/// How long a watcher must print nothing, once every expected path is out, to count as done.
const QUIET: Duration = Duration::from_secs(3);
/// How long a watcher is given to print every expected path.
const WATCH_LIMIT: Duration = Duration::from_secs(60);

/// A folder, the cache its cold run filled, and that run.
struct Folder {
    delivery: Delivery,
    cache: PathBuf,
    cold: Checked,
}

impl Folder {
    fn name(&self) -> &'static str {
        self.delivery.name
    }

    fn cold_verdicts(&self) -> Verdicts {
        Verdicts::of_report(&self.cold.report, &self.delivery.media)
    }

    /// The paths of the cold report's files.
    fn paths(&self) -> BTreeSet<String> {
        entries(&self.cold.report, "files")
            .iter()
            .map(|f| f["path"].as_str().expect("path").to_owned())
            .collect()
    }

    /// Whether `--watch` takes this folder's spec (it refuses MHL verification).
    fn watchable(&self) -> bool {
        self.name() != "mhl"
    }
}

/// A `check … -o REPORT` run: its exit code and the report it wrote.
struct Checked {
    code: i32,
    report: Value,
}

fn fixture() -> &'static [Folder] {
    static FOLDERS: OnceLock<Vec<Folder>> = OnceLock::new();
    FOLDERS.get_or_init(make_folders)
}

fn folder(name: &str) -> &'static Folder {
    fixture()
        .iter()
        .find(|f| f.name() == name)
        .unwrap_or_else(|| panic!("no folder {name}"))
}

/// The five folders, made side by side, each checked once cold into a cache of its own.
fn make_folders() -> Vec<Folder> {
    require_ffmpeg();
    let root = fixture_root();
    let makers: [fn(&Path) -> Delivery; 5] = [
        deliveries::clips_by_umid,
        deliveries::clips_by_name,
        deliveries::double_system,
        deliveries::conform,
        mhl_history,
    ];
    std::thread::scope(|scope| {
        let made: Vec<_> = makers
            .iter()
            .map(|make| scope.spawn(|| checked_cold(make(&root))))
            .collect();
        made.into_iter()
            .map(|m| m.join().expect("folder made"))
            .collect()
    })
}

/// `one-verdict-PID` under cargo's scratch folder; those of earlier runs whose process is gone
/// are removed.
fn fixture_root() -> PathBuf {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"));
    for entry in std::fs::read_dir(scratch).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(pid) = name.strip_prefix("one-verdict-")
            && !Path::new("/proc").join(pid).exists()
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    let root = scratch.join(format!("one-verdict-{}", std::process::id()));
    std::fs::create_dir_all(&root).expect("fixture folder");
    root
}

/// (e) A camera card with an ASC MHL history (`integrity: {mhl: required}`), its first
/// generation written by `seal` (whose generations the reference tool reads back, in
/// tests/it/mhl_seal.rs); then `sound/T001.wav` is deleted (`integrity.missing`) and a byte of
/// `A001C002.mov` flipped (`integrity.mismatch`).
fn mhl_history(root: &Path) -> Delivery {
    use crate::mhl_common::{card, flip_a_byte};
    let dir = root.join("mhl");
    let card = card(&dir);
    let offload = dir.join("offload.json");
    let checked = check_to_json_file(
        &offload,
        &crate::mhl_common::spec(&dir, "if_present"),
        &card,
    );
    assert_eq!(checked.code, 0, "offload check: {}", checked.stderr);
    let sealed = run(&["seal".as_ref(), "--report".as_ref(), offload.as_os_str()]);
    assert_eq!(sealed.code, 0, "seal: {}", sealed.stderr);
    std::fs::remove_file(card.join("sound/T001.wav")).expect("delete T001.wav");
    flip_a_byte(&card.join("A001C002.mov"));
    Delivery {
        name: "mhl",
        spec: crate::mhl_common::spec(&dir, "required"),
        media: card,
    }
}

fn checked_cold(delivery: Delivery) -> Folder {
    let cache = run_dir(&delivery).join("cache");
    let cold = check_to(&delivery, "cold", &[], &cache).unwrap_or_else(|e| panic!("{e}"));
    Folder {
        delivery,
        cache,
        cold,
    }
}

/// Where a delivery's reports go: beside its spec, outside the media.
fn run_dir(delivery: &Delivery) -> PathBuf {
    delivery.spec.parent().expect("spec folder").to_path_buf()
}

/// `check --format json -o RUN_DIR/NAME.json EXTRA… --spec SPEC MEDIA` with `XDG_CACHE_HOME`
/// at `cache`; an exit other than 0 or 1, or no report, is an error naming the run.
fn check_to(d: &Delivery, name: &str, extra: &[&str], cache: &Path) -> Result<Checked, String> {
    let out = run_dir(d).join(format!("{name}.json"));
    let mut args: Vec<&OsStr> = vec!["check".as_ref(), "--format".as_ref(), "json".as_ref()];
    args.extend(["-o".as_ref(), out.as_os_str()]);
    args.extend(extra.iter().map(OsStr::new));
    args.extend(["--spec".as_ref(), d.spec.as_os_str(), d.media.as_os_str()]);
    let ran = run_with_env(&args, &[("XDG_CACHE_HOME", cache.as_os_str())]);
    if ran.code != 0 && ran.code != 1 {
        return Err(format!(
            "{} {name}: exit {}: {}",
            d.name, ran.code, ran.stderr
        ));
    }
    let report = read_json(&out).map_err(|e| format!("{} {name}: {e}", d.name))?;
    Ok(Checked {
        code: ran.code,
        report,
    })
}

fn read_json(path: &Path) -> Result<Value, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{}: not JSON: {e}", path.display()))
}

fn entries(report: &Value, key: &str) -> Vec<Value> {
    report[key].as_array().cloned().unwrap_or_default()
}

/// What a run decided that the cold run did not (and the other way round), and its exit code
/// when it differs from the cold run's (`None`: the mode has no verdict of its own).
fn against_cold(
    folder: &Folder,
    mode: &str,
    verdicts: &Verdicts,
    code: Option<i32>,
) -> Vec<String> {
    let label = format!("{} {mode}", folder.name());
    let mut problems = differences(&label, &folder.cold_verdicts(), verdicts);
    if let Some(code) = code.filter(|&c| c != folder.cold.code) {
        problems.push(format!(
            "{label}: exit {code}, the cold run's {}",
            folder.cold.code
        ));
    }
    problems
}

fn report_verdicts(folder: &Folder, report: &Value) -> Verdicts {
    Verdicts::of_report(report, &folder.delivery.media)
}

fn assert_no_problems(problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{} difference(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_cold_runs_find_what_each_folder_was_made_to_show() {
    // (folder, "file" or "clip", path below the media folder or clip id, status, checks)
    let made_to_show: &[(&str, &str, &str, &str, &[&str])] = &[
        ("clips_by_umid", "clip", "A001C003", "pass", &[]),
        (
            "clips_by_umid",
            "clip",
            "A001C002",
            "fail",
            &["clip.tracks"],
        ),
        ("clips_by_name", "clip", "A", "pass", &[]),
        (
            "clips_by_name",
            "clip",
            "B",
            "fail",
            &["clip.sync", "clip.tracks"],
        ),
        ("double_system", "file", "T01.mov", "pass", &[]),
        ("double_system", "file", "S01.wav", "pass", &[]),
        (
            "double_system",
            "file",
            "T07.mov",
            "fail",
            &["sync.sound_missing"],
        ),
        (
            "double_system",
            "file",
            "S99.wav",
            "pass",
            &["sync.sound_orphan"],
        ),
        (
            "conform",
            "file",
            "A001C001_dnx.mov",
            "fail",
            &["content.active_picture"],
        ),
        (
            "conform",
            "file",
            "A001C003_dnx.mov",
            "fail",
            &["conform.length", "content.active_picture"],
        ),
        (
            "conform",
            "file",
            "A001C004_ocf.mov",
            "fail",
            &["conform.missing", "content.active_picture"],
        ),
        ("mhl", "file", "A001C001.mov", "pass", &[]),
        (
            "mhl",
            "file",
            "A001C002.mov",
            "fail",
            &["integrity.mismatch"],
        ),
        (
            "mhl",
            "file",
            "sound/T001.wav",
            "fail",
            &["integrity.missing"],
        ),
    ];
    let mut problems = Vec::new();
    for folder in fixture() {
        if folder.cold.code != 1 {
            problems.push(format!(
                "{}: cold exit {}, not 1",
                folder.name(),
                folder.cold.code
            ));
        }
    }
    for (name, what, key, status, checks) in made_to_show {
        let verdicts = folder(name).cold_verdicts();
        let found = match *what {
            "clip" => verdicts.clips.get(*key),
            _ => verdicts.files.get(*key),
        };
        let shown = found.map(|v| (v["status"].clone(), check_ids(v)));
        let wanted = (
            Value::from(*status),
            checks.iter().map(|c| c.to_string()).collect(),
        );
        if shown.as_ref() != Some(&wanted) {
            problems.push(format!(
                "{name} cold: {what} {key}: {shown:?}, made to be {wanted:?}"
            ));
        }
    }
    assert_no_problems(&problems);
}

/// The sorted check ids of a verdict's findings.
fn check_ids(verdict: &Value) -> Vec<String> {
    let mut ids: Vec<String> = verdict["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["check"].as_str().map(str::to_owned))
        .collect();
    ids.sort();
    ids
}

#[test]
fn a_warm_run_from_the_cache_gives_the_cold_verdicts() {
    let mut problems = Vec::new();
    for folder in fixture() {
        match check_to(&folder.delivery, "warm", &[], &folder.cache) {
            Ok(warm) => {
                let verdicts = report_verdicts(folder, &warm.report);
                problems.extend(against_cold(folder, "warm", &verdicts, Some(warm.code)));
            }
            Err(e) => problems.push(e),
        }
    }
    assert_no_problems(&problems);
}

#[test]
fn a_run_without_the_cache_gives_the_cold_verdicts() {
    let mut problems = Vec::new();
    for folder in fixture() {
        let unused = run_dir(&folder.delivery).join("no-cache-home");
        match check_to(&folder.delivery, "no-cache", &["--no-cache"], &unused) {
            Ok(run) => {
                let verdicts = report_verdicts(folder, &run.report);
                problems.extend(against_cold(
                    folder,
                    "--no-cache",
                    &verdicts,
                    Some(run.code),
                ));
            }
            Err(e) => problems.push(e),
        }
    }
    assert_no_problems(&problems);
}

#[test]
fn three_shards_merged_give_the_cold_verdicts() {
    let mut problems = Vec::new();
    for folder in fixture() {
        match shards_merged(&folder.delivery) {
            Ok((merged, shares)) => {
                let verdicts = report_verdicts(folder, &merged);
                problems.extend(against_cold(folder, "shards+merge", &verdicts, None));
                problems.extend(same_summary(folder, &merged));
                problems.extend(split_apart(folder, &shares));
            }
            Err(e) => problems.push(e),
        }
    }
    assert_no_problems(&problems);
}

/// `check --shard K/3 -o sK.json` for K = 1, 2, 3 (each with a cache of its own), then
/// `merge s1.json s2.json s3.json -o M.json`: the merged report and the paths of each share. A
/// shard's exit code speaks for its share only, and merge has none: the merged report's summary
/// and sign-off are this mode's verdict.
fn shards_merged(d: &Delivery) -> Result<(Value, Vec<BTreeSet<String>>), String> {
    let mut shard_reports = Vec::new();
    let mut shares = Vec::new();
    for k in 1..=3 {
        let name = format!("s{k}");
        let cache = run_dir(d).join(format!("cache-{name}"));
        let shard = check_to(d, &name, &["--shard", &format!("{k}/3")], &cache)?;
        shares.push(keyed(&shard.report, "files", "path").into_keys().collect());
        shard_reports.push(run_dir(d).join(format!("{name}.json")));
    }
    let merged = run_dir(d).join("M.json");
    let mut args: Vec<&OsStr> = vec!["merge".as_ref()];
    args.extend(shard_reports.iter().map(|p| p.as_os_str()));
    args.extend(["-o".as_ref(), merged.as_os_str()]);
    let ran = run(&args);
    if ran.code != 0 {
        return Err(format!(
            "{} merge: exit {}: {}",
            d.name, ran.code, ran.stderr
        ));
    }
    let merged = read_json(&merged).map_err(|e| format!("{} merge: {e}", d.name))?;
    Ok((merged, shares))
}

/// A problem when the folder has files judged together (a clip's tracks, a picture and its
/// sound, a transcode and its original) but the shards never part any of them: then this
/// folder would prove nothing about shards.
fn split_apart(folder: &Folder, shares: &[BTreeSet<String>]) -> Option<String> {
    let share_of = |path: &str| shares.iter().position(|s| s.contains(path));
    let report = &folder.cold.report;
    let clips = entries(report, "clips")
        .into_iter()
        .map(|c| c["members"].clone());
    let pairs = entries(report, "files").into_iter().map(|f| {
        let partners = f["paired"].as_array().into_iter().flatten();
        let mut together: Vec<Value> = partners.map(|p| p["path"].clone()).collect();
        together.push(f["path"].clone());
        Value::from(together)
    });
    let groups: Vec<BTreeSet<Option<usize>>> = clips
        .chain(pairs)
        .filter_map(|g| g.as_array().filter(|g| g.len() > 1).cloned())
        .map(|g| {
            g.iter()
                .map(|p| share_of(p.as_str().unwrap_or("")))
                .collect()
        })
        .collect();
    (!groups.is_empty() && groups.iter().all(|shares| shares.len() == 1)).then(|| {
        let name = folder.name();
        format!("{name} shards: no clip or pair is split between shards (rename its files)")
    })
}

/// The merged report's counts and sign-off against the cold report's.
fn same_summary(folder: &Folder, merged: &Value) -> Vec<String> {
    ["summary", "verdict"]
        .iter()
        .filter(|key| merged[**key] != folder.cold.report[**key])
        .map(|key| {
            format!(
                "{} shards+merge: {key} {}, the cold run's {}",
                folder.name(),
                merged[*key],
                folder.cold.report[*key]
            )
        })
        .collect()
}

/// What a JSON-lines run printed: every object in order, the exit code when it ended by
/// itself, and what was wrong with the printing itself (a line that is not JSON, a path never
/// printed, a run that broke off).
#[derive(Default)]
struct Printed {
    objects: Vec<Value>,
    code: Option<i32>,
    problems: Vec<String>,
}

/// `check --format jsonl` (standard output, a cache of its own) of every folder, run once and
/// shared by the tests that read it.
fn jsonl_runs() -> &'static [Printed] {
    static RUNS: OnceLock<Vec<Printed>> = OnceLock::new();
    RUNS.get_or_init(|| fixture().iter().map(jsonl_run).collect())
}

fn jsonl_run(folder: &Folder) -> Printed {
    let d = &folder.delivery;
    let ran = run(&[
        "check".as_ref(),
        "--format".as_ref(),
        "jsonl".as_ref(),
        "--spec".as_ref(),
        d.spec.as_os_str(),
        d.media.as_os_str(),
    ]);
    let label = format!("{} jsonl", folder.name());
    let mut printed = Printed {
        code: Some(ran.code),
        ..Printed::default()
    };
    if ran.code != 0 && ran.code != 1 {
        let problem = format!("{label}: exit {}: {}", ran.code, ran.stderr);
        printed.problems.push(problem);
    }
    for line in ran.stdout.lines() {
        printed.push_line(&label, line);
    }
    printed
}

impl Printed {
    /// Keeps the object `line` holds; a line that is not one JSON object is a problem.
    fn push_line(&mut self, label: &str, line: &str) -> Option<&Value> {
        match serde_json::from_str::<Value>(line) {
            Ok(object) if object.is_object() => {
                self.objects.push(object);
                self.objects.last()
            }
            Ok(_) | Err(_) => {
                self.problems
                    .push(format!("{label}: not a JSON object line: {line}"));
                None
            }
        }
    }
}

/// `check --watch --settle 1 --format jsonl` of every folder it takes, side by side, each read
/// until every path of the cold report is out and then nothing comes for [`QUIET`]; run once
/// and shared by the tests that read it.
fn watch_runs() -> &'static [(&'static Folder, Printed)] {
    static RUNS: OnceLock<Vec<(&'static Folder, Printed)>> = OnceLock::new();
    RUNS.get_or_init(|| {
        let watched: Vec<&'static Folder> = fixture().iter().filter(|f| f.watchable()).collect();
        std::thread::scope(|scope| {
            let runs: Vec<_> = watched
                .iter()
                .map(|&f| scope.spawn(move || (f, watch_run(f))))
                .collect();
            runs.into_iter()
                .map(|r| r.join().expect("watch run"))
                .collect()
        })
    })
}

fn watch_run(folder: &Folder) -> Printed {
    let label = format!("{} --watch", folder.name());
    let watcher = Watcher::start(&folder.delivery);
    let mut printed = Printed::default();
    watcher.read_until_quiet(&label, &folder.paths(), &mut printed);
    printed
}

/// `check --watch --settle 1 --format jsonl --spec SPEC MEDIA`, without a terminal.
fn watch_command(d: &Delivery) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dailies-qc"));
    command
        .args(["check", "--watch", "--settle", "1", "--format", "jsonl"])
        .arg("--spec")
        .arg(&d.spec)
        .arg(&d.media)
        .stdin(Stdio::null())
        .env("USER", "test-operator");
    command
}

/// A running watcher with a cache of its own, killed however the test ends; its standard
/// output arrives line by line on `lines`.
struct Watcher {
    child: Child,
    lines: mpsc::Receiver<String>,
    _cache: tempfile::TempDir,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Watcher {
    fn start(d: &Delivery) -> Watcher {
        let cache = temp_dir();
        let mut child = watch_command(d)
            .env("XDG_CACHE_HOME", cache.path())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start dailies-qc check --watch");
        let stdout = child.stdout.take().expect("stdout");
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Watcher {
            child,
            lines,
            _cache: cache,
        }
    }

    /// Reads objects into `printed` until every path of `expected` has been printed and then
    /// nothing comes for [`QUIET`]; after [`WATCH_LIMIT`], or if the watcher ends, the paths
    /// never printed are a problem.
    fn read_until_quiet(&self, label: &str, expected: &BTreeSet<String>, printed: &mut Printed) {
        let deadline = Instant::now() + WATCH_LIMIT;
        let mut waiting = expected.clone();
        loop {
            let wait = match waiting.is_empty() {
                true => QUIET,
                false => deadline.saturating_duration_since(Instant::now()),
            };
            match self.lines.recv_timeout(wait) {
                Ok(line) => {
                    if let Some(path) = printed.push_line(label, &line).map(|o| &o["path"]) {
                        waiting.remove(path.as_str().unwrap_or_default());
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) if waiting.is_empty() => return,
                Err(stop) => {
                    let why = match stop {
                        mpsc::RecvTimeoutError::Timeout => "none came in time",
                        mpsc::RecvTimeoutError::Disconnected => "the watcher ended",
                    };
                    let names: Vec<&str> = waiting
                        .iter()
                        .map(|p| p.rsplit('/').next().unwrap_or(p))
                        .collect();
                    let names = names.join(", ");
                    let problem = format!("{label}: {why}: never printed: {names}");
                    printed.problems.push(problem);
                    return;
                }
            }
        }
    }
}

/// The last object printed for each path, and for each clip id (objects with `"type":
/// "clip"`), without the `amended` and `type` keys the report's entries do not have.
fn last_objects(objects: &[Value]) -> (BTreeMap<String, Value>, BTreeMap<String, Value>) {
    let (mut files, mut clips) = (BTreeMap::new(), BTreeMap::new());
    for object in objects {
        let is_clip = object["type"] == "clip";
        let key = object[if is_clip { "id" } else { "path" }]
            .as_str()
            .unwrap_or("<none>")
            .to_owned();
        let mut entry = object.clone();
        if let Some(fields) = entry.as_object_mut() {
            fields.remove("amended");
            fields.remove("type");
        }
        match is_clip {
            true => clips.insert(key, entry),
            false => files.insert(key, entry),
        };
    }
    (files, clips)
}

fn printed_verdicts(folder: &Folder, printed: &Printed) -> Verdicts {
    let (files, clips) = last_objects(&printed.objects);
    let files: Vec<Value> = files.into_values().collect();
    let clips: Vec<Value> = clips.into_values().collect();
    Verdicts::of_entries(&files, &clips, &folder.delivery.media)
}

#[test]
fn jsonl_gives_the_cold_verdicts() {
    let mut problems = Vec::new();
    for (folder, printed) in fixture().iter().zip(jsonl_runs()) {
        problems.extend(printed.problems.iter().cloned());
        let verdicts = printed_verdicts(folder, printed);
        problems.extend(against_cold(folder, "jsonl", &verdicts, printed.code));
    }
    assert_no_problems(&problems);
}

#[test]
fn watch_gives_the_cold_verdicts() {
    let mut problems = Vec::new();
    for (folder, printed) in watch_runs() {
        problems.extend(printed.problems.iter().cloned());
        let verdicts = printed_verdicts(folder, printed);
        problems.extend(against_cold(folder, "--watch", &verdicts, None));
    }
    assert_no_problems(&problems);
}

#[test]
fn watch_refuses_the_mhl_folder_with_exit_2() {
    let cache = temp_dir();
    let mut child = watch_command(&folder("mhl").delivery)
        .env("XDG_CACHE_HOME", cache.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start dailies-qc check --watch");
    let deadline = Instant::now() + Duration::from_secs(30);
    let code = loop {
        match child.try_wait().expect("wait for the watcher") {
            Some(status) => break status.code(),
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    };
    assert_eq!(code, Some(2), "None: still watching after 30 s");
}

/// The JSON-lines contract (DESIGN.md Wave 3) for the objects a run printed, against the cold
/// report: the last object printed for a path is that file's entry, whole; the last one for a
/// clip id is that clip's entry; an object printed again carries `"amended": true`. Nothing in
/// an entry depends on how or when the run was made (`mtime` is the file's own, and `check`
/// makes no reviews), so no field is left out of the comparison.
fn contract(folder: &Folder, mode: &str, objects: &[Value]) -> Vec<String> {
    let label = format!("{} {mode}", folder.name());
    let root = &folder.delivery.media;
    let (files, clips) = last_objects(objects);
    let report = &folder.cold.report;
    let mut problems = entries_match(
        &label,
        "file",
        &keyed(report, "files", "path"),
        &files,
        root,
    );
    problems.extend(entries_match(
        &label,
        "clip",
        &keyed(report, "clips", "id"),
        &clips,
        root,
    ));
    problems.extend(reprints_without_amended(&label, objects, root));
    problems
}

/// The entries of `report[list]` by their `key` field.
fn keyed(report: &Value, list: &str, key: &str) -> BTreeMap<String, Value> {
    entries(report, list)
        .into_iter()
        .map(|e| (e[key].as_str().unwrap_or("<none>").to_owned(), e))
        .collect()
}

fn entries_match(
    label: &str,
    what: &str,
    report: &BTreeMap<String, Value>,
    printed: &BTreeMap<String, Value>,
    root: &Path,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (key, entry) in report {
        let shown = below(root, key);
        match printed.get(key) {
            None => problems.push(format!("{label}: {what} {shown} never printed")),
            Some(object) if object != entry => problems.push(format!(
                "{label}: {what} {shown}: last object differs from the report entry in {}",
                differing_fields(object, entry)
            )),
            Some(_) => {}
        }
    }
    for key in printed.keys().filter(|k| !report.contains_key(*k)) {
        let shown = below(root, key);
        problems.push(format!(
            "{label}: {what} {shown} printed, not in the report"
        ));
    }
    problems
}

/// The fields two objects disagree on, with both values when they are short.
fn differing_fields(printed: &Value, entry: &Value) -> String {
    let keys: BTreeSet<&String> = [printed, entry]
        .iter()
        .filter_map(|o| o.as_object())
        .flat_map(|o| o.keys())
        .collect();
    let shown: Vec<String> = keys
        .into_iter()
        .filter(|k| printed[k.as_str()] != entry[k.as_str()])
        .map(|k| {
            let (p, e) = (
                printed[k.as_str()].to_string(),
                entry[k.as_str()].to_string(),
            );
            match p.len() + e.len() <= 60 {
                true => format!("{k} (printed {p}, report {e})"),
                false => k.clone(),
            }
        })
        .collect();
    shown.join(", ")
}

/// Objects printed for a path (or clip id) already printed that lack `"amended": true`.
fn reprints_without_amended(label: &str, objects: &[Value], root: &Path) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut problems = Vec::new();
    for object in objects {
        let key = match object["type"] == "clip" {
            true => format!("clip {}", object["id"].as_str().unwrap_or("<none>")),
            false => format!(
                "file {}",
                below(root, object["path"].as_str().unwrap_or(""))
            ),
        };
        if !seen.insert(key.clone()) && object["amended"] != true {
            problems.push(format!(
                "{label}: {key} printed again without \"amended\": true"
            ));
        }
    }
    problems
}

#[test]
fn jsonl_objects_are_the_report_entries() {
    let mut problems = Vec::new();
    for (folder, printed) in fixture().iter().zip(jsonl_runs()) {
        problems.extend(printed.problems.iter().cloned());
        problems.extend(contract(folder, "jsonl", &printed.objects));
    }
    assert_no_problems(&problems);
}

#[test]
fn watch_objects_are_the_report_entries() {
    let mut problems = Vec::new();
    for (folder, printed) in watch_runs() {
        problems.extend(printed.problems.iter().cloned());
        problems.extend(contract(folder, "--watch", &printed.objects));
    }
    assert_no_problems(&problems);
}

/// A folder of its own holding copies of `names` from the fixture folder `from`, checked
/// against that folder's spec.
fn copy_of(dir: &Path, from: &str, names: &[&str]) -> Delivery {
    let source = &folder(from).delivery;
    let media = dir.join("media");
    std::fs::create_dir(&media).expect("media dir");
    for name in names {
        deliveries::copy(&source.media.join(name), &media, name);
    }
    let spec = std::fs::read_to_string(&source.spec).expect("read spec");
    Delivery {
        name: source.name,
        spec: write_spec(dir, &spec),
        media,
    }
}

#[test]
fn a_track_file_removed_after_a_cached_run_fails_its_clip_on_the_warm_run() {
    let dir = temp_dir();
    let d = copy_of(
        dir.path(),
        "clips_by_umid",
        &["A001C003_V1.mxf", "A001C003_A1.mxf", "A001C003_A2.mxf"],
    );
    let cache = dir.path().join("cache");
    let cold = check_to(&d, "cold", &[], &cache).unwrap_or_else(|e| panic!("{e}"));
    let clip = |checked: &Checked| Verdicts::of_report(&checked.report, &d.media).clips;
    assert_eq!(
        clip(&cold).get("A001C003").map(|c| c["status"].clone()),
        Some("pass".into()),
        "the whole clip passes: {:#}",
        cold.report
    );

    std::fs::remove_file(d.media.join("A001C003_A2.mxf")).expect("remove A2");
    let mut problems = Vec::new();
    let warm = check_to(&d, "warm", &[], &cache).unwrap_or_else(|e| panic!("{e}"));
    let unused = dir.path().join("no-cache-home");
    let fresh =
        check_to(&d, "no-cache", &["--no-cache"], &unused).unwrap_or_else(|e| panic!("{e}"));
    match clip(&warm).get("A001C003") {
        Some(c) if c["status"] == "fail" && check_ids(c) == ["clip.tracks"] => {}
        other => problems.push(format!(
            "warm after removing A001C003_A2.mxf: clip A001C003 {other:?}, expected fail \
             [clip.tracks]"
        )),
    }
    if warm.code != 1 {
        let code = warm.code;
        problems.push(format!(
            "warm after removing A001C003_A2.mxf: exit {code}, expected 1"
        ));
    }
    let fresh_verdicts = Verdicts::of_report(&fresh.report, &d.media);
    let warm_verdicts = Verdicts::of_report(&warm.report, &d.media);
    problems.extend(differences(
        "warm vs --no-cache",
        &fresh_verdicts,
        &warm_verdicts,
    ));
    assert_no_problems(&problems);
}

/// The last object printed for `path`.
fn last_for<'a>(objects: &'a [Value], path: &Path) -> Option<&'a Value> {
    let path = path.to_str().expect("UTF-8 temp path");
    objects.iter().rev().find(|o| o["path"] == path)
}

fn has_check(object: &Value, check: &str) -> bool {
    check_ids(object).iter().any(|c| c == check)
}

fn shown(object: Option<&Value>) -> String {
    object.map_or("nothing".to_owned(), |o| {
        format!("{} {:?}", o["status"], check_ids(o))
    })
}

#[test]
fn a_sound_roll_landing_after_its_picture_amends_the_picture_under_watch() {
    let dir = temp_dir();
    let d = copy_of(dir.path(), "double_system", &["T01.mov"]);
    let picture = d.media.join("T01.mov");
    let sound = d.media.join("S01.wav");
    let watcher = Watcher::start(&d);
    let mut problems = Vec::new();

    let mut before = Printed::default();
    let expected = BTreeSet::from([picture.to_string_lossy().into_owned()]);
    watcher.read_until_quiet("picture alone", &expected, &mut before);
    problems.append(&mut before.problems);
    let alone = last_for(&before.objects, &picture);
    if !alone.is_some_and(|o| has_check(o, "sync.sound_missing")) {
        problems.push(format!(
            "before its sound: the last object for T01.mov is {}, expected sync.sound_missing",
            shown(alone)
        ));
    }

    let roll = &folder("double_system").delivery.media.join("S01.wav");
    std::fs::copy(roll, &sound).expect("copy the sound roll in");
    let mut after = Printed::default();
    let expected = BTreeSet::from([sound.to_string_lossy().into_owned()]);
    watcher.read_until_quiet("sound landed", &expected, &mut after);
    problems.append(&mut after.problems);
    let amended = last_for(&after.objects, &picture);
    match amended {
        Some(o) if o["status"] == "pass" && o["amended"] == true => {}
        _ => problems.push(format!(
            "after S01.wav landed: the last object for T01.mov is {} (amended: {}), \
             expected pass with \"amended\": true",
            shown(amended),
            amended.map_or(Value::Null, |o| o["amended"].clone())
        )),
    }
    let roll_printed = last_for(&after.objects, &sound);
    if !roll_printed.is_some_and(|o| o["status"] == "pass" && !has_check(o, "sync.sound_orphan")) {
        problems.push(format!(
            "after S01.wav landed: its last object is {}, expected pass without sync.sound_orphan",
            shown(roll_printed)
        ));
    }
    assert_no_problems(&problems);
}

/// A sound roll deleted while watched takes no further part: its picture is judged again
/// without it and turns to `sync.sound_missing`, as a plain `check` of the folder says.
#[test]
fn a_sound_roll_deleted_under_watch_unpairs_its_picture() {
    let dir = temp_dir();
    let d = copy_of(dir.path(), "double_system", &["T01.mov", "S01.wav"]);
    let picture = d.media.join("T01.mov");
    let sound = d.media.join("S01.wav");
    let watcher = Watcher::start(&d);
    let mut problems = Vec::new();
    let mut before = Printed::default();
    let expected = BTreeSet::from([
        picture.to_string_lossy().into_owned(),
        sound.to_string_lossy().into_owned(),
    ]);
    watcher.read_until_quiet("both", &expected, &mut before);
    problems.append(&mut before.problems);
    if !last_for(&before.objects, &picture).is_some_and(|o| o["status"] == "pass") {
        problems.push("with its sound, T01.mov should pass".to_owned());
    }
    std::fs::remove_file(&sound).expect("delete the sound roll");
    let mut after = Printed::default();
    let expected = BTreeSet::from([picture.to_string_lossy().into_owned()]);
    watcher.read_until_quiet("sound deleted", &expected, &mut after);
    problems.append(&mut after.problems);
    let last = last_for(&after.objects, &picture);
    if !last.is_some_and(|o| o["amended"] == true && has_check(o, "sync.sound_missing")) {
        problems.push(format!(
            "after S01.wav was deleted: the last object for T01.mov is {}, expected \
             sync.sound_missing with \"amended\": true",
            shown(last)
        ));
    }
    assert_no_problems(&problems);
}
