//! Clips (`clips:`): Avid OP-Atom track files grouped by material package UMID or by name, judged
//! as one clip (`clip.tracks`, `clip.sync`), recorded as `clips[]` and `files[].clip`.
//!
//! ffmpeg with `-fflags +bitexact` writes the same material package UMID into every OP-Atom
//! file, so track files made one by one form one clip (and two such clips collide: name grouping
//! tells them apart).

use crate::common::*;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const AVID_SPEC: &str = "specs/avid-dnxhd36-dailies.yaml";

/// Half a second of one 48 kHz 24-bit sound track in OP-Atom, starting at `timecode`.
fn sound_track(dir: &Path, name: &str, timecode: &str) -> PathBuf {
    opatom_sound(
        dir,
        name,
        "sine=frequency=1000:sample_rate=48000",
        "0.5",
        timecode,
    )
}

/// `seconds` of the mono lavfi `source` as an OP-Atom 48 kHz 24-bit sound track.
fn opatom_sound(dir: &Path, name: &str, source: &str, seconds: &str, timecode: &str) -> PathBuf {
    let path = dir.join(name);
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        source,
        "-t",
        seconds,
        "-c:a",
        "pcm_s24le",
        "-ac",
        "1",
        "-timecode",
        timecode,
        "-fflags",
        "+bitexact",
        "-f",
        "mxf_opatom",
        path.to_str().expect("UTF-8 temp path"),
    ]);
    path
}

/// The same track file under another name: a copy, since the scan takes a hard link for the
/// file it links to.
fn copy(from: &Path, dir: &Path, name: &str) -> PathBuf {
    let to = dir.join(name);
    std::fs::copy(from, &to).expect("copy track");
    to
}

fn media_dir(root: &Path, name: &str) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir(&dir).expect("media dir");
    dir
}

fn clip_findings(clip: &Value) -> Vec<(String, String)> {
    clip["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            (
                f["check"].as_str().expect("check").to_owned(),
                f["message"].as_str().expect("message").to_owned(),
            )
        })
        .collect()
}

fn member_names(clip: &Value) -> Vec<String> {
    clip["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| {
            let path = m.as_str().expect("path");
            path.rsplit('/').next().unwrap_or(path).to_owned()
        })
        .collect()
}

#[test]
fn the_avid_spec_passes_a_whole_op_atom_clip_and_fails_one_without_its_second_sound_track() {
    let root = temp_dir();
    let whole = media_dir(root.path(), "whole");
    let v1 = op_atom_picture(&whole, "C001_V1.mxf", "24000/1001");
    let a1 = sound_track(&whole, "C001_A1.mxf", "00:00:00:00");
    sound_track(&whole, "C001_A2.mxf", "00:00:00:00");

    let outcome = check_json(Path::new(AVID_SPEC), &[&whole]);
    assert_eq!(outcome.code, 0, "{}", outcome.stdout);
    let report = outcome.json();
    assert_eq!(report["clips"].as_array().map(Vec::len), Some(1));
    let clip = &report["clips"][0];
    assert_eq!(clip["id"], "C001");
    assert_eq!(clip["kind"], "picture");
    assert_eq!(clip["status"], "pass");
    assert_eq!(
        member_names(clip),
        ["C001_V1.mxf", "C001_A1.mxf", "C001_A2.mxf"]
    );
    for (i, file) in report["files"]
        .as_array()
        .expect("files")
        .iter()
        .enumerate()
    {
        assert_eq!(file["clip"], "C001");
        assert_eq!(findings(&report, i), []);
    }

    let short = media_dir(root.path(), "short");
    copy(&v1, &short, "C001_V1.mxf");
    copy(&a1, &short, "C001_A1.mxf");
    let outcome = check_json(Path::new(AVID_SPEC), &[&short]);
    assert_eq!(outcome.code, 1, "{}", outcome.stdout);
    let report = outcome.json();
    let clip = &report["clips"][0];
    assert_eq!(clip["status"], "fail");
    assert_eq!(
        clip_findings(clip),
        [(
            "clip.tracks".to_owned(),
            "audio tracks: expected 2-8, got 1: 1 audio track missing (tracks: C001_A1.mxf)"
                .to_owned()
        )]
    );
    assert_eq!(findings(&report, 0), [], "the tracks themselves are fine");
}

#[test]
fn a_track_file_is_judged_by_the_rules_for_the_streams_it_carries() {
    let root = temp_dir();
    let media = media_dir(root.path(), "media");
    op_atom_picture(&media, "T_V1.mxf", "24000/1001");
    sound_track(&media, "T_A1.mxf", "00:00:00:00");
    let rules = "video: {codec: dnxhd, frame_rate: 23.976}
audio: {sample_rate: 48000, bit_depth: 24}
sync: {max_start_offset_ms: 0}
";
    let alone = write_spec(root.path(), &format!("name: files alone\n{rules}"));
    let report = check_json(&alone, &[&media]).json();
    let sound = index_of(&report, "T_A1.mxf");
    assert!(
        findings(&report, sound)
            .iter()
            .any(|(check, _)| check == "video.codec"),
        "without clips a sound track fails the picture rules: {:#}",
        report["files"][sound]
    );

    let as_clips = write_spec(
        root.path(),
        &format!("name: clips\n{rules}clips: {{tracks: {{video: 1, audio: 1}}}}\n"),
    );
    let outcome = check_json(&as_clips, &[&media]);
    let report = outcome.json();
    assert_eq!(outcome.code, 0, "{report:#}");
    for name in ["T_V1.mxf", "T_A1.mxf"] {
        assert_eq!(findings(&report, index_of(&report, name)), [], "{name}");
    }
    assert_eq!(report["clips"][0]["id"], "T");
}

#[test]
fn two_clips_with_one_umid_are_told_apart_by_name() {
    let root = temp_dir();
    let media = media_dir(root.path(), "media");
    let v1 = op_atom_picture(&media, "A_V1.mxf", "24000/1001");
    let a1 = sound_track(&media, "A_A1.mxf", "00:00:00:00");
    copy(&a1, &media, "A_A2.mxf");
    copy(&v1, &media, "B_V1.mxf");
    copy(&a1, &media, "B_A1.mxf");
    let tracks = "tracks: {video: 1, audio: \"2-8\"}";

    let by_umid = write_spec(
        root.path(),
        &format!("name: by umid\nclips:\n  group: material_package\n  {tracks}\n"),
    );
    let report = check_json(&by_umid, &[&media]).json();
    let clips = report["clips"].as_array().expect("clips");
    assert_eq!(clips.len(), 1, "bitexact files share a UMID: {clips:#?}");
    assert!(
        clips[0]["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("0x")),
        "no shared stem: the UMID is the id: {:#}",
        clips[0]
    );

    let by_name = write_spec(
        root.path(),
        &format!(
            "name: by name\nclips:\n  group: name\n  name: '^(?P<clip>.+?)_(V|A)\\d+\\.mxf$'\n  {tracks}\n"
        ),
    );
    let outcome = check_json(&by_name, &[&media]);
    assert_eq!(outcome.code, 1);
    let report = outcome.json();
    let summary: Vec<(String, String, Vec<String>)> = report["clips"]
        .as_array()
        .expect("clips")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().expect("id").to_owned(),
                c["status"].as_str().expect("status").to_owned(),
                member_names(c),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "A".to_owned(),
                "pass".to_owned(),
                vec!["A_V1.mxf".into(), "A_A1.mxf".into(), "A_A2.mxf".into()]
            ),
            (
                "B".to_owned(),
                "fail".to_owned(),
                vec!["B_V1.mxf".into(), "B_A1.mxf".into()]
            ),
        ]
    );
    assert_eq!(report["files"][index_of(&report, "B_A1.mxf")]["clip"], "B");
}

#[test]
fn tracks_out_of_step_are_clip_sync_findings_not_a_crash() {
    let root = temp_dir();
    let media = media_dir(root.path(), "media");
    let r_v1 = op_atom_picture(&media, "R_V1.mxf", "24000/1001");
    op_atom_picture(&media, "R_V2.mxf", "25");
    copy(&r_v1, &media, "S_V1.mxf");
    sound_track(&media, "S_A1.mxf", "00:00:00:05");
    let spec = write_spec(
        root.path(),
        "name: sync
clips:
  group: name
  name: '^(?P<clip>.+?)_(V|A)\\d+\\.mxf$'
  max_start_delta_frames: 0
  max_length_delta_frames: 1
",
    );
    let outcome = check_json(&spec, &[&media]);
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    let report = outcome.json();
    let messages: Vec<Vec<(String, String)>> = report["clips"]
        .as_array()
        .expect("clips")
        .iter()
        .map(clip_findings)
        .collect();
    assert_eq!(
        messages,
        [
            vec![(
                "clip.sync".to_owned(),
                "tracks disagree on frame rate: R_V1.mxf has 23.976 (24000/1001), R_V2.mxf has 25"
                    .to_owned()
            )],
            vec![(
                "clip.sync".to_owned(),
                "track start timecodes 5 frames apart, more than 0: S_V1.mxf 00:00:00:00, \
                 S_A1.mxf 00:00:00:05"
                    .to_owned()
            )],
        ]
    );
}

#[test]
fn a_name_regex_without_a_clip_group_is_a_spec_error() {
    let root = temp_dir();
    let spec = write_spec(
        root.path(),
        "name: clips\nclips:\n  group: name\n  name: '^(.+)_V1\\.mxf$'\n",
    );
    let outcome = check_json(&spec, &[root.path()]);
    assert_eq!(outcome.code, 2);
    let expected = format!(
        "dailies-qc: {}:4:3: clips.name: the regex \"^(.+)_V1\\\\.mxf$\" has no named group `clip`",
        spec.display()
    );
    assert!(outcome.stderr.starts_with(&expected), "{}", outcome.stderr);
}

#[test]
fn merge_and_export_carry_clips_and_the_reviews_of_clip_findings() {
    let root = temp_dir();
    let media = media_dir(root.path(), "media");
    op_atom_picture(&media, "M_V1.mxf", "24000/1001");
    sound_track(&media, "M_A1.mxf", "00:00:00:00");
    let older = root.path().join("older.json");
    let newer = root.path().join("newer.json");
    check_to_json_file(&older, Path::new(AVID_SPEC), &media);
    check_to_json_file(&newer, Path::new(AVID_SPEC), &media);

    let mut reviewed: Value =
        serde_json::from_slice(&std::fs::read(&older).expect("older")).expect("JSON");
    reviewed["created"] = json!("2026-01-01T00:00:00+00:00");
    reviewed["clips"][0]["findings"][0]["review"] = json!({
        "verdict": "waived", "note": "A2 delivered later", "operator": "ana",
        "at": "2026-01-01T00:05:00+00:00"
    });
    std::fs::write(&older, reviewed.to_string()).expect("write older");

    let merged = run(&["merge".as_ref(), older.as_os_str(), newer.as_os_str()]);
    assert_eq!(merged.code, 0, "{}", merged.stderr);
    let merged = merged.json();
    let clip = &merged["clips"][0];
    assert_eq!(clip["id"], "M");
    assert_eq!(clip["findings"][0]["review"]["verdict"], "waived");
    assert_eq!(
        merged["verdict"], "approved",
        "the waived clip finding was the only error"
    );

    let exported = run(&[
        "export".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        older.as_os_str(),
    ]);
    assert_eq!(exported.code, 0, "{}", exported.stderr);
    assert_eq!(exported.json()["clips"][0]["id"], "M");
}

#[test]
fn exports_list_the_track_files_under_their_clip() {
    let root = temp_dir();
    let media = media_dir(root.path(), "media");
    sound_track(&media, "E_A1.mxf", "00:00:00:00");
    op_atom_picture(&media, "E_V1.mxf", "24000/1001");
    let export = |format: &str| {
        let outcome = run(&[
            "check".as_ref(),
            "--format".as_ref(),
            format.as_ref(),
            "--spec".as_ref(),
            Path::new(AVID_SPEC).as_os_str(),
            media.as_os_str(),
        ]);
        assert_eq!(outcome.code, 1, "{}", outcome.stderr);
        // Text shows paths relative to the working directory, the others as given.
        let relative = media
            .strip_prefix(std::env::current_dir().expect("cwd"))
            .unwrap_or(&media);
        outcome
            .stdout
            .replace(&format!("{}/", media.display()), "")
            .replace(&format!("{}/", relative.display()), "")
    };

    assert_eq!(
        export("text"),
        "Spec: Avid DNxHD 36 dailies
FAIL   clip E (2 track files)
       clip.tracks                audio tracks: expected 2-8, got 1: 1 audio track missing (tracks: E_A1.mxf)
  PASS   E_V1.mxf
  PASS   E_A1.mxf

2 files: 2 pass, 0 fail, 0 error
1 clip: 0 pass, 1 fail, 0 error
"
    );
    assert_eq!(
        export("csv"),
        "file,status,check,severity,expected,actual,timecode,verdict,note,operator,time,clip
,fail,clip.tracks,error,2-8,1,,open,,,,E
E_V1.mxf,pass,,,,,,,,,,E
E_A1.mxf,pass,,,,,,,,,,E
"
    );
    let junit = export("junit");
    let cases: Vec<&str> = junit
        .lines()
        .filter_map(|l| l.trim().strip_prefix("<testcase name=\""))
        .filter_map(|l| l.split('"').next())
        .collect();
    assert_eq!(cases, ["clip E", "E_V1.mxf", "E_A1.mxf"]);
    let html = export("html");
    assert!(
        html.contains("clip E</h3>\n  <ul class=\"tracks\"><li><a href=\"#file-2\">E_V1.mxf</a></li><li><a href=\"#file-1\">E_A1.mxf</a></li></ul>"),
        "{html}"
    );
}

#[test]
fn the_review_screen_gets_the_clips_of_its_checks() {
    use dailies_qc::tui::update::{Msg, update};
    let root = temp_dir();
    let media = media_dir(root.path(), "media");
    op_atom_picture(&media, "R_V1.mxf", "24000/1001");
    sound_track(&media, "R_A1.mxf", "00:00:00:00");
    let spec = dailies_qc::spec::load(Path::new(AVID_SPEC)).expect("spec");
    let (send, receive) = std::sync::mpsc::channel();
    let jobs = dailies_qc::tui::jobs::spawn(
        spec,
        vec![media.clone()],
        dailies_qc::engine::Options::default(),
        send,
    )
    .expect("checks start");
    let mut model = dailies_qc::tui::model::Model::new(
        Default::default(),
        "ana".into(),
        None,
        dailies_qc::tui::sample::fixed_clock,
    );
    for msg in receive {
        let done = matches!(msg, Msg::ChecksDone);
        update(&mut model, msg);
        if done {
            break;
        }
    }
    jobs.join().expect("checks end");
    let report = model.to_report();
    assert_eq!(report.files.len(), 2);
    assert_eq!(report.clips.len(), 1);
    assert_eq!(report.clips[0].id, "R");
    assert_eq!(report.clips[0].status.as_str(), "fail");
    assert_eq!(model.visible.len(), 1, "one folded clip row");
}

/// Three seconds of a mono `frequency` Hz tone at `volume`, as an OP-Atom sound track.
fn tone_track(dir: &Path, name: &str, frequency: u32, volume: &str) -> PathBuf {
    let source = format!("sine=frequency={frequency}:sample_rate=48000,volume={volume}");
    opatom_sound(dir, name, &source, "3", "00:00:00:00")
}

/// The integrated loudness an `audio.loudness.integrated` finding reports, in LUFS.
fn integrated_lufs(findings: &Value) -> f64 {
    let finding = findings
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["check"] == "audio.loudness.integrated")
        .unwrap_or_else(|| panic!("no integrated loudness finding in {findings}"));
    let actual = finding["actual"].as_str().expect("actual");
    actual
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no figure in {actual:?}"))
}

#[test]
fn a_stereo_programme_on_two_mono_track_files_is_measured_on_the_clip() {
    let root = temp_dir();
    let media = media_dir(root.path(), "clip");
    op_atom_picture(&media, "C001_V1.mxf", "25");
    let a1 = tone_track(&media, "C001_A1.mxf", 1000, "0.2");
    let a2 = tone_track(&media, "C001_A2.mxf", 440, "0.1");
    let spec = write_spec(
        root.path(),
        "name: clip programmes
clips: {group: material_package, tracks: {video: 1, audio: 2}}
audio:
  layout:
    - {name: stereo, channels: [\"1:1 L\", \"2:1 R\"]}
    - {name: centre, channels: [\"3:1 C\"]}
  loudness: {integrated: -40, tolerance: 0.5}
",
    );
    let outcome = check_json(&spec, &[&media]);
    let report = outcome.json();
    let clip = &report["clips"][0];
    // The track files carry one channel each: the layout is the clip's to judge, not theirs.
    for i in 0..3 {
        assert!(
            findings(&report, i)
                .iter()
                .all(|(check, _)| !check.starts_with("audio.")),
            "{:?}",
            findings(&report, i)
        );
    }
    let clip_checks = clip_findings(clip);
    assert!(
        clip_checks
            .iter()
            .any(|(check, message)| check == "audio.layout"
                && message.contains("centre")
                && message.contains("3:1")),
        "{clip_checks:?}"
    );

    // The same two channels in one stereo WAV, measured per stream as before.
    let stereo = media_dir(root.path(), "stereo");
    let wav = stereo.join("mix.wav");
    ffmpeg(&[
        "-i",
        a1.to_str().expect("UTF-8"),
        "-i",
        a2.to_str().expect("UTF-8"),
        "-filter_complex",
        "[0:a][1:a]join=inputs=2:channel_layout=stereo",
        "-c:a",
        "pcm_s24le",
        wav.to_str().expect("UTF-8"),
    ]);
    let plain = write_spec(
        &stereo,
        "name: stereo\naudio:\n  loudness: {integrated: -40, tolerance: 0.5}\n",
    );
    let reference = check_json(&plain, &[&wav]).json();
    let on_clip = integrated_lufs(&clip["findings"]);
    let in_one_file = integrated_lufs(&reference["files"][0]["findings"]);
    assert!(
        (on_clip - in_one_file).abs() <= 0.1,
        "clip {on_clip} LUFS vs stereo file {in_one_file} LUFS"
    );
}
