//! `dailies-qc seal --report R.json`: a new ASC MHL v2 generation for an approved report,
//! read and re-verified by the ASC's reference implementation, and every refusal (exit 2).

use crate::common::*;
use crate::mhl_common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `check -o report.json` of `card`, with `integrity.mhl: required`.
fn checked(dir: &Path, card: &Path) -> PathBuf {
    let report = dir.join("report.json");
    let out = check_to_json_file(&report, &spec(dir, "required"), card);
    assert!(out.code <= 1, "{}", out.stderr);
    report
}

fn seal(report: &Path) -> Outcome {
    run(&[
        "seal".as_ref(),
        "--report".as_ref(),
        report.as_os_str(),
        "--operator".as_ref(),
        "ana".as_ref(),
    ])
}

/// Every file under `folder` and its bytes.
fn contents(folder: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)
            .expect("read_dir")
            .map(|e| e.expect("entry"))
        {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(&path).expect("read"));
            }
        }
    }
    files
}

fn generations(card: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(card.join("ascmhl"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".mhl"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
#[ignore = "needs ascmhl (the ASC MHL reference tool): run by .ci/run"]
fn a_sealed_generation_is_read_and_reverified_by_the_reference() {
    let dir = temp_dir();
    let card = card(dir.path());
    assert_eq!(
        ascmhl(&["create", s(&card), "-h", "xxh64", "-h", "md5"]).0,
        0
    );
    std::fs::copy(card.join("A001C001.mov"), card.join("A001C003.mov")).expect("add");
    let report = checked(dir.path(), &card);
    let before = contents(&card);

    let out = seal(&report);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with(&format!("Sealed {}: generation 2 (4 files)", s(&card)))
    );
    let after = contents(&card);
    let changed: Vec<&PathBuf> = after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(*bytes))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(changed.len(), 2, "{changed:?}");
    assert!(
        changed
            .iter()
            .all(|p| p.parent() == Some(&card.join("ascmhl")))
    );
    let new = generations(&card).pop().expect("a generation");
    assert!(new.starts_with("0002_A001_"), "{new}");
    let xml = std::fs::read_to_string(card.join("ascmhl").join(&new)).expect("read");
    assert!(xml.contains("<process>in-place</process>"), "{xml}");
    assert!(xml.contains("<xxh64 action=\"verified\""), "{xml}");
    assert!(xml.contains("<xxh128 action=\"original\""), "{xml}");

    let (code, info) = ascmhl(&["info", "-v", s(&card)]);
    assert_eq!(code, 0, "{info}");
    assert!(info.contains("Generation 2"), "{info}");
    assert!(info.contains("dailies-qc"), "{info}");
    assert!(info.contains("ana [operator]"), "{info}");
    let (code, text) = ascmhl(&["create", s(&card), "-h", "xxh64"]);
    assert_eq!(code, 0, "the reference re-verifies the history: {text}");

    // Our own verification reads the history the reference and we wrote together.
    let out = check_json(&spec(dir.path(), "required"), &[&card]);
    assert_eq!(integrity_findings(&out.json()), [], "{}", out.stdout);

    flip_a_byte(&card.join("A001C003.mov"));
    let (code, text) = ascmhl(&["create", s(&card), "-h", "xxh64"]);
    assert_eq!(
        code, 11,
        "a flipped byte fails the reference's verification: {text}"
    );
}

/// Waives every open error finding of the report at `path`, with or without a note.
fn waive_all(path: &Path, note: &str) {
    let mut report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON");
    for file in report["files"].as_array_mut().expect("files") {
        for finding in file["findings"].as_array_mut().expect("findings") {
            if finding["severity"] == "error" {
                finding["review"]["verdict"] = "waived".into();
                finding["review"]["note"] = note.into();
            }
        }
    }
    std::fs::write(path, serde_json::to_vec_pretty(&report).expect("JSON")).expect("write");
}

#[test]
#[ignore = "needs ascmhl (the ASC MHL reference tool): run by .ci/run"]
fn an_unapproved_report_is_refused_and_a_waived_mismatch_is_sealed_as_failed() {
    let dir = temp_dir();
    let card = card(dir.path());
    assert_eq!(ascmhl(&["create", s(&card), "-h", "xxh64"]).0, 0);
    flip_a_byte(&card.join("A001C002.mov"));
    let report = checked(dir.path(), &card);

    let out = seal(&report);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("is incomplete, not approved"),
        "{}",
        out.stderr
    );
    waive_all(&report, "");
    assert!(seal(&report).stderr.contains("is incomplete, not approved"));
    assert_eq!(generations(&card).len(), 1, "nothing written");

    waive_all(&report, "camera original re-offloaded; client accepts");
    let out = seal(&report);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let new = generations(&card).pop().expect("a generation");
    let xml = std::fs::read_to_string(card.join("ascmhl").join(new)).expect("read");
    let entry = xml
        .split("<hash>")
        .find(|h| h.contains("A001C002.mov"))
        .expect("the file is listed");
    assert!(entry.contains("<xxh64 action=\"failed\""), "{entry}");
}

#[test]
#[ignore = "needs ascmhl (the ASC MHL reference tool): run by .ci/run"]
fn a_file_changed_since_qc_or_a_report_without_verification_is_refused() {
    let dir = temp_dir();
    let card = card(dir.path());
    assert_eq!(ascmhl(&["create", s(&card), "-h", "md5"]).0, 0);
    let report = checked(dir.path(), &card);
    flip_a_byte(&card.join("sound/T001.wav"));
    let out = seal(&report);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("T001.wav: changed since QC (md5 was "),
        "{}",
        out.stderr
    );
    assert_eq!(generations(&card).len(), 1, "nothing written");

    let plain = dir.path().join("plain.json");
    let spec = write_spec(dir.path(), "name: no integrity\n");
    assert_eq!(check_to_json_file(&plain, &spec, &card).code, 0);
    let out = seal(&plain);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("holds no MHL verification"),
        "{}",
        out.stderr
    );
}

/// A folder made read-only for real: a tmpfs remounted read-only when root (CI runs as root,
/// and root writes through any mode bits), else the folder's write bits taken away.
struct ReadOnly {
    mount: Option<PathBuf>,
    folder: PathBuf,
}

impl ReadOnly {
    /// A writable folder at `path`, to be made read-only with [`ReadOnly::seal_off`].
    fn new(path: &Path) -> ReadOnly {
        std::fs::create_dir_all(path).expect("mkdir");
        let root = is_root();
        if root {
            let mounted = Command::new("mount")
                .args(["-t", "tmpfs", "-o", "size=64m", "tmpfs"])
                .arg(path)
                .status()
                .is_ok_and(|s| s.success());
            assert!(
                mounted,
                "as root, this test mounts a tmpfs at {}",
                path.display()
            );
        }
        ReadOnly {
            mount: root.then(|| path.to_path_buf()),
            folder: path.to_path_buf(),
        }
    }

    fn seal_off(&self) {
        let done = match &self.mount {
            Some(mount) => Command::new("mount")
                .args(["-o", "remount,ro"])
                .arg(mount)
                .status()
                .is_ok_and(|s| s.success()),
            None => Command::new("chmod")
                .args(["-R", "a-w"])
                .arg(&self.folder)
                .status()
                .is_ok_and(|s| s.success()),
        };
        assert!(done, "cannot make {} read-only", self.folder.display());
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        match &self.mount {
            Some(mount) => {
                let _ = Command::new("umount").arg(mount).status();
            }
            None => {
                let _ = Command::new("chmod")
                    .args(["-R", "u+w"])
                    .arg(&self.folder)
                    .status();
            }
        }
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[test]
#[ignore = "needs ascmhl (the ASC MHL reference tool): run by .ci/run"]
fn a_read_only_mount_is_refused_with_a_clear_message() {
    let dir = temp_dir();
    let mount = ReadOnly::new(&dir.path().join("mnt"));
    let card = card(&mount.folder);
    assert_eq!(ascmhl(&["create", s(&card), "-h", "xxh64"]).0, 0);
    let report = checked(dir.path(), &card);
    mount.seal_off();
    let out = seal(&report);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr
            .contains(&format!("cannot write {}/ascmhl/0002_A001_", s(&card))),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("Read-only file system") || out.stderr.contains("Permission denied"),
        "{}",
        out.stderr
    );
    // The cause is said once.
    let causes = out.stderr.matches("Read-only file system").count()
        + out.stderr.matches("Permission denied").count();
    assert_eq!(causes, 1, "{}", out.stderr);
    assert_eq!(generations(&card).len(), 1);
}

#[test]
#[ignore = "needs ascmhl (the ASC MHL reference tool): run by .ci/run"]
fn a_folder_without_history_gets_its_first_generation_and_chain() {
    let dir = temp_dir();
    let card = card(dir.path());
    let report = dir.path().join("report.json");
    let out = check_to_json_file(&report, &spec(dir.path(), "if_present"), &card);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = seal(&report);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let names = generations(&card);
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].starts_with("0001_A001_"), "{names:?}");
    let (code, info) = ascmhl(&["info", "-v", s(&card)]);
    assert_eq!(code, 0, "{info}");
    assert!(
        info.contains("Generation 1") && info.contains("dailies-qc"),
        "{info}"
    );
    let (code, text) = ascmhl(&["create", s(&card), "-h", "xxh128"]);
    assert_eq!(
        code, 0,
        "the reference verifies our first generation: {text}"
    );
    let out = check_json(&spec(dir.path(), "required"), &[&card]);
    assert_eq!(integrity_findings(&out.json()), [], "{}", out.stdout);
}

/// Replaces `path` with other bytes of the same size and mtime, as `mv` of a prepared file
/// over it would after `touch -r`: only its inode and ctime tell.
fn swap_in_same_size(path: &Path) {
    let mut bytes = std::fs::read(path).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    let staged = path.with_extension("staged");
    std::fs::write(&staged, bytes).expect("write");
    let mtime = std::fs::metadata(path)
        .expect("meta")
        .modified()
        .expect("mtime");
    std::fs::File::options()
        .write(true)
        .open(&staged)
        .expect("open")
        .set_modified(mtime)
        .expect("touch -r");
    std::fs::rename(&staged, path).expect("rename over");
}

/// A file QC never compared with a hash (copied in after the offload, or in a folder with no
/// history under `mhl: if_present`) is sealed only while it is the file QC judged: swapped for
/// other bytes of the same size and mtime, seal refuses and writes nothing.
#[test]
#[ignore = "needs ascmhl (the ASC MHL reference tool): run by .ci/run"]
fn a_file_no_mhl_listed_is_sealed_only_while_it_is_the_file_qc_judged() {
    let dir = temp_dir();
    let card = card(dir.path());
    assert_eq!(ascmhl(&["create", s(&card), "-h", "xxh64"]).0, 0);
    std::fs::copy(card.join("A001C001.mov"), card.join("A001C003.mov")).expect("add");
    let report = checked(dir.path(), &card);
    swap_in_same_size(&card.join("A001C003.mov"));
    let out = seal(&report);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr
            .contains("A001C003.mov: no MHL lists it and it is not the file QC judged"),
        "{}",
        out.stderr
    );
    assert_eq!(generations(&card).len(), 1, "nothing written");

    let fresh = temp_dir();
    let card = crate::mhl_common::card(fresh.path());
    let report = fresh.path().join("report.json");
    let out = check_to_json_file(&report, &spec(fresh.path(), "if_present"), &card);
    assert_eq!(out.code, 0, "{}", out.stderr);
    swap_in_same_size(&card.join("sound/T001.wav"));
    let out = seal(&report);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains("T001.wav: no MHL lists it"),
        "{}",
        out.stderr
    );
    assert_eq!(generations(&card), Vec::<String>::new(), "nothing written");
}

/// Seals of one history started together: each either writes its own generation or refuses
/// because another holds the history; none overwrites or drops another's generation, and the
/// reference reads the chain whole. A report open in a live review is not sealed.
#[test]
#[ignore = "needs ascmhl (the ASC MHL reference tool): run by .ci/run"]
fn concurrent_seals_never_lose_a_generation() {
    let dir = temp_dir();
    let card = card(dir.path());
    assert_eq!(ascmhl(&["create", s(&card), "-h", "xxh64"]).0, 0);
    let report = checked(dir.path(), &card);
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_dailies-qc"))
                .args(["seal", "--operator", "ana", "--report"])
                .arg(&report)
                .stdin(std::process::Stdio::null())
                .output_async()
        })
        .collect();
    let mut sealed = 0;
    for child in children {
        let out = child.wait_with_output().expect("seal ran");
        let stderr = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => sealed += 1,
            Some(2) => assert!(
                stderr.contains("another seal is writing this history"),
                "{stderr}"
            ),
            other => panic!("exit {other:?}: {stderr}"),
        }
    }
    assert!(sealed >= 1);
    assert_eq!(
        generations(&card).len(),
        1 + sealed,
        "{:?}",
        generations(&card)
    );
    let (code, info) = ascmhl(&["info", "-v", s(&card)]);
    assert_eq!(code, 0, "{info}");
    let (code, text) = ascmhl(&["diff", s(&card)]);
    assert_eq!(code, 0, "the reference reads every generation: {text}");

    // A review session of this process holds the report: no seal.
    let lock = dailies_qc::tui::lock::ReportLock::acquire(&report, "bo").expect("lock");
    let out = seal(&report);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains("is open in a review session"),
        "{}",
        out.stderr
    );
    drop(lock);
}

trait SpawnOutput {
    fn output_async(&mut self) -> std::process::Child;
}

impl SpawnOutput for Command {
    fn output_async(&mut self) -> std::process::Child {
        self.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn seal")
    }
}

/// Chains written in other layouts are extended by reading them as XML: on one line, with a
/// trailing comment that names the end tag. A history whose chain is lost keeps its
/// generations; the reference reads every history seal leaves.
#[test]
#[ignore = "needs ascmhl (the ASC MHL reference tool): run by .ci/run"]
fn chains_in_any_layout_are_extended_and_read_by_the_reference() {
    let chain_of = |card: &Path| card.join("ascmhl/ascmhl_chain.xml");
    type Edit = fn(&str) -> Option<String>;
    let cases: [(&str, Edit); 3] = [
        ("one line", |chain| Some(chain.replace('\n', ""))),
        ("comment", |chain| {
            Some(format!("{chain}<!-- ends with </ascmhldirectory> -->\n"))
        }),
        ("no chain", |_| None),
    ];
    for (case, edit) in cases {
        let dir = temp_dir();
        let card = card(dir.path());
        assert_eq!(ascmhl(&["create", s(&card), "-h", "xxh64"]).0, 0);
        let chain = std::fs::read_to_string(chain_of(&card)).expect("chain");
        match edit(&chain) {
            Some(text) => std::fs::write(chain_of(&card), text).expect("write"),
            None => std::fs::remove_file(chain_of(&card)).expect("rm"),
        }
        let report = dir.path().join("report.json");
        let out = check_to_json_file(&report, &spec(dir.path(), "if_present"), &card);
        assert!(out.code <= 1, "{case}: {}", out.stderr);
        // Without its chain, generation 1 is distrusted and the check says so; waive it.
        let mut json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&report).expect("report")).expect("JSON");
        for file in json["files"].as_array_mut().expect("files") {
            for finding in file["findings"].as_array_mut().expect("findings") {
                finding["review"] =
                    serde_json::json!({"verdict": "waived", "note": "chain rebuilt"});
            }
        }
        std::fs::write(&report, serde_json::to_vec(&json).expect("JSON")).expect("write");
        let out = seal(&report);
        assert_eq!(out.code, 0, "{case}: {}", out.stderr);
        assert_eq!(generations(&card).len(), 2, "{case}");
        let (code, info) = ascmhl(&["info", "-v", s(&card)]);
        assert_eq!(code, 0, "{case}: {info}");
        assert!(
            info.contains("Generation 1") && info.contains("Generation 2"),
            "{case}: {info}"
        );
        let (code, text) = ascmhl(&["diff", s(&card)]);
        assert_eq!(code, 0, "{case}: {text}");
    }
}

/// The chain's last number cannot grow: seal refuses rather than wrap to 0.
#[test]
#[ignore = "needs ascmhl (the ASC MHL reference tool): run by .ci/run"]
fn a_chain_at_the_last_sequence_number_is_refused() {
    let dir = temp_dir();
    let card = card(dir.path());
    assert_eq!(ascmhl(&["create", s(&card), "-h", "xxh64"]).0, 0);
    let chain = card.join("ascmhl/ascmhl_chain.xml");
    let text = std::fs::read_to_string(&chain).expect("chain");
    std::fs::write(
        &chain,
        text.replace("sequencenr=\"1\"", "sequencenr=\"4294967295\""),
    )
    .expect("w");
    let report = dir.path().join("report.json");
    check_to_json_file(&report, &spec(dir.path(), "if_present"), &card);
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).expect("report")).expect("JSON");
    for file in json["files"].as_array_mut().expect("files") {
        for finding in file["findings"].as_array_mut().expect("findings") {
            finding["review"] = serde_json::json!({"verdict": "waived", "note": "test"});
        }
    }
    std::fs::write(&report, serde_json::to_vec(&json).expect("JSON")).expect("write");
    let before = std::fs::read(&chain).expect("chain");
    let out = seal(&report);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains("the last an ASC MHL chain can number"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read(&chain).expect("chain"), before);
    assert_eq!(generations(&card).len(), 1);
}

/// What XML 1.0 cannot carry never reaches a generation: a file name with ESC or U+FFFE is
/// refused, as is an operator name with a control character; nothing is written.
#[test]
fn names_and_operators_xml_cannot_carry_are_refused() {
    for (name, operator, expected) in [
        (
            "A001C003\u{1b}[2J.mov",
            "ana",
            "U+001B, which XML 1.0 cannot carry",
        ),
        (
            "A001C003\u{fffe}.mov",
            "ana",
            "U+FFFE, which XML 1.0 cannot carry",
        ),
        (
            "A001C003.mov",
            "ana\u{7}",
            "the operator name holds the character U+0007",
        ),
    ] {
        let dir = temp_dir();
        let card = card(dir.path());
        std::fs::copy(card.join("A001C001.mov"), card.join(name)).expect("copy");
        let report = dir.path().join("report.json");
        let out = check_to_json_file(&report, &spec(dir.path(), "if_present"), &card);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let out = run(&[
            "seal".as_ref(),
            "--report".as_ref(),
            report.as_os_str(),
            "--operator".as_ref(),
            std::ffi::OsStr::new(operator),
        ]);
        assert_eq!(out.code, 2, "{name:?}: {}", out.stdout);
        assert!(out.stderr.contains(expected), "{name:?}: {}", out.stderr);
        assert_eq!(generations(&card), Vec::<String>::new(), "{name:?}");
    }
}

/// Where a generation goes is found on disk, not read from the report: a report whose
/// `measurements.mhl.history` and `roots` name the card's parent still seals into the card.
#[test]
#[ignore = "needs ascmhl (the ASC MHL reference tool): run by .ci/run"]
fn the_history_folder_comes_from_the_disk_not_the_report() {
    let dir = temp_dir();
    let card = card(dir.path());
    let report = dir.path().join("report.json");
    let out = check_to_json_file(&report, &spec(dir.path(), "if_present"), &card);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let parent = s(dir.path()).to_owned();
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).expect("report")).expect("JSON");
    json["roots"] = serde_json::json!([parent.clone()]);
    for file in json["files"].as_array_mut().expect("files") {
        if file["measurements"]["mhl"].is_object() {
            file["measurements"]["mhl"]["history"] = parent.clone().into();
        }
    }
    std::fs::write(&report, serde_json::to_vec(&json).expect("JSON")).expect("write");
    let out = seal(&report);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        !dir.path().join("ascmhl").exists(),
        "nothing written in the card's parent"
    );
    assert_eq!(generations(&card).len(), 1);
    let (code, text) = ascmhl(&["diff", s(&card)]);
    assert_eq!(code, 0, "{text}");
}

/// Random file names, operators and chain layouts through `seal`, twice over one history: the
/// reference reads every history seal writes, and `check` verifies the files under their names.
#[test]
#[ignore = "needs ascmhl (the ASC MHL reference tool): run by .ci/run"]
fn random_names_operators_and_chain_layouts_survive_seal() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    // Name characters: what XML and MHL paths must escape, letters of several scripts, a
    // combining mark, an emoji, spaces (never a control character: those are refused).
    let name = "[a-zA-Z0-9 &<>'\"#%;=@\\[\\]{}()+,~éÅß日本語Ωя\u{301}😀-]{1,24}";
    let operator = "[a-zA-Z &<>'\"éß日本-]{1,20}";
    let layout = 0..3usize;
    let dir = temp_dir();
    let sound = dir.path().join("tone.wav");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "sine=d=0.2:sample_rate=48000",
        "-c:a",
        "pcm_s16le",
        s(&sound),
    ]);
    // The same cases on every run: CI must not pass or fail by chance.
    let config = Config {
        cases: 6,
        failure_persistence: None,
        ..Config::default()
    };
    let rng = proptest::test_runner::TestRng::deterministic_rng(config.rng_algorithm);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let case = std::cell::Cell::new(0);
    runner
        .run(
            &(name, name, operator, layout),
            |(first, second, operator, layout)| {
                case.set(case.get() + 1);
                let root = dir.path().join(format!("case{}", case.get()));
                let card = root.join("A001");
                std::fs::create_dir_all(&card).expect("card");
                // Names the scan takes (not hidden) and the default include globs match.
                let named = |n: &str| card.join(format!("x{}.wav", n.trim_start_matches('.')));
                std::fs::copy(&sound, named(&first)).expect("copy");
                let report = root.join("report.json");
                let out = check_to_json_file(&report, &spec(&root, "if_present"), &card);
                prop_assert_eq!(out.code, 0, "{}", out.stderr);
                let sealed = |report: &Path, operator: &str| {
                    let operator = format!("--operator={operator}");
                    run(&[
                        "seal".as_ref(),
                        "--report".as_ref(),
                        report.as_os_str(),
                        std::ffi::OsStr::new(&operator),
                    ])
                };
                let out = sealed(&report, &operator);
                prop_assert_eq!(out.code, 0, "{}", out.stderr);
                // The chain laid out as another tool might, then a second file and seal.
                let chain = card.join("ascmhl/ascmhl_chain.xml");
                let text = std::fs::read_to_string(&chain).expect("chain");
                let relaid = match layout {
                    0 => text.replace('\n', ""),
                    1 => text.replace("  <", "\t\t<").replace("\n", "\r\n"),
                    _ => format!("{text}<!-- </ascmhldirectory> -->\n"),
                };
                std::fs::write(&chain, relaid).expect("relay chain");
                if named(&second) != named(&first) {
                    std::fs::copy(&sound, named(&second)).expect("copy");
                }
                let out = check_to_json_file(&report, &spec(&root, "if_present"), &card);
                prop_assert_eq!(out.code, 0, "{}", out.stderr);
                let out = sealed(&report, &operator);
                prop_assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
                let (code, text) = ascmhl(&["diff", s(&card)]);
                prop_assert_eq!(code, 0, "{}", text);
                let (code, text) = ascmhl(&["info", "-v", s(&card)]);
                prop_assert_eq!(code, 0, "{}", text);
                let verified = check_json(&spec(&root, "required"), &[&card]);
                prop_assert_eq!(
                    integrity_findings(&verified.json()),
                    vec![],
                    "{}",
                    verified.stdout
                );
                Ok(())
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
}
