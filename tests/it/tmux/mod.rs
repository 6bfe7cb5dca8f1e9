//! The review screen in a real terminal: a private tmux server (80x24) running the real binary
//! on one clip that fails the spec's frame rate.
#![allow(dead_code)] // helpers for the modules that need them

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
}

impl Tmux {
    pub fn new(name: &str) -> Tmux {
        Tmux {
            socket: format!("dqc-{name}-{}", std::process::id()),
        }
    }

    pub fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux must be installed for this test (apt-get install tmux)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn start(&self, command: &str) {
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

    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "t"])
    }

    pub fn wait_for(&self, text: &str) -> String {
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

    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.run(&["send-keys", "-t", "t", k]);
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Types `text` literally (no key names).
    pub fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-t", "t", "-l", text]);
    }

    pub fn pane_flag(&self, flag: &str) -> String {
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

/// Makes `dir/media` (one 24 fps clip) and a spec asking for 25 fps; returns the spec, the
/// report and the media paths.
pub fn setup(dir: &Path) -> (String, String, String) {
    let media = dir.join("media");
    std::fs::create_dir(&media).expect("media folder");
    let mut clip = dailies_qc::synth::Clip::small(1.0);
    clip.rate = "24".into();
    clip.write(&media.join("A001_C001_v001.mov"))
        .expect("test clip");
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, "name: smoke spec\nvideo:\n  frame_rate: 25\n").expect("spec");
    let report = dir.join("night.json");
    (
        spec.display().to_string(),
        report.display().to_string(),
        media.display().to_string(),
    )
}

/// The review session's process id, from its lock file.
pub fn session_pid(report: &str) -> String {
    let lock = std::fs::read_to_string(format!("{report}.lock")).expect("test setup");
    lock.lines()
        .find_map(|l| l.strip_prefix("pid="))
        .expect("pid in lock file")
        .to_owned()
}
