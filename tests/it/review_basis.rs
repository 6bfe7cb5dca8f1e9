//! A review is bound to what was reviewed: re-checking an unchanged file keeps it; replacing the
//! clip reopens the finding, with the earlier verdict shown as stale and the sign-off incomplete.

use crate::common::*;
use dailies_qc::check::Verdict;
use dailies_qc::engine::{self, Options};
use dailies_qc::output::{self, Format};
use dailies_qc::report::{Report, SignOff};
use dailies_qc::spec::{self, LoadedSpec};
use dailies_qc::synth::Clip;
use dailies_qc::tui::model::Model;
use dailies_qc::tui::update::{Msg, key, keys, update};
use dailies_qc::tui::{sample, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use std::path::Path;

fn clip_at(rate: &str, path: &Path) {
    let mut clip = Clip::small(1.0);
    clip.rate = rate.into();
    make_clip(&clip, path);
}

/// One review session over `clip`: resumes `previous`, checks the file, runs `keys_then`.
fn session(spec: &LoadedSpec, clip: &Path, previous: Option<Report>, then: Vec<Msg>) -> Model {
    let mut model = Model::new(
        engine::spec_info(spec),
        "ana".into(),
        previous,
        sample::fixed_clock,
    );
    let fresh = engine::inspect(spec, clip, &Options::default());
    let msgs = [
        Msg::Planned {
            roots: Vec::new(),
            files: vec![clip.to_path_buf()],
            unlisted: vec![],
        },
        Msg::Checked(Box::new(fresh)),
        Msg::ChecksDone,
    ];
    for msg in msgs.into_iter().chain(then) {
        update(&mut model, msg);
    }
    model
}

fn screen(model: &Model) -> String {
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    terminal.draw(|f| views::draw(f, model)).unwrap();
    terminal.backend().to_string()
}

#[test]
fn a_waiver_holds_for_the_same_file_and_reopens_for_a_replaced_one() {
    let dir = temp_dir();
    let spec_path = write_spec(dir.path(), "name: t\nvideo:\n  frame_rate: 25\n");
    let spec = spec::load(&spec_path).unwrap();
    let clip = dir.path().join("A001_C001.mov");
    clip_at("24", &clip);

    // Waive "expected 25, got 24".
    let mut waive = vec![key(KeyCode::Char('n')), key(KeyCode::Char('w'))];
    waive.extend(keys("client accepts 24"));
    waive.push(key(KeyCode::Enter));
    let first = session(&spec, &clip, None, waive).to_report();
    let waived = &first.files[0].findings[0];
    assert_eq!(waived.check, "video.frame_rate");
    assert_eq!(waived.review.verdict, Verdict::Waived);
    let basis = waived
        .review
        .basis
        .as_ref()
        .expect("the review records its basis");
    assert!(basis.actual.contains("24"), "{basis:?}");
    assert!(basis.mtime.is_some() && basis.size.is_some() && basis.probe_sha256.is_some());
    assert_eq!(first.verdict, SignOff::Approved);

    // Checked again, unchanged: the waiver stands.
    let again = session(&spec, &clip, Some(first.clone()), vec![]).to_report();
    assert_eq!(again.files[0].findings[0].review.verdict, Verdict::Waived);
    assert_eq!(again.verdict, SignOff::Approved);

    // The clip is replaced by a 30 fps file of the same name: the finding reopens.
    clip_at("30", &clip);
    let model = session(&spec, &clip, Some(again), vec![key(KeyCode::Char('n'))]);
    let report = model.to_report();
    let reopened = &report.files[0].findings[0];
    assert!(reopened.actual.contains("30"), "{}", reopened.actual);
    assert_eq!(reopened.review.verdict, Verdict::Open);
    let stale = reopened
        .review
        .stale
        .as_ref()
        .expect("the old verdict is kept");
    assert_eq!(stale.verdict, Verdict::Waived);
    assert_eq!(stale.note, "client accepts 24");
    assert_eq!(report.verdict, SignOff::Incomplete);
    let shown = screen(&model);
    assert!(shown.contains("Reopened: waived"), "{shown}");
    assert!(shown.contains("by ana for 'got 24"), "{shown}");

    // The JSON keeps both: the stale verdict survives a save and a load.
    let json = serde_json::to_value(&report).unwrap();
    let review = &json["files"][0]["findings"][0]["review"];
    assert_eq!(review["verdict"], "open");
    assert_eq!(review["stale"]["verdict"], "waived");
    assert_eq!(review["stale"]["operator"], "ana");

    // Every export says so too.
    for format in [Format::Html, Format::Csv, Format::Junit] {
        let mut bytes = Vec::new();
        output::write(&report, format, &mut bytes, false).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.contains("reopened; earlier: waived") && text.contains("by ana for"),
            "{format:?}: {text}"
        );
    }

    // Judging it again replaces the stale verdict.
    let judged = session(
        &spec,
        &clip,
        Some(report),
        vec![key(KeyCode::Char('n')), key(KeyCode::Char('x'))],
    );
    let finding = &judged.to_report().files[0].findings[0];
    assert_eq!(finding.review.verdict, Verdict::Rejected);
    assert!(finding.review.stale.is_none());
}
