//! A recorder's mono 24-bit take with an odd sample count ends on an odd-sized `data` chunk
//! with no pad byte after it. ffprobe reads such a file; its take metadata (bext, iXML) must be
//! read too, so that it pairs with its picture and its scene and take reach the report.

use crate::common::*;
use std::path::{Path, PathBuf};

const SPEC: &str = "name: double system
kinds:
  - name: picture
    match: {include: [\"*.mov\"], has: [video]}
  - name: sound
    match: {include: [\"*.wav\"], has: [audio], lacks: [video]}
    audio: {sample_rate: 48000}
double_system: {picture: picture, sound: sound}
timecode: {rate: 24}
";

/// Sample frames of the take: odd, so 3 bytes each make an odd `data` chunk.
const SAMPLES: u64 = 4 * 48_000 + 1;

const IXML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><BWFXML><IXML_VERSION>1.61\
    </IXML_VERSION><SCENE>42B</SCENE><TAKE>7</TAKE><TAPE>SR013</TAPE><SPEED>\
    <MASTER_SPEED>24/1</MASTER_SPEED><TIMECODE_RATE>24/1</TIMECODE_RATE>\
    <TIMECODE_FLAG>NDF</TIMECODE_FLAG></SPEED><TRACK_LIST><TRACK_COUNT>1</TRACK_COUNT><TRACK>\
    <CHANNEL_INDEX>1</CHANNEL_INDEX><NAME>Boom</NAME></TRACK></TRACK_LIST></BWFXML>";

/// The chunks of a RIFF WAVE file, each as identifier and body (pad bytes dropped).
fn chunks(bytes: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    assert_eq!(&bytes[0..4], b"RIFF", "a RIFF file");
    assert_eq!(&bytes[8..12], b"WAVE", "a WAVE file");
    let mut chunks = Vec::new();
    let mut pos = 12;
    while pos + 8 <= bytes.len() {
        let id: [u8; 4] = bytes[pos..pos + 4].try_into().expect("four bytes");
        let size = u32::from_le_bytes(bytes[pos + 4..pos + 8].try_into().expect("four bytes"));
        let size = usize::try_from(size).expect("small chunk");
        let body = pos + 8;
        chunks.push((id, bytes[body..body + size].to_vec()));
        pos = body + size + size % 2;
    }
    assert_eq!(pos, bytes.len(), "ffmpeg pads its chunks");
    chunks
}

/// ffmpeg's mono 24-bit Broadcast WAV of [`SAMPLES`] samples from `start_samples`, rewritten as
/// a recorder leaves it: `fmt `, `bext`, an iXML chunk, then the odd-sized `data` chunk last,
/// with no pad byte after it.
fn unpadded_take(dir: &Path, name: &str, start_samples: u64) -> PathBuf {
    let path = dir.join(name);
    let made = path.with_extension("ffmpeg.tmp");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=1000:sample_rate=48000:duration=5",
        "-af",
        &format!("atrim=end_sample={SAMPLES}"),
        "-c:a",
        "pcm_s24le",
        "-write_bext",
        "1",
        "-metadata",
        &format!("time_reference={start_samples}"),
        "-rf64",
        "never",
        "-f",
        "wav",
        made.to_str().expect("UTF-8 temp path"),
    ]);
    let written = std::fs::read(&made).expect("read ffmpeg's wav");
    std::fs::remove_file(&made).expect("remove ffmpeg's wav");
    let chunks = chunks(&written);
    let ids: Vec<&[u8; 4]> = chunks.iter().map(|(id, _)| id).collect();
    assert!(ids.contains(&b"bext"), "ffmpeg wrote bext: {ids:?}");
    let mut bytes = b"RIFF\0\0\0\0WAVE".to_vec();
    let mut data = None;
    let put = |bytes: &mut Vec<u8>, id: &[u8; 4], body: &[u8]| {
        bytes.extend_from_slice(id);
        let size = u32::try_from(body.len()).expect("small chunk");
        bytes.extend_from_slice(&size.to_le_bytes());
        bytes.extend_from_slice(body);
    };
    for (id, body) in &chunks {
        if id == b"data" {
            data = Some(body);
            continue;
        }
        put(&mut bytes, id, body);
        if body.len() % 2 == 1 {
            bytes.push(0);
        }
    }
    put(&mut bytes, b"iXML", IXML.as_bytes());
    if IXML.len() % 2 == 1 {
        bytes.push(0);
    }
    let data = data.expect("ffmpeg wrote data");
    assert_eq!(data.len() as u64, SAMPLES * 3);
    assert_eq!(data.len() % 2, 1, "an odd-sized data chunk");
    put(&mut bytes, b"data", data);
    let riff_size = u32::try_from(bytes.len() - 8).expect("small file");
    bytes[4..8].copy_from_slice(&riff_size.to_le_bytes());
    std::fs::write(&path, &bytes).expect("write the take");
    path
}

/// `frames` frames of small MPEG-4 picture at 24 fps starting at timecode `tc`.
fn picture(dir: &Path, name: &str, tc: &str, frames: u32) -> PathBuf {
    let path = dir.join(name);
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=160x90:rate=24",
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

#[test]
fn a_take_ending_without_its_pad_byte_pairs_and_keeps_its_metadata() {
    require_ffmpeg();
    let dir = temp_dir();
    let media = dir.path().join("media");
    std::fs::create_dir(&media).expect("media dir");
    let spec = write_spec(dir.path(), SPEC);
    picture(&media, "A007C002.mov", "10:00:00:00", 48);
    // Four seconds and a sample of sound from 09:59:59:00, one second before the picture.
    let start = (10 * 3600 - 1) * 48_000;
    let take = unpadded_take(&media, "42B_T7.wav", start);
    let bytes = std::fs::read(&take).expect("read the take");
    assert_eq!(bytes.len() % 2, 1, "the file ends on the odd data chunk");
    assert_eq!(
        &bytes[bytes.len() - (SAMPLES as usize * 3) - 8..][..4],
        b"data"
    );

    let outcome = check_json(&spec, &[&media]);
    assert!(outcome.code == 0 || outcome.code == 1, "{}", outcome.stderr);
    let report = outcome.json();

    let sound = index_of(&report, "42B_T7.wav");
    assert_eq!(findings(&report, sound), [], "{:#}", report["files"][sound]);
    let roll = &report["files"][sound]["sound_roll"];
    assert_eq!(roll["scene"], "42B");
    assert_eq!(roll["take"], "7");
    assert_eq!(roll["roll"], "SR013");
    assert_eq!(roll["timecode_rate"], "24/1");
    assert_eq!(roll["track_names"], serde_json::json!(["Boom"]));
    assert_eq!(roll["sample_rate"], 48000);
    assert_eq!(roll["channels"], 1);
    assert_eq!(roll["time_reference"], start);
    assert_eq!(roll["length_samples"], SAMPLES);
    assert_eq!(report["files"][sound]["timecode_source"], "ixml");

    let picture = index_of(&report, "A007C002.mov");
    assert_eq!(findings(&report, picture), []);
    let paired = &report["files"][picture]["paired"][0];
    assert_eq!(paired["role"], "sound");
    assert!(
        paired["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("42B_T7.wav")),
        "{paired}"
    );
    assert_eq!(paired["offset_frames"], 24);
}
