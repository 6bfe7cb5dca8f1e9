//! Shared by the benches that run the cross-file passes end to end (`rescan`, `shard_merge`):
//! a delivery whose files only make sense together, the spec that judges it, the checks that
//! the passes really formed its clips and pairs, and the CPU time of child processes.
#![allow(dead_code)] // each bench uses its own subset

use dailies_qc::synth::ffmpeg;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The spec: camera picture (`*.mov`) against production sound (`*.wav`, BWF) by timecode, and
/// Avid OP-Atom track files (`*.mxf`) grouped into clips by name, each kind with metadata rules
/// only (the cheapest first scan, so the strictest baseline for a rescan).
pub const SPEC: &str = "name: cross-file bench
kinds:
  - name: picture
    match: {include: ['*.mov'], has: [video]}
    video: {codec: [mpeg4], frame_rate: 25}
  - name: sound
    match: {include: ['*.wav'], has: [audio], lacks: [video]}
    audio: {codec: [pcm_s24le], sample_rate: 48000, bit_depth: 24}
  - name: avid picture
    match: {include: ['*.mxf'], has: [video]}
    video: {codec: [dnxhd], width: 1920, height: 1080, frame_rate: 23.976, pix_fmt: [yuv422p]}
  - name: avid sound
    match: {include: ['*.mxf'], has: [audio], lacks: [video]}
    audio: {codec: [pcm_s24le], sample_rate: 48000, bit_depth: 24}
clips:
  group: name
  name: '^(?P<clip>.+?)_(V|A)\\d+\\.mxf$'
  tracks: {video: 1, audio: '2-8'}
  max_start_delta_frames: 0
  max_length_delta_frames: 1
double_system: {picture: picture, sound: sound, mos: '_MOS'}
";

/// The tracks of each OP-Atom clip: one picture, three sound.
const TRACKS: [&str; 4] = ["V1", "A1", "A2", "A3"];
/// Seconds between the start timecodes of consecutive picture clips (each runs 1 s).
const PICTURE_SPACING_S: u64 = 10;
/// The first picture clip starts at 10:00:00:00.
const DAY_START_S: u64 = 10 * 3600;
/// Frames (at 25 fps) each sound roll starts before its picture clip: 0.48 s.
const SOUND_LEAD_FRAMES: u64 = 12;
/// Picture clips ffmpeg writes in one run (one input, many outputs).
const PICTURES_PER_FFMPEG: usize = 100;

/// What [`make`] wrote: the media folder, the spec, and how many clips and pairs it holds.
pub struct Delivery {
    pub media: PathBuf,
    pub spec: PathBuf,
    pub clips: usize,
    pub pictures: usize,
}

impl Delivery {
    pub fn files(&self) -> usize {
        self.clips * TRACKS.len() + 2 * self.pictures
    }
}

/// Writes under `dir` a folder of `clips` OP-Atom clips of four track files named
/// `R0042_V1.mxf` … `R0042_A3.mxf` (copies of one picture and one sound track), `pictures`
/// 1-second 25 fps picture clips with start timecodes 10 s apart (`P0042.mov`), and as many
/// BWF sound rolls (bext TimeReference + iXML scene, take, roll and timecode rate) of 2 s each,
/// starting 12 frames before one clip (`S0042.wav`, copies of one recording with their
/// TimeReference rewritten). Every clip is whole and every picture has its
/// sound, so every file passes. Copies, not links: the scan takes each inode once.
pub fn make(dir: &Path, clips: usize, pictures: usize) -> Delivery {
    let media = dir.join("media");
    std::fs::create_dir(&media).expect("media dir");
    let picture_track = op_atom_track(dir, "picture_track.mxf", true);
    let sound_track = op_atom_track(dir, "sound_track.mxf", false);
    for clip in 0..clips {
        for track in TRACKS {
            let from = if track == "V1" {
                &picture_track
            } else {
                &sound_track
            };
            std::fs::copy(from, media.join(format!("R{clip:04}_{track}.mxf"))).expect("copy");
        }
    }
    for first in (0..pictures).step_by(PICTURES_PER_FFMPEG) {
        picture_clips(&media, first..pictures.min(first + PICTURES_PER_FFMPEG));
    }
    let recording = sound_roll(dir);
    for i in 0..pictures {
        let start_samples = picture_start_s(i) * 48_000 - SOUND_LEAD_FRAMES * 48_000 / 25;
        let mut bytes = recording.clone();
        set_time_reference(&mut bytes, start_samples);
        std::fs::write(media.join(format!("S{i:04}.wav")), bytes).expect("write sound roll");
    }
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, SPEC).expect("spec");
    Delivery {
        media,
        spec,
        clips,
        pictures,
    }
}

fn picture_start_s(i: usize) -> u64 {
    DAY_START_S + i as u64 * PICTURE_SPACING_S
}

/// Four frames of one OP-Atom track, as the `clip_grouping` bench makes them.
fn op_atom_track(dir: &Path, name: &str, picture: bool) -> PathBuf {
    let path = dir.join(name);
    let mut args = vec!["-f", "lavfi"];
    if picture {
        args.extend([
            "-i",
            "testsrc2=size=1920x1080:rate=24000/1001",
            "-frames:v",
            "4",
            "-c:v",
            "dnxhd",
            "-b:v",
            "36M",
            "-pix_fmt",
            "yuv422p",
        ]);
    } else {
        args.extend([
            "-i",
            "sine=sample_rate=48000",
            "-t",
            "0.1668",
            "-c:a",
            "pcm_s24le",
            "-ac",
            "1",
        ]);
    }
    let out = path.to_str().expect("UTF-8 temp path");
    args.extend(["-fflags", "+bitexact", "-f", "mxf_opatom", out]);
    run_ffmpeg(&args);
    path
}

/// Picture clips `range` in one ffmpeg run: 25 frames of small MPEG-4 each, each with its own
/// start timecode.
fn picture_clips(media: &Path, range: std::ops::Range<usize>) {
    let mut args: Vec<String> = ["-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25"]
        .map(String::from)
        .to_vec();
    for i in range {
        let start = picture_start_s(i);
        let timecode = format!(
            "{:02}:{:02}:{:02}:00",
            start / 3600,
            start / 60 % 60,
            start % 60
        );
        let out = media.join(format!("P{i:04}.mov"));
        args.extend(
            [
                "-map",
                "0:v",
                "-frames:v",
                "25",
                "-c:v",
                "mpeg4",
                "-timecode",
            ]
            .map(String::from),
        );
        args.push(timecode);
        args.push(out.to_str().expect("UTF-8 temp path").to_owned());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_ffmpeg(&args);
}

/// Two seconds of 48 kHz 24-bit mono BWF with a bext chunk and an iXML chunk (scene, take,
/// roll, 25 fps timecode), as a recorder writes a sound roll.
fn sound_roll(dir: &Path) -> Vec<u8> {
    let path = dir.join("sound_roll.wav");
    run_ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=1000:sample_rate=48000:duration=2",
        "-ac",
        "1",
        "-c:a",
        "pcm_s24le",
        "-write_bext",
        "1",
        "-metadata",
        "time_reference=0",
        "-rf64",
        "never",
        path.to_str().expect("UTF-8 temp path"),
    ]);
    let ixml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><BWFXML><IXML_VERSION>1.61</IXML_VERSION>\
        <SCENE>12</SCENE><TAKE>3</TAKE><TAPE>SR001</TAPE><CIRCLED>TRUE</CIRCLED>\
        <SPEED><MASTER_SPEED>25/1</MASTER_SPEED><TIMECODE_RATE>25/1</TIMECODE_RATE>\
        <TIMECODE_FLAG>NDF</TIMECODE_FLAG></SPEED><TRACK_LIST><TRACK_COUNT>1</TRACK_COUNT>\
        <TRACK><CHANNEL_INDEX>1</CHANNEL_INDEX><NAME>Boom</NAME></TRACK></TRACK_LIST></BWFXML>";
    let mut bytes = std::fs::read(&path).expect("read sound roll");
    append_chunk(&mut bytes, b"iXML", ixml.as_bytes());
    bytes
}

/// Appends a RIFF chunk and fixes the RIFF size (as `tests/it/double_system.rs` does).
fn append_chunk(bytes: &mut Vec<u8>, id: &[u8; 4], body: &[u8]) {
    assert_eq!(&bytes[0..4], b"RIFF", "a RIFF WAV file");
    bytes.extend_from_slice(id);
    let len = u32::try_from(body.len()).expect("small chunk");
    bytes.extend_from_slice(&len.to_le_bytes());
    bytes.extend_from_slice(body);
    if body.len() % 2 == 1 {
        bytes.push(0);
    }
    let riff_size = u32::try_from(bytes.len() - 8).expect("small file");
    bytes[4..8].copy_from_slice(&riff_size.to_le_bytes());
}

/// Rewrites the bext chunk's TimeReference (a 64-bit sample count 338 bytes into the chunk:
/// after the description, originator, its reference, and the origination date and time).
fn set_time_reference(bytes: &mut [u8], samples: u64) {
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let len = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().expect("4 bytes")) as usize;
        if id == b"bext" {
            let field = at + 8 + 256 + 32 + 32 + 10 + 8;
            bytes[field..field + 8].copy_from_slice(&samples.to_le_bytes());
            return;
        }
        at += 8 + len + len % 2;
    }
    panic!("ffmpeg wrote no bext chunk");
}

fn run_ffmpeg(args: &[&str]) {
    let args: Vec<String> = ["-hide_banner", "-loglevel", "error", "-nostdin", "-y"]
        .iter()
        .chain(args)
        .map(|s| (*s).to_owned())
        .collect();
    ffmpeg(&args).unwrap_or_else(|e| panic!("ffmpeg must be installed: {e}"));
}

/// Panics unless `report` (a `check --format json` report of `delivery`) has every file, every
/// clip whole and passing, and every picture paired with its own sound roll: the cross-file
/// passes ran and formed what the delivery holds.
pub fn assert_cross_file_passes_ran(delivery: &Delivery, report: &serde_json::Value) {
    let files = report["files"].as_array().expect("files");
    assert_eq!(files.len(), delivery.files(), "every file is in the report");
    let clips = report["clips"].as_array().map_or(&[][..], Vec::as_slice);
    assert_eq!(
        clips.len(),
        delivery.clips,
        "clip grouping by name formed no clips, or the wrong number"
    );
    for clip in clips {
        assert_eq!(clip["status"], "pass", "a whole clip: {clip:#}");
        assert_eq!(clip["members"].as_array().map(Vec::len), Some(TRACKS.len()));
    }
    let name = |f: &serde_json::Value| {
        let path = f["path"].as_str().expect("path");
        path.rsplit('/').next().unwrap_or(path).to_owned()
    };
    let mut paired = 0;
    for file in files {
        let name = name(file);
        let pairs = file["paired"].as_array().map_or(&[][..], Vec::as_slice);
        if let Some(n) = name.strip_prefix('P').and_then(|n| n.strip_suffix(".mov")) {
            assert_eq!(pairs.len(), 1, "{name} is paired with its sound: {file:#}");
            let sound = pairs[0]["path"].as_str().expect("pair path");
            assert!(
                sound.ends_with(&format!("/S{n}.wav")),
                "{name} is paired with S{n}.wav, not {sound}"
            );
            assert_eq!(
                pairs[0]["offset_frames"], SOUND_LEAD_FRAMES,
                "{name}: its sound starts {SOUND_LEAD_FRAMES} frames before it"
            );
            paired += 1;
        } else if name.ends_with(".wav") {
            assert_eq!(
                pairs.len(),
                1,
                "{name} is paired with its picture: {file:#}"
            );
            assert!(file["sound_roll"]["time_reference"].is_u64(), "{file:#}");
        } else {
            assert!(
                file["clip"].is_string(),
                "{name} is a clip's track: {file:#}"
            );
        }
        assert_eq!(file["status"], "pass", "{file:#}");
    }
    assert_eq!(paired, delivery.pictures, "every picture paired");
}

/// User + system CPU seconds of this process's waited-for children (and theirs) so far, from
/// `/proc/self/stat` (fields 16 and 17 of `man proc`, in clock ticks), as `clip_grouping`
/// reads them.
pub fn children_cpu_s() -> f64 {
    let text = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    // Field 2, the command name, may hold spaces; field 3 starts after its closing parenthesis.
    let (_, rest) = text.rsplit_once(')').expect("stat format");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |n: usize| fields[n - 3].parse::<f64>().expect("tick count");
    (ticks(16) + ticks(17)) / clock_ticks()
}

fn clock_ticks() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        let output = Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .expect("getconf");
        String::from_utf8_lossy(&output.stdout)
            .trim()
            .parse()
            .expect("clock ticks per second")
    })
}

/// Makes this process the reaper of its orphaned descendants. `dailies-qc` starts probe
/// workers (`dailies-qc-probe`) that may outlive it by a moment; without this they
/// would be reaped by init and their CPU time would be missing from [`children_cpu_s`].
pub fn adopt_orphans() {
    rustix::process::set_child_subreaper(Some(rustix::process::getpid()))
        .expect("PR_SET_CHILD_SUBREAPER");
}

/// Waits for every child left (the orphaned probe workers [`adopt_orphans`] handed to this
/// process), so their CPU time counts. Call only when no child of the bench should be running.
pub fn reap_orphans() {
    while let Ok(Some(_)) = rustix::process::wait(rustix::process::WaitOptions::empty()) {}
}

/// Builds `dailies-qc` in release mode (a no-op when it is up to date) and returns its path:
/// the benches that time `check` end to end run it as a user does.
pub fn release_binary() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let built = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "--bin", "dailies-qc"])
        .current_dir(root)
        .status()
        .expect("run cargo");
    assert!(built.success(), "release build failed");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    target.join("release").join("dailies-qc")
}

/// Wall time of one run and its stdout (a failing QC verdict is exit 1, not an error).
pub fn timed_run(command: &mut Command) -> (std::time::Duration, Vec<u8>) {
    let start = std::time::Instant::now();
    let out = command.output().expect("run");
    let elapsed = start.elapsed();
    assert!(
        out.status.code().is_some_and(|code| code <= 1),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (elapsed, out.stdout)
}

/// Rounds of a baseline against `dailies-qc`, one line each, and the median ratio against a
/// target at the end.
pub struct PairedRounds {
    ratios: Vec<f64>,
}

impl PairedRounds {
    /// Prints the table's header: `baseline` names the baseline's column.
    pub fn new(baseline: &str) -> PairedRounds {
        println!("round   {baseline:>14}   dailies-qc check   ratio");
        PairedRounds { ratios: Vec::new() }
    }

    pub fn add(&mut self, round: usize, baseline: std::time::Duration, ours: std::time::Duration) {
        let ratio = ours.as_secs_f64() / baseline.as_secs_f64();
        println!(
            "{round:>5} {:>14.2} s {:>16.2} s {ratio:>7.2}",
            baseline.as_secs_f64(),
            ours.as_secs_f64()
        );
        self.ratios.push(ratio);
    }

    /// Prints the median ratio and whether it meets `target`.
    pub fn finish(self, target: f64) {
        let median = self.median();
        let verdict = if median <= target { "met" } else { "MISSED" };
        println!("median ratio {median:.2} (target ≤ {target:.2}: {verdict})");
    }

    /// Prints the median ratio, for a case no target is set for.
    pub fn report(self) {
        println!("median ratio {:.2}", self.median());
    }

    fn median(mut self) -> f64 {
        self.ratios.sort_by(f64::total_cmp);
        self.ratios[self.ratios.len() / 2]
    }
}
