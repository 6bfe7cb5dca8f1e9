//! A review session whose terminal goes away: the reviews are saved, the lock is released and
//! the process leaves quietly, whatever its SIGHUP disposition.

mod tmux;

use dailies_qc::check::{Finding, Verdict};
use dailies_qc::report;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use tmux::{Tmux, session_pid, setup};

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
    let saved = report::load(Path::new(report_path)).unwrap();
    saved.files[0].findings[0].clone()
}

/// Runs a session behind `prefix` (shell words in front of the command), rejects the failure,
/// then closes the terminal under it with `tmux kill-session`. Checks that the rejection is on
/// disk, the lock released, the process gone within 5 s and its stderr empty; returns the exit
/// line the shell wrote, if the shell outlived the terminal.
fn hang_up_after_a_review(name: &str, prefix: &str) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
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
    let stderr = std::fs::read_to_string(&stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr, "", "nothing to say about a terminal that hung up");
    std::fs::read_to_string(&exit).ok()
}

#[test]
fn a_hang_up_saves_releases_the_lock_and_leaves_quietly() {
    hang_up_after_a_review("hup", "");
}

#[test]
fn a_hang_up_ends_the_session_with_sighup_ignored() {
    let exit = hang_up_after_a_review("nohup", "trap '' HUP; ");
    assert_eq!(exit.as_deref(), Some("EXIT=0\n"), "as after a signal");
}

#[test]
fn a_hang_up_ends_a_session_that_never_gets_sighup() {
    // In a session of its own the terminal's hang-up sends it no signal at all.
    hang_up_after_a_review("setsid", "setsid -w ");
}
