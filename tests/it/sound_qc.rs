//! Sound checks beyond loudness, on media made with known answers: phase and polarity
//! (`audio.phase`), dual mono and one-sided pairs (`audio.stereo`), the line-up tone
//! (`audio.tone`), a 5.1 with its dialogue on the LFE (`audio.layout`), and the programme layout
//! (`timeline.segment`, `timeline.forbidden`).

use crate::common::{check_json, ffmpeg, require_ffmpeg, temp_dir, write_spec};
use std::path::{Path, PathBuf};

/// A 4 s 48 kHz 24-bit WAV from an `aevalsrc` expression per channel.
fn wav(dir: &Path, name: &str, channels: &str, layout: &str) -> PathBuf {
    let path = dir.join(name);
    let source = format!("aevalsrc=exprs={channels}:s=48000:d=4:c={layout}");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        &source,
        "-c:a",
        "pcm_s24le",
        path.to_str().expect("UTF-8"),
    ]);
    path
}

/// `(check, message)` of every finding of `ids` on one file.
fn found(spec: &Path, media: &Path, ids: &[&str]) -> Vec<(String, String)> {
    let outcome = check_json(spec, &[media]);
    let report = outcome.json();
    report["files"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| ids.iter().any(|id| f["check"] == *id))
        .map(|f| {
            (
                f["check"].as_str().unwrap_or("").to_owned(),
                f["message"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

const SINE: &str = "0.3*sin(2*PI*440*t)";

#[test]
fn pairs_in_phase_uncorrelated_and_inverted() {
    require_ffmpeg();
    let dir = temp_dir();
    let spec = write_spec(
        dir.path(),
        "name: pairs\naudio:\n  phase: {min_correlation: -0.3, min_s: 1}\n  stereo: {expect: stereo}\n",
    );
    let ids = ["audio.phase", "audio.stereo"];
    // +1: the same sine on both sides is mono in a stereo pair.
    let same = wav(
        dir.path(),
        "same.wav",
        &format!("'{SINE}|{SINE}'"),
        "stereo",
    );
    let f = found(&spec, &same, &ids);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0].0 == "audio.stereo" && f[0].1.contains("carries mono"),
        "{f:?}"
    );
    // 0: unrelated sounds on each side (440 and 660 Hz) pass both.
    let apart = wav(
        dir.path(),
        "apart.wav",
        "'0.3*sin(2*PI*440*t)|0.3*sin(2*PI*660*t)'",
        "stereo",
    );
    assert!(found(&spec, &apart, &ids).is_empty());
    // −1: one side inverted.
    let inverted = wav(
        dir.path(),
        "inverted.wav",
        &format!("'{SINE}|-{SINE}'"),
        "stereo",
    );
    let f = found(&spec, &inverted, &ids);
    assert!(
        f.iter()
            .any(|(id, m)| id == "audio.phase" && m.contains("polarity inverted")),
        "{f:?}"
    );
    // Out of phase for 2 s only, in the middle: a stretch with its timecodes.
    let partly = wav(
        dir.path(),
        "partly.wav",
        &format!("'{SINE}|if(between(t,1,3),-1,1)*{SINE}+0.05*sin(2*PI*660*t)'"),
        "stereo",
    );
    let report = check_json(&spec, &[&partly]).json();
    let phase: Vec<&serde_json::Value> = report["files"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["check"] == "audio.phase")
        .collect();
    assert_eq!(phase.len(), 1, "{phase:?}");
    // Measured in 400 ms blocks: the block holding a change reads neither way.
    let message = phase[0]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("out of phase for 1.6 s") || message.contains("out of phase for 2.0 s"),
        "{phase:?}"
    );
    let start = phase[0]["at"]["start"].as_str().unwrap_or("");
    assert!(
        ["00:00:00.800", "00:00:01.200"].contains(&start),
        "{phase:?}"
    );
}

#[test]
fn a_dead_side_is_one_sided() {
    require_ffmpeg();
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: s\naudio:\n  stereo: {expect: any}\n");
    let media = wav(
        dir.path(),
        "dead_right.wav",
        &format!("'{SINE}|0'"),
        "stereo",
    );
    let f = found(&spec, &media, &["audio.stereo"]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].1.contains("one-sided: the right side"), "{f:?}");
}

#[test]
fn line_up_tone_at_the_wrong_level_fails() {
    require_ffmpeg();
    let dir = temp_dir();
    let spec = write_spec(
        dir.path(),
        "name: r68\naudio:\n  tone: {frequency: 1000, level_dbfs: -18, tolerance_db: 0.5}\n",
    );
    // Peak amplitudes of −18 and −20 dBFS.
    let at_18 = wav(
        dir.path(),
        "tone18.wav",
        "'0.125893*sin(2*PI*1000*t)|0.125893*sin(2*PI*1000*t)'",
        "stereo",
    );
    assert!(found(&spec, &at_18, &["audio.tone"]).is_empty());
    let at_20 = wav(
        dir.path(),
        "tone20.wav",
        "'0.1*sin(2*PI*1000*t)|0.1*sin(2*PI*1000*t)'",
        "stereo",
    );
    let f = found(&spec, &at_20, &["audio.tone"]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].1.contains("tone at -20.00 dBFS"), "{f:?}");
    let music = wav(
        dir.path(),
        "music.wav",
        "'0.2*sin(2*PI*440*t)+0.1*sin(2*PI*1000*t)|0.2*sin(2*PI*440*t)'",
        "stereo",
    );
    let f = found(&spec, &music, &["audio.tone"]);
    assert!(
        f.len() == 1 && f[0].1.contains("no 1000 Hz tone found"),
        "{f:?}"
    );
}

#[test]
fn dialogue_on_the_lfe_of_a_5_1_is_a_warning() {
    require_ffmpeg();
    let dir = temp_dir();
    let spec = write_spec(
        dir.path(),
        "name: lfe\naudio:\n  lfe: {max_above_120hz_db: -20}\n",
    );
    // A speech-band tone pair where the centre should be, on the LFE; the centre holds a hum.
    let speech = "0.2*sin(2*PI*700*t)+0.1*sin(2*PI*1500*t)";
    let hum = "0.05*sin(2*PI*50*t)";
    let quiet = "0.02*sin(2*PI*300*t)";
    let channels = format!("'{quiet}|{quiet}|{hum}|{speech}|{quiet}|{quiet}'");
    let swapped = wav(dir.path(), "swapped.wav", &channels, "5.1");
    let f = found(&spec, &swapped, &["audio.layout"]);
    assert!(
        f.iter().any(|(_, m)| m.contains("full-range audio on LFE")),
        "{f:?}"
    );
    assert!(f.iter().any(|(_, m)| m.contains("swapped C/LFE")), "{f:?}");
    let right = format!("'{quiet}|{quiet}|{speech}|{hum}|{quiet}|{quiet}'");
    let right = wav(dir.path(), "right.wav", &right, "5.1");
    assert!(found(&spec, &right, &["audio.layout"]).is_empty());
}

/// 3 s of SMPTE HD bars with a −18 dBFS 1 kHz tone, 2 s of black and silence, then 4 s of
/// programme (moving pictures and noise) — or, with `wrong_order`, black first.
fn leader(dir: &Path, name: &str, wrong_order: bool) -> PathBuf {
    let path = dir.join(name);
    let bars = "smptehdbars=s=640x360:r=25:d=3";
    let black = "color=c=black:s=640x360:r=25:d=2";
    let programme = "testsrc2=s=640x360:r=25:d=4";
    let tone = "sine=f=1000:sample_rate=48000:d=3,volume=-18dB:precision=fixed";
    let silence = "anullsrc=r=48000:cl=mono,atrim=duration=2";
    let noise = "anoisesrc=d=4:c=pink:r=48000:a=0.2";
    let (first, second) = if wrong_order { (1, 0) } else { (0, 1) };
    let graph = format!(
        "[{first}:v][{first}:a][{second}:v][{second}:a][2:v][2:a]concat=n=3:v=1:a=1,asplit=1[a]"
    );
    let graph = graph.replace(",asplit=1[a]", "[v][a]");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        &format!("{bars}[out0];{tone}[out1]"),
        "-f",
        "lavfi",
        "-i",
        &format!("{black}[out0];{silence}[out1]"),
        "-f",
        "lavfi",
        "-i",
        &format!("{programme}[out0];{noise}[out1]"),
        "-filter_complex",
        &graph,
        "-map",
        "[v]",
        "-map",
        "[a]",
        "-c:v",
        "ffv1",
        "-c:a",
        "pcm_s16le",
        "-ac",
        "2",
        path.to_str().expect("UTF-8"),
    ]);
    path
}

#[test]
fn the_programme_layout_is_checked_in_order_and_forbidden_parts_are_found() {
    require_ffmpeg();
    let dir = temp_dir();
    let spec = write_spec(
        dir.path(),
        "name: uk\ntimeline:\n  segments:\n    - {what: bars_tone, min_s: 2}\n    - {what: black_silence, min_s: 1}\n    - {what: programme, start: 5}\n",
    );
    let right = leader(dir.path(), "right.mkv", false);
    let report = check_json(&spec, &[&right]).json();
    let seen: Vec<&str> = report["files"][0]["measurements"]["timeline"]
        .as_array()
        .expect("timeline measured")
        .iter()
        .map(|s| s["what"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        seen,
        ["bars_tone", "black_silence", "programme"],
        "{report:#}"
    );
    assert!(found(&spec, &right, &["timeline.segment"]).is_empty());
    let wrong = leader(dir.path(), "wrong.mkv", true);
    let f = found(&spec, &wrong, &["timeline.segment"]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0].1
            .contains("expected bars_tone for at least 2 s, got black_silence"),
        "{f:?}"
    );

    let streaming = write_spec(
        dir.path(),
        "name: streaming\ntimeline:\n  forbid: [bars, tone, slate]\n",
    );
    let f = found(&streaming, &right, &["timeline.forbidden"]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0].1.contains("bars_tone for 3.2 s")
            || f[0].1.contains("bars_tone for 2.8 s")
            || f[0].1.contains("bars_tone for 3.0 s"),
        "{f:?}"
    );
}

/// A MOV whose left and right are two mono streams, the right one inverted, and a 5.1 stream
/// with the dialogue on its LFE: judged through `audio.layout`'s programmes, in the programme
/// decode (pairs named after the programme).
#[test]
fn pairs_and_channels_of_layout_programmes_across_mono_streams() {
    require_ffmpeg();
    let dir = temp_dir();
    let path = dir.path().join("mono_pair.mov");
    let speech = "0.2*sin(2*PI*700*t)+0.1*sin(2*PI*1500*t)";
    let (hum, quiet) = ("0.05*sin(2*PI*50*t)", "0.02*sin(2*PI*300*t)");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        &format!("aevalsrc=exprs='{SINE}':s=48000:d=4"),
        "-f",
        "lavfi",
        "-i",
        &format!("aevalsrc=exprs='-{SINE}':s=48000:d=4"),
        "-f",
        "lavfi",
        "-i",
        &format!(
            "aevalsrc=exprs='{quiet}|{quiet}|{hum}|{speech}|{quiet}|{quiet}':s=48000:d=4:c=5.1"
        ),
        "-map",
        "0:a",
        "-map",
        "1:a",
        "-map",
        "2:a",
        "-c:a",
        "pcm_s24le",
        path.to_str().expect("UTF-8"),
    ]);
    let spec = write_spec(
        dir.path(),
        "name: layout\naudio:\n  layout:\n    - {name: stereo, channels: [\"1:1 L\", \"2:1 R\"]}\n    - {name: \"5.1\", channels: [\"3:1 L\", \"3:2 R\", \"3:3 C\", \"3:4 LFE\", \"3:5 Ls\", \"3:6 Rs\"]}\n  phase: {}\n  lfe: {}\n",
    );
    let f = found(&spec, &path, &["audio.phase", "audio.layout"]);
    assert!(
        f.iter().any(|(id, m)| id == "audio.phase"
            && m.contains("phase of stereo L/R")
            && m.contains("polarity inverted")),
        "{f:?}"
    );
    assert!(
        !f.iter()
            .any(|(_, m)| m.contains("5.1 L/R") || m.contains("5.1 Ls/Rs")),
        "{f:?}"
    );
    assert!(
        f.iter().any(|(_, m)| m.contains("full-range audio on LFE")),
        "{f:?}"
    );
}

/// A file cut short while its index stays whole: what was heard is judged, and every sound rule
/// says it saw only part of the file instead of passing.
#[test]
fn a_file_cut_short_fails_each_sound_rule_as_partly_analysed() {
    require_ffmpeg();
    let dir = temp_dir();
    let full = dir.path().join("full.mov");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=320x180:r=25:d=4",
        "-f",
        "lavfi",
        "-i",
        &format!("aevalsrc=exprs='{SINE}|{SINE}':s=48000:d=4"),
        "-c:v",
        "prores_ks",
        "-c:a",
        "pcm_s16le",
        "-movflags",
        "+faststart",
        full.to_str().expect("UTF-8"),
    ]);
    let cut = dir.path().join("cut.mov");
    let bytes = std::fs::read(&full).expect("read");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write");
    let spec = write_spec(
        dir.path(),
        "name: s\naudio:\n  phase: {}\ntimeline:\n  forbid: [bars]\n",
    );
    let f = found(&spec, &cut, &["audio.phase", "timeline.forbidden"]);
    for id in ["audio.phase", "timeline.forbidden"] {
        assert!(
            f.iter()
                .any(|(i, m)| i == id && m.contains("only partly analysed")),
            "{id}: {f:?}"
        );
    }
}
