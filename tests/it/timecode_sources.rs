//! The start timecode read from where dailies keep it, with its source in the report
//! (`files[].timecode_source`) and the HTML export: QuickTime `tmcd`, MXF (OP-Atom sound too),
//! BWF `bext` TimeReference (samples since midnight), Matroska tags; a malformed tag is absent.

use crate::common::*;
use std::path::{Path, PathBuf};

/// Where each kind of file is written.
struct Media {
    dir: tempfile::TempDir,
}

impl Media {
    fn new() -> Media {
        Media { dir: temp_dir() }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn make(&self, name: &str, args: &[&str]) -> PathBuf {
        let path = self.path(name);
        let mut all: Vec<&str> = args.to_vec();
        all.push(path.to_str().expect("UTF-8 temp path"));
        ffmpeg(&all);
        path
    }

    /// A Zoom recorder's BWF: TimeReference 2350992000 at 48 kHz = 13:36:19 since midnight.
    fn zoom_bwf(&self) -> PathBuf {
        self.make(
            "ZOOM0001.wav",
            &[
                "-f",
                "lavfi",
                "-i",
                "sine=d=1:sample_rate=48000",
                "-ac",
                "2",
                "-c:a",
                "pcm_s24le",
                "-write_bext",
                "1",
                "-metadata",
                "time_reference=2350992000",
            ],
        )
    }
}

fn check(spec_yaml: &str, dir: &Path, files: &[&Path]) -> serde_json::Value {
    let spec = write_spec(dir, spec_yaml);
    let report = dir.join("report.json");
    let mut args = vec![
        "check".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        "-o".as_ref(),
        report.as_os_str(),
        "--spec".as_ref(),
        spec.as_os_str(),
    ];
    args.extend(files.iter().map(|f| f.as_os_str()));
    let outcome = run(&args);
    assert!(outcome.code <= 1, "{}", outcome.stderr);
    serde_json::from_slice(&std::fs::read(&report).expect("report written")).expect("JSON")
}

fn file<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    &report["files"][index_of(report, name)]
}

#[test]
fn every_kind_of_timecode_is_read_with_its_source() {
    let m = Media::new();
    let mov = m.make(
        "A001C001.mov",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x180:rate=25:duration=1",
            "-c:v",
            "mpeg4",
            "-timecode",
            "10:00:00:00",
        ],
    );
    let op_atom_sound = m.make(
        "A001C001_A1.mxf",
        &[
            "-f",
            "lavfi",
            "-i",
            "sine=d=1:sample_rate=48000",
            "-c:a",
            "pcm_s24le",
            "-timecode",
            "10:00:00:00",
            "-fflags",
            "+bitexact",
            "-f",
            "mxf_opatom",
        ],
    );
    let mkv = m.make(
        "A001C001.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x180:rate=25:duration=1",
            "-c:v",
            "mpeg4",
            "-timecode",
            "10:00:00:00",
        ],
    );
    let zoom = m.zoom_bwf();
    let report = check(
        "name: t\ntimecode: {start: '13:36:19:00'}\n",
        m.dir.path(),
        &[&mov, &op_atom_sound, &mkv, &zoom],
    );
    for (name, source, start) in [
        ("A001C001.mov", "tmcd", "10:00:00:00"),
        ("A001C001_A1.mxf", "mxf", "10:00:00:00"),
        ("A001C001.mkv", "tag", "10:00:00:00"),
        // No iXML rate, no spec rate, no picture: counted at an assumed 25 fps, and it says so.
        ("ZOOM0001.wav", "bext-assumed", "13:36:19:00"),
    ] {
        let f = file(&report, name);
        assert_eq!(f["timecode_source"], source, "{name}: {f:#}");
        assert_eq!(f["probe"]["timecode"], start, "{name}");
    }
    assert_eq!(file(&report, "ZOOM0001.wav")["status"], "pass");
    assert_eq!(file(&report, "ZOOM0001.wav")["timecode_rate"], "25/1");

    let html = run(&[
        "export".as_ref(),
        m.dir.path().join("report.json").as_os_str(),
        "--format".as_ref(),
        "html".as_ref(),
    ])
    .stdout;
    assert!(
        html.contains("<dt>Timecode</dt><dd>13:36:19:00 (bext-assumed)</dd>"),
        "{html}"
    );
}

#[test]
fn bext_counts_at_the_spec_rate_else_says_which_rate_it_assumed() {
    let m = Media::new();
    let zoom = m.zoom_bwf();
    let report = check(
        "name: t\ntimecode: {start: '10:00:00:00'}\n",
        m.dir.path(),
        &[&zoom],
    );
    let f = finding(&report, 0, "timecode.start");
    assert_eq!(f["actual"], "13:36:19:00");
    assert_eq!(
        f["message"],
        "start timecode: expected 10:00:00:00, got 13:36:19:00 (timecode from bext at an assumed 25 fps)"
    );
    // 2350992000 samples at 2002 per 23.976 frame: frame 1174321 = 13:35:30:01.
    let report = check(
        "name: t\ntimecode: {start: '10:00:00:00', rate: 23.976}\n",
        m.dir.path(),
        &[&zoom],
    );
    let f = finding(&report, 0, "timecode.start");
    assert_eq!(f["actual"], "13:35:30:01");
    assert_eq!(
        f["message"],
        "start timecode: expected 10:00:00:00, got 13:35:30:01"
    );
}

#[test]
fn malformed_timecode_tags_are_no_timecode() {
    let m = Media::new();
    let mut files = Vec::new();
    for (i, bad) in ["00:00:00:0", "25:00:00:00", "garbage"].iter().enumerate() {
        let tag = format!("timecode={bad}");
        files.push(m.make(
            &format!("bad{i}.mkv"),
            &[
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=320x180:rate=25:duration=1",
                "-c:v",
                "mpeg4",
                "-metadata:s:v:0",
                &tag,
            ],
        ));
    }
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let report = check(
        "name: t\ntimecode: {start: '10:00:00:00'}\n",
        m.dir.path(),
        &paths,
    );
    for (i, bad) in ["00:00:00:0", "25:00:00:00", "garbage"].iter().enumerate() {
        let index = index_of(&report, &format!("bad{i}.mkv"));
        let f = &report["files"][index];
        assert_eq!(f["probe"]["timecode"], serde_json::Value::Null, "{bad}");
        assert_eq!(f.get("timecode_source"), None, "{bad}");
        assert_eq!(
            finding(&report, index, "timecode.start")["actual"],
            format!("malformed timecode tag '{bad}'")
        );
    }
}

/// A recorder's BWF whose iXML says its timecode counted at `rate` (`DF` or `NDF`).
fn recorder_bwf(dir: &Path, name: &str, samples: u64, rate: &str, flag: &str) -> PathBuf {
    let path = dir.join(name);
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "sine=d=1:sample_rate=48000",
        "-c:a",
        "pcm_s24le",
        "-write_bext",
        "1",
        "-metadata",
        &format!("time_reference={samples}"),
        "-rf64",
        "never",
        path.to_str().expect("UTF-8 temp path"),
    ]);
    let ixml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><BWFXML><IXML_VERSION>1.61</IXML_VERSION>\
         <SPEED><TIMECODE_RATE>{rate}</TIMECODE_RATE><TIMECODE_FLAG>{flag}</TIMECODE_FLAG>\
         </SPEED></BWFXML>"
    );
    deliveries::append_riff_chunk(&path, b"iXML", ixml.as_bytes());
    path
}

#[test]
fn a_sound_file_counts_at_its_recorders_rate_before_the_specs() {
    let m = Media::new();
    let dir = m.dir.path();
    // 12:39:59:00 at 23.976 NDF: 1,094,376 frames of 2002 samples. Counted at 25 fps it would
    // read 12:40:44:14, 45 s late.
    let film = recorder_bwf(dir, "T01.wav", 1_094_376 * 2002, "24000/1001", "NDF");
    let pal = recorder_bwf(dir, "T02.wav", 36_000 * 48_000, "25/1", "NDF");
    // 01:00:00;00 drop-frame at 29.97 is frame 107,892; 1601.6 samples a frame.
    let ntsc = recorder_bwf(dir, "T03.wav", 172_799_828, "30000/1001", "DF");
    let spec = "name: t\ntimecode: {rate: 25}\n";
    let report = check(spec, dir, &[&film, &pal, &ntsc]);
    for (name, start, rate) in [
        ("T01.wav", "12:39:59:00", "24000/1001"),
        ("T02.wav", "10:00:00:00", "25/1"),
        ("T03.wav", "01:00:00;00", "30000/1001"),
    ] {
        let f = file(&report, name);
        assert_eq!(f["probe"]["timecode"], start, "{name}: {f:#}");
        assert_eq!(f["timecode_source"], "ixml", "{name}");
        assert_eq!(f["timecode_rate"], rate, "{name}");
    }
    // Without a rate of its own, the spec's rate counts.
    let plain = m.zoom_bwf();
    let report = check("name: t\ntimecode: {rate: 23.976}\n", dir, &[&plain]);
    let f = file(&report, "ZOOM0001.wav");
    assert_eq!(f["probe"]["timecode"], "13:35:30:01");
    assert_eq!(f["timecode_source"], "bext");
    assert_eq!(f["timecode_rate"], "24000/1001");
}

/// Sound with no rate of its own (no iXML, no spec rate) keeps the timecode it assumed, and
/// says so (`bext-assumed`, 25/1), while the pairing counts it at the pictures' rate: a pass
/// changes no file's own result, so a merge or a watch judges it the same way every time.
#[test]
fn sound_with_no_rate_of_its_own_says_it_assumed_one_and_still_pairs() {
    let m = Media::new();
    let dir = m.dir.path();
    let picture = deliveries::take(dir, "T01.mov", "10:01:00:00");
    // A bext TimeReference and no iXML: at 24 fps it starts a second before the take.
    let sound = dir.join("S01.wav");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "sine=d=3:sample_rate=48000",
        "-c:a",
        "pcm_s24le",
        "-write_bext",
        "1",
        "-metadata",
        &format!("time_reference={}", deliveries::at_48k(10, 0, 59, 0)),
        sound.to_str().expect("UTF-8 temp path"),
    ]);
    let spec = deliveries::DOUBLE_SYSTEM_SPEC.replace("timecode: {rate: 24}\n", "");
    let report = check(&spec, dir, &[&picture, &sound]);
    let s = file(&report, "S01.wav");
    assert_eq!(s["timecode_source"], "bext-assumed", "{s:#}");
    assert_eq!(s["timecode_rate"], "25/1");
    let t = file(&report, "T01.mov");
    assert_eq!(t["status"], "pass", "{t:#}");
    assert_eq!(t["paired"][0]["offset_frames"], 24, "{t:#}");
}

/// A sound file is placed by its own timecode, as the pictures beside it are: a finding on a
/// 23.976 recorder's take reads `12:39:59:05`, not elapsed time (`00:00:00.208`).
#[test]
fn findings_on_a_sound_file_are_placed_by_its_timecode() {
    let m = Media::new();
    let dir = m.dir.path();
    let film = recorder_bwf(dir, "T01.wav", 1_094_376 * 2002, "24000/1001", "NDF");
    let spec = "name: t\naudio: {loudness: {true_peak_max: -30}}\n";
    let report = check(spec, dir, &[&film]);
    let f = file(&report, "T01.wav");
    let peak = f["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|x| x["check"] == "audio.loudness.true_peak")
        .unwrap_or_else(|| panic!("a true peak finding: {f:#}"));
    let at = peak["at"]["start"].as_str().expect("a place");
    assert!(
        at.starts_with("12:39:59:") || at.starts_with("12:40:00:"),
        "{at}"
    );
    assert_eq!(f["measurements"]["loudness"]["true_peak_at"], at, "{f:#}");
}
