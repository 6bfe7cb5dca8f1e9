//! The probe worker (`dailies-qc-probe`) answers as ffprobe does: on every kind of
//! media the tests make, its JSON reads as the same `Probe`, a file ffprobe cannot read is one
//! it refuses (so ffprobe answers for it), and whole reports are identical with and without it.

use crate::common::{
    Outcome, ffmpeg, make_clip, require_ffmpeg, run_with_env, temp_dir, write_spec,
};
use dailies_qc::probe::{Probe, parse_json, worker};
use dailies_qc::synth::{Clip, truncate_file};
use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Every kind of file the tests make, in `dir`.
#[rustfmt::skip]
fn media_of_every_kind(dir: &Path) -> Vec<PathBuf> {
    let d = |name: &str| dir.join(name);
    let s = |p: &PathBuf| p.to_str().expect("UTF-8 temp path").to_owned();
    let mov = make_clip(&Clip::small(1.0), &d("prores_tmcd.mov"));
    let op1a = d("op1a.mxf");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=1",
        "-f", "lavfi", "-i", "sine=d=1:sample_rate=48000",
        "-c:v", "mpeg2video", "-c:a", "pcm_s16le", "-timecode", "10:00:00:00",
        "-f", "mxf", &s(&op1a),
    ]);
    let atom_v = d("A001C001_V1.mxf");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=24000/1001:duration=0.25",
        "-c:v", "dnxhd", "-b:v", "36M", "-pix_fmt", "yuv422p", "-timecode", "01:00:00:00",
        "-fflags", "+bitexact", "-f", "mxf_opatom", &s(&atom_v),
    ]);
    let atom_a = d("A001C001_A1.mxf");
    ffmpeg(&[
        "-f", "lavfi", "-i", "sine=d=1:sample_rate=48000", "-c:a", "pcm_s24le",
        "-timecode", "01:00:00:00", "-fflags", "+bitexact", "-f", "mxf_opatom", &s(&atom_a),
    ]);
    let bwf = d("T001.wav");
    ffmpeg(&[
        "-f", "lavfi", "-i", "sine=d=1:sample_rate=48000", "-ac", "2", "-c:a", "pcm_s24le",
        "-write_bext", "1", "-metadata", "time_reference=1728000000",
        "-metadata", "originator=Sound Devices 888", &s(&bwf),
    ]);
    let mkv = d("x264_flac.mkv");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=1",
        "-f", "lavfi", "-i", "sine=d=1", "-c:v", "libx264", "-c:a", "flac", &s(&mkv),
    ]);
    let mp4 = d("x264_aac.mp4");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30000/1001:duration=1",
        "-f", "lavfi", "-i", "sine=d=1", "-c:v", "libx264", "-c:a", "aac", &s(&mp4),
    ]);
    let front = d("cut_faststart.mov");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=2", "-c:v", "prores_ks",
        "-movflags", "+faststart", &s(&front),
    ]);
    truncate_file(&front, 0.3).expect("truncate");
    let cut = d("cut_no_index.mov");
    std::fs::copy(&mov, &cut).expect("copy");
    truncate_file(&cut, 0.5).expect("truncate");
    let text = d("notes.mov");
    std::fs::write(&text, "not media at all\n").expect("write");
    // A name no line framing survives: a newline and a byte that is not UTF-8.
    let odd = dir.join(std::ffi::OsString::from_vec(b"odd\nname \xff.mov".to_vec()));
    std::fs::copy(&mov, &odd).expect("copy");
    vec![mov, op1a, atom_v, atom_a, bwf, mkv, mp4, front, cut, text, odd]
}

fn url(path: &Path) -> std::ffi::OsString {
    let mut url = std::ffi::OsString::from("file:");
    url.push(path.as_os_str());
    url
}

/// ffprobe's answer, as the probe runs it: `Some` JSON when it read the file.
fn ffprobe_json(path: &Path) -> Option<Vec<u8>> {
    let output = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_format",
            "-show_streams",
            "-of",
            "json",
        ])
        .arg(url(path))
        .output()
        .expect("run ffprobe");
    output.status.success().then_some(output.stdout)
}

/// The worker's answer line for each path, from one worker process.
fn worker_answers(paths: &[PathBuf]) -> Vec<Vec<u8>> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dailies-qc-probe"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the worker");
    let mut requests = child.stdin.take().expect("stdin");
    for path in paths {
        let hex: String = url(path)
            .as_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        writeln!(requests, "{hex}").expect("request");
    }
    drop(requests);
    let lines: Vec<Vec<u8>> = BufReader::new(child.stdout.take().expect("stdout"))
        .split(b'\n')
        .map(|l| l.expect("answer"))
        .collect();
    assert!(child.wait().expect("worker exit").success());
    assert_eq!(lines[0], b"dailies-qc-probe-worker 1", "greeting");
    assert_eq!(lines.len(), paths.len() + 1, "one answer per request");
    lines[1..].to_vec()
}

fn parsed(json: &[u8], what: &str, path: &Path) -> Probe {
    parse_json(json).unwrap_or_else(|e| {
        panic!(
            "{what} JSON for {} does not parse ({e}): {}",
            path.display(),
            String::from_utf8_lossy(json)
        )
    })
}

#[test]
fn the_worker_reads_every_kind_of_file_as_ffprobe_does() {
    assert!(worker::is_built(), "built without libavformat-dev");
    require_ffmpeg();
    let dir = temp_dir();
    let paths = media_of_every_kind(dir.path());
    let answers = worker_answers(&paths);
    let mut read = 0;
    for (path, answer) in paths.iter().zip(&answers) {
        let refused = answer.starts_with(b"{\"error\":");
        match ffprobe_json(path) {
            Some(reference) => {
                assert!(
                    !refused,
                    "{}: {}",
                    path.display(),
                    String::from_utf8_lossy(answer)
                );
                let ours = parsed(answer, "worker", path);
                assert_eq!(
                    ours,
                    parsed(&reference, "ffprobe", path),
                    "{}",
                    path.display()
                );
                read += 1;
            }
            None => assert!(
                refused,
                "ffprobe failed on {} but the worker answered",
                path.display()
            ),
        }
    }
    // Only the file without its index and the text file are beyond both.
    assert_eq!(read, paths.len() - 2);
}

fn check(target: &Path, spec: &Path, env: &[(&str, &OsStr)]) -> Outcome {
    let args: Vec<&OsStr> = vec![
        "check".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        "--spec".as_ref(),
        spec.as_os_str(),
        target.as_os_str(),
    ];
    run_with_env(&args, env)
}

/// The report without the moment it was made.
fn report_without_time(outcome: &Outcome) -> serde_json::Value {
    let mut report = outcome.json();
    report["created"] = serde_json::Value::Null;
    report
}

#[test]
fn reports_are_identical_with_the_worker_and_with_ffprobe() {
    let dir = temp_dir();
    let media = dir.path().join("media");
    std::fs::create_dir(&media).expect("media dir");
    media_of_every_kind(&media);
    let spec = write_spec(
        dir.path(),
        "name: metadata\nvideo:\n  frame_rate: 25\n  codec: [prores]\naudio:\n  sample_rate: 48000\n",
    );
    let with_worker = check(&media, &spec, &[]);
    let with_ffprobe = check(&media, &spec, &[(worker::CHOICE_VAR, "ffprobe".as_ref())]);
    assert_eq!(
        with_worker.code, with_ffprobe.code,
        "{}",
        with_worker.stderr
    );
    assert_eq!(
        report_without_time(&with_worker),
        report_without_time(&with_ffprobe)
    );
}

#[test]
fn the_worker_probes_without_ffprobe_and_the_variable_forces_ffprobe() {
    let dir = temp_dir();
    let clip = make_clip(&Clip::small(1.0), &dir.path().join("a.mov"));
    let spec = write_spec(dir.path(), "name: metadata\nvideo:\n  frame_rate: 25\n");
    let no_tools = dir.path().join("no-tools");
    std::fs::create_dir(&no_tools).expect("dir");
    let path: (&str, &OsStr) = ("PATH", no_tools.as_os_str());

    let by_worker = check(&clip, &spec, &[path]);
    assert_eq!(by_worker.code, 0, "{}", by_worker.stdout);
    assert_eq!(
        by_worker.json()["files"][0]["probe"]["video"]["codec"],
        "prores"
    );

    let forced = check(
        &clip,
        &spec,
        &[path, (worker::CHOICE_VAR, "ffprobe".as_ref())],
    );
    assert_eq!(forced.code, 1);
    let report = forced.json();
    let unreadable = crate::common::finding(&report, 0, "file.readable");
    assert!(
        unreadable["actual"]
            .as_str()
            .is_some_and(|a| a.starts_with("ffprobe not found on PATH")),
        "{unreadable}"
    );
}

/// On an FFmpeg older than 4.4 the crate still builds, without the worker, and says so in one
/// warning: checked with a pkg-config file that reports FFmpeg 4.0's libavformat.
#[test]
#[ignore = "checks the whole crate again (a minute or two): run by .ci/run"]
fn an_ffmpeg_older_than_4_4_builds_without_the_worker() {
    let dir = temp_dir();
    std::fs::write(
        dir.path().join("libavformat.pc"),
        "prefix=/usr\nlibdir=${prefix}/lib\nincludedir=${prefix}/include\n\
         Name: libavformat\nDescription: FFmpeg 4.0's container library\nVersion: 58.12.100\n\
         Libs: -L${libdir} -lavformat\nCflags: -I${includedir}\n",
    )
    .expect("write .pc");
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ffmpeg-4.0-check");
    let output = Command::new(env!("CARGO"))
        .args([
            "check",
            "--locked",
            "--bins",
            "--message-format",
            "short",
            "--target-dir",
        ])
        .arg(&target)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PKG_CONFIG_PATH", dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("run cargo");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("older than FFmpeg 4.4"))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].contains("libavformat 58.12.100 is older than FFmpeg 4.4"),
        "{stderr}"
    );
}

/// The FFmpeg headers one distribution release ships, unpacked from its `-dev` packages into
/// `dir` (apt in a private state folder: nothing is installed on the machine); `Err` when its
/// archive cannot be reached.
fn ffmpeg_headers(dir: &Path, source: &str) -> Result<PathBuf, String> {
    for sub in [
        "etc/apt/sources.list.d",
        "etc/apt/preferences.d",
        "var/lib/apt/lists/partial",
        "var/cache/apt/archives/partial",
        "debs",
    ] {
        std::fs::create_dir_all(dir.join(sub)).expect("apt folders");
    }
    std::fs::write(dir.join("etc/apt/sources.list"), format!("{source}\n")).expect("sources");
    std::fs::write(dir.join("status"), "").expect("status");
    let apt = |args: &[&str], cwd: &Path| -> Result<(), String> {
        let output = Command::new("apt-get")
            .arg("-qq")
            .arg(format!("-oDir={}", dir.display()))
            .arg(format!(
                "-oDir::State::status={}",
                dir.join("status").display()
            ))
            .arg("-oDebug::NoLocking=1")
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::null())
            .output()
            .expect("run apt-get");
        // apt-get update exits 0 with only a warning when an archive cannot be reached; the
        // download then finds no package.
        let stderr = String::from_utf8_lossy(&output.stderr);
        if output.status.success() && !stderr.contains("Failed to fetch") {
            Ok(())
        } else {
            Err(format!("apt-get {args:?} for `{source}`: {stderr}"))
        }
    };
    apt(&["update"], dir)?;
    let debs = dir.join("debs");
    apt(
        &[
            "download",
            "libavcodec-dev",
            "libavformat-dev",
            "libavutil-dev",
        ],
        &debs,
    )?;
    let root = dir.join("root");
    for deb in std::fs::read_dir(&debs).expect("debs") {
        let deb = deb.expect("deb").path();
        let status = Command::new("dpkg-deb")
            .arg("-x")
            .arg(&deb)
            .arg(&root)
            .status()
            .expect("run dpkg-deb");
        assert!(status.success(), "unpack {}", deb.display());
    }
    Ok(root.join("usr/include/x86_64-linux-gnu"))
}

/// worker.c compiles, warning-free, against the headers of FFmpeg 4.4 (Ubuntu 22.04, the
/// storage servers' common system; where Ubuntu's archive cannot be reached, Debian 11's 4.3,
/// older still), 7.1 (Debian 13) and the newest Debian has (unstable: 9.x at the time of
/// writing). This machine's own 5.1 is built by every `cargo build`. Ubuntu's archive key is
/// not on a Debian machine, so its packages are taken unverified: they are only unpacked and
/// their headers compiled against, never run.
#[test]
#[ignore = "downloads FFmpeg headers from the Debian and Ubuntu archives: run by .ci/run"]
fn the_worker_compiles_against_ffmpeg_4_4_7_1_and_the_newest() {
    let debian = "signed-by=/usr/share/keyrings/debian-archive-keyring.gpg";
    let releases = [
        (
            "FFmpeg 4.4 (Ubuntu 22.04) or 4.3 (Debian 11)",
            vec![
                "deb [trusted=yes] http://archive.ubuntu.com/ubuntu jammy main universe".to_owned(),
                format!("deb [{debian}] http://deb.debian.org/debian bullseye main"),
            ],
        ),
        (
            "FFmpeg 7.1 (Debian 13)",
            vec![format!(
                "deb [{debian}] http://deb.debian.org/debian trixie main"
            )],
        ),
        (
            "the newest FFmpeg (Debian unstable)",
            vec![format!(
                "deb [{debian}] http://deb.debian.org/debian sid main"
            )],
        ),
    ];
    let worker_c = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/probe/worker.c");
    for (name, sources) in releases {
        let dir = temp_dir();
        let mut unreachable = Vec::new();
        let include = sources
            .iter()
            .enumerate()
            .find_map(|(i, source)| {
                let attempt = dir.path().join(i.to_string());
                ffmpeg_headers(&attempt, source)
                    .map_err(|e| unreachable.push(e))
                    .ok()
            })
            .unwrap_or_else(|| panic!("no archive of {name} could be read: {unreachable:?}"));
        let version = std::fs::read_to_string(include.join("libavcodec/version_major.h"))
            .or_else(|_| std::fs::read_to_string(include.join("libavcodec/version.h")))
            .expect("libavcodec version header");
        assert!(version.contains("LIBAVCODEC_VERSION_MAJOR"), "{name}");
        let output = Command::new("cc")
            .args(["-fsyntax-only", "-Wall", "-Wextra", "-Werror", "-I"])
            .arg(&include)
            .arg(&worker_c)
            .output()
            .expect("run cc");
        assert!(
            output.status.success(),
            "worker.c does not compile against {name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
