//! FIFOs, sockets and devices are never opened: as `--spec` they are a spec error, inside a
//! walked folder they are unreadable entries. And a file named several ways is checked once.
#![cfg(unix)]

use crate::common::{check_json, temp_dir, write_spec};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;
use wait_timeout::ChildExt;

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(made.success(), "mkfifo {}", path.display());
}

#[test]
fn a_fifo_as_spec_exits_2_without_waiting_for_a_writer() {
    let dir = temp_dir();
    let fifo = dir.path().join("spec.yaml");
    mkfifo(&fifo);
    let mut child = Command::new(env!("CARGO_BIN_EXE_dailies-qc"))
        .arg("check")
        .arg("--spec")
        .arg(&fifo)
        .arg(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run dailies-qc");
    let Some(status) = child
        .wait_timeout(Duration::from_secs(20))
        .expect("wait for dailies-qc")
    else {
        child.kill().expect("kill dailies-qc");
        child.wait().expect("reap dailies-qc");
        panic!("dailies-qc waited on the FIFO");
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr)
        .expect("read stderr");
    assert_eq!(status.code(), Some(2), "{stderr}");
    let expected = format!("{}: not a regular file (FIFO)", fifo.display());
    assert!(stderr.contains(&expected), "{stderr}");
}

#[test]
fn a_fifo_in_a_walked_folder_is_reported_and_a_file_named_three_ways_is_checked_once() {
    let dir = temp_dir();
    let media = dir.path().join("media");
    std::fs::create_dir(&media).expect("media dir");
    std::fs::write(media.join("notes.mov"), b"not a movie\n").expect("write");
    std::os::unix::fs::symlink(media.join("notes.mov"), media.join("also-notes.mov"))
        .expect("symlink");
    mkfifo(&media.join("pipe.mov"));
    let spec = write_spec(dir.path(), "name: t\n");
    let outcome = check_json(&spec, &[&media, &media.join("../media/notes.mov")]);
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    let report = outcome.json();
    let entries: Vec<(String, String)> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|file| {
            (
                file["path"].as_str().expect("path").to_owned(),
                file["findings"][0]["message"]
                    .as_str()
                    .expect("message")
                    .to_owned(),
            )
        })
        .collect();
    let paths: Vec<&str> = entries.iter().map(|(path, _)| path.as_str()).collect();
    let name = |file: &str| media.join(file).display().to_string();
    assert_eq!(
        paths,
        [name("also-notes.mov"), name("pipe.mov")],
        "{entries:?}"
    );
    assert_eq!(entries[1].1, "unreadable: not a regular file (FIFO)");
}
