//! `audio.layout` on real media made here with ffmpeg: programmes assembled from mono tracks,
//! from several streams and from several files read as one; missing and silent channels; and
//! the spec errors a bad layout gives.

use crate::common::{check_json, ffmpeg, require_ffmpeg, temp_dir, write_spec};
use dailies_qc::analyze::decode::StreamRequest;
use dailies_qc::analyze::loudness::measure_stream;
use dailies_qc::analyze::programme::{ChannelSource, ProgrammeRequest, measure_programme};
use dailies_qc::spec::Role;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

const SECONDS: f64 = 10.0;

/// A stereo mix that is not the same on both sides and changes level half way (so the
/// loudness range and the true peak have something to read): L a 1 kHz tone at −20 then
/// −30 dBFS, R a 440 Hz tone at −26 dBFS.
fn stereo_wav(dir: &Path) -> PathBuf {
    let path = dir.join("mix.wav");
    let source = format!(
        "aevalsrc=exprs=(0.1*lt(t\\,5)+0.0316*gte(t\\,5))*sin(2*PI*1000*t)|0.05*sin(2*PI*440*t)\
         :s=48000:d={SECONDS}:channel_layout=stereo"
    );
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        &source,
        "-c:a",
        "pcm_s24le",
        as_str(&path),
    ]);
    path
}

/// EBU Tech 3341 case 6 as 5.1: L, R −28; C −24; Ls, Rs −30 dBFS of 1 kHz reads −23.0 LUFS,
/// with a loud LFE the weights must leave out.
fn five_one_wav(dir: &Path) -> PathBuf {
    let path = dir.join("five_one.wav");
    let tone = |dbfs: f64, hz: u32| format!("{:.8}*sin(2*PI*{hz}*t)", 10f64.powf(dbfs / 20.0));
    let channels = [
        tone(-28.0, 1000),
        tone(-28.0, 1000),
        tone(-24.0, 1000),
        tone(-6.0, 60),
        tone(-30.0, 1000),
        tone(-30.0, 1000),
    ];
    let source = format!(
        "aevalsrc=exprs={}:s=48000:d={SECONDS}:channel_layout=5.1",
        channels.join("|")
    );
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        &source,
        "-c:a",
        "pcm_s24le",
        as_str(&path),
    ]);
    path
}

/// The stereo mix as two mono tracks of one QuickTime file, as cameras carry it (big-endian
/// 24-bit, the ffmpeg path), followed by the streams of `more` files.
fn mono_pair_mov(stereo: &Path, more: &[&Path], name: &str) -> PathBuf {
    let path = stereo.with_file_name(name);
    let mut args = vec!["-i", as_str(stereo)];
    for file in more {
        args.extend(["-i", as_str(file)]);
    }
    args.extend([
        "-filter_complex",
        "[0:a]channelsplit=channel_layout=stereo[l][r]",
        "-map",
        "[l]",
        "-map",
        "[r]",
    ]);
    let maps: Vec<String> = (1..=more.len()).map(|i| format!("{i}:a")).collect();
    for map in &maps {
        args.extend(["-map", map]);
    }
    args.extend(["-c:a", "pcm_s24be", as_str(&path)]);
    ffmpeg(&args);
    path
}

/// The stereo mix as one stereo stream of a QuickTime file.
fn stereo_mov(stereo: &Path) -> PathBuf {
    let path = stereo.with_file_name("stereo.mov");
    ffmpeg(&["-i", as_str(stereo), "-c:a", "pcm_s24be", as_str(&path)]);
    path
}

fn as_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}

/// The report of `check` with `spec` on `media`, and its exit code.
fn check(spec: &Path, media: &Path) -> (i32, Value) {
    let outcome = check_json(spec, &[media]);
    assert!(
        outcome.code == 0 || outcome.code == 1,
        "exit {}: {}",
        outcome.code,
        outcome.stderr
    );
    (outcome.code, outcome.json())
}

fn figure(loudness: &Value, key: &str) -> f64 {
    loudness[key]
        .as_f64()
        .unwrap_or_else(|| panic!("no {key} in {loudness:#}"))
}

/// Integrated loudness, true peak and loudness range agree within 0.05.
fn assert_same_reading(what: &str, got: &Value, want: &Value) {
    for key in ["integrated_lufs", "true_peak_dbtp", "lra_lu"] {
        let (got, want) = (figure(got, key), figure(want, key));
        assert!(
            (got - want).abs() <= 0.05,
            "{what}: {key} {got} where the stereo stream reads {want}"
        );
    }
}

fn messages(report: &Value) -> Vec<String> {
    report["files"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["message"].as_str().expect("message").to_owned())
        .collect()
}

fn layout_messages(report: &Value) -> Vec<String> {
    report["files"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["check"] == "audio.layout")
        .map(|f| f["message"].as_str().expect("message").to_owned())
        .collect()
}

const LOUDNESS: &str =
    "  loudness: {integrated: -23, tolerance: 0.5, true_peak_max: -1, lra_max: 20}\n";

#[test]
fn two_mono_tracks_read_as_the_same_stereo_programme() {
    require_ffmpeg();
    let dir = temp_dir();
    let wav = stereo_wav(dir.path());
    let (pair, stereo) = (mono_pair_mov(&wav, &[], "pair.mov"), stereo_mov(&wav));
    let per_stream = write_spec(dir.path(), &format!("name: plain\naudio:\n{LOUDNESS}"));
    let (_, plain) = check(&per_stream, &stereo);
    let reference = &plain["files"][0]["measurements"]["loudness"];
    assert!(reference.get("programmes").is_none(), "{reference:#}");

    let spec = write_spec(
        dir.path(),
        &format!(
            "name: layout\naudio:\n  layout:\n    - {{name: stereo, channels: [\"1:1 L\", \"2:1 R\"]}}\n{LOUDNESS}"
        ),
    );
    let (_, report) = check(&spec, &pair);
    let loudness = &report["files"][0]["measurements"]["loudness"];
    let programme = &loudness["programmes"][0];
    assert_eq!(programme["name"], "stereo");
    assert_same_reading("two mono tracks", programme, reference);
    // The first programme's figures stand where the first stream's would.
    assert_same_reading("measurements.loudness", loudness, reference);
    assert!(
        messages(&report)
            .iter()
            .any(|m| m.starts_with("integrated loudness: expected -23.0")
                && m.ends_with("(programme \"stereo\")")),
        "{:#?}",
        messages(&report)
    );
    // The stereo stream as a programme of its own two channels reads the same too.
    let (_, same) = check(
        &write_spec(
            dir.path(),
            &format!(
                "name: layout\naudio:\n  layout:\n    - {{name: mix, channels: [\"1:1 L\", \"1:2 R\"]}}\n{LOUDNESS}"
            ),
        ),
        &stereo,
    );
    assert_same_reading(
        "one stereo stream as a programme",
        &same["files"][0]["measurements"]["loudness"]["programmes"][0],
        reference,
    );
}

/// The DESIGN example: a stereo mix on tracks 1–2 (mono each) and a 5.1 on the six channels of
/// stream 3, each judged against the loudness rule on its own.
#[test]
fn stereo_on_two_tracks_and_five_one_in_stream_three() {
    require_ffmpeg();
    let dir = temp_dir();
    let wav = stereo_wav(dir.path());
    let five_one = five_one_wav(dir.path());
    let media = mono_pair_mov(&wav, &[&five_one], "delivery.mov");
    let spec = write_spec(
        dir.path(),
        "name: delivery\naudio:\n  layout:\n    - {name: stereo, channels: [\"1:1 L\", \"2:1 R\"]}\n    - {name: \"5.1\", channels: [\"3:1 L\", \"3:2 R\", \"3:3 C\", \"3:4 LFE\", \"3:5 Ls\", \"3:6 Rs\"]}\n  loudness: {integrated: -23, tolerance: 0.5}\n",
    );
    let (code, report) = check(&spec, &media);
    let programmes = &report["files"][0]["measurements"]["loudness"]["programmes"];
    assert_eq!(programmes[0]["name"], "stereo");
    assert_eq!(programmes[1]["name"], "5.1");
    let five_one = figure(&programmes[1], "integrated_lufs");
    assert!(
        (five_one + 23.0).abs() <= 0.1,
        "Tech 3341 case 6 as a programme reads {five_one} LUFS, not -23.0"
    );
    // The stereo programme misses the target, the 5.1 meets it: one finding, naming stereo.
    let loudness: Vec<String> = messages(&report)
        .into_iter()
        .filter(|m| m.starts_with("integrated loudness"))
        .collect();
    assert_eq!(loudness.len(), 1, "{loudness:#?}");
    assert!(
        loudness[0].ends_with("(programme \"stereo\")"),
        "{loudness:#?}"
    );
    assert_eq!(code, 1);
    assert!(layout_messages(&report).is_empty(), "{report:#}");
}

#[test]
fn a_channel_the_file_lacks_is_an_audio_layout_finding() {
    require_ffmpeg();
    let dir = temp_dir();
    let pair = mono_pair_mov(&stereo_wav(dir.path()), &[], "pair.mov");
    let spec = write_spec(
        dir.path(),
        &format!(
            "name: layout\naudio:\n  layout:\n    - {{name: stereo, channels: [\"1:1 L\", \"2:1 R\"]}}\n    - {{name: M&E, channels: [\"3:1 L\", \"2:2 R\"]}}\n{LOUDNESS}"
        ),
    );
    let (code, report) = check(&spec, &pair);
    assert_eq!(code, 1);
    assert_eq!(
        layout_messages(&report),
        [
            "audio layout: programme \"M&E\": 3:1 missing: the file has 2 audio streams; \
          2:2 missing: stream 2 has 1 channel"
        ]
    );
    let finding = crate::common::finding(&report, 0, "audio.layout");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["expected"], "3:1 L, 2:2 R");
    // Its loudness is not measured (and says why); the stereo programme's still is.
    assert!(
        messages(&report).contains(
            &"not measured: programme \"M&E\" names channels the file lacks (see audio.layout)"
                .to_owned()
        ),
        "{:#?}",
        messages(&report)
    );
    let programmes = &report["files"][0]["measurements"]["loudness"]["programmes"];
    assert_eq!(
        programmes.as_array().map(Vec::len),
        Some(1),
        "{programmes:#}"
    );
}

#[test]
fn a_digitally_silent_channel_of_a_programme_is_a_finding() {
    require_ffmpeg();
    let dir = temp_dir();
    let wav = stereo_wav(dir.path());
    // Track 2 laid down empty: every sample zero.
    let gap = dir.path().join("gap.mov");
    ffmpeg(&[
        "-i",
        as_str(&wav),
        "-f",
        "lavfi",
        "-i",
        &format!("anullsrc=r=48000:cl=mono:d={SECONDS}"),
        "-filter_complex",
        "[0:a]pan=mono|c0=c0[l]",
        "-map",
        "[l]",
        "-map",
        "1:a",
        "-c:a",
        "pcm_s24be",
        as_str(&gap),
    ]);
    // No loudness rule: the layout's own decode finds the silence.
    let spec = write_spec(
        dir.path(),
        "name: layout\naudio:\n  layout:\n    - {name: stereo, channels: [\"1:1 L\", \"2:1 R\"]}\n",
    );
    let (code, report) = check(&spec, &gap);
    assert_eq!(code, 1);
    assert_eq!(
        layout_messages(&report),
        [
            "audio layout: programme \"stereo\": channel 2:1 R is digital silence (every sample is zero)"
        ]
    );
    assert_eq!(
        report["files"][0]["measurements"]["layout"]["silent"][0],
        "2:1"
    );
    assert!(report["files"][0]["measurements"]["loudness"].is_null());

    let pair = mono_pair_mov(&wav, &[], "pair.mov");
    let (code, report) = check(&spec, &pair);
    assert_eq!(code, 0, "{report:#}");
    assert!(layout_messages(&report).is_empty());
}

#[test]
fn a_bad_layout_is_a_spec_error_with_file_line_and_key() {
    require_ffmpeg();
    let dir = temp_dir();
    let pair = mono_pair_mov(&stereo_wav(dir.path()), &[], "pair.mov");
    let spec = write_spec(
        dir.path(),
        "name: layout\naudio:\n  layout:\n    - name: stereo\n      channels: [\"1:1 L\", \"2:1 Right\"]\n",
    );
    let outcome = check_json(&spec, &[&pair]);
    assert_eq!(outcome.code, 2, "{}", outcome.stderr);
    assert!(outcome.stdout.is_empty());
    assert!(
        outcome.stderr.contains(&format!(
            "{}:5:7: audio.layout[0].channels[1]: \"2:1 Right\": unknown role \"Right\"",
            spec.display()
        )),
        "{}",
        outcome.stderr
    );
}

/// Avid OP-Atom keeps each mono track in its own MXF: two such files measured as one programme
/// read as the stereo file does.
#[test]
fn mono_tracks_in_separate_files_measure_as_one_programme() {
    require_ffmpeg();
    let dir = temp_dir();
    let wav = stereo_wav(dir.path());
    let tracks: Vec<PathBuf> = ["A1", "A2"]
        .iter()
        .enumerate()
        .map(|(channel, name)| {
            let path = dir.path().join(format!("C001_{name}.mxf"));
            ffmpeg(&[
                "-i",
                as_str(&wav),
                "-af",
                &format!("pan=mono|c0=c{channel}"),
                "-c:a",
                "pcm_s24le",
                "-timecode",
                "01:00:00:00",
                "-f",
                "mxf_opatom",
                as_str(&path),
            ]);
            path
        })
        .collect();
    let request = ProgrammeRequest {
        sources: vec![
            ChannelSource {
                path: &tracks[0],
                audio_index: 0,
                channel: 0,
                role: Role::Left,
            },
            ChannelSource {
                path: &tracks[1],
                audio_index: 0,
                channel: 0,
                role: Role::Right,
            },
        ],
        rate: 48000,
        duration_s: Some(SECONDS),
        stall_timeout: Duration::from_secs(60),
    };
    let programme = measure_programme(&request, true, None, "stereo", &|s| format!("{s:.1}"))
        .expect("measured");
    assert_eq!(programme.silent, [false, false]);
    assert_eq!(programme.decoded.stopped_early, None);
    let programme = programme.loudness.expect("metered");
    let stereo = measure_stream(
        StreamRequest {
            path: &wav,
            audio_index: 0,
            audio_streams: 1,
            channels: Some(2),
            rate: Some(48000),
            duration_s: Some(SECONDS),
            stall_timeout: Duration::from_secs(60),
        },
        Some("stereo"),
        &|s| format!("{s:.1}"),
    )
    .expect("stereo measured")
    .loudness;
    for (what, got, want) in [
        (
            "integrated",
            programme.integrated_lufs,
            stereo.integrated_lufs,
        ),
        ("true peak", programme.true_peak_dbtp, stereo.true_peak_dbtp),
        ("range", programme.lra_lu, stereo.lra_lu),
    ] {
        let (got, want) = (got.expect(what), want.expect(what));
        assert!((got - want).abs() <= 0.05, "{what}: {got} vs {want}");
    }
}

/// Channels come out in the programme's order, however they are spread over streams: the one
/// silent channel (R of stream 1) is found where the programme puts it.
#[test]
fn channels_arrive_in_the_programme_order() {
    require_ffmpeg();
    let dir = temp_dir();
    let media = dir.path().join("spread.mov");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "aevalsrc=0.1*sin(2*PI*1000*t)|0:s=48000:d=2:channel_layout=stereo",
        "-f",
        "lavfi",
        "-i",
        "aevalsrc=0.1*sin(2*PI*440*t):s=48000:d=2",
        "-map",
        "0:a",
        "-map",
        "1:a",
        "-c:a",
        "pcm_s24le",
        as_str(&media),
    ]);
    let source = |audio_index, channel, role| ChannelSource {
        path: &media,
        audio_index,
        channel,
        role,
    };
    for (sources, silent) in [
        (
            vec![
                source(1, 0, Role::Left),
                source(0, 1, Role::Right),
                source(0, 0, Role::Centre),
            ],
            [false, true, false],
        ),
        (
            vec![
                source(0, 1, Role::Left),
                source(0, 0, Role::Right),
                source(1, 0, Role::Centre),
            ],
            [true, false, false],
        ),
    ] {
        let request = ProgrammeRequest {
            sources,
            rate: 48000,
            duration_s: Some(2.0),
            stall_timeout: Duration::from_secs(60),
        };
        let reading = measure_programme(&request, false, None, "programme", &|s| format!("{s:.1}"))
            .expect("read");
        assert_eq!(reading.silent, silent, "{request:?}");
        assert_eq!(reading.loudness, None);
        assert_eq!(reading.decoded.format.channels, 3);
    }
}
