//! `dailies-qc check` end to end: real ffmpeg-made media, real ffprobe, the real binary.

use crate::common::*;
use dailies_qc::synth::Clip;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Small clips shared by the tests of this file (made once; 1 s, 320x180).
struct Media {
    _dir: tempfile::TempDir,
    root: PathBuf,
    clean: PathBuf,
    late_audio: PathBuf,
    short_audio: PathBuf,
    no_timecode: PathBuf,
    h264: PathBuf,
    wav: PathBuf,
}

fn media() -> &'static Media {
    static MEDIA: OnceLock<Media> = OnceLock::new();
    MEDIA.get_or_init(|| {
        let dir = temp_dir();
        let root = dir.path().to_path_buf();
        let clean = make_clip(&Clip::small(1.0), &root.join("CLEAN_v001.mov"));
        let mut late = Clip::small(1.0);
        late.audio.as_mut().expect("audio").delay_s = 0.2;
        let late_audio = make_clip(&late, &root.join("late_audio.mov"));
        let mut short = Clip::small(1.0);
        short.audio.as_mut().expect("audio").seconds = Some(0.5);
        let short_audio = make_clip(&short, &root.join("short_audio.mov"));
        let mut untimed = Clip::small(1.0);
        untimed.timecode = None;
        let no_timecode = make_clip(&untimed, &root.join("no_timecode.mov"));
        let h264 = root.join("review.mp4");
        ffmpeg(&[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x180:rate=30000/1001:duration=1",
            "-f",
            "lavfi",
            "-i",
            "sine=duration=1:sample_rate=48000",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-ac",
            "2",
            h264.to_str().expect("utf-8 path"),
        ]);
        let wav = root.join("tone.wav");
        ffmpeg(&[
            "-f",
            "lavfi",
            "-i",
            "sine=duration=1:sample_rate=48000",
            "-c:a",
            "pcm_s24le",
            wav.to_str().expect("utf-8 path"),
        ]);
        Media {
            _dir: dir,
            root,
            clean,
            late_audio,
            short_audio,
            no_timecode,
            h264,
            wav,
        }
    })
}

/// Everything `Clip::small` is, as a spec: a file that matches must pass every rule.
const MATCHING_SPEC: &str = r#"
name: matches Clip::small
files:
  naming: '^[A-Z]+_v\d{3}\.mov$'
container:
  format: [mov]
video:
  codec: [prores]
  profile: [Proxy]
  width: 320
  height: 180
  frame_rate: 25
  scan: progressive
  pix_fmt: [yuv422p10le]
  bit_depth: 10
  color_primaries: bt709
  color_transfer: bt709
  color_space: bt709
audio:
  codec: [pcm_s24le]
  sample_rate: 48000
  channels: 2
  bit_depth: 24
sync:
  max_start_offset_ms: 40
  max_duration_delta_ms: 80
timecode:
  start: "10:00:00:00"
duration:
  min: "00:00:00:20"
  max: "00:00:02:00"
"#;

/// The same rules, every one of them contradicting the clip.
const CONTRADICTING_SPEC: &str = r#"
name: contradicts Clip::small
files:
  naming: '^[a-z]+\.mxf$'
container:
  format: [mxf]
video:
  codec: [dnxhd]
  profile: [HQ]
  width: 1920
  height: 1080
  frame_rate: 23.976
  scan: interlaced
  pix_fmt: [yuv422p]
  bit_depth: 8
  color_primaries: bt2020
  color_transfer: smpte2084
  color_space: bt2020nc
audio:
  codec: [pcm_s16le]
  sample_rate: 44100
  channels: 6
  bit_depth: 16
timecode:
  start: "01:00:00:00"
duration:
  min: "00:00:10:00"
"#;

fn check_json(spec: &Path, paths: &[&Path]) -> (Outcome, serde_json::Value) {
    let mut args: Vec<String> = vec!["check".into(), "--spec".into(), spec.display().to_string()];
    args.extend(["--format".into(), "json".into()]);
    args.extend(paths.iter().map(|p| p.display().to_string()));
    let outcome = run(&args);
    let json = outcome.json();
    (outcome, json)
}

#[test]
fn a_matching_file_passes_every_rule_and_exits_0() {
    let m = media();
    let dir = temp_dir();
    let spec = write_spec(dir.path(), MATCHING_SPEC);
    let (outcome, report) = check_json(&spec, &[&m.clean]);
    assert_eq!(outcome.code, 0, "{}", outcome.stdout);
    assert_eq!(report["files"][0]["status"], "pass");
    assert_eq!(findings(&report, 0), vec![]);
}

#[test]
fn every_metadata_rule_fails_with_expected_and_actual() {
    let m = media();
    let dir = temp_dir();
    let spec = write_spec(dir.path(), CONTRADICTING_SPEC);
    let (outcome, report) = check_json(&spec, &[&m.clean]);
    assert_eq!(outcome.code, 1);
    assert_eq!(report["files"][0]["status"], "fail");
    let mut ids: Vec<String> = findings(&report, 0).into_iter().map(|(id, _)| id).collect();
    ids.sort();
    let mut expected = vec![
        "file.name",
        "container.format",
        "video.codec",
        "video.profile",
        "video.resolution",
        "video.frame_rate",
        "video.scan",
        "video.pix_fmt",
        "video.bit_depth",
        "video.color_primaries",
        "video.color_transfer",
        "video.color_space",
        "audio.codec",
        "audio.sample_rate",
        "audio.channels",
        "audio.bit_depth",
        "timecode.start",
        "duration",
    ];
    expected.sort();
    assert_eq!(ids, expected);
    let rate = finding(&report, 0, "video.frame_rate");
    assert_eq!(rate["expected"], "23.976 (24000/1001)");
    assert_eq!(rate["actual"], "25");
    assert_eq!(
        rate["message"],
        "frame rate: expected 23.976 (24000/1001), got 25"
    );
    assert_eq!(rate["severity"], "error");
    assert_eq!(finding(&report, 0, "video.resolution")["actual"], "320x180");
    assert_eq!(
        finding(&report, 0, "timecode.start")["actual"],
        "10:00:00:00"
    );
}

#[test]
fn severity_override_turns_a_failure_into_a_warning() {
    let m = media();
    let dir = temp_dir();
    let spec = write_spec(
        dir.path(),
        "name: t\nvideo:\n  frame_rate: 24\nseverity:\n  video.frame_rate: warning\n",
    );
    let (outcome, report) = check_json(&spec, &[&m.clean]);
    assert_eq!(outcome.code, 0, "a warning alone does not fail the file");
    assert_eq!(report["files"][0]["status"], "pass");
    assert_eq!(
        findings(&report, 0),
        vec![("video.frame_rate".to_owned(), "warning".to_owned())]
    );
}

#[test]
fn late_and_short_audio_fail_sync_with_signed_offsets() {
    let m = media();
    let dir = temp_dir();
    let spec = write_spec(
        dir.path(),
        "name: t\nsync:\n  max_start_offset_ms: 40\n  max_duration_delta_ms: 80\n",
    );
    let (outcome, report) = check_json(&spec, &[&m.late_audio, &m.short_audio, &m.clean]);
    assert_eq!(outcome.code, 1);
    let (late_i, short_i, clean_i) = (
        index_of(&report, "late_audio.mov"),
        index_of(&report, "short_audio.mov"),
        index_of(&report, "CLEAN_v001.mov"),
    );
    let late = report["files"][late_i]["measurements"]["sync"]["start_offset_ms"]
        .as_f64()
        .expect("start offset measured");
    assert!(
        (late - 200.0).abs() < 5.0,
        "audio 200 ms late measured as {late} ms"
    );
    assert!(
        finding(&report, late_i, "sync.start_offset")["message"]
            .as_str()
            .expect("message")
            .contains("late")
    );
    let delta = report["files"][short_i]["measurements"]["sync"]["duration_delta_ms"]
        .as_f64()
        .expect("duration delta measured");
    assert!(
        (delta + 500.0).abs() < 30.0,
        "audio 500 ms short measured as {delta} ms"
    );
    finding(&report, short_i, "sync.duration");
    assert_eq!(report["files"][clean_i]["status"], "pass");
}

#[test]
fn missing_timecode_fails_when_one_is_required() {
    let m = media();
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: t\ntimecode:\n  start: '10:00:00:00'\n");
    let (_, report) = check_json(&spec, &[&m.no_timecode, &m.clean]);
    let untimed = index_of(&report, "no_timecode.mov");
    let timed = index_of(&report, "CLEAN_v001.mov");
    assert_eq!(
        finding(&report, untimed, "timecode.start")["actual"],
        "no timecode"
    );
    assert_eq!(report["files"][timed]["status"], "pass");
    assert_eq!(report["files"][timed]["probe"]["timecode"], "10:00:00:00");
}

#[test]
fn ntsc_h264_mp4_matches_23_976_style_rates_exactly() {
    let m = media();
    let dir = temp_dir();
    let spec = write_spec(
        dir.path(),
        "name: t\ncontainer: {format: mp4}\nvideo:\n  codec: h264\n  frame_rate: 29.97\n  pix_fmt: yuv420p\n  bit_depth: 8\naudio:\n  codec: aac\n",
    );
    let (outcome, report) = check_json(&spec, &[&m.h264]);
    assert_eq!(outcome.code, 0, "{:#}", report["files"][0]["findings"]);
    assert_eq!(
        report["files"][0]["probe"]["video"]["r_frame_rate"],
        "30000/1001"
    );
    let spec30 = write_spec(dir.path(), "name: t\nvideo:\n  frame_rate: 30\n");
    let (_, report) = check_json(&spec30, &[&m.h264]);
    assert_eq!(
        finding(&report, 0, "video.frame_rate")["actual"],
        "29.97 (30000/1001)"
    );
}

#[test]
fn video_rules_on_audio_only_file_say_no_video_stream() {
    let m = media();
    let dir = temp_dir();
    let spec = write_spec(
        dir.path(),
        "name: t\nvideo:\n  codec: prores\n  frame_rate: 25\naudio:\n  bit_depth: 24\n",
    );
    let (outcome, report) = check_json(&spec, &[&m.wav]);
    assert_eq!(outcome.code, 1);
    let codec = finding(&report, 0, "video.codec");
    assert_eq!(codec["actual"], "no video stream");
    assert!(
        findings(&report, 0)
            .iter()
            .all(|(id, _)| id.starts_with("video."))
    );
}

#[test]
fn bad_spec_exits_2_names_file_line_and_key_and_checks_nothing() {
    let m = media();
    let dir = temp_dir();
    let spec = write_spec(
        dir.path(),
        "name: x\nvideo:\n  width: \"wide\"\n  height: 1080\n",
    );
    let outcome = run(&[
        "check".as_ref(),
        "--spec".as_ref(),
        spec.as_os_str(),
        m.clean.as_os_str(),
    ]);
    assert_eq!(outcome.code, 2);
    assert_eq!(outcome.stdout, "");
    let expected = format!(
        "{}:3:10: video.width: invalid type: string \"wide\", expected an integer",
        spec.display()
    );
    assert!(outcome.stderr.contains(&expected), "{}", outcome.stderr);
}

#[test]
fn usage_errors_exit_2() {
    let outcome = run(&["check", "--spec"]);
    assert_eq!(outcome.code, 2);
    let outcome = run(&["check", "--spec", "/nonexistent/spec.yaml", "/tmp"]);
    assert_eq!(outcome.code, 2);
    assert!(
        outcome
            .stderr
            .contains("/nonexistent/spec.yaml: cannot read spec"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn bad_files_are_findings_and_the_run_goes_on() {
    let m = media();
    let dir = temp_dir();
    let d = dir.path();
    std::fs::write(d.join("empty.mov"), b"").expect("write");
    std::fs::write(d.join("notes.mov"), b"this is not a movie\n").expect("write");
    std::fs::copy(&m.clean, d.join("truncated.mov")).expect("copy");
    dailies_qc::synth::truncate_file(&d.join("truncated.mov"), 0.5).expect("truncate");
    std::fs::copy(&m.clean, d.join("good.mov")).expect("copy");
    let spec = write_spec(d, "name: t\nvideo:\n  frame_rate: 25\n");
    let (outcome, report) = check_json(&spec, &[d]);
    assert_eq!(outcome.code, 1);
    let by_name = |name: &str| {
        report["files"]
            .as_array()
            .expect("files")
            .iter()
            .find(|f| f["path"].as_str().is_some_and(|p| p.ends_with(name)))
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    for bad in ["empty.mov", "notes.mov", "truncated.mov"] {
        let file = by_name(bad);
        assert_eq!(file["status"], "error", "{bad}");
        assert_eq!(file["findings"][0]["check"], "file.readable");
        let message = file["findings"][0]["message"].as_str().expect("message");
        assert!(message.starts_with("unreadable: "), "{message}");
        assert!(
            !message.contains("0x"),
            "no pointers in messages: {message}"
        );
    }
    assert_eq!(
        by_name("empty.mov")["findings"][0]["message"],
        "unreadable: the file is empty (0 bytes)"
    );
    assert_eq!(by_name("good.mov")["status"], "pass");
    assert_eq!(report["summary"]["error"], 3);
    assert_eq!(report["summary"]["pass"], 1);
}

#[test]
fn hostile_names_are_just_files_and_escaped_in_text() {
    let m = media();
    let dir = temp_dir();
    let d = dir.path();
    let names = [
        "with space.mov",
        "ünïcødé ☃.mov",
        "-i.mov",
        "concat:a.mov",
        "red\u{1b}[31m.mov",
    ];
    for name in names {
        std::fs::copy(&m.clean, d.join(name)).expect("copy");
    }
    let spec = write_spec(d, "name: t\nvideo:\n  frame_rate: 25\n");
    let (outcome, report) = check_json(&spec, &[d]);
    assert_eq!(outcome.code, 0, "{}", outcome.stdout);
    assert_eq!(report["summary"]["pass"], names.len());
    let text = run(&[
        "check".as_ref(),
        "--spec".as_ref(),
        spec.as_os_str(),
        d.as_os_str(),
    ]);
    assert_eq!(text.code, 0);
    assert!(
        !text.stdout.contains('\u{1b}'),
        "raw escape reached the terminal"
    );
    assert!(
        text.stdout.contains("red\\x1b[31m.mov") || text.stdout.contains("red\\u{1b}[31m.mov"),
        "{}",
        text.stdout
    );
}

#[test]
fn folders_are_walked_with_include_globs_and_natural_order() {
    let m = media();
    let dir = temp_dir();
    let d = dir.path();
    std::fs::create_dir_all(d.join("day2/sub")).expect("mkdir");
    for name in ["clip10.mov", "clip2.mov", "day2/sub/clip1.MOV"] {
        std::fs::copy(&m.clean, d.join(name)).expect("copy");
    }
    std::fs::write(d.join("readme.txt"), "not media").expect("write");
    std::fs::write(d.join("day2/.DS_Store"), "junk").expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(d, d.join("day2/loop")).expect("symlink");
    let spec = write_spec(d, "name: t\n");
    let (outcome, report) = check_json(&spec, &[d]);
    let paths: Vec<String> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            f["path"]
                .as_str()
                .expect("path")
                .replace(&d.display().to_string(), "")
        })
        .collect();
    assert_eq!(
        paths[..3],
        ["/clip2.mov", "/clip10.mov", "/day2/sub/clip1.MOV"]
    );
    assert!(
        !paths
            .iter()
            .any(|p| p.contains("readme") || p.contains("DS_Store"))
    );
    let loop_reported = report["files"].as_array().expect("files").iter().any(|f| {
        f["findings"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("loop"))
    });
    assert!(loop_reported, "the symlink loop is reported: {paths:?}");
    assert_eq!(outcome.code, 1, "the loop is an error");
    // A file named explicitly is always taken, even when no glob matches it.
    let (_, report) = check_json(&spec, &[&d.join("readme.txt")]);
    assert_eq!(report["files"][0]["status"], "error");
}

#[test]
fn output_order_does_not_depend_on_jobs() {
    let m = media();
    let spec_dir = temp_dir();
    let spec = write_spec(spec_dir.path(), "name: t\n");
    let paths = |jobs: &str| {
        let outcome = run(&[
            "check",
            "--jobs",
            jobs,
            "--format",
            "json",
            "--spec",
            spec.to_str().expect("utf-8"),
            m.root.to_str().expect("utf-8"),
        ]);
        outcome.json()["files"]
            .as_array()
            .expect("files")
            .iter()
            .map(|f| f["path"].as_str().expect("path").to_owned())
            .collect::<Vec<_>>()
    };
    let one = paths("1");
    assert!(one.len() >= 6);
    assert_eq!(one, paths("4"));
}

#[test]
fn a_hung_ffprobe_is_killed_and_reported() {
    // A stale network mount, as ffprobe meets it: the read never returns. A stand-in ffprobe
    // first on PATH hangs the same way (a FIFO would be refused before any probe).
    let m = media();
    let dir = temp_dir();
    let path = path_with_stand_in(dir.path(), "ffprobe", "exec sleep 300");
    let spec = write_spec(dir.path(), "name: t\n");
    let started = std::time::Instant::now();
    let outcome = run_with_env(
        &[
            "check".as_ref(),
            "--probe-timeout".as_ref(),
            "1".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            "--spec".as_ref(),
            spec.as_os_str(),
            m.clean.as_os_str(),
        ],
        // ffprobe, not the probe worker (whose hang tests are in src/probe/worker.rs).
        &[
            ("PATH", path.as_os_str()),
            ("DAILIES_QC_PROBE", "ffprobe".as_ref()),
        ],
    );
    assert!(started.elapsed().as_secs() < 30, "the timeout did not fire");
    assert_eq!(outcome.code, 1);
    let report = outcome.json();
    assert_eq!(report["files"][0]["status"], "error");
    let message = report["files"][0]["findings"][0]["message"]
        .as_str()
        .expect("message");
    assert!(message.contains("no answer within 1 s"), "{message}");
}

#[test]
fn json_report_has_the_contract_shape() {
    let m = media();
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: Shape\naudio:\n  channels: 2\n");
    let (_, report) = check_json(&spec, &[&m.clean]);
    assert_eq!(report["schema"], "dailies-qc/report@2");
    assert_eq!(report["tool"]["name"], "dailies-qc");
    assert_eq!(report["operator"], "test-operator");
    assert_eq!(report["spec"]["name"], "Shape");
    assert_eq!(report["spec"]["sha256"].as_str().expect("sha").len(), 64);
    assert!(
        chrono::DateTime::parse_from_rfc3339(report["created"].as_str().expect("created")).is_ok()
    );
    let file = &report["files"][0];
    assert!(file["path"].as_str().expect("path").starts_with('/'));
    assert!(file["size"].as_u64().expect("size") > 0);
    assert_eq!(file["probe"]["video"]["codec"], "prores");
    assert_eq!(file["probe"]["audio"][0]["sample_rate"], 48000);
    assert!(file["probe"]["duration_s"].as_f64().is_some());
    assert!(file["measurements"].is_object());
    assert_eq!(
        report["summary"],
        serde_json::json!({"files": 1, "pass": 1, "fail": 0, "error": 0})
    );
}

#[test]
fn csv_and_output_file() {
    let m = media();
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: t\nvideo:\n  frame_rate: 24\n");
    let out = dir.path().join("out.csv");
    let outcome = run(&[
        "check".as_ref(),
        "--format".as_ref(),
        "csv".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
        "--spec".as_ref(),
        spec.as_os_str(),
        m.clean.as_os_str(),
        m.h264.as_os_str(),
    ]);
    assert_eq!(outcome.code, 1);
    assert_eq!(outcome.stdout, "", "with -o nothing goes to stdout");
    let mut reader = csv::Reader::from_path(&out).expect("csv");
    let headers = reader.headers().expect("headers").clone();
    assert!(headers.iter().any(|h| h == "check"), "{headers:?}");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let check = headers
        .iter()
        .position(|h| h == "check")
        .expect("check column");
    assert_eq!(
        rows.iter()
            .filter(|r| &r[check] == "video.frame_rate")
            .count(),
        2
    );
}

#[test]
fn absurd_jobs_are_capped_with_a_message() {
    let m = media();
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: t\n");
    let outcome = run(&[
        "check".as_ref(),
        "--jobs".as_ref(),
        "5000".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        "--spec".as_ref(),
        spec.as_os_str(),
        m.clean.as_os_str(),
    ]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(
        outcome
            .stderr
            .contains("--jobs 5000 is more than 64; inspecting 64 files at once"),
        "{}",
        outcome.stderr
    );
    assert_eq!(outcome.json()["summary"]["pass"], 1);
}

#[test]
fn a_content_pass_and_a_full_decode_that_hang_are_ended_by_the_probe_timeout() {
    // A stale mount as ffmpeg meets it in the middle of a decode: nothing more comes. The
    // stand-in answers `-codecs` as the real one does, then hangs on any decode.
    let m = media();
    let dir = temp_dir();
    let script = format!(
        "case \"$*\" in *-codecs*) exec '{}' \"$@\";; esac\nexec sleep 300",
        on_path("ffmpeg").display()
    );
    let path = path_with_stand_in(dir.path(), "ffmpeg", &script);
    for yaml in [
        "name: t\ncontent: {black: {max_s: 1}}\n",
        "name: t\nintegrity: {decode: true}\n",
    ] {
        let spec = write_spec(dir.path(), yaml);
        let started = std::time::Instant::now();
        let outcome = run_with_env(
            &[
                "check".as_ref(),
                "--no-cache".as_ref(),
                "--probe-timeout".as_ref(),
                "1".as_ref(),
                "--format".as_ref(),
                "json".as_ref(),
                "--spec".as_ref(),
                spec.as_os_str(),
                m.clean.as_os_str(),
            ],
            &[("PATH", path.as_os_str())],
        );
        assert!(
            started.elapsed().as_secs() < 30,
            "{yaml}: the stall limit did not fire"
        );
        assert_eq!(outcome.code, 1, "{yaml}: {}", outcome.stderr);
        let text = outcome.json()["files"][0]["findings"].to_string();
        assert!(text.contains("wrote nothing for 1 s"), "{yaml}: {text}");
    }
}

#[test]
fn completions_man_page_and_version_come_from_the_command_definitions() {
    let bash = run(&["completions", "bash"]);
    assert_eq!(bash.code, 0, "{}", bash.stderr);
    for word in ["check", "seal", "merge", "--spec", "--probe-timeout"] {
        assert!(
            bash.stdout.contains(word),
            "{word} missing from the bash completions"
        );
    }
    let dir = temp_dir();
    let script = dir.path().join("dailies-qc.bash");
    std::fs::write(&script, &bash.stdout).expect("write");
    let parsed = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .expect("bash");
    assert!(parsed.success(), "bash cannot parse the completions");
    for shell in ["zsh", "fish"] {
        let out = run(&["completions", shell]);
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        assert!(out.stdout.contains("probe-timeout"), "{shell}");
    }
    let man = run(&["man"]);
    assert_eq!(man.code, 0, "{}", man.stderr);
    assert!(man.stdout.contains(".TH dailies-qc 1"), "{}", man.stdout);
    assert!(man.stdout.contains("seal"), "{}", man.stdout);
    let version = run(&["--version"]);
    assert_eq!(version.code, 0);
    assert!(
        version
            .stdout
            .starts_with(&format!("dailies-qc {}", env!("CARGO_PKG_VERSION")))
    );
    assert!(version.stdout.contains("build for"), "{}", version.stdout);
    assert!(version.stdout.contains("probe: "), "{}", version.stdout);
}
