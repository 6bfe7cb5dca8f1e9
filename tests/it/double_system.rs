//! Double system: generated picture with known start timecodes against generated Broadcast WAVs
//! (bext TimeReference, plus an iXML chunk the test writes) that cover, partly cover, miss and
//! orphan; mixed rates; a corrupt iXML chunk; RF64 polyphonic sound rolls.

use crate::common::*;
use std::path::{Path, PathBuf};

const SPEC: &str = "name: double system
kinds:
  - name: picture
    match: {include: [\"*.mov\"], has: [video]}
  - name: sound
    match: {include: [\"*.wav\"], has: [audio], lacks: [video]}
    audio: {sample_rate: 48000}
double_system: {picture: picture, sound: sound, mos: '(?i)_MOS'}
";

/// `frames` frames of small MPEG-4 picture at `rate` starting at timecode `tc`.
fn picture(dir: &Path, name: &str, rate: &str, tc: &str, frames: u32) -> PathBuf {
    let path = dir.join(name);
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        &format!("testsrc2=size=160x90:rate={rate}"),
        "-frames:v",
        &frames.to_string(),
        "-c:v",
        "mpeg4",
        "-timecode",
        tc,
        path.to_str().expect("UTF-8 temp path"),
    ]);
    path
}

/// A Broadcast WAV of `seconds` at `sample_rate` whose bext TimeReference is `start_samples`;
/// RF64 when `rf64`.
fn bwf(dir: &Path, name: &str, start_samples: u64, seconds: f64, sample_rate: u32) -> PathBuf {
    bwf_with(dir, name, start_samples, seconds, sample_rate, 1, false)
}

fn bwf_with(
    dir: &Path,
    name: &str,
    start_samples: u64,
    seconds: f64,
    sample_rate: u32,
    channels: u32,
    rf64: bool,
) -> PathBuf {
    let path = dir.join(name);
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        &format!("sine=frequency=1000:sample_rate={sample_rate}:duration={seconds}"),
        "-ac",
        &channels.to_string(),
        "-c:a",
        "pcm_s24le",
        "-write_bext",
        "1",
        "-metadata",
        &format!("time_reference={start_samples}"),
        "-rf64",
        if rf64 { "always" } else { "never" },
        path.to_str().expect("UTF-8 temp path"),
    ]);
    path
}

/// Appends a RIFF chunk to a WAV or RF64 file and fixes the file's size field (RIFF's 32-bit
/// size, or the ds64 chunk's 64-bit one).
fn append_chunk(path: &Path, id: &[u8; 4], body: &[u8]) {
    let mut bytes = std::fs::read(path).expect("read wav");
    bytes.extend_from_slice(id);
    bytes.extend_from_slice(
        &u32::try_from(body.len())
            .expect("small chunk")
            .to_le_bytes(),
    );
    bytes.extend_from_slice(body);
    if body.len() % 2 == 1 {
        bytes.push(0);
    }
    let riff_size = bytes.len() as u64 - 8;
    match &bytes[0..4] {
        b"RIFF" => bytes[4..8].copy_from_slice(&(riff_size as u32).to_le_bytes()),
        b"RF64" => {
            assert_eq!(&bytes[12..16], b"ds64", "ds64 follows the RF64 header");
            bytes[20..28].copy_from_slice(&riff_size.to_le_bytes());
        }
        other => panic!("not a WAV file: {other:?}"),
    }
    std::fs::write(path, bytes).expect("write wav");
}

fn ixml(scene: &str, take: &str, tape: &str, timecode_rate: &str, tracks: &[&str]) -> String {
    let tracks: String = tracks
        .iter()
        .enumerate()
        .map(|(i, name)| {
            format!(
                "<TRACK><CHANNEL_INDEX>{}</CHANNEL_INDEX><NAME>{name}</NAME></TRACK>",
                i + 1
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><BWFXML><IXML_VERSION>1.61</IXML_VERSION>\
         <SCENE>{scene}</SCENE><TAKE>{take}</TAKE><TAPE>{tape}</TAPE><CIRCLED>TRUE</CIRCLED>\
         <NOTE>wind</NOTE><SPEED><MASTER_SPEED>24000/1001</MASTER_SPEED>\
         <TIMECODE_RATE>{timecode_rate}</TIMECODE_RATE><TIMECODE_FLAG>NDF</TIMECODE_FLAG></SPEED>\
         <TRACK_LIST><TRACK_COUNT>{}</TRACK_COUNT>{tracks}</TRACK_LIST></BWFXML>",
        tracks.len()
    )
}

/// Samples since midnight at 48 kHz of `hours:minutes:seconds` plus `frames` at 24 fps.
fn at_48k(hours: u64, minutes: u64, seconds: u64, frames: u64) -> u64 {
    ((hours * 60 + minutes) * 60 + seconds) * 48000 + frames * 2000
}

fn report_of(spec: &Path, media: &Path) -> serde_json::Value {
    let outcome = check_json(spec, &[media]);
    assert!(outcome.code == 0 || outcome.code == 1, "{}", outcome.stderr);
    outcome.json()
}

fn checks(report: &serde_json::Value, name: &str) -> Vec<(String, String)> {
    findings(report, index_of(report, name))
}

fn pair<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    &report["files"][index_of(report, name)]["paired"][0]
}

#[test]
fn picture_is_matched_to_the_sound_that_covers_its_timecode() {
    let dir = temp_dir();
    let media = dir.path().join("media");
    std::fs::create_dir(&media).expect("media dir");
    let spec = write_spec(dir.path(), &format!("{SPEC}timecode: {{rate: 24}}\n"));
    picture(&media, "A001_cover.mov", "24", "10:00:00:00", 48);
    bwf(&media, "S_cover.wav", at_48k(9, 59, 59, 0), 4.0, 48000);
    picture(&media, "A002_partial.mov", "24", "11:00:00:00", 48);
    bwf(&media, "S_partial.wav", at_48k(11, 0, 0, 12), 3.0, 48000);
    picture(&media, "A003_miss.mov", "24", "12:00:00:00", 48);
    picture(&media, "A004_MOS.mov", "24", "13:00:00:00", 48);
    bwf(&media, "S_orphan.wav", at_48k(15, 0, 0, 0), 2.0, 48000);

    let report = report_of(&spec, &media);

    assert_eq!(checks(&report, "A001_cover.mov"), []);
    assert_eq!(pair(&report, "A001_cover.mov")["role"], "sound");
    assert!(
        pair(&report, "A001_cover.mov")["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("S_cover.wav"))
    );
    // The sound starts one second (24 frames) before the picture.
    assert_eq!(pair(&report, "A001_cover.mov")["offset_frames"], 24);
    assert_eq!(pair(&report, "S_cover.wav")["role"], "picture");
    assert_eq!(pair(&report, "S_cover.wav")["offset_frames"], -24);
    assert_eq!(checks(&report, "S_cover.wav"), []);

    let partial = index_of(&report, "A002_partial.mov");
    assert_eq!(
        findings(&report, partial),
        [("sync.sound_partial".to_owned(), "error".to_owned())]
    );
    let message = finding(&report, partial, "sync.sound_partial")["message"]
        .as_str()
        .expect("message");
    assert!(message.contains("starts 12 frames late"), "{message}");
    assert!(!message.contains("early"), "{message}");

    assert_eq!(
        checks(&report, "A003_miss.mov"),
        [("sync.sound_missing".to_owned(), "error".to_owned())]
    );
    assert_eq!(checks(&report, "A004_MOS.mov"), []);
    assert_eq!(
        checks(&report, "S_orphan.wav"),
        [("sync.sound_orphan".to_owned(), "warning".to_owned())]
    );
    let orphan = index_of(&report, "S_orphan.wav");
    assert_eq!(
        finding(&report, orphan, "sync.sound_orphan")["message"],
        "this sound (15:00:00:00 for 2.0 s of timecode) overlaps no picture clip"
    );
    review_jumps_between_picture_and_sound(report);
}

/// In the review, the detail pane names the matched sound and its offset, and `o` goes from
/// the picture to its sound and back.
fn review_jumps_between_picture_and_sound(report: serde_json::Value) {
    use dailies_qc::tui::{model::Model, sample, update, views};
    use ratatui::crossterm::event::KeyCode;
    use ratatui::{Terminal, backend::TestBackend};
    let report: dailies_qc::report::Report = serde_json::from_value(report).expect("a report");
    let mut model = Model::new(
        sample::spec_info(),
        "bob".into(),
        Some(report),
        sample::fixed_clock,
    );
    let selected = |model: &Model| model.selected_entry().expect("a file").name.clone();
    while selected(&model) != "A001_cover.mov" {
        update::update(&mut model, update::key(KeyCode::Down));
    }
    let mut terminal = Terminal::new(TestBackend::new(140, 40)).expect("terminal");
    terminal.draw(|f| views::draw(f, &model)).expect("draws");
    let shown = terminal.backend().to_string();
    assert!(
        shown.contains("Sound    S_cover.wav, starts 24 frames before (o)"),
        "{shown}"
    );
    update::update(&mut model, update::key(KeyCode::Char('o')));
    assert_eq!(selected(&model), "S_cover.wav");
    update::update(&mut model, update::key(KeyCode::Char('o')));
    assert_eq!(selected(&model), "A001_cover.mov");
}

#[test]
fn picture_at_23_976_matches_sound_stamped_at_24_by_timecode_label() {
    let dir = temp_dir();
    let media = dir.path().join("media");
    std::fs::create_dir(&media).expect("media dir");
    let spec = write_spec(dir.path(), SPEC);
    picture(&media, "B001.mov", "24000/1001", "14:00:00:00", 48);
    let sound = bwf(&media, "S_24.wav", at_48k(14, 0, 0, 0), 2.5, 48000);
    append_chunk(
        &sound,
        b"iXML",
        ixml("7", "2", "R1", "24/1", &["Boom"]).as_bytes(),
    );
    // Read at 23.976 the same samples would start 14:00:00:00 ÷ 1.001, 50 s earlier.
    let report = report_of(&spec, &media);
    assert_eq!(checks(&report, "B001.mov"), []);
    assert_eq!(pair(&report, "B001.mov")["offset_frames"], 0);
    assert_eq!(checks(&report, "S_24.wav"), []);
}

#[test]
fn a_corrupt_ixml_chunk_is_a_finding_on_that_file_and_matching_goes_on() {
    let dir = temp_dir();
    let media = dir.path().join("media");
    std::fs::create_dir(&media).expect("media dir");
    let spec = write_spec(dir.path(), &format!("{SPEC}timecode: {{rate: 25}}\n"));
    picture(&media, "C001.mov", "25", "16:00:00:00", 25);
    let corrupt = bwf(&media, "S_corrupt.wav", 16 * 3600 * 48000, 2.0, 48000);
    append_chunk(
        &corrupt,
        b"iXML",
        b"<BWFXML><SCENE>9</SCENE><TAKE>1</SCENE><SPEED>",
    );
    picture(&media, "C002.mov", "25", "17:00:00:00", 25);
    bwf(&media, "S_fine.wav", 17 * 3600 * 48000, 2.0, 48000);

    let report = report_of(&spec, &media);
    let corrupt = index_of(&report, "S_corrupt.wav");
    assert_eq!(
        findings(&report, corrupt),
        [("sync.sound_rate".to_owned(), "warning".to_owned())]
    );
    let message = finding(&report, corrupt, "sync.sound_rate")["message"]
        .as_str()
        .expect("message");
    assert!(message.contains("iXML chunk unreadable"), "{message}");
    assert!(report["files"][corrupt]["sound_roll"]["scene"].is_null());
    // Its bext still places it: both clips have their sound.
    assert_eq!(checks(&report, "C001.mov"), []);
    assert_eq!(checks(&report, "C002.mov"), []);
}

#[test]
fn rf64_polyphonic_sound_rolls_are_read_and_pulled_48k_is_a_finding() {
    let dir = temp_dir();
    let media = dir.path().join("media");
    std::fs::create_dir(&media).expect("media dir");
    let spec = write_spec(dir.path(), SPEC);
    let poly = bwf_with(&media, "T004.wav", at_48k(8, 0, 0, 0), 1.0, 48000, 4, true);
    let header = std::fs::read(&poly).expect("read poly");
    assert_eq!(&header[0..4], b"RF64", "ffmpeg wrote RF64");
    let tracks = ["Boom", "Lav 1", "Lav 2", "Mix"];
    append_chunk(
        &poly,
        b"iXML",
        ixml("12A", "3", "SR042", "24000/1001", &tracks).as_bytes(),
    );
    bwf(&media, "T005.wav", at_48k(9, 0, 0, 0), 1.0, 48048);

    let report = report_of(&spec, &media);
    let poly = &report["files"][index_of(&report, "T004.wav")];
    assert_eq!(poly["probe"]["container"], "wav");
    let roll = &poly["sound_roll"];
    assert_eq!(roll["scene"], "12A");
    assert_eq!(roll["take"], "3");
    assert_eq!(roll["roll"], "SR042");
    assert_eq!(roll["circled"], true);
    assert_eq!(roll["timecode_rate"], "24000/1001");
    assert_eq!(roll["track_names"], serde_json::json!(tracks));
    assert_eq!(roll["channels"], 4);
    assert_eq!(roll["time_reference"], at_48k(8, 0, 0, 0));
    assert_eq!(roll["length_samples"], 48000);

    exports_show_the_take(dir.path(), &report);

    let pulled = index_of(&report, "T005.wav");
    let rate = finding(&report, pulled, "sync.sound_rate");
    assert_eq!(rate["severity"], "error");
    assert_eq!(rate["actual"], "48048 Hz");
}

#[test]
fn a_spec_naming_a_kind_it_does_not_define_is_refused_at_its_line() {
    let dir = temp_dir();
    let spec = write_spec(
        dir.path(),
        "name: t\nkinds:\n  - name: picture\n    match: {has: [video]}\ndouble_system:\n  picture: picture\n  sound: sound\n",
    );
    let outcome = check_json(&spec, &[dir.path()]);
    assert_eq!(outcome.code, 2, "{}", outcome.stderr);
    assert!(
        outcome
            .stderr
            .contains("spec.yaml:7:3: double_system.sound: no kind is named \"sound\""),
        "{}",
        outcome.stderr
    );
}

/// The HTML and CSV exports carry the scene, take and roll.
fn exports_show_the_take(dir: &Path, report: &serde_json::Value) {
    let path = dir.join("report.json");
    std::fs::write(&path, report.to_string()).expect("write report");
    let export = |format: &str| {
        let outcome = run(&[
            "export".as_ref(),
            path.as_os_str(),
            "--format".as_ref(),
            format.as_ref(),
        ]);
        assert_eq!(outcome.code, 0, "{}", outcome.stderr);
        outcome.stdout
    };
    let html = export("html");
    assert!(
        html.contains("<dt>Take</dt><dd>sc 12A tk 3 roll SR042 (circled)</dd>"),
        "{html}"
    );
    let csv = export("csv");
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .is_some_and(|h| h.ends_with(",time,scene,take,roll,paired")),
        "{csv}"
    );
    assert!(
        lines.any(|l| l.contains("T004.wav") && l.ends_with(",12A,3,SR042,")),
        "{csv}"
    );
}

#[test]
fn a_roll_running_past_midnight_covers_a_clip_after_it() {
    let dir = temp_dir();
    let media = dir.path().join("media");
    std::fs::create_dir(&media).expect("media dir");
    let spec = write_spec(dir.path(), &format!("{SPEC}timecode: {{rate: 24}}\n"));
    picture(&media, "N001.mov", "24", "00:00:01:00", 24);
    bwf(&media, "S_night.wav", at_48k(23, 59, 58, 0), 5.0, 48000);
    let report = report_of(&spec, &media);
    assert_eq!(checks(&report, "N001.mov"), []);
    assert_eq!(pair(&report, "N001.mov")["offset_frames"], 72);
    assert_eq!(checks(&report, "S_night.wav"), []);
}

/// A recorder writing split mono files (one per track, same first sample, length and slate):
/// the picture pairs with every file of the take, each file with the picture, and a file of
/// another take at the same timecode is not one of them.
#[test]
fn a_picture_pairs_with_every_split_mono_file_of_its_take() {
    let dir = temp_dir();
    let media = dir.path().join("media");
    std::fs::create_dir(&media).expect("media dir");
    let spec = write_spec(dir.path(), &format!("{SPEC}timecode: {{rate: 24}}\n"));
    picture(&media, "A001C003.mov", "24", "10:00:00:00", 48);
    let start = at_48k(9, 59, 59, 0);
    for (name, track) in [
        ("T03_1.wav", "Boom"),
        ("T03_2.wav", "Lav1"),
        ("T03_3.wav", "Lav2"),
    ] {
        let path = bwf(&media, name, start, 4.0, 48000);
        append_chunk(
            &path,
            b"iXML",
            ixml("12A", "3", "SR042", "24/1", &[track]).as_bytes(),
        );
    }
    // Another take stamped at the same time (a second recorder's roll, another slate).
    let other = bwf(&media, "T04_1.wav", start, 4.0, 48000);
    append_chunk(
        &other,
        b"iXML",
        ixml("12A", "4", "SR043", "24/1", &["Boom"]).as_bytes(),
    );

    let report = report_of(&spec, &media);
    let picture = &report["files"][index_of(&report, "A001C003.mov")];
    let paired: Vec<&str> = picture["paired"]
        .as_array()
        .expect("paired")
        .iter()
        .map(|p| {
            p["path"]
                .as_str()
                .expect("path")
                .rsplit('/')
                .next()
                .expect("name")
        })
        .collect();
    assert_eq!(
        paired,
        ["T03_1.wav", "T03_2.wav", "T03_3.wav"],
        "{picture:#}"
    );
    for name in ["T03_1.wav", "T03_2.wav", "T03_3.wav"] {
        assert_eq!(pair(&report, name)["role"], "picture", "{name}");
        assert_eq!(pair(&report, name)["offset_frames"], -24, "{name}");
        assert_eq!(checks(&report, name), [], "{name}");
    }
    let other = &report["files"][index_of(&report, "T04_1.wav")];
    assert!(
        other["paired"].as_array().is_none_or(|p| p.is_empty()),
        "{other:#}"
    );
}
