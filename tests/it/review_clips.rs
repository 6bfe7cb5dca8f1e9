//! Clips on the review screen: one row per clip with its track files folded under it,
//! `Enter`/`Space` unfolding them, `n` stepping onto clip findings, and reviews of clip findings
//! saved in the report's `clips[]`.

use dailies_qc::check::{Finding, Verdict};
use dailies_qc::report::{ClipReport, Report, Status};
use dailies_qc::tui::model::{Model, Pane, Row};
use dailies_qc::tui::update::{Msg, key, keys, update};
use dailies_qc::tui::{sample, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;

/// Four sample files; the second and third are the tracks of clip `A001_C002`, which lacks a
/// sound track.
fn report_with_a_clip() -> Report {
    let mut report = sample::report(4);
    let members: Vec<String> = report.files[1..3].iter().map(|f| f.path.clone()).collect();
    for file in &mut report.files[1..3] {
        file.clip = Some("A001_C002".into());
    }
    report.clips = vec![ClipReport {
        id: "A001_C002".into(),
        kind: Some("picture".into()),
        members,
        status: Status::Fail,
        findings: vec![
            Finding::fail("clip.tracks", "audio", "2-8", "1").with_message(
                "audio tracks: expected 2-8, got 1: 1 audio track missing (tracks: A1.mxf)",
            ),
        ],
    }];
    report.refresh_summary();
    report
}

fn model_of(report: Report) -> Model {
    Model::new(
        sample::spec_info(),
        "alice".into(),
        Some(report),
        sample::fixed_clock,
    )
}

fn screen(model: &Model) -> String {
    let mut terminal = Terminal::new(TestBackend::new(80, 12)).expect("terminal");
    terminal.draw(|f| views::draw(f, model)).expect("draws");
    terminal.backend().to_string()
}

fn feed(model: &mut Model, msgs: Vec<Msg>) {
    for msg in msgs {
        update(model, msg);
    }
}

#[test]
fn a_clip_is_one_row_until_enter_unfolds_its_tracks() {
    let mut model = model_of(report_with_a_clip());
    assert_eq!(model.visible.len(), 3, "file, clip row, file");
    feed(&mut model, vec![key(KeyCode::Down)]);
    insta::assert_snapshot!("folded_clip", screen(&model));

    feed(&mut model, vec![key(KeyCode::Enter)]);
    assert_eq!(model.visible.len(), 5);
    assert_eq!(model.focus, Pane::Files, "Enter on a clip unfolds it");
    insta::assert_snapshot!("unfolded_clip", screen(&model));

    feed(&mut model, keys(" "));
    assert_eq!(model.visible.len(), 3, "Space folds it again");
}

#[test]
fn clip_findings_are_stepped_to_and_reviewed_like_a_files() {
    let mut model = model_of(report_with_a_clip());
    let clip_row = model.visible[1];
    assert_eq!(clip_row, Row::Clip(0));
    // Step with n until the clip's finding is selected.
    for _ in 0..model.counts().open {
        if model.selected_row() == Some(clip_row) {
            break;
        }
        feed(&mut model, keys("n"));
    }
    assert_eq!(model.selected_row(), Some(clip_row));
    feed(&mut model, keys("x"));
    let report = model.to_report();
    assert_eq!(report.files.len(), 4, "the clip's row is no file");
    assert_eq!(
        report.clips[0].findings[0].review.verdict,
        Verdict::Rejected
    );
    assert_eq!(
        report.clips[0].findings[0].review.operator.as_deref(),
        Some("alice")
    );

    // Resumed from that report, the review is still on the clip's row.
    let resumed = model_of(report);
    let row = resumed.visible[1];
    assert_eq!(row, Row::Clip(0));
    assert_eq!(resumed.findings(row)[0].review.verdict, Verdict::Rejected);
}

#[test]
fn n_into_a_folded_clips_track_unfolds_it() {
    let mut report = report_with_a_clip();
    report.clips[0].findings.clear();
    report.refresh_summary();
    let mut model = model_of(report);
    let tracks: Vec<usize> = model
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.report.clip.is_some())
        .map(|(i, _)| i)
        .collect();
    let open_in_tracks: usize = tracks
        .iter()
        .map(|&i| model.entries[i].open_failures())
        .sum();
    assert!(open_in_tracks > 0, "sample tracks with open failures");
    for _ in 0..model.counts().open {
        feed(&mut model, keys("n"));
        if model
            .selected_entry_index()
            .is_some_and(|i| tracks.contains(&i))
        {
            break;
        }
    }
    let selected = model.selected_entry_index().expect("a selection");
    assert!(tracks.contains(&selected), "n reached a track file");
    assert!(model.unfolded.contains("A001_C002"));
}

#[test]
fn a_filter_shows_a_folded_clip_whose_track_files_it_would_show() {
    let mut report = report_with_a_clip();
    report.clips[0].findings.clear();
    report.clips[0].status = Status::Pass;
    let mut model = model_of(report);
    feed(&mut model, keys("ff"));
    assert!(
        model.visible.contains(&Row::Clip(0)),
        "a track has an open failure: {:?}",
        model.visible
    );
}

#[test]
fn titles_call_a_clip_by_its_id() {
    let mut model = model_of(report_with_a_clip());
    feed(&mut model, vec![key(KeyCode::Down)]);
    let shown = screen(&model);
    assert!(shown.contains("Findings · clip A001_C002 "), "{shown}");
    assert!(!shown.contains("clip:"), "the internal key shows: {shown}");
    let mut wide = Terminal::new(TestBackend::new(132, 12)).expect("terminal");
    wide.draw(|f| views::draw(f, &model)).expect("draws");
    let wide = wide.backend().to_string();
    assert!(wide.contains("▸ clip A001_C002 (2)"), "{wide}");
}

#[test]
fn the_header_counts_a_clip_once_as_check_lists_it() {
    let report = report_with_a_clip();
    let mut text = Vec::new();
    dailies_qc::output::write_text(&report, &mut text, false).expect("text");
    let text = String::from_utf8(text).expect("UTF-8");
    // check lists each clip and each file in no clip at the margin, track files under their clip.
    let listed = |label: &str| text.lines().filter(|l| l.starts_with(label)).count();
    let mut model = model_of(report.clone());
    let c = model.counts();
    assert_eq!(
        (c.pass, c.fail, c.error),
        (listed("PASS"), listed("FAIL"), listed("ERROR")),
        "{text}"
    );
    assert_eq!(
        (c.files, c.clips, c.unclipped_files, c.pending),
        (4, 1, 2, 0)
    );
    feed(&mut model, vec![key(KeyCode::Down)]);
    let shown = screen(&model);
    assert!(
        shown.contains(" 1 clip · 2 files  ✓ 1 pass  ✗ 2 fail "),
        "{shown}"
    );

    // While its track files are checked again, the clip waits with them.
    let files = report.files.iter().map(|f| f.file_path()).collect();
    feed(
        &mut model,
        vec![Msg::Planned {
            roots: Vec::new(),
            files,
            unlisted: Vec::new(),
        }],
    );
    let c = model.counts();
    assert_eq!((c.pending, c.pass, c.fail), (3, 0, 0));
    assert_eq!(
        model.selected_row(),
        Some(Row::Clip(0)),
        "the clip stays selected"
    );
}
