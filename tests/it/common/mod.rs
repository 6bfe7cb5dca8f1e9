//! Shared by the integration tests: run the real binary, write specs, make media with ffmpeg.
#![allow(dead_code)] // helpers for the modules that need them

pub mod deliveries;
pub mod verdicts;

use dailies_qc::synth::{self, Clip};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// Runs `dailies-qc ARGS` with no terminal and no standard input, as CI does.
pub fn run<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Outcome {
    run_with_env(args, &[])
}

/// Like [`run`], with extra environment variables (a `PATH` holding a fake tool, say).
pub fn run_with_env<S: AsRef<std::ffi::OsStr>>(
    args: &[S],
    env: &[(&str, &std::ffi::OsStr)],
) -> Outcome {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dailies-qc"));
    // An empty cache of its own for every run, unless the test gives one: one run's results
    // must not answer for another's (a fake ffprobe on PATH, say), nor land in ~/.cache.
    let cache = temp_dir();
    command
        .args(args)
        .stdin(Stdio::null())
        .env("USER", "test-operator")
        .env("XDG_CACHE_HOME", cache.path());
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().expect("run dailies-qc");
    Outcome {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Fails loudly when ffmpeg is missing: these tests need the real thing.
pub fn require_ffmpeg() {
    for tool in ["ffmpeg", "ffprobe"] {
        let found = Command::new(tool)
            .arg("-version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            found,
            "{tool} is required for the tests (apt-get install -y ffmpeg)"
        );
    }
}

/// A temporary directory under cargo's per-target scratch area.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("dailies-qc-test-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("temp dir")
}

pub fn write_spec(dir: &Path, yaml: &str) -> PathBuf {
    let path = dir.join("spec.yaml");
    std::fs::write(&path, yaml).expect("write spec");
    path
}

pub fn make_clip(clip: &Clip, path: &Path) -> PathBuf {
    require_ffmpeg();
    clip.write(path).unwrap_or_else(|e| panic!("{e}"));
    path.to_path_buf()
}

/// ffmpeg with arbitrary arguments (for media `Clip` does not describe).
pub fn ffmpeg(args: &[&str]) {
    require_ffmpeg();
    let args: Vec<String> = ["-hide_banner", "-loglevel", "error", "-nostdin", "-y"]
        .iter()
        .chain(args)
        .map(|s| s.to_string())
        .collect();
    synth::ffmpeg(&args).unwrap_or_else(|e| panic!("{e}"));
}

/// The ids of the findings of file `index` in a JSON report, with their severities.
pub fn findings(report: &serde_json::Value, index: usize) -> Vec<(String, String)> {
    report["files"][index]["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            (
                f["check"].as_str().expect("check").to_owned(),
                f["severity"].as_str().expect("severity").to_owned(),
            )
        })
        .collect()
}

pub fn finding<'a>(
    report: &'a serde_json::Value,
    index: usize,
    check: &str,
) -> &'a serde_json::Value {
    report["files"][index]["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .find(|f| f["check"] == check)
        .unwrap_or_else(|| panic!("no {check} finding in {:#}", report["files"][index]))
}

/// The index of the file whose path ends with `name` in a JSON report.
pub fn index_of(report: &serde_json::Value, name: &str) -> usize {
    report["files"]
        .as_array()
        .expect("files array")
        .iter()
        .position(|f| f["path"].as_str().is_some_and(|p| p.ends_with(name)))
        .unwrap_or_else(|| panic!("{name} not in report"))
}

/// `dailies-qc check --format json --spec SPEC PATHS…`, the report on standard output.
pub fn check_json(spec: &Path, paths: &[&Path]) -> Outcome {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "check".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        "--spec".as_ref(),
        spec.as_os_str(),
    ];
    args.extend(paths.iter().map(|p| p.as_os_str()));
    run(&args)
}

/// `dailies-qc check --format json -o REPORT --spec SPEC MEDIA`.
pub fn check_to_json_file(report: &Path, spec: &Path, media: &Path) -> Outcome {
    run(&[
        "check".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        "-o".as_ref(),
        report.as_os_str(),
        "--spec".as_ref(),
        spec.as_os_str(),
        media.as_os_str(),
    ])
}

/// Half a second of OP-Atom DNxHD 36 picture at `rate`, as Media Composer writes a video
/// track file (`+bitexact`: every such file carries the same material package UMID).
pub fn op_atom_picture(dir: &Path, name: &str, rate: &str) -> PathBuf {
    let path = dir.join(name);
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        &format!("testsrc2=size=1920x1080:rate={rate}"),
        "-t",
        "0.5",
        "-c:v",
        "dnxhd",
        "-b:v",
        "36M",
        "-pix_fmt",
        "yuv422p",
        "-fflags",
        "+bitexact",
        "-f",
        "mxf_opatom",
        path.to_str().expect("UTF-8 temp path"),
    ]);
    path
}

/// Where `program` is on PATH (to hand on to from a stand-in).
pub fn on_path(program: &str) -> PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").expect("PATH"))
        .map(|folder| folder.join(program))
        .find(|path| path.is_file())
        .unwrap_or_else(|| panic!("{program} on PATH"))
}

/// A PATH whose first folder (made in `dir`) holds a stand-in `program`: a shell script of
/// `body`, for a tool that hangs as it would on a stale mount.
pub fn path_with_stand_in(dir: &Path, program: &str, body: &str) -> std::ffi::OsString {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).expect("bin dir");
    let fake = bin.join(program);
    std::fs::write(&fake, format!("#!/bin/sh\n{body}\n")).expect("stand-in");
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").expect("PATH"),
    )))
    .expect("PATH")
}
