//! Errors reach the user once, as one `dailies-qc: …` line on stderr, with exit code 2. None of
//! these needs ffmpeg: each fails before any media is read.

use crate::common::{Outcome, run, temp_dir, write_spec};
use std::path::Path;

/// Asserts exit 2 and that stderr is exactly one line starting with `dailies-qc: {start}`.
fn assert_error(outcome: &Outcome, start: &str) {
    assert_eq!(outcome.code, 2, "{}", outcome.stderr);
    assert!(
        outcome.stderr.starts_with(&format!("dailies-qc: {start}")),
        "{}",
        outcome.stderr
    );
    assert_eq!(outcome.stderr.lines().count(), 1, "{}", outcome.stderr);
}

fn review(spec: &Path, report: &Path, media: &Path) -> Outcome {
    run(&[
        "review".as_ref(),
        "--spec".as_ref(),
        spec.as_os_str(),
        "--report".as_ref(),
        report.as_os_str(),
        media.as_os_str(),
    ])
}

#[test]
fn exporting_a_file_that_is_not_a_report_names_it() {
    let dir = temp_dir();
    let notes = dir.path().join("notes.json");
    std::fs::write(&notes, "shot list\n").expect("write");
    let outcome = run(&[
        "export".as_ref(),
        notes.as_os_str(),
        "--format".as_ref(),
        "csv".as_ref(),
    ]);
    assert_error(
        &outcome,
        &format!("{}: not a dailies-qc report: ", notes.display()),
    );
}

#[test]
fn an_output_file_that_cannot_be_written_is_named() {
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: x\n");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    let report = dir.path().join("r.json");
    let checked = run(&[
        "check".as_ref(),
        "--spec".as_ref(),
        spec.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
        "-o".as_ref(),
        report.as_os_str(),
        empty.as_os_str(),
    ]);
    assert_eq!(checked.code, 1, "an empty delivery is not a pass");
    let out = dir.path().join("missing").join("r.html");
    let outcome = run(&[
        "export".as_ref(),
        report.as_os_str(),
        "--format".as_ref(),
        "html".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_error(&outcome, &format!("cannot write {}: ", out.display()));
}

#[test]
fn review_refuses_to_overwrite_a_file_that_is_not_a_report() {
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: x\n");
    let report = dir.path().join("r.json");
    std::fs::write(&report, "keep me\n").expect("write");
    let outcome = review(&spec, &report, dir.path());
    assert_error(
        &outcome,
        &format!("{}: not a dailies-qc report: ", report.display()),
    );
    assert!(
        outcome
            .stderr
            .trim_end()
            .ends_with("; refusing to overwrite it (move it away or pick another --report)"),
        "{}",
        outcome.stderr
    );
    assert_eq!(std::fs::read_to_string(&report).expect("read"), "keep me\n");
    assert!(
        !dir.path().join("r.json.lock").exists(),
        "the lock is let go"
    );
}

#[test]
fn review_without_a_terminal_refuses_before_writing_anything() {
    // cron, CI, `</dev/null`: no screen can run, so no lock and no report may appear.
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: x\n");
    let report = dir.path().join("r.json");
    let outcome = review(&spec, &report, dir.path());
    assert_error(&outcome, "review needs a terminal; use check");
    assert!(!report.exists(), "a report was written");
    assert!(!dir.path().join("r.json.lock").exists(), "a lock was left");
}

#[test]
fn review_refuses_a_report_made_with_another_spec() {
    let dir = temp_dir();
    let old_spec = write_spec(dir.path(), "name: Old\n");
    let report = dir.path().join("r.json");
    let checked = run(&[
        "check".as_ref(),
        "--spec".as_ref(),
        old_spec.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
        "-o".as_ref(),
        report.as_os_str(),
        dir.path().join("nothing-here").as_os_str(),
    ]);
    assert_eq!(checked.code, 1, "{}", checked.stderr);
    let before = std::fs::read(&report).expect("report");
    let new_spec = dir.path().join("new.yaml");
    std::fs::write(&new_spec, "name: New\n").expect("write");
    let outcome = review(&new_spec, &report, dir.path());
    assert_error(
        &outcome,
        &format!("{} was made with spec \"Old\"", report.display()),
    );
    for needed in ["\"New\"", "--respec", "another --report"] {
        assert!(outcome.stderr.contains(needed), "{}", outcome.stderr);
    }
    assert_eq!(std::fs::read(&report).expect("report"), before);
}

#[test]
fn demo_names_a_folder_it_cannot_create() {
    let dir = temp_dir();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").expect("write");
    let target = file.join("demo");
    let outcome = run(&[std::ffi::OsStr::new("demo"), target.as_os_str()]);
    assert_error(&outcome, &format!("cannot create {}: ", target.display()));
}
