//! `check --watch`: a file copied in slowly, in pieces, is judged once, after it is complete.

use crate::common::*;
use dailies_qc::synth::Clip;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Kills the watcher however the test ends.
struct Watching(Child);

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `check --watch --settle SETTLE --format jsonl DIR`; its lines arrive on the receiver.
fn watch(
    dir: &std::path::Path,
    spec: &std::path::Path,
    settle: &str,
) -> (Watching, mpsc::Receiver<String>) {
    let cache = temp_dir();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dailies-qc"))
        .args([
            "check", "--watch", "--settle", settle, "--format", "jsonl", "--spec",
        ])
        .arg(spec)
        .arg(dir)
        .env("XDG_CACHE_HOME", cache.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start dailies-qc --watch");
    let stdout = child.stdout.take().expect("stdout");
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        let _cache = cache;
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    (Watching(child), received)
}

fn parse(line: &str) -> serde_json::Value {
    serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"))
}

#[test]
fn a_file_copied_in_pieces_is_judged_once_when_complete() {
    let dir = temp_dir();
    let source = make_clip(&Clip::small(1.0), &dir.path().join("source.mov"));
    let bytes = std::fs::read(&source).expect("read source");
    let inbox = dir.path().join("inbox");
    std::fs::create_dir(&inbox).expect("inbox");
    let already = inbox.join("A000.mov");
    std::fs::copy(&source, &already).expect("copy");
    let spec = write_spec(dir.path(), "name: watch\nvideo:\n  frame_rate: 25\n");
    let (_watching, lines) = watch(&inbox, &spec, "3");

    // A file there before the watch began is judged too.
    let first = parse(
        &lines
            .recv_timeout(Duration::from_secs(60))
            .expect("first file judged"),
    );
    assert!(
        first["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("A000.mov")),
        "{first}"
    );

    // Eight pieces a quarter second apart: the copy never holds still for the 3 s settle time.
    let landing = inbox.join("A001.mov");
    let mut file = std::fs::File::create(&landing).expect("create");
    for piece in bytes.chunks(bytes.len().div_ceil(8)) {
        file.write_all(piece).expect("write piece");
        file.flush().expect("flush");
        std::thread::sleep(Duration::from_millis(250));
        assert!(lines.try_recv().is_err(), "judged while still being copied");
    }
    drop(file);
    let judged = parse(
        &lines
            .recv_timeout(Duration::from_secs(60))
            .expect("copied file judged"),
    );
    assert!(
        judged["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("A001.mov")),
        "{judged}"
    );
    assert_eq!(judged["size"], bytes.len());
    assert_eq!(judged["status"], "pass", "{judged}");
    // And only once.
    assert!(
        lines.recv_timeout(Duration::from_secs(8)).is_err(),
        "judged twice"
    );
}

#[test]
fn watch_takes_text_or_jsonl_and_settle_needs_watch() {
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: watch\n");
    let run_args = |extra: &[&str]| {
        let mut args: Vec<&std::ffi::OsStr> = vec!["check".as_ref()];
        args.extend(extra.iter().map(std::ffi::OsStr::new));
        args.extend(["--spec".as_ref(), spec.as_os_str(), dir.path().as_os_str()]);
        run(&args)
    };
    let json = run_args(&["--watch", "--format", "json"]);
    assert_eq!(json.code, 2);
    assert!(json.stderr.contains("text or jsonl"), "{}", json.stderr);
    assert_eq!(run_args(&["--settle", "1"]).code, 2);
    assert_eq!(run_args(&["--watch", "--settle", "-1"]).code, 2);
}

#[test]
fn jsonl_without_watch_is_one_object_per_file_as_each_finishes() {
    let dir = temp_dir();
    make_clip(&Clip::small(0.5), &dir.path().join("a.mov"));
    make_clip(&Clip::small(0.5), &dir.path().join("b.mov"));
    let spec = write_spec(dir.path(), "name: lines\n");
    let gone = dir.path().join("gone.mov");
    let out = run(&[
        "check".as_ref(),
        "--format".as_ref(),
        "jsonl".as_ref(),
        "--spec".as_ref(),
        spec.as_os_str(),
        dir.path().as_os_str(),
        gone.as_os_str(),
    ]);
    assert_eq!(out.code, 1, "gone.mov is unreadable: {}", out.stderr);
    let mut lines: Vec<(String, String)> = out
        .stdout
        .lines()
        .map(|line| {
            let file = parse(line);
            let name = file["path"].as_str().expect("path");
            let name = name.rsplit('/').next().expect("name").to_owned();
            (name, file["status"].as_str().expect("status").to_owned())
        })
        .collect();
    // In the order the files finished: any order.
    lines.sort();
    let expected = [("a.mov", "pass"), ("b.mov", "pass"), ("gone.mov", "error")];
    assert_eq!(
        lines,
        expected.map(|(n, s)| (n.to_owned(), s.to_owned())),
        "{}",
        out.stdout
    );
}

#[test]
fn watch_refuses_a_spec_that_verifies_mhl_histories() {
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: ingest\nintegrity:\n  mhl: if_present\n");
    for command in ["check", "review"] {
        let out = run(&[
            command.as_ref(),
            "--watch".as_ref(),
            "--spec".as_ref(),
            spec.as_os_str(),
            dir.path().as_os_str(),
        ]);
        assert_eq!(out.code, 2, "{command}: {}", out.stderr);
        assert!(
            out.stderr.contains("--watch does not verify MHL histories"),
            "{command}: {}",
            out.stderr
        );
    }
}
