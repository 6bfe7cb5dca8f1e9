//! Rule sets by kind of file (`kinds:`): each file is checked, and analysed, by the rules of the
//! first kind that selects it, and the report records the kind (`files[].kind`).

use crate::common::*;
use std::path::{Path, PathBuf};

/// Half a second of one 24-bit PCM track at `rate`, as an OP-Atom MXF track file or (for a
/// `.wav` name) a production sound file; ffmpeg writes OP-Atom sound at 48 kHz only.
fn sound_file(dir: &Path, name: &str, rate: &str) -> PathBuf {
    let path = dir.join(name);
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        &format!("sine=frequency=1000:sample_rate={rate}"),
        "-t",
        "0.5",
        "-c:a",
        "pcm_s24le",
        "-ar",
        rate,
        "-ac",
        "1",
        "-f",
        if name.ends_with(".wav") {
            "wav"
        } else {
            "mxf_opatom"
        },
        path.to_str().expect("UTF-8 temp path"),
    ]);
    path
}

fn check_json(spec: &Path, media: &Path) -> serde_json::Value {
    let outcome = run(&[
        "check".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        "--spec".as_ref(),
        spec.as_os_str(),
        media.as_os_str(),
    ]);
    outcome.json()
}

#[test]
fn op_atom_picture_and_sound_files_get_only_the_findings_of_their_kind() {
    let dir = temp_dir();
    op_atom_picture(dir.path(), "V1.mxf", "24000/1001");
    sound_file(dir.path(), "A1.mxf", "48000");
    sound_file(dir.path(), "S2.wav", "44100");
    let report = check_json(Path::new("specs/avid-dnxhd36-dailies.yaml"), dir.path());

    let picture = index_of(&report, "V1.mxf");
    assert_eq!(report["files"][picture]["kind"], "picture");
    assert_eq!(findings(&report, picture), []);

    let sound = index_of(&report, "A1.mxf");
    assert_eq!(report["files"][sound]["kind"], "sound");
    assert_eq!(findings(&report, sound), []);

    let wrong_rate = index_of(&report, "S2.wav");
    assert_eq!(report["files"][wrong_rate]["kind"], "sound");
    assert_eq!(
        findings(&report, wrong_rate),
        [("audio.sample_rate".to_owned(), "error".to_owned())]
    );
}

#[test]
fn the_analyses_follow_the_kind_of_each_file() {
    let dir = temp_dir();
    let media = dir.path().join("media");
    std::fs::create_dir(&media).expect("media dir");
    op_atom_picture(&media, "V1.mxf", "24000/1001");
    sound_file(&media, "A1.mxf", "48000");
    let spec = write_spec(
        dir.path(),
        "name: loudness for sound only
kinds:
  - name: sound
    match: {lacks: [video]}
    audio: {loudness: {true_peak_max: 0}}
  - name: picture
    match: {has: [video]}
    video: {codec: dnxhd}
",
    );
    let report = check_json(&spec, &media);
    let sound = &report["files"][index_of(&report, "A1.mxf")];
    let picture = &report["files"][index_of(&report, "V1.mxf")];
    assert!(sound["measurements"]["loudness"].is_object(), "{sound:#}");
    assert!(picture["measurements"]["loudness"].is_null(), "{picture:#}");
}

#[test]
fn a_file_no_kind_selects_is_listed_not_checked_and_never_fails() {
    let dir = temp_dir();
    let media = dir.path().join("media");
    std::fs::create_dir(&media).expect("media dir");
    op_atom_picture(&media, "V1.mxf", "24000/1001");
    let spec = write_spec(
        dir.path(),
        "name: sound only
kinds:
  - name: sound
    match: {lacks: [video]}
    audio: {sample_rate: 96000}
",
    );
    let report = check_json(&spec, &media);
    let file = &report["files"][0];
    assert_eq!(file["status"], "pass");
    assert!(file.get("kind").is_none(), "{file:#}");
    assert_eq!(
        findings(&report, 0),
        [("file.kind".to_owned(), "info".to_owned())]
    );
    let message = finding(&report, 0, "file.kind")["message"].as_str();
    assert_eq!(
        message,
        Some("not checked: no kind of the spec (sound) selects this file")
    );
}

#[test]
fn a_spec_without_kinds_records_no_kind() {
    let dir = temp_dir();
    let media = dir.path().join("media");
    std::fs::create_dir(&media).expect("media dir");
    sound_file(&media, "A1.mxf", "48000");
    let spec = write_spec(dir.path(), "name: plain\naudio: {sample_rate: 48000}\n");
    let report = check_json(&spec, &media);
    assert!(report["files"][0].get("kind").is_none());
    assert_eq!(findings(&report, 0), []);
}

/// A sample file of kind `sound`.
fn sound_sample() -> dailies_qc::report::FileReport {
    dailies_qc::report::FileReport {
        kind: Some("sound".into()),
        ..dailies_qc::tui::sample::file(0)
    }
}

#[test]
fn the_review_screen_shows_the_kind_of_the_selected_file() {
    use dailies_qc::tui::{model::Model, sample, views};
    use ratatui::{Terminal, backend::TestBackend};
    let mut report = sample::report(0);
    report.files = vec![sound_sample()];
    let model = Model::new(
        sample::spec_info(),
        "bob".into(),
        Some(report),
        sample::fixed_clock,
    );
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    terminal.draw(|f| views::draw(f, &model)).expect("draws");
    let shown = terminal.backend().to_string();
    assert!(shown.contains("Kind     sound"), "{shown}");
}

#[test]
fn the_html_export_shows_the_kind() {
    let dir = temp_dir();
    let mut report = dailies_qc::tui::sample::report(0);
    report.files = vec![sound_sample()];
    let path = dir.path().join("report.json");
    std::fs::write(&path, serde_json::to_string(&report).expect("JSON")).expect("write report");
    let outcome = run(&[
        "export".as_ref(),
        path.as_os_str(),
        "--format".as_ref(),
        "html".as_ref(),
    ]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(
        outcome.stdout.contains("<dt>Kind</dt><dd>sound</dd>"),
        "{}",
        outcome.stdout
    );
}
