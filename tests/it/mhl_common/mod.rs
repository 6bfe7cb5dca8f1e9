//! Shared by the MHL tests: the ASC's reference implementation `ascmhl` (`.ci/run` installs it
//! into `.venv-ascmhl`; `DAILIES_QC_ASCMHL` names another copy), a camera card of real media.
#![allow(dead_code)] // helpers for the modules that need them

use super::common::*;
use dailies_qc::synth::Clip;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The `ascmhl` program; fails loudly when it is not installed.
pub fn ascmhl_program() -> PathBuf {
    let program = std::env::var_os("DAILIES_QC_ASCMHL").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-ascmhl/bin/ascmhl"),
        PathBuf::from,
    );
    let runs = Command::new(&program)
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        runs,
        "the ASC MHL reference tool is required: python3 -m venv .venv-ascmhl && \
         .venv-ascmhl/bin/pip install ascmhl (as .ci/run does), or set DAILIES_QC_ASCMHL \
         (tried {})",
        program.display()
    );
    program
}

/// Runs `ascmhl ARGS`; returns the exit code and everything it printed.
pub fn ascmhl(args: &[&str]) -> (i32, String) {
    let output = Command::new(ascmhl_program())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run ascmhl");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap_or(-1), text)
}

pub fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

/// A camera card: two clips and a sound file in a subfolder (all real media).
pub fn card(dir: &Path) -> PathBuf {
    let card = dir.join("A001");
    std::fs::create_dir_all(card.join("sound")).expect("mkdir");
    let clip = make_clip(&Clip::small(0.5), &dir.join("clip.mov"));
    std::fs::copy(&clip, card.join("A001C001.mov")).expect("copy");
    make_clip(&Clip::small(0.6), &card.join("A001C002.mov"));
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "sine=d=0.5:sample_rate=48000",
        "-c:a",
        "pcm_s24le",
        s(&card.join("sound/T001.wav")),
    ]);
    card
}

pub fn spec(dir: &Path, mhl: &str) -> PathBuf {
    write_spec(dir, &format!("name: ingest\nintegrity:\n  mhl: {mhl}\n"))
}

pub fn flip_a_byte(path: &Path) {
    let mut bytes = std::fs::read(path).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(path, bytes).expect("write");
}

/// The integrity findings of every file: (file name, check, severity).
pub fn integrity_findings(report: &serde_json::Value) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    for file in report["files"].as_array().expect("files") {
        let name = file["path"].as_str().expect("path");
        let name = name.rsplit('/').next().unwrap_or(name).to_owned();
        for finding in file["findings"].as_array().expect("findings") {
            let check = finding["check"].as_str().expect("check");
            if check.starts_with("integrity.") {
                let severity = finding["severity"].as_str().expect("severity");
                found.push((name.clone(), check.to_owned(), severity.to_owned()));
            }
        }
    }
    found
}

pub fn triple(name: &str, check: &str, severity: &str) -> (String, String, String) {
    (name.to_owned(), check.to_owned(), severity.to_owned())
}
