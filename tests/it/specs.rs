//! Delivery specs: every shipped spec loads; every file in tests/specs/invalid fails with the
//! exact message in its `.err` sibling (line:column: key: problem); every valid one loads.

use dailies_qc::spec;
use std::path::{Path, PathBuf};

fn yaml_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|entry| entry.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no specs in {dir}");
    files
}

#[test]
fn every_shipped_spec_loads() {
    let specs = yaml_files("specs");
    assert!(
        specs.len() >= 5,
        "expected the five shipped specs, found {specs:?}"
    );
    for path in specs {
        let loaded = spec::load(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(!loaded.spec.name.is_empty(), "{}", path.display());
        assert_eq!(loaded.sha256.len(), 64);
    }
}

#[test]
fn valid_specs_load() {
    for path in yaml_files("tests/specs/valid") {
        spec::load(&path).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn invalid_specs_fail_with_the_exact_message() {
    for path in yaml_files("tests/specs/invalid") {
        let expected_path = path.with_extension("err");
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
        let error = match spec::load(&path) {
            Ok(_) => panic!("{} loaded but should fail", path.display()),
            Err(e) => e.to_string(),
        };
        assert_eq!(error, format!("{}:{}", path.display(), expected.trim_end()));
    }
}

#[test]
fn ntsc_spellings_and_drop_frame_are_understood() {
    let loaded = spec::load(Path::new("tests/specs/valid/ntsc_drop_frame.yaml")).expect("loads");
    let video = loaded.spec.video.expect("video rules");
    assert_eq!(
        video.frame_rate.expect("frame rate").0,
        dailies_qc::rational::Rational::new(30000, 1001).expect("rate")
    );
}

#[test]
fn unreadable_spec_names_the_file() {
    let error = spec::load(Path::new("tests/specs/no-such-spec.yaml")).expect_err("missing file");
    let text = error.to_string();
    assert!(
        text.starts_with("tests/specs/no-such-spec.yaml: cannot read spec:"),
        "{text}"
    );
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_first_key() {
    let loaded = spec::load(Path::new("tests/specs/valid/byte_order_mark.yaml")).expect("loads");
    assert_eq!(loaded.spec.name, "With a byte order mark");
}

/// Opening a FIFO waits for a writer; the spec is refused before that.
#[cfg(unix)]
#[test]
fn a_fifo_spec_is_refused_without_waiting() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("spec.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let (sender, receiver) = std::sync::mpsc::channel();
    let path = fifo.clone();
    std::thread::spawn(move || sender.send(spec::load(&path).map(|_| ())));
    let result = receiver
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("load returned instead of waiting for a writer");
    let error = result.expect_err("a FIFO is no spec");
    assert_eq!(
        error.to_string(),
        format!("{}: not a regular file (FIFO)", fifo.display())
    );
}

#[test]
fn an_out_of_range_value_exits_2_naming_file_line_and_key() {
    let spec = "tests/specs/invalid/silence_level_above_full_scale.yaml";
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_dailies-qc"))
        .args(["check", "--spec", spec, "tests/specs"])
        .output()
        .expect("run dailies-qc");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let expected =
        format!("{spec}:5:15: content.silence.level_db: 60 is out of range, expected -200 to 0 dB");
    assert!(stderr.contains(&expected), "{stderr}");
}
