//! Small deliveries whose verdict hangs on the cross-file passes (clips, double-system sound,
//! conform), each a folder of media and a spec: the same folder must get the same verdict
//! however it is checked. The media recipes are those of `tests/it/clips.rs`,
//! `tests/it/double_system.rs` and `tests/it/conform.rs`.

use super::{ffmpeg, op_atom_picture, write_spec};
use std::path::{Path, PathBuf};

/// A folder of media and the spec it is checked against.
pub struct Delivery {
    pub name: &'static str,
    pub spec: PathBuf,
    pub media: PathBuf,
}

/// `root/name/spec.yaml` holding `spec`, and the empty media folder `root/name/media`.
fn delivery(root: &Path, name: &'static str, spec: &str) -> Delivery {
    let dir = root.join(name);
    let media = dir.join("media");
    std::fs::create_dir_all(&media).expect("media dir");
    Delivery {
        name,
        spec: write_spec(&dir, spec),
        media,
    }
}

/// The Avid OP-Atom spec: clips grouped by material package UMID, one picture track and two
/// to eight sound tracks each.
pub const AVID_SPEC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/specs/avid-dnxhd36-dailies.yaml"
);

/// (a) Two OP-Atom clips told apart by their material package UMID: `A001C003` whole (V1,
/// A1, A2) and `A001C002` without its A2 (`clip.tracks`). Named so that three shards split
/// each clip's tracks.
pub fn clips_by_umid(root: &Path) -> Delivery {
    let spec = std::fs::read_to_string(AVID_SPEC).expect("read the Avid spec");
    let d = delivery(root, "clips_by_umid", &spec);
    let v1 = op_atom_picture(&d.media, "A001C003_V1.mxf", "24000/1001");
    let a1 = opatom_sound(&d.media, "A001C003_A1.mxf", "00:00:00:00");
    copy(&a1, &d.media, "A001C003_A2.mxf");
    for (from, name) in [(&v1, "A001C002_V1.mxf"), (&a1, "A001C002_A1.mxf")] {
        set_umid_instance(&copy(from, &d.media, name), 2);
    }
    d
}

/// (b) Two OP-Atom clips that share one UMID, grouped by name: `A` whole, `B` without its A2
/// (`clip.tracks`) and with its A1 five frames late (`clip.sync`).
pub fn clips_by_name(root: &Path) -> Delivery {
    let d = delivery(
        root,
        "clips_by_name",
        "name: clips by name
clips:
  group: name
  name: '^(?P<clip>.+?)_(V|A)\\d+\\.mxf$'
  tracks: {video: 1, audio: \"2-8\"}
  max_start_delta_frames: 0
",
    );
    let v1 = op_atom_picture(&d.media, "A_V1.mxf", "24000/1001");
    let a1 = opatom_sound(&d.media, "A_A1.mxf", "00:00:00:00");
    copy(&a1, &d.media, "A_A2.mxf");
    copy(&v1, &d.media, "B_V1.mxf");
    opatom_sound(&d.media, "B_A1.mxf", "00:00:00:05");
    d
}

/// The picture takes of [`double_system`]: take `n` starts at 10:0n:00:00.
pub const TAKES: u32 = 7;

/// (c) Double-system sound: takes `T01`…`T07` (one second at 24 fps), a Broadcast WAV roll
/// `S0n` (bext and iXML) covering each of the first six, none for `T07`
/// (`sync.sound_missing`), and a roll `S99` that covers no take (`sync.sound_orphan`).
pub fn double_system(root: &Path) -> Delivery {
    let d = delivery(root, "double_system", DOUBLE_SYSTEM_SPEC);
    for n in 1..=TAKES {
        take(
            &d.media,
            &format!("T{n:02}.mov"),
            &format!("10:{n:02}:00:00"),
        );
        if n < TAKES {
            // From a second before the take to a second after it.
            let start = at_48k(10, u64::from(n) - 1, 59, 0);
            sound_roll(&d.media, &format!("S{n:02}.wav"), start, 3.0);
        }
    }
    sound_roll(&d.media, "S99.wav", at_48k(15, 0, 0, 0), 2.0);
    d
}

pub const DOUBLE_SYSTEM_SPEC: &str = "name: double system
kinds:
  - name: picture
    match: {include: [\"*.mov\"], has: [video]}
  - name: sound
    match: {include: [\"*.wav\"], has: [audio], lacks: [video]}
    audio: {sample_rate: 48000, tone: {frequency: 1000, level_dbfs: -18}}  # ffmpeg's sine: -18.06
    timeline: {forbid: [bars, slate]}
double_system: {picture: picture, sound: sound, mos: '(?i)_MOS'}
timecode: {rate: 24}
";

/// (d) Conform: camera originals `A001C001`…`C004` (`_ocf.mov`) and transcodes of the first
/// three (`_dnx.mov`), `C003`'s a frame short (`conform.length`); `C004` has none
/// (`conform.missing`).
pub fn conform(root: &Path) -> Delivery {
    let d = delivery(
        root,
        "conform",
        "name: conform
kinds:
  - name: camera
    match: {include: [\"*_ocf.mov\"]}
  - name: picture
    match: {include: [\"*_dnx.mov\"]}
conform:
  originals: camera
  transcodes: picture
  pair: '^(?P<clip>[A-Z]\\d{3}C\\d{3})'
  max_length_delta_frames: 0
content:
  levels: {area_pct: 5}   # testsrc2's saturated edges leave 3 % out of gamut in 4:2:0
  flashes: {}
  cadence: {}
  active_picture: {aspect: 2.39}   # fails each 16:9 file: the measured crop in every mode
",
    );
    let original = camera_clip(&d.media, "A001C001_ocf.mov", 25);
    for name in [
        "A001C002_ocf.mov",
        "A001C003_ocf.mov",
        "A001C004_ocf.mov",
        "A001C001_dnx.mov",
        "A001C002_dnx.mov",
    ] {
        copy(&original, &d.media, name);
    }
    camera_clip(&d.media, "A001C003_dnx.mov", 24);
    d
}

/// The same file under another name: a copy, since the scan takes a hard link for the file it
/// links to.
pub fn copy(from: &Path, dir: &Path, name: &str) -> PathBuf {
    let to = dir.join(name);
    std::fs::copy(from, &to).expect("copy media");
    to
}

/// Half a second of one 48 kHz 24-bit sound track in OP-Atom starting at `timecode`, with the
/// UMID every `+bitexact` OP-Atom file shares.
pub fn opatom_sound(dir: &Path, name: &str, timecode: &str) -> PathBuf {
    let path = dir.join(name);
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=1000:sample_rate=48000",
        "-t",
        "0.5",
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
        utf8(&path),
    ]);
    path
}

/// Gives a `+bitexact` OP-Atom file UMIDs of its own: ffmpeg cannot set them, so the instance
/// number (the three bytes after the UMID's 13-byte label) of each becomes `instance`. Files
/// given the same `instance` share their material package again.
pub fn set_umid_instance(path: &Path, instance: u8) {
    const UMID_LABEL: [u8; 13] = [
        0x06, 0x0A, 0x2B, 0x34, 0x01, 0x01, 0x01, 0x05, 0x01, 0x01, 0x0D, 0x00, 0x13,
    ];
    let mut bytes = std::fs::read(path).expect("read MXF");
    let at: Vec<usize> = bytes
        .windows(UMID_LABEL.len())
        .enumerate()
        .filter(|(_, w)| *w == UMID_LABEL)
        .map(|(i, _)| i + UMID_LABEL.len())
        .collect();
    assert!(!at.is_empty(), "no UMID in {}", path.display());
    for i in at {
        bytes[i..i + 3].copy_from_slice(&[0, 0, instance]);
    }
    std::fs::write(path, bytes).expect("write MXF");
}

/// One second (24 frames at 24 fps) of small MPEG-4 picture starting at timecode `tc`.
pub fn take(dir: &Path, name: &str, tc: &str) -> PathBuf {
    let path = dir.join(name);
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=160x90:rate=24",
        "-frames:v",
        "24",
        "-c:v",
        "mpeg4",
        "-timecode",
        tc,
        utf8(&path),
    ]);
    path
}

/// A mono 48 kHz Broadcast WAV of `seconds` whose bext TimeReference is `start_samples`, with
/// an iXML chunk naming its scene and take and a 24 fps timecode rate.
pub fn sound_roll(dir: &Path, name: &str, start_samples: u64, seconds: f64) -> PathBuf {
    let path = dir.join(name);
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        &format!("sine=frequency=1000:sample_rate=48000:duration={seconds}"),
        "-c:a",
        "pcm_s24le",
        "-write_bext",
        "1",
        "-metadata",
        &format!("time_reference={start_samples}"),
        "-rf64",
        "never",
        utf8(&path),
    ]);
    let take = name.trim_end_matches(".wav");
    append_riff_chunk(&path, b"iXML", ixml(take).as_bytes());
    path
}

/// Samples since midnight at 48 kHz of `hours:minutes:seconds` plus `frames` at 24 fps.
pub fn at_48k(hours: u64, minutes: u64, seconds: u64, frames: u64) -> u64 {
    ((hours * 60 + minutes) * 60 + seconds) * 48000 + frames * 2000
}

/// An iXML chunk for scene 1, take `take`, on a 24 fps timecode.
fn ixml(take: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><BWFXML><IXML_VERSION>1.61</IXML_VERSION>\
         <SCENE>1</SCENE><TAKE>{take}</TAKE><TAPE>R1</TAPE><SPEED><MASTER_SPEED>24/1</MASTER_SPEED>\
         <TIMECODE_RATE>24/1</TIMECODE_RATE><TIMECODE_FLAG>NDF</TIMECODE_FLAG></SPEED>\
         <TRACK_LIST><TRACK_COUNT>1</TRACK_COUNT><TRACK><CHANNEL_INDEX>1</CHANNEL_INDEX>\
         <NAME>Boom</NAME></TRACK></TRACK_LIST></BWFXML>"
    )
}

/// Appends a RIFF chunk to a (non-RF64) WAV file and fixes the RIFF size field.
pub fn append_riff_chunk(path: &Path, id: &[u8; 4], body: &[u8]) {
    let mut bytes = std::fs::read(path).expect("read wav");
    assert_eq!(&bytes[0..4], b"RIFF", "a RIFF WAV");
    bytes.extend_from_slice(id);
    let size = u32::try_from(body.len()).expect("small chunk");
    bytes.extend_from_slice(&size.to_le_bytes());
    bytes.extend_from_slice(body);
    if body.len() % 2 == 1 {
        bytes.push(0);
    }
    let riff_size = u32::try_from(bytes.len() - 8).expect("small file");
    bytes[4..8].copy_from_slice(&riff_size.to_le_bytes());
    std::fs::write(path, bytes).expect("write wav");
}

/// `frames` frames of small MPEG-4 picture at 25 fps from 11:00:00:00 with two channels of PCM
/// sound, as `tests/it/conform.rs` makes camera originals and transcodes.
pub fn camera_clip(dir: &Path, name: &str, frames: u32) -> PathBuf {
    let path = dir.join(name);
    let seconds = f64::from(frames) / 24.0 + 1.0;
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=160x90:rate=25",
        "-f",
        "lavfi",
        "-i",
        &format!("sine=sample_rate=48000:duration={seconds}"),
        "-frames:v",
        &frames.to_string(),
        "-c:v",
        "mpeg4",
        "-c:a",
        "pcm_s16le",
        "-ac",
        "2",
        "-shortest",
        "-timecode",
        "11:00:00:00",
        utf8(&path),
    ]);
    path
}

fn utf8(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}
