//! Smoke test of the real binary in a real terminal (tmux, 80x24): it opens, checks real media,
//! takes review keys, quits on `q` or SIGTERM with the report saved and the terminal restored,
//! and a second session on the same report is refused.

use dailies_qc::report;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn new(name: &str) -> Tmux {
        Tmux {
            socket: format!("dqc-{name}-{}", std::process::id()),
        }
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux must be installed for this test (apt-get install tmux)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn start(&self, command: &str) {
        self.run(&[
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            "80",
            "-y",
            "24",
            command,
        ]);
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "t"])
    }

    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "timed out waiting for {text:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.run(&["send-keys", "-t", "t", k]);
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn pane_flag(&self, flag: &str) -> String {
        self.run(&["display-message", "-p", "-t", "t", &format!("#{{{flag}}}")])
            .trim()
            .to_owned()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn setup(dir: &Path) -> (String, String, String) {
    let media = dir.join("media");
    std::fs::create_dir(&media).unwrap();
    let mut clip = dailies_qc::synth::Clip::small(1.0);
    clip.rate = "24".into();
    clip.write(&media.join("A001_C001_v001.mov")).unwrap();
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, "name: smoke spec\nvideo:\n  frame_rate: 25\n").unwrap();
    let report = dir.join("night.json");
    (
        spec.display().to_string(),
        report.display().to_string(),
        media.display().to_string(),
    )
}

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
    tmux.run(&["send-keys", "-t", "t", "-l", "talk to the DIT"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("talk to the DIT");
    let lock = std::fs::read_to_string(format!("{report_path}.lock")).unwrap();
    let pid = lock
        .lines()
        .find_map(|l| l.strip_prefix("pid="))
        .expect("pid in lock file");
    let killed = Command::new("kill").args(["-TERM", pid]).status().unwrap();
    assert!(killed.success());
    let screen = tmux.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert_eq!(tmux.pane_flag("alternate_on"), "0", "terminal restored");
    let saved = report::load(Path::new(&report_path)).unwrap();
    assert_eq!(saved.files[0].findings[0].review.note, "talk to the DIT");
}
