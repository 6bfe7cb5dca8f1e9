//! A file name that is not UTF-8 (`clip\xff.mov`) is a file like any other: probed under its
//! own name, one report entry per file even where two names display alike, reviewable and
//! resumable; and a report or screen holds one entry per file, whichever way it was listed.

use crate::common::*;
use dailies_qc::check::Verdict;
use dailies_qc::engine::{self, Options};
use dailies_qc::report::{self, FileReport, Report};
use dailies_qc::spec::{self, LoadedSpec};
use dailies_qc::synth::Clip;
use dailies_qc::tui::model::{EntryState, Model, Pane, Row};
use dailies_qc::tui::update::{Msg, key, keys, update};
use dailies_qc::tui::{sample, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// A 25 fps spec: the 24 fps clips below each get one finding to review.
const SPEC: &str = "name: t\nvideo:\n  frame_rate: 25\n";

fn odd_name(dir: &Path, bytes: &[u8]) -> PathBuf {
    dir.join(OsStr::from_bytes(bytes))
}

/// `clip<FF>.mov` and `clip<FE>.mov` in `dir`: two copies of one real 24 fps clip, whose names
/// both display as `clip�.mov`.
fn two_odd_clips(dir: &Path) -> (PathBuf, PathBuf) {
    let mut clip = Clip::small(1.0);
    clip.rate = "24".into();
    let made = make_clip(&clip, &dir.join("made.mov"));
    let (ff, fe) = (
        odd_name(dir, b"clip\xff.mov"),
        odd_name(dir, b"clip\xfe.mov"),
    );
    std::fs::copy(&made, &ff).expect("copy");
    std::fs::copy(&made, &fe).expect("copy");
    std::fs::remove_file(made).expect("remove");
    (ff, fe)
}

/// The exact bytes of `path`, in hex, as `files[].path_raw` records them.
fn hex(path: &Path) -> String {
    path.as_os_str()
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn check_ids(file: &serde_json::Value) -> Vec<&str> {
    file["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["check"].as_str().expect("check"))
        .collect()
}

#[test]
fn check_probes_both_files_under_their_own_names() {
    let dir = temp_dir();
    let media = dir.path().join("media");
    std::fs::create_dir(&media).expect("mkdir");
    let (ff, fe) = two_odd_clips(&media);
    let spec = write_spec(dir.path(), SPEC);
    let out = check_json(&spec, &[&media]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = out.json();
    let files = report["files"].as_array().expect("files");
    assert_eq!(files.len(), 2, "{report:#}");
    for file in files {
        assert_eq!(check_ids(file), ["video.frame_rate"], "{file:#}");
        assert!(
            file["path"]
                .as_str()
                .expect("path")
                .ends_with("clip\u{fffd}.mov")
        );
    }
    let mut raw: Vec<&str> = files
        .iter()
        .map(|f| f["path_raw"].as_str().expect("path_raw"))
        .collect();
    raw.sort();
    let mut expected = [hex(&fe), hex(&ff)];
    expected.sort();
    assert_eq!(raw, expected);

    // Every export tells them apart too: the bytes that are not UTF-8 show as \xNN.
    for format in ["csv", "html", "junit", "text"] {
        let out = run(&[
            "check".as_ref(),
            "--format".as_ref(),
            format.as_ref(),
            "--spec".as_ref(),
            spec.as_os_str(),
            media.as_os_str(),
        ]);
        for name in ["clip\\xff.mov", "clip\\xfe.mov"] {
            assert!(
                out.stdout.contains(name),
                "{format} lacks {name}:\n{}",
                out.stdout
            );
        }
    }
}

#[test]
fn a_utf8_name_has_no_raw_form_in_the_report() {
    let dir = temp_dir();
    let clip = make_clip(&Clip::small(1.0), &dir.path().join("Café.mov"));
    let spec = write_spec(dir.path(), SPEC);
    let out = check_json(&spec, &[&clip]);
    let report = out.json();
    assert!(report["files"][0].get("path_raw").is_none(), "{report:#}");
}

#[test]
fn spec_and_output_paths_need_not_be_utf8() {
    let dir = temp_dir();
    let (ff, _) = two_odd_clips(dir.path());
    let spec = odd_name(dir.path(), b"spec\xff.yaml");
    std::fs::write(&spec, SPEC).expect("write spec");
    let output = odd_name(dir.path(), b"report\xfe.json");
    let out = check_to_json_file(&output, &spec, &ff);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    let saved = report::load(&output).expect("the report was written");
    assert_eq!(saved.files.len(), 1);
    assert_eq!(saved.files[0].file_path(), ff);
    assert_eq!(saved.files[0].findings[0].check, "video.frame_rate");

    // The default subcommand is found among arguments that are not UTF-8 too.
    let out = run(&["--spec".as_ref(), spec.as_os_str(), ff.as_os_str()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("review needs a terminal"),
        "{}",
        out.stderr
    );
}

/// One review session over the files in `dir`, as the screen's background job drives it:
/// the scan's plan, each file checked, then `then`.
fn session(spec: &LoadedSpec, dir: &Path, previous: Option<Report>, then: Vec<Msg>) -> Model {
    let mut model = Model::new(
        engine::spec_info(spec),
        "ana".into(),
        previous,
        sample::fixed_clock,
    );
    let plan = engine::plan(spec, &[dir.to_path_buf()]);
    let files = plan.files.clone();
    update(
        &mut model,
        Msg::Planned {
            roots: Vec::new(),
            files,
            unlisted: plan.unlisted.clone(),
        },
    );
    for path in &plan.files {
        let fresh = engine::inspect(spec, path, &Options::default());
        update(&mut model, Msg::Checked(Box::new(fresh)));
    }
    update(&mut model, Msg::ChecksDone);
    for msg in then {
        update(&mut model, msg);
    }
    model
}

/// Keys that waive the first finding of the file at `path`, which the model must hold.
fn waive(model: &mut Model, path: &Path, reason: &str) {
    let entry = model
        .entries
        .iter()
        .position(|e| e.report.file_path() == path)
        .expect("the file is on the screen");
    model.cursor = model
        .visible
        .iter()
        .position(|&row| row == Row::File(entry))
        .expect("visible");
    model.focus = Pane::Findings;
    model.finding_cursor = 0;
    update(model, key(KeyCode::Char('w')));
    for msg in keys(reason) {
        update(model, msg);
    }
    update(model, key(KeyCode::Enter));
}

fn verdict_of(report: &Report, path: &Path) -> Verdict {
    let file = report
        .files
        .iter()
        .find(|f| f.file_path() == path)
        .unwrap_or_else(|| panic!("{} not in the report", path.display()));
    file.findings[0].review.verdict
}

fn screen(model: &Model) -> String {
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    terminal.draw(|f| views::draw(f, model)).expect("draws");
    terminal.backend().to_string()
}

#[test]
fn the_review_screen_checks_both_and_a_resumed_review_stays_on_its_file() {
    let dir = temp_dir();
    let media = dir.path().join("media");
    std::fs::create_dir(&media).expect("mkdir");
    let (ff, fe) = two_odd_clips(&media);
    let spec = spec::load(&write_spec(dir.path(), SPEC)).expect("spec");

    let mut model = session(&spec, &media, None, vec![]);
    let counts = model.counts();
    assert_eq!((counts.files, counts.pending, counts.fail), (2, 0, 2));
    assert!(model.entries.iter().all(|e| e.state == EntryState::Checked));
    for entry in &model.entries {
        assert_eq!(entry.report.findings[0].check, "video.frame_rate");
    }
    let shown = screen(&model);
    assert!(shown.contains("clip\\xff.mov"), "{shown}");
    assert!(shown.contains("clip\\xfe.mov"), "{shown}");

    waive(&mut model, &ff, "client accepts 24");
    let first = model.to_report();
    assert_eq!(verdict_of(&first, &ff), Verdict::Waived);
    assert_eq!(verdict_of(&first, &fe), Verdict::Open);

    // Saved, loaded and resumed: the waiver is still on clip<FF>.mov only.
    let saved = dir.path().join("review.json");
    report::save(&first, &saved).expect("saves");
    let loaded = report::load(&saved).expect("loads");
    let again = session(&spec, &media, Some(loaded.clone()), vec![]);
    assert_eq!(again.counts().pending, 0);
    assert_eq!(again.entries.len(), 2);
    let resumed = again.to_report();
    assert_eq!(verdict_of(&resumed, &ff), Verdict::Waived);
    assert_eq!(verdict_of(&resumed, &fe), Verdict::Open);

    // The same through the headless resume.
    let plan = engine::plan(&spec, std::slice::from_ref(&media));
    let judged = engine::run(&spec, plan, &Options::default(), &engine::Quiet);
    let mut fresh = Report::new(engine::spec_info(&spec), "ana".into(), judged.files);
    report::resume(&mut fresh, &loaded);
    assert_eq!(verdict_of(&fresh, &ff), Verdict::Waived);
    assert_eq!(verdict_of(&fresh, &fe), Verdict::Open);
}

/// Sample file 5 (two findings) at `path`.
fn sample_at(path: &str) -> FileReport {
    FileReport {
        path: path.into(),
        ..sample::file(5)
    }
}

#[test]
fn a_file_listed_twice_keeps_the_reviews_of_both_listings_on_the_screen() {
    let mut first = sample::file(5);
    first.findings[0].review.verdict = Verdict::Rejected;
    let mut second = sample::file(5);
    second.findings[1].review.note = "LRA fine for a trailer".into();
    let mut listed_twice = sample::report(0);
    listed_twice.files = vec![first.clone(), second];

    let mut model = Model::new(
        sample::spec_info(),
        "bob".into(),
        Some(listed_twice),
        sample::fixed_clock,
    );
    assert_eq!(model.entries.len(), 1);
    update(
        &mut model,
        Msg::Planned {
            roots: Vec::new(),
            files: vec![first.file_path()],
            unlisted: vec![],
        },
    );
    update(&mut model, Msg::Checked(Box::new(sample::file(5))));
    update(&mut model, Msg::ChecksDone);
    let report = model.to_report();
    assert_eq!(report.files.len(), 1);
    let findings = &report.files[0].findings;
    assert_eq!(findings[0].review.verdict, Verdict::Rejected);
    assert_eq!(findings[1].review.note, "LRA fine for a trailer");
}

#[test]
fn clips_of_one_name_in_two_folders_show_their_folder() {
    let mut day = sample::report(0);
    day.files = vec![
        sample_at("/mnt/day1/A001/clip.mov"),
        sample_at("/mnt/day1/B002/clip.mov"),
        sample_at("/mnt/day1/B002/other.mov"),
    ];
    let model = Model::new(
        sample::spec_info(),
        "bob".into(),
        Some(day),
        sample::fixed_clock,
    );
    let names: Vec<&str> = model.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["A001/clip.mov", "B002/clip.mov", "other.mov"]);
    let shown = screen(&model);
    assert!(shown.contains("A001/clip.mov"), "{shown}");
    assert!(shown.contains("B002/clip.mov"), "{shown}");
}
