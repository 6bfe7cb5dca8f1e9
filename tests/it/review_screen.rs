//! The review screen on TestBackend: snapshots of each screen, and whole-app runs that feed keys
//! and job results and check the model and the report saved on disk.

use dailies_qc::check::Verdict;
use dailies_qc::report::{self, Report};
use dailies_qc::tui::model::{Model, Pane, Progress};
use dailies_qc::tui::runtime::Session;
use dailies_qc::tui::update::{Msg, key, keys, update};
use dailies_qc::tui::{sample, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use std::path::{Path, PathBuf};

fn model_of(report: Report) -> Model {
    Model::new(
        sample::spec_info(),
        "alice".into(),
        Some(report),
        sample::fixed_clock,
    )
}

fn render(model: &Model, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| views::draw(f, model)).unwrap();
    terminal
}

fn screen(model: &Model, width: u16, height: u16) -> String {
    render(model, width, height).backend().to_string()
}

fn feed(model: &mut Model, msgs: Vec<Msg>) {
    for msg in msgs {
        update(model, msg);
    }
}

fn session_in(dir: &Path, files: usize) -> Session {
    Session::new(model_of(sample::report(files)), dir.join("ep101.json"))
}

fn handle_all(session: &mut Session, msgs: Vec<Msg>) {
    for msg in msgs {
        assert!(session.handle(msg), "the session quit early");
    }
}

fn type_text(text: &str) -> Vec<Msg> {
    keys(text)
}

#[test]
fn empty_screen_while_scanning() {
    let mut model = Model::new(
        sample::spec_info(),
        "alice".into(),
        None,
        sample::fixed_clock,
    );
    model.progress = Progress::Scanning;
    insta::assert_snapshot!(screen(&model, 80, 24));
}

#[test]
fn checking_screen_shows_pending_files_and_progress() {
    let mut model = Model::new(
        sample::spec_info(),
        "alice".into(),
        None,
        sample::fixed_clock,
    );
    let files: Vec<PathBuf> = (0..6).map(|i| sample::file(i).file_path()).collect();
    feed(
        &mut model,
        vec![
            Msg::Planned {
                roots: Vec::new(),
                files,
                unlisted: vec![],
            },
            Msg::Checked(Box::new(sample::file(2))),
            Msg::Checked(Box::new(sample::file(0))),
        ],
    );
    assert_eq!(model.progress, Progress::Checking { done: 2, total: 6 });
    let text = screen(&model, 80, 24);
    assert!(text.contains("4 pending"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn results_screen_80x24() {
    let model = model_of(sample::report(30));
    insta::assert_snapshot!(screen(&model, 80, 24));
}

#[test]
fn detail_of_the_first_open_failure() {
    let mut model = model_of(sample::report(30));
    feed(&mut model, keys("n"));
    assert_eq!(model.focus, Pane::Findings);
    assert_eq!(model.selected_entry().unwrap().name, "A001_C003_v001.mov");
    let text = screen(&model, 80, 24);
    assert!(text.contains("frame rate: expected 25, got 24"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn note_editor_screen() {
    let mut model = model_of(sample::report(30));
    feed(&mut model, keys("nnw"));
    feed(&mut model, type_text("approved by post supervisor"));
    insta::assert_snapshot!(screen(&model, 80, 24));
}

#[test]
fn help_screen_lists_every_key() {
    let mut model = model_of(sample::report(30));
    feed(&mut model, keys("?"));
    let text = screen(&model, 80, 24);
    for k in [
        "j/k", "Tab", "n / N", "x ", "w ", "a ", "u ", "f ", "/ ", "e ", "? ", "q ",
    ] {
        assert!(text.contains(&format!(" {k}")), "help lacks {k:?}:\n{text}");
    }
    insta::assert_snapshot!(text);
    // Any key closes the help without acting.
    feed(&mut model, keys("q"));
    assert!(!screen(&model, 80, 24).contains(" Keys "));
}

#[test]
fn wide_screen_after_reviews() {
    let mut model = model_of(sample::report(40));
    feed(&mut model, keys("nxnw"));
    feed(&mut model, type_text("director's choice"));
    feed(&mut model, vec![key(KeyCode::Enter)]);
    feed(&mut model, keys("n"));
    insta::assert_snapshot!(screen(&model, 132, 36));
}

#[test]
fn search_and_filter_screens() {
    let mut model = model_of(sample::report(30));
    feed(&mut model, keys("f"));
    assert!(
        model
            .visible
            .iter()
            .all(|&row| model.status(row) != report::Status::Pass)
    );
    feed(&mut model, keys("/c004"));
    let text = screen(&model, 80, 24);
    assert!(text.contains("/c004"), "{text}");
    assert_eq!(model.visible.len(), 1);
    insta::assert_snapshot!(text);
    feed(&mut model, vec![key(KeyCode::Esc)]);
    assert!(model.search.is_empty());
}

#[test]
fn no_color_draws_no_colour() {
    let mut model = model_of(sample::report(30));
    model.color = false;
    feed(&mut model, keys("nx"));
    let terminal = render(&model, 80, 24);
    let buffer = terminal.backend().buffer();
    for cell in buffer.content() {
        assert_eq!(
            cell.fg,
            ratatui::style::Color::Reset,
            "coloured cell {cell:?}"
        );
        assert_eq!(
            cell.bg,
            ratatui::style::Color::Reset,
            "coloured cell {cell:?}"
        );
    }
    // Status still reads: glyphs and words.
    let text = terminal.backend().to_string();
    assert!(text.contains("✗ A001_C003_v001.mov"), "{text}");
    assert!(text.contains("REJECTED"), "{text}");
}

#[test]
fn control_characters_in_names_and_notes_are_escaped() {
    let mut report = sample::report(3);
    report.files[2].path = "/mnt/x/evil\x1b[2J\x07name.mov".into();
    report.files[2].findings[0].review.note = "line1\nline2\x1b]0;pwned\x07".into();
    report.files[2].findings[0].message = "bad\x1b[31m".into();
    let mut model = model_of(report);
    feed(&mut model, keys("jj"));
    feed(&mut model, vec![key(KeyCode::Tab)]);
    let terminal = render(&model, 80, 24);
    let text = terminal.backend().to_string();
    assert!(text.contains("evil\\x1b[2J\\x07name.mov"), "{text}");
    assert!(text.contains("line1\\nline2\\x1b]0;pwned\\x07"), "{text}");
    for cell in terminal.backend().buffer().content() {
        assert!(
            !cell.symbol().chars().any(|c| c.is_control()),
            "raw control character drawn: {:?}",
            cell.symbol()
        );
    }
}

#[test]
fn selection_stays_visible_when_the_list_scrolls() {
    let mut model = model_of(sample::report(200));
    for _ in 0..60 {
        feed(&mut model, keys("j"));
        let text = screen(&model, 80, 24);
        let name = model.selected_entry().unwrap().name.clone();
        assert!(
            text.contains(&format!("▶{}", "")) && text.contains(&name),
            "{name} not shown"
        );
    }
    assert_eq!(model.cursor, 60);
    feed(&mut model, vec![key(KeyCode::End)]);
    let text = screen(&model, 80, 24);
    assert!(text.contains("A002_C100_v001.mov"), "{text}");
}

#[test]
fn reviews_are_saved_at_once_with_operator_and_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = session_in(dir.path(), 16);
    // Reject the first open failure, waive the second with a reason, note the third.
    handle_all(&mut session, keys("nxnw"));
    handle_all(&mut session, type_text("ok per producer 日本"));
    handle_all(&mut session, vec![key(KeyCode::Enter)]);
    handle_all(&mut session, keys("na"));
    handle_all(&mut session, type_text("check with sound"));
    handle_all(&mut session, vec![key(KeyCode::Enter)]);

    let saved = report::load(&dir.path().join("ep101.json")).unwrap();
    let review_of = |name: &str, check: &str| {
        let file = saved
            .files
            .iter()
            .find(|f| f.name() == name)
            .unwrap_or_else(|| panic!("{name} not saved"));
        file.findings
            .iter()
            .find(|f| f.check == check)
            .unwrap()
            .review
            .clone()
    };
    let rejected = review_of("A001_C003_v001.mov", "video.frame_rate");
    assert_eq!(rejected.verdict, Verdict::Rejected);
    assert_eq!(rejected.operator.as_deref(), Some("alice"));
    assert_eq!(rejected.at.as_deref(), Some("2026-11-29T02:14:00+00:00"));
    let waived = review_of("A001_C004_v001.mov", "video.resolution");
    assert_eq!(waived.verdict, Verdict::Waived);
    assert_eq!(waived.note, "ok per producer 日本");
    let noted = review_of("A001_C005_v001.mov", "audio.loudness.integrated");
    assert_eq!(noted.verdict, Verdict::Open);
    assert_eq!(noted.note, "check with sound");
    assert_eq!(saved.summary.files, 16);

    // u resets the verdict (the note stays), and that is saved too.
    handle_all(&mut session, vec![key(KeyCode::Tab)]);
    handle_all(&mut session, keys("ku"));
    let saved = report::load(&dir.path().join("ep101.json")).unwrap();
    let file = saved
        .files
        .iter()
        .find(|f| f.name() == "A001_C004_v001.mov")
        .unwrap();
    assert_eq!(file.findings[0].review.verdict, Verdict::Open);
    assert_eq!(file.findings[0].review.note, "ok per producer 日本");
}

#[test]
fn waiver_needs_a_reason_and_esc_cancels() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = session_in(dir.path(), 8);
    handle_all(&mut session, keys("nw"));
    handle_all(&mut session, vec![key(KeyCode::Enter)]);
    assert!(
        session
            .model
            .status
            .as_deref()
            .unwrap()
            .contains("needs a reason")
    );
    handle_all(&mut session, type_text("x"));
    handle_all(&mut session, vec![key(KeyCode::Esc)]);
    assert_eq!(
        session.model.selected_finding().unwrap().review.verdict,
        Verdict::Open
    );
    assert!(
        !dir.path().join("ep101.json").exists(),
        "nothing changed, nothing saved"
    );
}

#[test]
fn a_review_survives_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ep101.json");
    {
        let mut session = session_in(dir.path(), 8);
        handle_all(&mut session, keys("nx"));
        // The process dies here: no quit, no final save.
        std::mem::forget(session);
    }
    let reloaded = report::load(&path).unwrap();
    let model = model_of(reloaded);
    let file = model
        .entries
        .iter()
        .find(|e| e.name == "A001_C003_v001.mov")
        .unwrap();
    assert_eq!(file.report.findings[0].review.verdict, Verdict::Rejected);
}

#[test]
fn resume_carries_reviews_and_keeps_vanished_findings_as_stale() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ep101.json");
    let mut first = session_in(dir.path(), 8);
    handle_all(&mut first, keys("nxnw"));
    handle_all(&mut first, type_text("fine for dailies"));
    handle_all(&mut first, vec![key(KeyCode::Enter)]);
    assert!(!first.handle(key(KeyCode::Char('q'))), "q quits");
    drop(first);

    // A second session over the same files: file 3 was re-rendered and no longer fails.
    let previous = dailies_qc::tui::persist::load_previous(&path)
        .unwrap()
        .unwrap();
    let mut model = Model::new(
        sample::spec_info(),
        "bob".into(),
        Some(previous),
        sample::fixed_clock,
    );
    let files: Vec<PathBuf> = (0..8).map(|i| sample::file(i).file_path()).collect();
    update(
        &mut model,
        Msg::Planned {
            roots: Vec::new(),
            files,
            unlisted: vec![],
        },
    );
    let mut fixed = sample::file(3);
    fixed.findings.clear();
    fixed.refresh_status();
    for i in 0..8 {
        let fresh = if i == 3 {
            fixed.clone()
        } else {
            sample::file(i)
        };
        update(&mut model, Msg::Checked(Box::new(fresh)));
    }
    update(&mut model, Msg::ChecksDone);

    let by_name = |name: &str| model.entries.iter().find(|e| e.name == name).unwrap();
    let rejected = &by_name("A001_C003_v001.mov").report.findings[0];
    assert_eq!(rejected.review.verdict, Verdict::Rejected);
    assert_eq!(rejected.review.operator.as_deref(), Some("alice"));
    let stale = &by_name("A001_C004_v001.mov").report;
    assert_eq!(
        stale.status,
        report::Status::Pass,
        "a stale finding does not fail the file"
    );
    assert!(stale.findings[0].stale);
    assert_eq!(stale.findings[0].review.note, "fine for dailies");
    let text = screen(&model, 80, 24);
    assert!(text.contains("checked 8"), "{text}");
}

#[test]
fn a_failed_save_is_shown_kept_and_retried() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("not-yet");
    let mut session = Session::new(model_of(sample::report(8)), missing.join("r.json"));
    handle_all(&mut session, keys("nx"));
    assert!(session.model.unsaved);
    let text = screen(&session.model, 80, 24);
    assert!(text.contains("NOT SAVED: cannot save"), "{text}");
    // q refuses to throw the review away.
    assert!(session.handle(key(KeyCode::Char('q'))));
    // The folder appears (a remount); the next change saves everything.
    std::fs::create_dir(&missing).unwrap();
    handle_all(&mut session, keys("na"));
    handle_all(&mut session, type_text("n"));
    handle_all(&mut session, vec![key(KeyCode::Enter)]);
    assert!(session.model.save_error.is_none());
    let saved = report::load(&missing.join("r.json")).unwrap();
    let file = saved
        .files
        .iter()
        .find(|f| f.name() == "A001_C003_v001.mov")
        .unwrap();
    assert_eq!(file.findings[0].review.verdict, Verdict::Rejected);
}

#[test]
fn export_writes_html_and_csv_beside_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = session_in(dir.path(), 8);
    handle_all(&mut session, keys("nxe"));
    let status = session.model.status.clone().unwrap();
    assert!(status.starts_with("export:"), "{status}");
    assert!(status.contains("ep101.csv"), "{status}");
    assert!(status.contains("ep101.html"), "{status}");
    let csv = std::fs::read_to_string(dir.path().join("ep101.csv")).unwrap();
    assert!(csv.contains("A001_C003_v001.mov"), "{csv}");
    let html = std::fs::read_to_string(dir.path().join("ep101.html")).unwrap();
    assert!(html.contains("A001_C003_v001.mov"), "{html}");
    assert!(html.contains("REJECTED"), "the x review is in the sign-off");
    assert!(screen(&session.model, 80, 24).contains("export:"));
}

#[test]
fn next_open_failure_wraps_and_clears_a_hiding_search() {
    let mut model = model_of(sample::report(16));
    feed(&mut model, keys("N"));
    // Backwards from the top: the last open failure of all files.
    assert_eq!(model.selected_entry().unwrap().name, "A001_C016_v001.mov");
    feed(&mut model, keys("n"));
    assert_eq!(model.selected_entry().unwrap().name, "A001_C003_v001.mov");
    feed(&mut model, keys("/c003"));
    feed(&mut model, vec![key(KeyCode::Enter)]);
    feed(&mut model, keys("n"));
    assert_eq!(model.selected_entry().unwrap().name, "A001_C004_v001.mov");
    assert!(model.search.is_empty());
    // With everything decided, n says so.
    let mut all = model_of(sample::report(8));
    for _ in 0..10 {
        feed(&mut all, keys("nx"));
    }
    feed(&mut all, keys("n"));
    assert_eq!(all.status.as_deref(), Some("no open failures"));
}

/// The real loop on TestBackend, fed by the real job thread on real media.
#[test]
fn runtime_checks_real_media_in_the_background() {
    let dir = tempfile::tempdir().unwrap();
    let media = dir.path().join("media");
    std::fs::create_dir(&media).unwrap();
    let clean = dailies_qc::synth::Clip::small(1.0);
    let mut wrong = clean.clone();
    wrong.rate = "24".into();
    clean.write(&media.join("A001_C001_v001.mov")).unwrap();
    wrong.write(&media.join("A001_C002_v001.mov")).unwrap();
    std::fs::write(media.join("A001_C003_v001.mov"), b"not a movie").unwrap();
    let spec_path = dir.path().join("spec.yaml");
    std::fs::write(&spec_path, "name: test spec\nvideo:\n  frame_rate: 25\n").unwrap();
    let spec = dailies_qc::spec::load(&spec_path).unwrap();

    let mut model = Model::new(
        dailies_qc::engine::spec_info(&spec),
        "alice".into(),
        None,
        sample::fixed_clock,
    );
    model.progress = Progress::Scanning;
    let report_path: PathBuf = dir.path().join("r.json");
    let mut session = Session::new(model, report_path.clone());
    let (tx, rx) = dailies_qc::tui::event::channel();
    dailies_qc::tui::jobs::spawn(spec, vec![media], Default::default(), tx).unwrap();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    // Returns when the job thread is done and drops its sender.
    dailies_qc::tui::runtime::run(&mut terminal, &mut session, &rx).unwrap();
    session.save().unwrap();

    let c = session.model.counts();
    assert_eq!(
        (c.files, c.pass, c.fail, c.error, c.pending),
        (3, 1, 1, 1, 0)
    );
    let text = terminal.backend().to_string();
    assert!(text.contains("checked 3"), "{text}");
    assert!(text.contains("✗ A001_C002_v001.mov"), "{text}");
    let saved = report::load(&report_path).unwrap();
    assert_eq!(saved.summary.error, 1);
}

/// The interactive screen saves on a background thread; only the newest save's answer marks the
/// report saved, and quitting waits for the write.
#[test]
fn background_saves_answer_on_the_event_channel() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ep101.json");
    let mut session = session_in(dir.path(), 16);
    let (tx, rx) = dailies_qc::tui::event::channel();
    session.save_in_background(tx).unwrap();
    handle_all(&mut session, keys("nxnx"));
    assert!(session.model.unsaved, "saved only when the saver answers");
    // Feed the saver's answers back, as the event loop does, until the newest is in.
    while session.model.unsaved {
        let msg = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("the saver answers");
        assert!(matches!(msg, Msg::BackgroundSaved { .. }), "{msg:?}");
        handle_all(&mut session, vec![msg]);
    }
    let saved = report::load(&path).unwrap();
    let rejected = saved
        .files
        .iter()
        .flat_map(|f| &f.findings)
        .filter(|f| f.review.verdict == Verdict::Rejected)
        .count();
    assert_eq!(rejected, 2);
    // One more review, then quit at once: the quit save includes it.
    handle_all(&mut session, keys("nx"));
    assert!(!session.handle(key(KeyCode::Char('q'))));
    let saved = report::load(&path).unwrap();
    let rejected = saved
        .files
        .iter()
        .flat_map(|f| &f.findings)
        .filter(|f| f.review.verdict == Verdict::Rejected)
        .count();
    assert_eq!(rejected, 3);
}

/// A job result that arrives while a save is in flight is not counted as saved by it.
#[test]
fn a_result_after_the_snapshot_keeps_the_report_unsaved() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = session_in(dir.path(), 8);
    let (tx, rx) = dailies_qc::tui::event::channel();
    session.save_in_background(tx).unwrap();
    handle_all(&mut session, keys("nx"));
    handle_all(&mut session, vec![Msg::Checked(Box::new(sample::file(1)))]);
    let answer = rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
    handle_all(&mut session, vec![answer]);
    assert!(
        session.model.unsaved,
        "the result is not in the saved snapshot"
    );
    assert!(session.model.save_error.is_none());
}
