//! Damage past the header, on files ffmpeg makes and the tests then cut or zero-fill: the
//! cheap always-on look (`file.truncated`), the full decode (`file.decode`), and the coverage
//! of the content pass, which must never let a partly decoded file pass.

use crate::common::*;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// 10 s of 320x180 MPEG-4 at 25 fps with 16-bit PCM, its index at the front (`+faststart`), as
/// a camera or a transfer tool writes it.
fn faststart_mov(dir: &Path, name: &str, audio: &str) -> PathBuf {
    let path = dir.join(name);
    let out = path.to_string_lossy().into_owned();
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=320x180:rate=25:duration=10",
        "-f",
        "lavfi",
        "-i",
        audio,
        "-c:v",
        "mpeg4",
        "-q:v",
        "3",
        "-c:a",
        "pcm_s16le",
        "-shortest",
        "-movflags",
        "+faststart",
        &out,
    ]);
    path
}

/// 6 s of 320x180 MPEG-2 at 25 fps with 16-bit PCM in MXF.
fn mxf(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let out = path.to_string_lossy().into_owned();
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=320x180:rate=25:duration=6",
        "-f",
        "lavfi",
        "-i",
        "sine=d=6:sample_rate=48000",
        "-c:v",
        "mpeg2video",
        "-q:v",
        "4",
        "-c:a",
        "pcm_s16le",
        &out,
    ]);
    path
}

const SINE: &str = "sine=d=10:sample_rate=44100";

fn cut_to(path: &Path, bytes: u64) {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .expect("open media");
    file.set_len(bytes).expect("cut media");
}

/// Overwrites the middle half of the file with zero bytes, as a failed copy leaves it.
fn zero_fill_middle(path: &Path) {
    let len = std::fs::metadata(path).expect("media").len();
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .expect("open media");
    file.seek(SeekFrom::Start(len / 3)).expect("seek");
    file.write_all(&vec![0u8; (len / 2) as usize])
        .expect("zero-fill");
}

/// `dailies-qc check --format json` of `media` under `yaml`: (exit code, report).
fn check(dir: &Path, yaml: &str, media: &[&Path]) -> (i32, serde_json::Value) {
    let spec = write_spec(dir, yaml);
    let mut args = vec![
        "check".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        "--spec".as_ref(),
        spec.as_os_str(),
    ];
    args.extend(media.iter().map(|m| m.as_os_str()));
    let outcome = run(&args);
    (outcome.code, outcome.json())
}

fn ids_of(report: &serde_json::Value, name: &str) -> Vec<String> {
    findings(report, index_of(report, name))
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

#[test]
fn a_cut_transfer_a_header_only_file_and_zero_filled_essence_are_truncated() {
    let dir = temp_dir();
    let cut = faststart_mov(dir.path(), "cut.mov", SINE);
    dailies_qc::synth::truncate_file(&cut, 0.3).expect("cut");
    let header_only = faststart_mov(dir.path(), "header_only.mov", SINE);
    let bytes = std::fs::read(&header_only).expect("media");
    let mdat = bytes
        .windows(4)
        .position(|w| w == b"mdat")
        .expect("an mdat box");
    cut_to(&header_only, mdat as u64 + 64);
    let zeroed = faststart_mov(dir.path(), "zeroed.mov", SINE);
    zero_fill_middle(&zeroed);

    let (code, report) = check(dir.path(), "name: t\n", &[&cut, &header_only, &zeroed]);
    assert_eq!(code, 1, "{report:#}");
    for name in ["cut.mov", "header_only.mov", "zeroed.mov"] {
        let index = index_of(&report, name);
        let found = finding(&report, index, "file.truncated");
        assert_eq!(found["severity"], "error", "{name}: {found:#}");
        assert_eq!(report["files"][index]["status"], "fail", "{name}");
    }
    let cut_message = finding(&report, index_of(&report, "cut.mov"), "file.truncated")["message"]
        .as_str()
        .expect("message")
        .to_owned();
    assert!(cut_message.contains("cut short"), "{cut_message}");
    let zero_message =
        finding(&report, index_of(&report, "zeroed.mov"), "file.truncated")["message"]
            .as_str()
            .expect("message")
            .to_owned();
    assert!(zero_message.contains("zero bytes"), "{zero_message}");
}

#[test]
fn intact_files_and_digital_silence_are_not_truncated() {
    let dir = temp_dir();
    let intact = faststart_mov(dir.path(), "intact.mov", SINE);
    // Picture with all-zero PCM interleaved: zeros in the essence that are not damage.
    let silent_sound = faststart_mov(dir.path(), "silent_sound.mov", "anullsrc=r=48000:cl=stereo");
    // Black MJPEG frames are a few KB among 144 KB/s of zero PCM: long zero runs, no damage.
    let black_silent = dir.path().join("black_silent.mov");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "color=black:size=320x180:rate=25:duration=10",
        "-f",
        "lavfi",
        "-i",
        "anullsrc=r=48000:cl=stereo",
        "-shortest",
        "-c:v",
        "mjpeg",
        "-c:a",
        "pcm_s24le",
        &black_silent.to_string_lossy(),
    ]);
    let silent_wav = dir.path().join("silent.wav");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "anullsrc=r=48000:cl=stereo",
        "-t",
        "5",
        "-c:a",
        "pcm_s24le",
        &silent_wav.to_string_lossy(),
    ]);
    let (code, report) = check(
        dir.path(),
        "name: t\n",
        &[&intact, &silent_sound, &black_silent, &silent_wav],
    );
    assert_eq!(code, 0, "{report:#}");
    for name in [
        "intact.mov",
        "silent_sound.mov",
        "black_silent.mov",
        "silent.wav",
    ] {
        assert!(ids_of(&report, name).is_empty(), "{name}: {report:#}");
    }
}

#[test]
fn a_full_decode_places_damage_between_good_frames_and_notices_a_short_decode() {
    let dir = temp_dir();
    let zeroed = faststart_mov(dir.path(), "zeroed.mov", SINE);
    zero_fill_middle(&zeroed);
    let cut = mxf(dir.path(), "cut.mxf");
    cut_to(&cut, 400_000);
    let intact = mxf(dir.path(), "intact.mxf");
    let spec = "name: t\nintegrity: {decode: true}\n";
    let (code, report) = check(dir.path(), spec, &[&zeroed, &cut, &intact]);
    assert_eq!(code, 1, "{report:#}");

    let zeroed_at = index_of(&report, "zeroed.mov");
    let damage = finding(&report, zeroed_at, "file.decode");
    assert_eq!(damage["severity"], "error");
    let message = damage["message"].as_str().expect("message");
    assert!(
        message.contains("decode error") && message.contains("video"),
        "{message}"
    );
    assert!(!message.contains(" @ 0x"), "{message}");
    // The zeros start a third of the way into the bytes and run half of them.
    let start = damage["at"]["start"].as_str().expect("start");
    let end = damage["at"]["end"].as_str().expect("end");
    assert!(start.as_bytes() < end.as_bytes(), "{start} .. {end}");
    let decode = &report["files"][zeroed_at]["measurements"]["decode"];
    let stretch = &decode["errors"][0];
    let (from, to) = (
        stretch["start_s"].as_f64().expect("start_s"),
        stretch["end_s"].as_f64().expect("end_s"),
    );
    assert!(
        (1.5..5.0).contains(&from) && (6.0..9.5).contains(&to),
        "{decode:#}"
    );

    let cut_at = index_of(&report, "cut.mxf");
    let coverage = report["files"][cut_at]["measurements"]["coverage"]
        .as_f64()
        .expect("coverage");
    assert!(coverage < 0.5, "{coverage}");
    let short = report["files"][cut_at]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| {
            f["check"] == "file.decode"
                && f["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("decoded only"))
        })
        .unwrap_or_else(|| panic!("no short-decode finding: {report:#}"));
    assert_eq!(short["severity"], "error");

    let intact_at = index_of(&report, "intact.mxf");
    assert!(ids_of(&report, "intact.mxf").is_empty(), "{report:#}");
    assert_eq!(report["files"][intact_at]["measurements"]["coverage"], 1.0);
}

#[test]
fn content_checks_on_a_partly_decoded_mxf_do_not_pass() {
    let dir = temp_dir();
    let cut = mxf(dir.path(), "cut.mxf");
    cut_to(&cut, 400_000);
    let intact = mxf(dir.path(), "intact.mxf");
    let spec = "name: t\ncontent:\n  black: {max_s: 2.0}\n  freeze: {max_s: 2.0}\n  silence: {max_s: 2.0}\n  clipping: {max_samples: 0}\n";
    let (code, report) = check(dir.path(), spec, &[&cut, &intact]);
    assert_eq!(code, 1, "{report:#}");

    let cut_at = index_of(&report, "cut.mxf");
    let coverage = report["files"][cut_at]["measurements"]["coverage"]
        .as_f64()
        .expect("coverage");
    assert!(coverage < 0.99, "{coverage}");
    for id in [
        "content.black",
        "content.freeze",
        "content.silence",
        "content.clipping",
    ] {
        let found = finding(&report, cut_at, id);
        assert_eq!(found["severity"], "error", "{found:#}");
        assert!(
            found["message"]
                .as_str()
                .is_some_and(|m| m.contains("partly analysed")),
            "{found:#}"
        );
    }
    let intact_at = index_of(&report, "intact.mxf");
    assert!(ids_of(&report, "intact.mxf").is_empty(), "{report:#}");
    assert_eq!(report["files"][intact_at]["measurements"]["coverage"], 1.0);
}

#[test]
fn a_full_decode_sharing_the_content_pass_finds_the_same_damage() {
    let dir = temp_dir();
    let zeroed = faststart_mov(dir.path(), "zeroed.mov", SINE);
    zero_fill_middle(&zeroed);
    let decode_of = |yaml: &str| {
        let (_, report) = check(dir.path(), yaml, &[&zeroed]);
        report["files"][0]["measurements"]["decode"].clone()
    };
    let alone = decode_of("name: t\nintegrity: {decode: true}\n");
    let shared = decode_of(
        "name: t\nintegrity: {decode: true}\ncontent:\n  black: {max_s: 2.0}\n  silence: {max_s: 2.0}\n",
    );
    assert!(alone["errors"][0]["end_s"].is_f64(), "{alone:#}");
    assert_eq!(
        alone["errors"][0]["start_s"],
        shared["errors"][0]["start_s"]
    );
    assert_eq!(alone["errors"][0]["end_s"], shared["errors"][0]["end_s"]);
    assert_eq!(alone["decoded_s"], shared["decoded_s"]);
}

/// A 4 s 48 kHz tone as a WAV of `codec` at `dir/name`.
fn four_second_wav(dir: &Path, name: &str, codec: &str) -> PathBuf {
    let path = dir.join(name);
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "sine=d=4:sample_rate=48000",
        "-c:a",
        codec,
        path.to_str().expect("UTF-8 temp path"),
    ]);
    path
}

/// A header's rate proves nothing on its own: a WAV whose `fmt ` byte rate says ten times what
/// its samples take decodes to its end and is not truncated (it was reported cut short).
#[test]
fn an_overstated_header_rate_is_no_truncation() {
    let dir = temp_dir();
    let overstated = four_second_wav(dir.path(), "overstated.wav", "pcm_s16le");
    let mut bytes = std::fs::read(&overstated).expect("read");
    let fmt = bytes
        .windows(4)
        .position(|w| w == b"fmt ")
        .expect("fmt chunk");
    let at = fmt + 16; // nAvgBytesPerSec
    let rate = u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    bytes[at..at + 4].copy_from_slice(&(rate * 10).to_le_bytes());
    std::fs::write(&overstated, bytes).expect("write");

    let (_, report) = check(dir.path(), "name: t\n", &[&overstated]);
    assert!(
        !ids_of(&report, "overstated.wav").contains(&"file.truncated".to_owned()),
        "{report:#}"
    );
}

/// A WAV cut in transfer at a sample boundary decodes cleanly to where it stops and ffprobe
/// reads its length from what is there; only its `data` chunk says 4 s were sent. It is
/// `file.truncated`, `decode: true` or not; the whole file beside it is not.
#[test]
fn a_wav_cut_at_a_sample_boundary_is_truncated() {
    let dir = temp_dir();
    let whole = four_second_wav(dir.path(), "whole.wav", "pcm_s24le");
    let cut = dir.path().join("cut.wav");
    let bytes = std::fs::read(&whole).expect("read");
    let data = bytes
        .windows(4)
        .position(|w| w == b"data")
        .expect("data chunk")
        + 8;
    // Half the samples, ending on a whole 24-bit frame.
    let keep = data + (bytes.len() - data) / 2 / 3 * 3;
    std::fs::write(&cut, &bytes[..keep]).expect("write");
    for spec in ["name: t\n", "name: t\nintegrity: {decode: true}\n"] {
        let (code, report) = check(dir.path(), spec, &[&whole, &cut]);
        assert_eq!(code, 1, "{report:#}");
        assert!(
            ids_of(&report, "cut.wav").contains(&"file.truncated".to_owned()),
            "{spec}: {report:#}"
        );
        assert!(
            !ids_of(&report, "whole.wav").contains(&"file.truncated".to_owned()),
            "{spec}: {report:#}"
        );
    }
}

/// A WAV whose `data` chunk is empty: a valid header around no sound, as an aborted recording
/// leaves it. ffprobe gives it no duration, so nothing declares a length to fall short of.
fn header_only_wav(path: &Path) {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(b"RIFF");
    bytes.extend_from_slice(&(4u32 + 8 + 16 + 8).to_le_bytes());
    bytes.extend_from_slice(b"WAVEfmt ");
    bytes.extend_from_slice(&16u32.to_le_bytes());
    for (value, width) in [(1u32, 2), (1, 2), (48_000, 4), (96_000, 4), (2, 2), (16, 2)] {
        bytes.extend_from_slice(&value.to_le_bytes()[..width]);
    }
    bytes.extend_from_slice(b"data");
    bytes.extend_from_slice(&0u32.to_le_bytes());
    std::fs::write(path, bytes).expect("write WAV");
}

#[test]
fn a_full_decode_of_no_samples_fails_and_names_no_muxer_line_as_its_cause() {
    let dir = temp_dir();
    let empty = dir.path().join("empty.wav");
    header_only_wav(&empty);
    // A FLAC cut inside its first frame: STREAMINFO declares 1 s, no frame decodes.
    let flac = dir.path().join("cut.flac");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "sine=d=1",
        "-c:a",
        "flac",
        &flac.to_string_lossy(),
    ]);
    let first_frame = std::fs::read(&flac)
        .expect("flac")
        .windows(2)
        .skip(42)
        .position(|w| w == [0xff, 0xf8])
        .expect("a frame header")
        + 42;
    cut_to(&flac, first_frame as u64 + 12);

    let (code, report) = check(
        dir.path(),
        "name: t\nintegrity: {decode: true}\n",
        &[&empty, &flac],
    );
    assert_eq!(code, 1, "{report:#}");
    for name in ["empty.wav", "cut.flac"] {
        let file = &report["files"][index_of(&report, name)];
        let messages: Vec<&str> = file["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["check"] == "file.decode")
            .map(|f| f["message"].as_str().expect("message"))
            .collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("audio stream 1 decoded not one sample")),
            "{name}: {messages:?}"
        );
        // framecrc's header lines (`#channel_layout_name 0: mono`) are data, not a cause.
        assert!(
            messages
                .iter()
                .all(|m| !m.contains("#channel_layout_name") && !m.contains("#sample_rate")),
            "{name}: {messages:?}"
        );
    }
}

/// 4 s of 320x180 h264 at 25 fps (one GOP) with 16-bit PCM at 440 Hz, in a MOV.
fn h264_mov(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let out = path.to_string_lossy().into_owned();
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=320x180:r=25:d=4",
        "-f",
        "lavfi",
        "-i",
        "sine=d=4:f=440",
        "-c:v",
        "libx264",
        "-g",
        "250",
        "-c:a",
        "pcm_s16le",
        "-shortest",
        &out,
    ]);
    path
}

#[test]
fn a_damaged_picture_does_not_make_the_sound_partial() {
    let dir = temp_dir();
    let path = h264_mov(dir.path(), "damaged_h264.mov");
    // Scramble the start of the essence: the first h264 access unit, which ffmpeg reads while
    // opening the file, whatever streams are then decoded.
    let mut bytes = std::fs::read(&path).expect("mov");
    let mdat = bytes.windows(4).position(|w| w == b"mdat").expect("mdat");
    for byte in bytes[mdat + 200..mdat + 2200].iter_mut().step_by(7) {
        *byte ^= 0x5a;
    }
    std::fs::write(&path, bytes).expect("write");

    let yaml = "name: t\naudio: {loudness: {integrated: -20, tolerance: 3}}\n";
    let (_, report) = check(dir.path(), yaml, &[&path]);
    let loudness = &report["files"][0]["measurements"]["loudness"];
    assert!(loudness.get("partial").is_none(), "{loudness:#}");
    assert!(
        (loudness["integrated_lufs"].as_f64().expect("integrated") + 21.8).abs() < 0.3,
        "{loudness:#}"
    );
    let text = report["files"][0]["findings"].to_string();
    assert!(!text.contains("h264"), "{text}");
}

/// A codec the installed ffmpeg cannot decode (here a sample entry nobody knows; in the field
/// HTJ2K on FFmpeg 5.1) is "cannot decode this codec", a warning: not damage, not a failure.
#[test]
fn a_codec_ffmpeg_cannot_decode_is_a_warning_not_damage() {
    let dir = temp_dir();
    let path = h264_mov(dir.path(), "unknown_codec.mov");
    // mov names an h264 stream by its sample entry alone (an MPEG-4 one also by its esds).
    let mut bytes = std::fs::read(&path).expect("mov");
    let entry = bytes
        .windows(4)
        .position(|w| w == b"avc1")
        .expect("an avc1 sample entry");
    bytes[entry..entry + 4].copy_from_slice(b"zzzz");
    std::fs::write(&path, bytes).expect("write");

    let yaml =
        "name: t\nintegrity: {decode: true}\ncontent: {black: {max_s: 1}, freeze: {max_s: 2}}\n";
    let (code, report) = check(dir.path(), yaml, &[&path]);
    assert_eq!(code, 0, "{report:#}");
    let file = &report["files"][0];
    assert_eq!(file["status"], "pass");
    let findings = file["findings"].as_array().expect("findings");
    let ids: Vec<&str> = findings
        .iter()
        .map(|f| f["check"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        ["file.decode", "content.black", "content.freeze"],
        "{file:#}"
    );
    for f in findings {
        assert_eq!(f["severity"], "warning", "{f:#}");
        assert_eq!(f["actual"], "cannot decode this codec", "{f:#}");
        assert!(
            f["message"]
                .as_str()
                .expect("message")
                .contains("video (codec unknown)"),
            "{f:#}"
        );
    }
}

/// The installed libavcodec's (major, minor), as `ffmpeg -version` prints it.
fn libavcodec_version() -> (u32, u32) {
    let out = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-version"])
        .output()
        .expect("run ffmpeg -version");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = text
        .lines()
        .find(|l| l.starts_with("libavcodec"))
        .expect("a libavcodec line");
    let version: Vec<u32> = line["libavcodec".len()..]
        .split('/')
        .next()
        .expect("version")
        .split('.')
        .map(|p| p.trim().parse().expect("a number"))
        .collect();
    (version[0], version[1])
}

/// HTJ2K: FFmpeg before 6.1 has a `jpeg2000` decoder that does not refuse HT code-blocks, so
/// `ffmpeg -codecs` cannot tell. The first codestream's Rsiz HT bit (ISO/IEC 15444-15) can:
/// on such an FFmpeg the file is "cannot decode this codec", a warning, and is not decoded; a
/// cut one still fails, found short by its packets.
#[test]
fn an_htj2k_picture_on_an_ffmpeg_before_6_1_is_a_warning_not_damage() {
    let dir = temp_dir();
    let plain = dir.path().join("plain_j2k.mxf");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=320x180:r=25:d=2",
        "-c:v",
        "jpeg2000",
        "-pix_fmt",
        "yuv422p10le",
        plain.to_str().expect("utf-8"),
    ]);
    let ht = dir.path().join("ht_j2k.mxf");
    let mut bytes = std::fs::read(&plain).expect("mxf");
    let soc_siz = bytes
        .windows(4)
        .position(|w| w == [0xFF, 0x4F, 0xFF, 0x51])
        .expect("a codestream");
    // Rsiz, after SOC, SIZ and Lsiz: bit 14 says HTJ2K.
    bytes[soc_siz + 6] |= 0x40;
    // The same, cut to a fifth: not decoded, yet found short by its packets.
    let cut = dir.path().join("ht_j2k_cut.mxf");
    std::fs::write(&cut, &bytes[..bytes.len() / 5]).expect("write");
    std::fs::write(&ht, bytes).expect("write");

    let yaml = "name: t\nintegrity: {decode: true}\ncontent: {black: {max_s: 1}}\n";
    let (code, report) = check(dir.path(), yaml, &[&plain, &ht, &cut]);
    let old_ffmpeg = libavcodec_version() < (60, 31);
    if old_ffmpeg {
        assert_eq!(code, 1, "the cut file fails: {report:#}");
    }
    let file = |name: &str| &report["files"][index_of(&report, name)];
    let plain = file("plain_j2k.mxf");
    assert_eq!(plain["status"], "pass", "{plain:#}");
    assert!(
        !plain["findings"].to_string().contains("HTJ2K"),
        "{plain:#}"
    );
    let ht = file("ht_j2k.mxf");
    let warned = ht["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["actual"] == "cannot decode this codec")
        .inspect(|f| {
            assert_eq!(f["severity"], "warning", "{f:#}");
            assert!(
                f["message"].as_str().expect("message").contains("HTJ2K"),
                "{f:#}"
            );
        })
        .count();
    if old_ffmpeg {
        assert_eq!(ht["status"], "pass", "{ht:#}");
        assert_eq!(warned, 2, "file.decode and content.black: {ht:#}");
        let cut = file("ht_j2k_cut.mxf");
        assert_eq!(cut["status"], "fail", "{cut:#}");
        let short = cut["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["severity"] == "error")
            .unwrap_or_else(|| panic!("an error finding: {cut:#}"));
        assert_eq!(short["check"], "file.decode", "{short:#}");
        let message = short["message"].as_str().expect("message");
        assert!(
            message.contains("the packets reach only") && message.contains("the file ends early"),
            "{message}"
        );
    } else {
        // A newer FFmpeg decodes HT code-blocks: this stream (marked HT, coded without) is
        // decoded, and judged on what its decode gives.
        assert_eq!(warned, 0, "FFmpeg 6.1 and newer decode HTJ2K: {ht:#}");
    }
}
