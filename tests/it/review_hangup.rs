//! A review session whose terminal goes away, or that is told to stop: the reviews and any
//! half-typed note or waiver reason are saved, the lock is released and the process leaves
//! quietly, whatever its SIGHUP disposition. A last save that fails leaves a rescue copy.

use crate::tmux::{Tmux, session_pid, setup};
use dailies_qc::check::{Finding, Verdict};
use dailies_qc::report::{self, Report};
use dailies_qc::tui::model::{Mode, Model};
use dailies_qc::tui::runtime::{self, Session};
use dailies_qc::tui::update::{Effect, Msg, key, keys, update};
use dailies_qc::tui::{event, sample, views};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::{Position, Size};
use std::io;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_dailies-qc");

/// Whether process `pid` still runs. A zombie has finished: it only waits for its parent to
/// collect its exit code.
fn running(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z'))
    })
}

fn assert_gone_within(pid: &str, limit: Duration) {
    let start = Instant::now();
    while running(pid) {
        if start.elapsed() > limit {
            // Not left behind spinning after the test.
            let _ = Command::new("kill").args(["-KILL", pid]).status();
            panic!("the session (pid {pid}) still ran {limit:?} after its terminal went away");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn first_finding(report_path: &str) -> Finding {
    let saved = report::load(Path::new(report_path)).expect("saved report");
    saved.files[0].findings[0].clone()
}

/// Runs a session behind `prefix` (shell words in front of the command), rejects the failure,
/// then closes the terminal under it with `tmux kill-session`. Checks that the rejection is on
/// disk, the lock released, the process gone within 5 s and its stderr empty; returns the exit
/// line the shell wrote, if the shell outlived the terminal.
fn hang_up_after_a_review(name: &str, prefix: &str) -> Option<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let (spec, report_path, media) = setup(dir.path());
    let stderr = dir.path().join("stderr");
    let exit = dir.path().join("exit");
    let tmux = Tmux::new(name);
    tmux.start(&format!(
        "{prefix}{BIN} review --spec {spec} --report {report_path} --operator alice {media} \
         2>{}; echo EXIT=$? >{}",
        stderr.display(),
        exit.display()
    ));
    tmux.wait_for("checked 1");
    tmux.keys(&["n", "x"]);
    tmux.wait_for("REJECTED");
    let pid = session_pid(&report_path);

    tmux.run(&["kill-session", "-t", "t"]);

    assert_gone_within(&pid, Duration::from_secs(5));
    assert_eq!(
        first_finding(&report_path).review.verdict,
        Verdict::Rejected
    );
    assert!(
        !Path::new(&format!("{report_path}.lock")).exists(),
        "lock released"
    );
    let stderr = std::fs::read_to_string(&stderr).expect("stderr file");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr, "", "nothing to say about a terminal that hung up");
    // The shell writes the exit status a moment after dailies-qc is gone (when it survives
    // the hang-up at all): give it that moment.
    let deadline = std::time::Instant::now() + Duration::from_secs(3);
    loop {
        let written = std::fs::read_to_string(&exit)
            .ok()
            .filter(|e| e.ends_with('\n'));
        if written.is_some() || std::time::Instant::now() > deadline {
            return written;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
#[ignore = "needs tmux: run by .ci/run"]
fn a_hang_up_saves_releases_the_lock_and_leaves_quietly() {
    hang_up_after_a_review("hup", "");
}

#[test]
#[ignore = "needs tmux: run by .ci/run"]
fn a_hang_up_ends_the_session_with_sighup_ignored() {
    let exit = hang_up_after_a_review("nohup", "trap '' HUP; ");
    assert_eq!(exit.as_deref(), Some("EXIT=0\n"), "as after a signal");
}

#[test]
#[ignore = "needs tmux: run by .ci/run"]
fn a_hang_up_ends_a_session_that_never_gets_sighup() {
    // In a session of its own the terminal's hang-up sends it no signal at all.
    hang_up_after_a_review("setsid", "setsid -w ");
}

fn command(spec: &str, report: &str, media: &str) -> String {
    format!(
        "{BIN} review --spec {spec} --report {report} --operator alice {media}; \
         echo EXIT=$?; sleep 60"
    )
}

/// Starts a session with `command`, opens the editor with `editor_key` on the open failure,
/// types `text` and sends `signal`; returns once the session has left.
fn signal_while_typing(command: &str, report: &str, editor_key: &str, text: &str, signal: &str) {
    let tmux = Tmux::new(&format!("typing{signal}"));
    tmux.start(command);
    tmux.wait_for("checked 1");
    tmux.keys(&["n", editor_key]);
    tmux.type_text(text);
    tmux.wait_for(text);
    let pid = session_pid(report);
    let killed = Command::new("kill")
        .args([signal, pid.as_str()])
        .status()
        .expect("test setup");
    assert!(killed.success());
    let screen = tmux.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert_eq!(tmux.pane_flag("alternate_on"), "0", "terminal restored");
}

#[test]
#[ignore = "needs tmux: run by .ci/run"]
fn sighup_with_the_note_editor_open_keeps_the_note_as_a_draft() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (spec, report_path, media) = setup(dir.path());
    let command = command(&spec, &report_path, &media);
    signal_while_typing(&command, &report_path, "a", "ask the DIT", "-HUP");
    let review = first_finding(&report_path).review;
    assert_eq!(review.draft.as_deref(), Some("ask the DIT"));
    assert_eq!(review.note, "", "a draft is not the note");
    assert_eq!(review.verdict, Verdict::Open);
}

#[test]
#[ignore = "needs tmux: run by .ci/run"]
fn sigterm_with_the_waiver_open_keeps_a_draft_that_is_shown_and_resumed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (spec, report_path, media) = setup(dir.path());
    let command = command(&spec, &report_path, &media);
    signal_while_typing(&command, &report_path, "w", "client accepts 24p", "-TERM");
    let review = first_finding(&report_path).review;
    assert_eq!(review.draft.as_deref(), Some("client accepts 24p"));
    assert_eq!(
        review.verdict,
        Verdict::Open,
        "an unconfirmed reason waives nothing"
    );
    assert_eq!(review.operator, None, "nor counts as a review");

    let tmux = Tmux::new("resume-draft");
    tmux.start(&command);
    tmux.wait_for("checked 1");
    tmux.keys(&["n"]);
    tmux.wait_for("draft (not confirmed): client accepts 24p");
    tmux.keys(&["w"]);
    let screen = tmux.wait_for("Waive: reason");
    assert!(screen.contains("║client accepts 24p"), "{screen}");
    tmux.keys(&["Enter", "q"]);
    tmux.wait_for("EXIT=0");
    let review = first_finding(&report_path).review;
    assert_eq!(review.verdict, Verdict::Waived);
    assert_eq!(review.note, "client accepts 24p");
    assert_eq!(review.draft, None, "confirmed, so no longer a draft");
}

#[test]
#[ignore = "needs tmux: run by .ci/run"]
fn a_failed_last_save_leaves_a_rescue_copy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (spec, _, media) = setup(dir.path());
    let folder = dir.path().join("reports");
    std::fs::create_dir(&folder).unwrap();
    let report_path = folder.join("night.json").display().to_string();
    let state = dir.path().join("state");
    let stderr = dir.path().join("stderr");
    let tmux = Tmux::new("rescue");
    tmux.start(&format!(
        "XDG_STATE_HOME={} {BIN} review --spec {spec} --report {report_path} --operator alice \
         {media} 2>{}; echo EXIT=$?; sleep 60",
        state.display(),
        stderr.display()
    ));
    tmux.wait_for("checked 1");
    let pid = session_pid(&report_path);
    // The report's folder becomes a file: no save can succeed any more.
    std::fs::rename(&folder, dir.path().join("moved")).unwrap();
    std::fs::write(&folder, "").unwrap();
    tmux.keys(&["n", "x"]);
    tmux.wait_for("REJECTED");

    let killed = Command::new("kill")
        .args(["-TERM", pid.as_str()])
        .status()
        .unwrap();
    assert!(killed.success());

    let screen = tmux.wait_for("EXIT=");
    assert!(screen.contains("EXIT=2"), "{screen}");
    let stderr = std::fs::read_to_string(&stderr).expect("stderr file");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].starts_with("dailies-qc: cannot save"), "{stderr}");
    let rescued: Vec<_> = std::fs::read_dir(state.join("dailies-qc"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(rescued.len(), 1, "{rescued:?}");
    assert!(
        lines[0].ends_with(&format!("rescue copy {}", rescued[0].display())),
        "{stderr}"
    );
    let name = rescued[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(name.starts_with("night-"), "{name}");
    let copy = report::load(&rescued[0]).unwrap();
    assert_eq!(copy.files[0].findings[0].review.verdict, Verdict::Rejected);
}

fn sample_model(report: Report) -> Model {
    Model::new(
        sample::spec_info(),
        "alice".into(),
        Some(report),
        sample::fixed_clock,
    )
}

fn feed(model: &mut Model, msgs: Vec<Msg>) {
    for msg in msgs {
        update(model, msg);
    }
}

fn editor_text(model: &Model) -> Option<&str> {
    match &model.mode {
        Mode::Note { editor, .. } => Some(editor.text()),
        _ => None,
    }
}

fn detail(model: &Model) -> String {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|f| views::draw(f, model)).unwrap();
    terminal.backend().to_string()
}

#[test]
fn a_draft_is_kept_shown_and_resumed_but_never_judges() {
    let mut model = sample_model(sample::report(3));
    feed(&mut model, vec![key(KeyCode::Char('n'))]);
    let before = model.selected_finding().unwrap().review.clone();
    feed(&mut model, vec![key(KeyCode::Char('w'))]);
    feed(&mut model, keys("ok by client"));

    let effects = update(&mut model, Msg::Signal("SIGTERM"));

    assert_eq!(effects, vec![Effect::Quit { force: true }]);
    let review = &model.selected_finding().unwrap().review;
    let typed = format!("{}ok by client", before.note);
    assert_eq!(review.draft.as_deref(), Some(typed.as_str()));
    assert_eq!(
        (review.verdict, &review.note, &review.at),
        (before.verdict, &before.note, &before.at),
        "a draft changes nothing else"
    );
    assert!(model.unsaved, "the draft is saved on the way out");

    // The next session shows the draft and starts both editors from it; Esc keeps it.
    let mut model = sample_model(model.to_report());
    feed(&mut model, vec![key(KeyCode::Char('n'))]);
    assert!(detail(&model).contains(&format!("draft (not confirmed): {typed}")));
    for editor_key in ['a', 'w'] {
        feed(&mut model, vec![key(KeyCode::Char(editor_key))]);
        assert_eq!(editor_text(&model), Some(typed.as_str()));
        feed(&mut model, keys(" more"));
        feed(&mut model, vec![key(KeyCode::Esc)]);
        let review = &model.selected_finding().unwrap().review;
        assert_eq!(review.draft.as_deref(), Some(typed.as_str()));
    }

    // Enter confirms it: the waiver is made and the draft is gone.
    feed(
        &mut model,
        vec![key(KeyCode::Char('w')), key(KeyCode::Enter)],
    );
    let review = &model.selected_finding().unwrap().review;
    assert_eq!(review.verdict, Verdict::Waived);
    assert_eq!(review.note, typed);
    assert_eq!(review.draft, None);
    assert!(!detail(&model).contains("draft (not confirmed)"));
}

#[test]
fn leaving_with_the_note_unchanged_or_emptied_keeps_no_draft() {
    let mut model = sample_model(sample::report(3));
    feed(
        &mut model,
        vec![key(KeyCode::Char('n')), key(KeyCode::Char('a'))],
    );
    update(&mut model, Msg::TerminalGone);
    assert_eq!(model.selected_finding().unwrap().review.draft, None);

    model.mode = Mode::Normal;
    let ctrl_u = Msg::Key(ratatui::crossterm::event::KeyEvent::new(
        KeyCode::Char('u'),
        ratatui::crossterm::event::KeyModifiers::CONTROL,
    ));
    feed(&mut model, vec![key(KeyCode::Char('a')), ctrl_u]);
    update(&mut model, Msg::Signal("SIGHUP"));
    assert_eq!(model.selected_finding().unwrap().review.draft, None);
}

/// A terminal that draws `frames` frames, then fails every write as a hung-up tty does.
struct DyingBackend {
    inner: TestBackend,
    frames: usize,
}

fn hung_up() -> io::Error {
    io::Error::from_raw_os_error(5) // EIO
}

impl Backend for DyingBackend {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        if self.frames == 0 {
            return Err(hung_up());
        }
        self.frames -= 1;
        self.inner.draw(content).map_err(|never| match never {})
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor().map_err(|never| match never {})
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor().map_err(|never| match never {})
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner
            .get_cursor_position()
            .map_err(|never| match never {})
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner
            .set_cursor_position(position)
            .map_err(|never| match never {})
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear().map_err(|never| match never {})
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner
            .clear_region(clear_type)
            .map_err(|never| match never {})
    }

    fn size(&self) -> io::Result<Size> {
        self.inner.size().map_err(|never| match never {})
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size().map_err(|never| match never {})
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().map_err(|never| match never {})
    }
}

#[test]
fn a_failed_draw_saves_the_typing_and_ends_the_loop() {
    let dir = tempfile::tempdir().expect("temp dir");
    let report_path = dir.path().join("ep101.json");
    let mut session = Session::new(sample_model(sample::report(3)), report_path.clone());
    let mut terminal = Terminal::new(DyingBackend {
        inner: TestBackend::new(80, 24),
        frames: 1,
    })
    .unwrap();
    let (tx, rx) = event::channel();
    for msg in [key(KeyCode::Char('n')), key(KeyCode::Char('a'))]
        .into_iter()
        .chain(keys(" (half a thought"))
    {
        tx.send(msg).unwrap();
    }

    // The channel stays open: only the failed draw can end the loop.
    let ended = runtime::run(&mut terminal, &mut session, &rx);

    assert_eq!(ended.map_err(|e| e.raw_os_error()), Err(Some(5)));
    let expected = format!(
        "{} (half a thought",
        session.model.selected_finding().unwrap().review.note
    );
    let saved = report::load(&report_path).unwrap();
    let drafts: Vec<&str> = saved
        .files
        .iter()
        .flat_map(|f| &f.findings)
        .filter_map(|f| f.review.draft.as_deref())
        .collect();
    assert_eq!(drafts, [expected.trim()]);
    drop(tx);
}
