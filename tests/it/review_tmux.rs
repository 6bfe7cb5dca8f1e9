//! Smoke test of the real binary in a real terminal (tmux, 80x24): it opens, checks real media,
//! takes review keys, quits on `q` or SIGTERM with the report saved and the terminal restored,
//! and a second session on the same report is refused.

use crate::tmux::{Tmux, session_pid, setup};
use dailies_qc::report;
use std::path::Path;
use std::process::Command;

fn command(spec: &str, report: &str, media: &str) -> String {
    format!(
        "{} review --spec {spec} --report {report} --operator alice {media}; echo EXIT=$?; sleep 60",
        env!("CARGO_BIN_EXE_dailies-qc")
    )
}

#[test]
#[ignore = "needs tmux: run by .ci/run"]
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
#[ignore = "needs tmux: run by .ci/run"]
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

#[test]
#[ignore = "needs tmux: run by .ci/run"]
fn respec_rechecks_every_file_of_the_report_and_keeps_unchanged_reviews() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (spec, report_path, media) = setup(dir.path());
    let first = Tmux::new("respec1");
    first.start(&command(&spec, &report_path, &media));
    first.wait_for("checked 1");
    first.keys(&["n", "x", "q"]);
    first.wait_for("EXIT=0");

    // The spec gains a rule; the frame-rate rule stays as it was.
    let new_spec = dir.path().join("v2.yaml");
    std::fs::write(
        &new_spec,
        "name: smoke spec v2\nvideo:\n  frame_rate: 25\naudio:\n  channels: 6\n",
    )
    .expect("spec v2");
    let new_spec = new_spec.to_str().expect("utf-8 path").to_owned();
    let elsewhere = dir.path().join("nothing-new");
    std::fs::create_dir(&elsewhere).expect("empty folder");
    let elsewhere = elsewhere.to_str().expect("utf-8 path");

    let refused = Tmux::new("respec2");
    refused.start(&command(&new_spec, &report_path, elsewhere));
    let screen = refused.wait_for("EXIT=");
    assert!(
        screen.contains("EXIT=2") && screen.contains("--respec"),
        "{screen}"
    );

    let again = Tmux::new("respec3");
    again.start(&command(
        &format!("{new_spec} --respec"),
        &report_path,
        elsewhere,
    ));
    again.wait_for("checked 1");
    again.keys(&["q"]);
    again.wait_for("EXIT=0");
    let saved = report::load(Path::new(&report_path)).expect("saved report");
    assert_eq!(saved.spec.name, "smoke spec v2");
    assert_eq!(
        saved.files.len(),
        1,
        "the old report's file was checked again"
    );
    let finding = |check: &str| {
        saved.files[0]
            .findings
            .iter()
            .find(|f| f.check == check && !f.stale)
            .unwrap_or_else(|| panic!("no {check} in {:?}", saved.files[0].findings))
    };
    assert_eq!(
        finding("video.frame_rate").review.verdict,
        dailies_qc::check::Verdict::Rejected,
        "an unchanged finding keeps its review"
    );
    assert_eq!(
        finding("audio.channels").review.verdict,
        dailies_qc::check::Verdict::Open
    );
}
