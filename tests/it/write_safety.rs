//! What `-o` and `--report` may write over: symlinks are followed, FIFOs and devices written
//! into, and inputs, live reports and reviews are never replaced without being asked.

use crate::common::*;
use dailies_qc::synth::Clip;
use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::{FileTypeExt, symlink};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

struct Media {
    _dir: tempfile::TempDir,
    clip: PathBuf,
}

fn media() -> &'static Media {
    static MEDIA: OnceLock<Media> = OnceLock::new();
    MEDIA.get_or_init(|| {
        let dir = temp_dir();
        let clip = make_clip(&Clip::small(1.0), &dir.path().join("A001_C001.mov"));
        Media { _dir: dir, clip }
    })
}

/// `check --format json --spec SPEC CLIP -o OUTPUT [extra…]`.
fn check_to(spec: &Path, output: &Path, extra: &[&str]) -> Outcome {
    let mut args: Vec<&OsStr> = vec![
        "check".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        "--spec".as_ref(),
        spec.as_os_str(),
        media().clip.as_os_str(),
        "-o".as_ref(),
        output.as_os_str(),
    ];
    args.extend(extra.iter().map(|s| OsStr::new(*s)));
    run(&args)
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo failed");
}

/// A report holding one waived finding, written by `check` and then annotated.
fn reviewed_report(dir: &Path, spec: &Path) -> PathBuf {
    let report = dir.join("reviewed.json");
    assert_eq!(check_to(spec, &report, &[]).code, 1);
    let mut json: serde_json::Value =
        serde_json::from_slice(&fs::read(&report).expect("report")).expect("JSON");
    json["files"][0]["findings"][0]["review"] =
        serde_json::json!({"verdict": "waived", "note": "client accepts", "operator": "ana"});
    fs::write(&report, serde_json::to_vec_pretty(&json).expect("JSON")).expect("write");
    report
}

const FAILING_SPEC: &str = "name: t\nvideo:\n  frame_rate: 30\n";

#[test]
fn a_symlinked_output_stays_a_symlink_and_its_target_is_written() {
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: t\n");
    let real = dir.path().join("real.json");
    let link = dir.path().join("link.json");
    symlink(&real, &link).unwrap();
    assert_eq!(check_to(&spec, &link, &[]).code, 0);
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let json: serde_json::Value = serde_json::from_slice(&fs::read(&real).unwrap()).unwrap();
    assert_eq!(json["summary"]["files"], 1);
}

#[test]
fn a_fifo_output_is_written_into_not_replaced() {
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: t\n");
    let fifo = dir.path().join("out.fifo");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read(fifo).expect("read fifo"))
    };
    let outcome = check_to(&spec, &fifo, &[]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let bytes = reader.join().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON through the FIFO");
    assert_eq!(json["summary"]["files"], 1);
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn a_character_device_output_is_written_into_not_replaced() {
    // Our own null device in a temp dir (CI runs as root; never point a test at /dev).
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: t\n");
    let device = dir.path().join("null");
    let made = std::process::Command::new("mknod")
        .arg(&device)
        .args(["c", "1", "3"])
        .status()
        .expect("mknod runs");
    assert!(made.success(), "mknod needs root: run the tests as CI does");
    assert_eq!(check_to(&spec, &device, &[]).code, 0);
    assert!(
        fs::symlink_metadata(&device)
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[test]
fn dash_is_standard_output() {
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: t\n");
    let outcome = check_to(&spec, Path::new("-"), &[]);
    assert_eq!(outcome.code, 0);
    assert_eq!(outcome.json()["summary"]["files"], 1);
    assert!(!Path::new("-").exists());
}

#[test]
fn the_media_being_checked_is_never_an_output() {
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: t\n");
    let before = fs::read(&media().clip).unwrap();
    let link = dir.path().join("innocent.json");
    symlink(&media().clip, &link).unwrap();
    for output in [media().clip.as_path(), link.as_path()] {
        let outcome = check_to(&spec, output, &["--force"]);
        assert_eq!(outcome.code, 2, "{}", outcome.stderr);
        assert!(
            outcome
                .stderr
                .contains("is one of the media files being checked"),
            "{}",
            outcome.stderr
        );
    }
    assert_eq!(fs::read(&media().clip).unwrap(), before);
}

#[test]
fn the_spec_is_never_an_output() {
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: t\n");
    let outcome = check_to(&spec, &spec, &["--force"]);
    assert_eq!(outcome.code, 2);
    assert!(outcome.stderr.contains("is the spec"), "{}", outcome.stderr);
    assert_eq!(fs::read_to_string(&spec).unwrap(), "name: t\n");
}

#[test]
fn a_report_holding_reviews_is_replaced_only_with_force() {
    let dir = temp_dir();
    let spec = write_spec(dir.path(), FAILING_SPEC);
    let report = reviewed_report(dir.path(), &spec);
    let before = fs::read(&report).unwrap();
    let refused = check_to(&spec, &report, &[]);
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("holds 1 review") && refused.stderr.contains("--force"),
        "{}",
        refused.stderr
    );
    assert_eq!(fs::read(&report).unwrap(), before, "the refused run wrote");
    assert_eq!(check_to(&spec, &report, &["--force"]).code, 1);
    assert_ne!(fs::read(&report).unwrap(), before);
}

#[test]
fn export_over_its_own_report_needs_force() {
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: t\n");
    let report = dir.path().join("r.json");
    assert_eq!(check_to(&spec, &report, &[]).code, 0);
    let before = fs::read(&report).unwrap();
    let export = |extra: &[&str]| {
        let mut args: Vec<&OsStr> = vec![
            "export".as_ref(),
            report.as_os_str(),
            "--format".as_ref(),
            "csv".as_ref(),
            "-o".as_ref(),
            report.as_os_str(),
        ];
        args.extend(extra.iter().map(|s| OsStr::new(*s)));
        run(&args)
    };
    let refused = export(&[]);
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("is the report being read") && refused.stderr.contains("--force"),
        "{}",
        refused.stderr
    );
    assert_eq!(fs::read(&report).unwrap(), before);
    assert_eq!(export(&["--force"]).code, 0);
    assert_ne!(fs::read(&report).unwrap(), before);
}

#[test]
fn a_report_open_in_a_live_session_is_never_an_output() {
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: t\n");
    let report = dir.path().join("live.json");
    assert_eq!(check_to(&spec, &report, &[]).code, 0);
    // A session of this very test process holds it (alive, same host).
    let host = fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    fs::write(
        dir.path().join("live.json.lock"),
        format!(
            "pid={}\nhost={}\nuser=ana\nsince=now\n",
            std::process::id(),
            host.trim()
        ),
    )
    .unwrap();
    let before = fs::read(&report).unwrap();
    let link = dir.path().join("other-name.json");
    symlink(&report, &link).unwrap();
    for output in [&report, &link] {
        let outcome = check_to(&spec, output, &["--force"]);
        assert_eq!(outcome.code, 2);
        assert!(
            outcome.stderr.contains("open in a review session") && outcome.stderr.contains("ana"),
            "{}",
            outcome.stderr
        );
    }
    assert_eq!(fs::read(&report).unwrap(), before);
}

/// A reviewed report this build cannot read (a newer schema, a verdict it does not know, a file
/// cut short) may hold reviews all the same: `-o` refuses it without `--force`. A CSV export
/// in the way is replaced as before.
#[test]
fn a_report_that_cannot_be_read_is_replaced_only_with_force() {
    let dir = temp_dir();
    let spec = write_spec(dir.path(), FAILING_SPEC);
    let reviewed = fs::read_to_string(reviewed_report(dir.path(), &spec)).expect("report");
    let newer = reviewed.replace("dailies-qc/report@2", "dailies-qc/report@3");
    let unknown_verdict = reviewed.replace("\"waived\"", "\"escalated\"");
    let cut = reviewed[..reviewed.len() / 2].to_owned();
    for (name, text, why) in [
        ("newer.json", newer, "schema dailies-qc/report@3"),
        (
            "verdict.json",
            unknown_verdict,
            "looks like a dailies-qc report",
        ),
        ("cut.json", cut, "cannot be read"),
        (
            "other.json",
            "{\"half\": ".to_owned(),
            "is JSON that cannot be read",
        ),
    ] {
        let path = dir.path().join(name);
        fs::write(&path, &text).expect("write");
        let refused = check_to(&spec, &path, &[]);
        assert_eq!(refused.code, 2, "{name}: {}", refused.stderr);
        assert!(refused.stderr.contains(why), "{name}: {}", refused.stderr);
        assert!(
            refused.stderr.contains("--force"),
            "{name}: {}",
            refused.stderr
        );
        assert_eq!(fs::read_to_string(&path).expect("kept"), text, "{name}");
        assert_eq!(check_to(&spec, &path, &["--force"]).code, 1, "{name}");
    }
    let csv = dir.path().join("old.csv");
    fs::write(&csv, "file,check\n").expect("write");
    assert_eq!(check_to(&spec, &csv, &[]).code, 1);
}
