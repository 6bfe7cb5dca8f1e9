//! Smoke test of the real binary in a real terminal (tmux, 80x24): it opens, checks real media,
//! takes review keys, quits on `q` or SIGTERM with the report saved and the terminal restored,
//! and a second session on the same report is refused.

mod tmux;

use dailies_qc::report;
use std::path::Path;
use std::process::Command;
use tmux::{Tmux, session_pid, setup};

fn command(spec: &str, report: &str, media: &str) -> String {
    format!(
        "{} review --spec {spec} --report {report} --operator alice {media}; echo EXIT=$?; sleep 60",
        env!("CARGO_BIN_EXE_dailies-qc")
    )
}

#[test]
fn real_binary_reviews_quits_and_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let (spec, report_path, media) = setup(dir.path());
    let tmux = Tmux::new("quit");
    tmux.start(&command(&spec, &report_path, &media));
    tmux.wait_for("checked 1");
    assert_eq!(
        tmux.pane_flag("alternate_on"),
        "1",
        "the screen uses the alternate screen"
    );

    // A second session on the same report is refused while this one runs, also when it
    // names the report through a symlink.
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&report_path, &link).unwrap();
    for (name, report) in [
        ("second", report_path.as_str()),
        ("link", link.to_str().unwrap()),
    ] {
        let second = Tmux::new(name);
        second.start(&command(&spec, report, &media));
        let screen = second.wait_for("EXIT=");
        assert!(screen.contains("EXIT=2"), "{screen}");
        assert!(
            screen.contains("already open in another review session"),
            "{screen}"
        );
    }

    tmux.keys(&["n", "x", "q"]);
    let screen = tmux.wait_for("EXIT=0");
    assert!(screen.contains("Report saved to"), "{screen}");
    assert_eq!(tmux.pane_flag("alternate_on"), "0", "terminal restored");
    assert_eq!(tmux.pane_flag("cursor_flag"), "1", "cursor visible again");
    let saved = report::load(Path::new(&report_path)).unwrap();
    let finding = &saved.files[0].findings[0];
    assert_eq!(finding.check, "video.frame_rate");
    assert_eq!(finding.review.verdict, dailies_qc::check::Verdict::Rejected);
    assert!(
        !Path::new(&format!("{report_path}.lock")).exists(),
        "lock released"
    );
}

#[test]
fn sigterm_saves_the_note_and_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let (spec, report_path, media) = setup(dir.path());
    let tmux = Tmux::new("term");
    tmux.start(&command(&spec, &report_path, &media));
    tmux.wait_for("checked 1");
    tmux.keys(&["n", "a"]);
    tmux.type_text("talk to the DIT");
    tmux.keys(&["Enter"]);
    tmux.wait_for("talk to the DIT");
    let pid = session_pid(&report_path);
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let screen = tmux.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert_eq!(tmux.pane_flag("alternate_on"), "0", "terminal restored");
    let saved = report::load(Path::new(&report_path)).unwrap();
    assert_eq!(saved.files[0].findings[0].review.note, "talk to the DIT");
}
