//! Loudness against the EBU's own conformance signals (Tech 3341 meter, Tech 3342 LRA),
//! synthesised here with ffmpeg's aevalsrc, written as 24-bit WAV (symphonia path) and as
//! big-endian 24-bit PCM in QuickTime (ffmpeg path: symphonia misreads `in24`).

use dailies_qc::analyze::decode::StreamRequest;
use dailies_qc::analyze::loudness::{StreamLoudness, measure_stream};
use dailies_qc::measurements::Decoder;
use dailies_qc::synth::{ffmpeg, truncate_file};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One channel's programme: (level of a 1 kHz sine in dBFS, seconds) pieces in order.
type Programme<'a> = &'a [(f64, f64)];

/// A conformance case: name, programme, expected reading.
type Case = (&'static str, Programme<'static>, f64);

fn amplitude(dbfs: f64) -> f64 {
    10f64.powf(dbfs / 20.0)
}

/// aevalsrc expression: `amp(t) * sin(2π f t + phase)`, amp stepping through the pieces.
fn channel_expr(pieces: Programme, frequency: f64, phase_deg: f64) -> String {
    let mut start = 0.0;
    let mut amp = Vec::new();
    for (dbfs, seconds) in pieces {
        // between() is inclusive; the nudge keeps a boundary sample in one piece only.
        amp.push(format!(
            "between(t\\,{start}\\,{})*{:.10}",
            start + seconds - 1e-7,
            amplitude(*dbfs)
        ));
        start += seconds;
    }
    format!(
        "({})*sin(2*PI*{frequency}*t+{})",
        amp.join("+"),
        phase_deg.to_radians()
    )
}

/// Writes `channels` (one programme each) with `layout` as 48 kHz 24-bit WAV.
fn write_wav(dir: &Path, name: &str, channels: &[String], layout: &str, seconds: f64) -> PathBuf {
    let path = dir.join(format!("{name}.wav"));
    let source = format!(
        "aevalsrc=exprs={}:s=48000:d={seconds}:channel_layout={layout}",
        channels.join("|")
    );
    ffmpeg(&strings(&[
        "-v",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        &source,
        "-c:a",
        "pcm_s24le",
        path.to_str().expect("utf-8 temp path"),
    ]))
    .expect("ffmpeg writes the test signal");
    path
}

/// The same audio as big-endian 24-bit PCM (`in24`) in a QuickTime file.
fn rewrap_mov(wav: &Path) -> PathBuf {
    rewrap_mov_with(wav, &[])
}

/// `rewrap_mov` with the index at the front, so a file cut short still opens.
fn rewrap_mov_faststart(wav: &Path) -> PathBuf {
    rewrap_mov_with(wav, &["-movflags", "+faststart"])
}

fn rewrap_mov_with(wav: &Path, options: &[&str]) -> PathBuf {
    let mov = wav.with_extension("mov");
    let mut args = strings(&["-v", "error", "-y", "-i", wav.to_str().expect("utf-8")]);
    args.extend(strings(&["-c:a", "pcm_s24be"]));
    args.extend(strings(options));
    args.push(mov.to_str().expect("utf-8").to_owned());
    ffmpeg(&args).expect("ffmpeg rewraps as mov");
    mov
}

/// The EBU R128 loudness rule every end-to-end test here checks against.
const R128_RULE: &str =
    "audio:\n  loudness: {integrated: -23.0, tolerance: 0.5, true_peak_max: -1.0, lra_max: 20}\n";

/// Writes a spec named `name` with the R128 rule plus `more` YAML.
fn r128_spec(dir: &Path, name: &str, more: &str) -> PathBuf {
    let path = dir.join(format!("{name}.yaml"));
    std::fs::write(&path, format!("name: {name}\n{R128_RULE}{more}")).expect("spec");
    path
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn measure(path: &Path, channels: u32, layout: &str, seconds: f64) -> StreamLoudness {
    try_measure(path, channels, layout, seconds, Duration::from_secs(60))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The file's only audio stream, 48 kHz, through the decoder the library picks for it.
fn try_measure(
    path: &Path,
    channels: u32,
    layout: &str,
    seconds: f64,
    stall_timeout: Duration,
) -> Result<StreamLoudness, String> {
    let request = StreamRequest {
        path,
        audio_index: 0,
        audio_streams: 1,
        channels: Some(channels),
        rate: Some(48000),
        duration_s: Some(seconds),
        stall_timeout,
    };
    measure_stream(request, Some(layout), &|s| format!("{s:.1}"))
}

/// Measures the signal through both decoders and checks each decoder was the one used.
fn both_decoders(
    dir: &Path,
    name: &str,
    channels: &[String],
    layout: &str,
    seconds: f64,
) -> Vec<StreamLoudness> {
    let wav = write_wav(dir, name, channels, layout, seconds);
    let mov = rewrap_mov(&wav);
    let n = channels.len() as u32;
    let from_wav = measure(&wav, n, layout, seconds);
    let from_mov = measure(&mov, n, layout, seconds);
    assert_eq!(from_wav.decoder, Decoder::Symphonia);
    assert_eq!(from_mov.decoder, Decoder::Ffmpeg);
    vec![from_wav, from_mov]
}

fn stereo(pieces: Programme) -> Vec<String> {
    let one = channel_expr(pieces, 1000.0, 0.0);
    vec![one.clone(), one]
}

fn assert_near(what: &str, got: Option<f64>, want: f64, below: f64, above: f64) {
    let got = got.unwrap_or_else(|| panic!("{what}: no reading"));
    assert!(
        got >= want - below && got <= want + above,
        "{what}: expected {want} (−{below}/+{above}), got {got}"
    );
}

/// EBU Tech 3341 cases 1–5: stereo 1 kHz programmes whose integrated loudness is known.
#[test]
fn tech_3341_integrated_cases_1_to_5() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: [Case; 5] = [
        ("3341-1", &[(-23.0, 20.0)], -23.0),
        ("3341-2", &[(-33.0, 20.0)], -33.0),
        (
            "3341-3",
            &[(-36.0, 10.0), (-23.0, 60.0), (-36.0, 10.0)],
            -23.0,
        ),
        (
            "3341-4",
            &[
                (-72.0, 10.0),
                (-36.0, 10.0),
                (-23.0, 60.0),
                (-36.0, 10.0),
                (-72.0, 10.0),
            ],
            -23.0,
        ),
        (
            "3341-5",
            &[(-26.0, 20.0), (-20.0, 20.1), (-26.0, 20.0)],
            -23.0,
        ),
    ];
    for (name, pieces, want) in cases {
        let seconds: f64 = pieces.iter().map(|p| p.1).sum();
        for reading in both_decoders(dir.path(), name, &stereo(pieces), "stereo", seconds) {
            let l = &reading.loudness;
            assert_near(
                &format!("{name} via {:?}", reading.decoder),
                l.integrated_lufs,
                want,
                0.1,
                0.1,
            );
            assert!(l.partial.is_none(), "{name}: complete file read as partial");
        }
    }
}

/// Tech 3341 case 6: 5.0 programme (L,R −28; C −24; Ls,Rs −30 dBFS) reads −23.0 LUFS. Written
/// as 5.1 with a loud LFE that the channel map must leave out.
#[test]
fn tech_3341_case_6_five_one_excludes_lfe_and_weights_surrounds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tone = |db| channel_expr(&[(db, 20.0)], 1000.0, 0.0);
    let lfe = channel_expr(&[(-6.0, 20.0)], 60.0, 0.0);
    let channels = vec![
        tone(-28.0),
        tone(-28.0),
        tone(-24.0),
        lfe,
        tone(-30.0),
        tone(-30.0),
    ];
    for reading in both_decoders(dir.path(), "3341-6", &channels, "5.1", 20.0) {
        assert_near(
            &format!("3341-6 via {:?}", reading.decoder),
            reading.loudness.integrated_lufs,
            -23.0,
            0.1,
            0.1,
        );
    }
}

/// Tech 3341 cases 15–19: true peak of sines whose samples miss the waveform's peak
/// (fs/4 at 0° and 45°, fs/6 at 60°, fs/8 at 67.5°; case 19 is fs/4 at 45° reaching +3 dBTP
/// with samples at 0 dBFS). Tolerance +0.2/−0.4 dB.
///
/// The tones ramp in and out over 50 ms. A sine that jumps from silence straight to 0.43 (fs/6
/// at 60°) really does overshoot between its first samples: any band-limited reconstruction,
/// the meter's included, reads −5.6 dBTP there. The EBU's own files read −6.0 in libebur128,
/// so they carry no such step; the ramp keeps ours free of it too.
#[test]
fn tech_3341_true_peak_cases_15_to_19() {
    let dir = tempfile::tempdir().expect("tempdir");
    // (name, frequency, phase in degrees, sine peak dBFS, expected dBTP).
    let cases = [
        ("3341-15", 12000.0, 0.0, -6.0206, -6.0),
        ("3341-16", 12000.0, 45.0, -6.0206, -6.0),
        ("3341-17", 8000.0, 60.0, -6.0206, -6.0),
        ("3341-18", 6000.0, 67.5, -6.0206, -6.0),
        ("3341-19", 12000.0, 45.0, 3.0103, 3.0),
    ];
    let seconds = 5.0;
    for (name, frequency, phase, level, want) in cases {
        let ramp = format!("min(1\\,min(t\\,{seconds}-t)/0.05)");
        let one = format!(
            "{ramp}*{}",
            channel_expr(&[(level, seconds)], frequency, phase)
        );
        let channels = vec![one.clone(), one];
        for reading in both_decoders(dir.path(), name, &channels, "stereo", seconds) {
            // A file read short ends on a step, whose real overshoot would pass for the case's.
            assert_eq!(
                reading.loudness.partial_reason, None,
                "{name} via {:?} was read short",
                reading.decoder
            );
            assert_near(
                &format!("{name} via {:?}", reading.decoder),
                reading.loudness.true_peak_dbtp,
                want,
                0.4,
                0.2,
            );
        }
    }
}

/// EBU Tech 3342 cases 1–4: loudness range of stepped 1 kHz programmes, ±1 LU.
#[test]
fn tech_3342_loudness_range_cases_1_to_4() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: [Case; 4] = [
        ("3342-1", &[(-20.0, 20.0), (-30.0, 20.0)], 10.0),
        ("3342-2", &[(-20.0, 20.0), (-15.0, 20.0)], 5.0),
        ("3342-3", &[(-40.0, 20.0), (-20.0, 20.0)], 20.0),
        (
            "3342-4",
            &[
                (-50.0, 20.0),
                (-35.0, 20.0),
                (-20.0, 20.0),
                (-35.0, 20.0),
                (-50.0, 20.0),
            ],
            15.0,
        ),
    ];
    for (name, pieces, want) in cases {
        let seconds: f64 = pieces.iter().map(|p| p.1).sum();
        for reading in both_decoders(dir.path(), name, &stereo(pieces), "stereo", seconds) {
            assert_near(
                &format!("{name} via {:?}", reading.decoder),
                reading.loudness.lra_lu,
                want,
                1.0,
                1.0,
            );
        }
    }
}

/// A transfer cut off half-way: figures up to the break, marked partial with where it broke.
#[test]
fn truncated_files_give_partial_figures() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wav = write_wav(dir.path(), "cut", &stereo(&[(-23.0, 10.0)]), "stereo", 10.0);
    let mov = rewrap_mov_faststart(&wav);
    for path in [&wav, &mov] {
        truncate_file(path, 0.5).expect("truncate");
        let reading = measure(path, 2, "stereo", 10.0);
        let l = &reading.loudness;
        let at: f64 = l
            .partial
            .as_deref()
            .unwrap_or_else(|| {
                panic!(
                    "{} via {:?}: not marked partial",
                    path.display(),
                    reading.decoder
                )
            })
            .parse()
            .expect("test locate gives seconds");
        assert!((3.0..7.0).contains(&at), "broke at {at} s");
        assert!(l.partial_reason.is_some());
        assert_near("partial integrated", l.integrated_lufs, -23.0, 0.1, 0.1);
    }
}

/// Silence reads as "no integrated loudness", never NaN or −∞.
#[test]
fn silence_has_no_integrated_loudness() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wav = write_wav(
        dir.path(),
        "silence",
        &["0".into(), "0".into()],
        "stereo",
        3.0,
    );
    let l = measure(&wav, 2, "stereo", 3.0).loudness;
    assert_eq!(l.integrated_lufs, None);
    assert_eq!(l.true_peak_dbtp, None);
    let json = serde_json::to_string(&l).expect("serialises");
    assert!(!json.contains("NaN") && !json.contains("inf"), "{json}");
}

fn run_check(spec: &Path, files: &[&Path]) -> (i32, serde_json::Value) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_dailies-qc"));
    command
        .args(["check", "--spec"])
        .arg(spec)
        .args(["--format", "json"]);
    command.args(files);
    let out = command.output().expect("run dailies-qc");
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), json)
}

/// `dailies-qc check` end to end: figures in the JSON, per-stream figures and decoder under
/// probe.audio, and findings with expected vs measured.
#[test]
fn check_command_reports_loudness_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = r128_spec(dir.path(), "r128", "");
    let good = rewrap_mov(&write_wav(
        dir.path(),
        "good",
        &stereo(&[(-23.0, 5.0)]),
        "stereo",
        5.0,
    ));
    let loud = write_wav(dir.path(), "loud", &stereo(&[(-14.0, 5.0)]), "stereo", 5.0);
    let hot = write_wav(dir.path(), "hot", &stereo(&[(-0.5, 5.0)]), "stereo", 5.0);
    let quiet = write_wav(
        dir.path(),
        "quiet",
        &["0".into(), "0".into()],
        "stereo",
        3.0,
    );

    let (code, json) = run_check(&spec, &[&good]);
    assert_eq!(code, 0, "{json:#}");
    let file = &json["files"][0];
    let integrated = file["measurements"]["loudness"]["integrated_lufs"]
        .as_f64()
        .expect("integrated in JSON");
    assert!((integrated + 23.0).abs() < 0.1, "{integrated}");
    assert_eq!(file["probe"]["audio"][0]["decoder"], "ffmpeg");
    assert!(file["probe"]["audio"][0]["loudness"]["true_peak_dbtp"].is_f64());

    let (code, json) = run_check(&spec, &[&loud, &hot, &quiet]);
    assert_eq!(code, 1);
    // Reports come in natural name order (hot, loud, quiet): look files up by name.
    let file_named = |name: &str| -> &serde_json::Value {
        json["files"]
            .as_array()
            .expect("files")
            .iter()
            .find(|f| f["path"].as_str().is_some_and(|p| p.ends_with(name)))
            .unwrap_or_else(|| panic!("{name} missing from report"))
    };
    // Asserts `name` has a finding of `check` whose message contains `text`.
    let has_finding = |name: &str, check: &str, text: &str| {
        let findings: Vec<String> = file_named(name)["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| format!("{} | {}", f["check"], f["message"]))
            .collect();
        assert!(
            findings
                .iter()
                .any(|m| m.contains(check) && m.contains(text)),
            "{name}: no {check} finding saying {text:?} in {findings:?}"
        );
    };
    has_finding(
        "loud.wav",
        "audio.loudness.integrated",
        "expected -23.0 LUFS ±0.5 LU, got -14.0 LUFS (stream 1)",
    );
    assert_eq!(
        file_named("loud.wav")["probe"]["audio"][0]["decoder"],
        "symphonia"
    );
    has_finding(
        "hot.wav",
        "audio.loudness.true_peak",
        "expected ≤ -1.0 dBTP, got -0.5 dBTP",
    );
    has_finding("quiet.wav", "audio.loudness.integrated", "silen");
}

/// An RF64 `.wav` (symphonia has no RF64) falls back to the ffmpeg pipe instead of failing.
#[test]
fn rf64_wav_falls_back_to_ffmpeg() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wav = write_wav(dir.path(), "plain", &stereo(&[(-23.0, 5.0)]), "stereo", 5.0);
    let rf64 = dir.path().join("rf64.wav");
    ffmpeg(&strings(&[
        "-v",
        "error",
        "-y",
        "-i",
        wav.to_str().expect("utf-8"),
        "-c:a",
        "pcm_s24le",
        "-rf64",
        "always",
        rf64.to_str().expect("utf-8"),
    ]))
    .expect("rf64");
    let reading = measure(&rf64, 2, "stereo", 5.0);
    assert_eq!(reading.decoder, Decoder::Ffmpeg);
    assert_near(
        "rf64 integrated",
        reading.loudness.integrated_lufs,
        -23.0,
        0.1,
        0.1,
    );
}

/// With content rules too, the content pass meters the first audio stream on its way (one
/// read of the file): a WAV that alone goes to symphonia is then read by that ffmpeg pass, and
/// the figures agree with symphonia's. Later streams are still measured on their own.
#[test]
fn content_pass_meters_the_first_stream_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let alone = r128_spec(dir.path(), "alone", "");
    let shared = r128_spec(dir.path(), "shared", "content:\n  silence: {max_s: 3.0}\n");
    let wav = write_wav(dir.path(), "mix", &stereo(&[(-23.0, 5.0)]), "stereo", 5.0);
    let loud = write_wav(dir.path(), "m_e", &stereo(&[(-14.0, 5.0)]), "stereo", 5.0);
    let two_streams = dir.path().join("two.mov");
    ffmpeg(&strings(&[
        "-v",
        "error",
        "-y",
        "-i",
        wav.to_str().unwrap(),
        "-i",
        loud.to_str().unwrap(),
        "-map",
        "0:a",
        "-map",
        "1:a",
        "-c:a",
        "pcm_s24be",
        two_streams.to_str().unwrap(),
    ]))
    .expect("two-stream mov");

    let reading = |spec: &Path, file: &Path, stream: usize| {
        let (_, json) = run_check(spec, &[file]);
        let audio = &json["files"][0]["probe"]["audio"][stream];
        (
            audio["decoder"].as_str().unwrap_or("none").to_owned(),
            audio["loudness"]["integrated_lufs"]
                .as_f64()
                .expect("integrated"),
            audio["loudness"]["true_peak_dbtp"]
                .as_f64()
                .expect("true peak"),
            json["files"][0]["measurements"]["content"].clone(),
        )
    };
    let (decoder, integrated, peak, _) = reading(&alone, &wav, 0);
    assert_eq!(decoder, "symphonia");
    let (shared_decoder, shared_integrated, shared_peak, content) = reading(&shared, &wav, 0);
    assert_eq!(shared_decoder, "ffmpeg", "the content pass fed the meter");
    assert!(
        (shared_integrated - integrated).abs() < 0.01,
        "{shared_integrated} vs {integrated}"
    );
    assert!((shared_peak - peak).abs() < 0.01, "{shared_peak} vs {peak}");
    assert!(content["silence"].is_array(), "content ran: {content}");

    let (first, first_lufs, _, _) = reading(&shared, &two_streams, 0);
    let (second, second_lufs, _, _) = reading(&shared, &two_streams, 1);
    assert_eq!((first.as_str(), second.as_str()), ("ffmpeg", "ffmpeg"));
    assert!((first_lufs + 23.0).abs() < 0.1, "{first_lufs}");
    assert!((second_lufs + 14.0).abs() < 0.1, "{second_lufs}");
}

/// A mount that stops answering mid-file: a FIFO whose writer sends `bytes` and then holds the
/// pipe open without another word, until released.
struct HungMount {
    path: PathBuf,
    release: std::sync::mpsc::Sender<()>,
    writer: std::thread::JoinHandle<()>,
}

impl HungMount {
    fn new(dir: &Path, bytes: Vec<u8>) -> HungMount {
        let path = dir.join("stale.wav");
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .expect("mkfifo");
        assert!(made.success());
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let writer_path = path.clone();
        let writer = std::thread::spawn(move || {
            let mut pipe = std::fs::OpenOptions::new()
                .write(true)
                .open(writer_path)
                .expect("open");
            let _ = std::io::Write::write_all(&mut pipe, &bytes);
            let _ = hold.recv();
        });
        HungMount {
            path,
            release,
            writer,
        }
    }

    /// Lets the writer go. A reader killed before it opened the FIFO leaves the writer waiting
    /// in `open`: opening the read end here lets it on.
    fn release(self) {
        let read_end = std::fs::File::open(&self.path).expect("open the read end");
        self.release.send(()).expect("release the writer");
        self.writer.join().expect("writer");
        drop(read_end);
    }
}

/// The first half of an 8 s stereo −23 LUFS WAV, behind a hung mount.
fn half_a_wav_on_a_hung_mount(dir: &Path) -> HungMount {
    let wav = write_wav(dir, "source", &stereo(&[(-23.0, 8.0)]), "stereo", 8.0);
    let bytes = std::fs::read(&wav).expect("wav bytes");
    HungMount::new(dir, bytes[..bytes.len() / 2].to_vec())
}

/// The in-process decoder gives up on a hung mount after the stall timeout with the figures up
/// to there, marked partial, instead of blocking its worker forever.
#[cfg(unix)]
#[test]
fn a_hung_read_ends_the_measurement_after_the_stall_timeout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mount = half_a_wav_on_a_hung_mount(dir.path());
    let started = std::time::Instant::now();
    let reading =
        try_measure(&mount.path, 2, "stereo", 8.0, Duration::from_millis(500)).expect("partial");
    let waited = started.elapsed();
    mount.release();
    assert_eq!(reading.decoder, Decoder::Symphonia);
    let l = &reading.loudness;
    let reason = l.partial_reason.as_deref().expect("marked partial");
    assert!(reason.contains("no data for 0.5 s"), "{reason}");
    let at: f64 = l
        .partial
        .as_deref()
        .expect("where it stopped")
        .parse()
        .expect("seconds");
    assert!((3.5..=4.1).contains(&at), "stopped at {at} s of 8");
    assert_near(
        "integrated up to the stall",
        l.integrated_lufs,
        -23.0,
        0.1,
        0.1,
    );
    assert!(waited < Duration::from_secs(10), "took {waited:?}");
}

/// The ffmpeg pipe on a hung mount: ffmpeg blocks in its read, delivers nothing more, and is
/// killed as stalled by the process supervisor.
#[cfg(unix)]
#[test]
fn ffmpeg_that_stops_delivering_is_killed_as_stalled() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mount = half_a_wav_on_a_hung_mount(dir.path());
    let request = StreamRequest {
        path: &mount.path,
        audio_index: 0,
        audio_streams: 1,
        channels: Some(2),
        rate: Some(48000),
        duration_s: Some(8.0),
        stall_timeout: Duration::from_secs(1),
    };
    let started = std::time::Instant::now();
    let why = match dailies_qc::analyze::decode::ffmpeg_decoder(request).decode(&mut |_, _| Ok(()))
    {
        Ok(decoded) => decoded.stopped_early.expect("stopped early"),
        Err(why) => why,
    };
    let waited = started.elapsed();
    mount.release();
    assert_eq!(
        why,
        "ffmpeg delivered no audio for 1 s (hung or very slow storage?); killed"
    );
    assert!(waited < Duration::from_secs(10), "took {waited:?}");
}

/// Compressed standalone audio (AAC in .m4a, MP3) is decoded in process by symphonia and reads
/// the tone's loudness (lossy coding moves a steady 1 kHz tone by hundredths of a LU).
#[test]
fn m4a_and_mp3_are_read_by_symphonia() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wav = write_wav(dir.path(), "tone", &stereo(&[(-23.0, 6.0)]), "stereo", 6.0);
    for (extension, codec) in [("m4a", "aac"), ("mp3", "libmp3lame")] {
        let out = dir.path().join(format!("tone.{extension}"));
        ffmpeg(&strings(&[
            "-v",
            "error",
            "-y",
            "-i",
            wav.to_str().unwrap(),
            "-c:a",
            codec,
            "-b:a",
            "256k",
            out.to_str().unwrap(),
        ]))
        .unwrap_or_else(|e| panic!("encode {extension}: {e}"));
        let reading = measure(&out, 2, "stereo", 6.0);
        assert_eq!(reading.decoder, Decoder::Symphonia, "{extension}");
        assert_near(extension, reading.loudness.integrated_lufs, -23.0, 0.2, 0.2);
        assert!(
            reading.loudness.partial.is_none(),
            "{extension}: {:?}",
            reading.loudness
        );
    }
}

/// A file cut off half-way, checked with content and loudness rules: the shared content pass
/// stops short, so its reading is not used unmarked; the stream is measured on its own and the
/// loudness says partial, with where it broke.
#[test]
fn a_cut_file_reads_partial_with_content_rules_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = r128_spec(dir.path(), "shared", "content:\n  silence: {max_s: 3.0}\n");
    let wav = write_wav(dir.path(), "cut", &stereo(&[(-23.0, 10.0)]), "stereo", 10.0);
    let mov = rewrap_mov_faststart(&wav);
    truncate_file(&mov, 0.5).expect("truncate");
    let (_, json) = run_check(&spec, &[&mov]);
    let loudness = &json["files"][0]["probe"]["audio"][0]["loudness"];
    let at = loudness["partial"]
        .as_str()
        .unwrap_or_else(|| panic!("not partial: {json:#}"));
    assert!(!at.is_empty(), "where it broke");
    assert!(loudness["partial_reason"].is_string(), "{loudness}");
    assert!(
        json["files"][0]["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["check"] == "audio.loudness.integrated"),
        "a partial reading must not pass: {json:#}"
    );
}

/// Writes an `aevalsrc`/lavfi `source` (with optional `-af filter`) as `name` in `codec`.
fn write_source(
    dir: &Path,
    name: &str,
    source: &str,
    filter: Option<&str>,
    codec: &str,
) -> PathBuf {
    let path = dir.join(name);
    let mut args = strings(&["-v", "error", "-y", "-f", "lavfi", "-i", source]);
    if let Some(filter) = filter {
        args.extend(strings(&["-af", filter]));
    }
    args.extend(strings(&[
        "-c:a",
        codec,
        path.to_str().expect("utf-8 temp path"),
    ]));
    ffmpeg(&args).expect("ffmpeg writes the test signal");
    path
}

/// ffmpeg's own `ebur128` filter's summary figure `label` ("LRA:", "Peak:" …) for `file`.
fn ffmpeg_ebur128(file: &Path, options: &str, label: &str) -> f64 {
    let out = std::process::Command::new("ffmpeg")
        .args(["-nostdin", "-nostats", "-i"])
        .arg(file)
        .args(["-af", &format!("ebur128{options}"), "-f", "null", "-"])
        .output()
        .expect("run ffmpeg");
    let log = String::from_utf8_lossy(&out.stderr);
    let summary = log.rsplit("Summary:").next().unwrap_or_default();
    summary
        .lines()
        .find_map(|l| l.trim().strip_prefix(label))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {label} in ffmpeg's summary:\n{summary}"))
}

/// Loudness range of programme-like material (Tech 3342, short-term values every 100 ms) agrees
/// with ffmpeg's `ebur128` filter within 0.5 LU: music-like (a chord under a slow level
/// envelope) and speech-like (syllable bursts with pauses, phrases rising and falling).
#[test]
fn loudness_range_of_programme_agrees_with_ffmpeg() {
    let dir = tempfile::tempdir().expect("tempdir");
    let chord = "(sin(2*PI*220*t)+0.6*sin(2*PI*330*t)+0.4*sin(2*PI*554*t))";
    let music = format!(
        "aevalsrc=exprs={chord}*0.2*pow(10\\,(9*sin(2*PI*t/23)+4*sin(2*PI*t/7.3))/20):s=48000:d=90"
    );
    let speech = "aevalsrc=exprs=sin(2*PI*(180+40*sin(2*PI*3*t))*t)*gt(sin(2*PI*4.1*t)\\,0)\
                  *gt(sin(2*PI*t/5.7)\\,-0.4)*0.3*pow(10\\,6*sin(2*PI*t/31)/20):s=44100:d=90";
    for (name, source) in [("music.wav", music.as_str()), ("speech.wav", speech)] {
        let file = write_source(
            dir.path(),
            name,
            source,
            Some("pan=stereo|c0=c0|c1=0.8*c0"),
            "pcm_s24le",
        );
        let want = ffmpeg_ebur128(&file, "", "LRA:");
        let rate = if name == "speech.wav" { 44100 } else { 48000 };
        let request = StreamRequest {
            path: &file,
            audio_index: 0,
            audio_streams: 1,
            channels: Some(2),
            rate: Some(rate),
            duration_s: Some(90.0),
            stall_timeout: Duration::from_secs(60),
        };
        let got = measure_stream(request, Some("stereo"), &|s| format!("{s:.1}"))
            .expect("measured")
            .loudness
            .lra_lu;
        assert!(
            want > 3.0,
            "{name}: the test signal should have some range, has {want}"
        );
        assert_near(name, got, want, 0.5, 0.5);
    }
}

/// The reference true peak of `file`: resampled 16× by soxr (ffmpeg's `aresample`), then its
/// sample peak, in dBFS.
fn soxr_true_peak(file: &Path, rate: u32) -> f64 {
    let out = std::process::Command::new("ffmpeg")
        .args(["-nostdin", "-nostats", "-i"])
        .arg(file)
        .args([
            "-af",
            &format!(
                "aresample=resampler=soxr:precision=28:osr={},\
                 astats=measure_overall=Peak_level:measure_perchannel=none",
                16 * rate
            ),
            "-f",
            "null",
            "-",
        ])
        .output()
        .expect("run ffmpeg");
    let log = String::from_utf8_lossy(&out.stderr);
    log.lines()
        .find_map(|l| l.split("Peak level dB:").nth(1))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak level from astats:\n{log}"))
}

fn measure_at(path: &Path, rate: u32, seconds: f64) -> StreamLoudness {
    let request = StreamRequest {
        path,
        audio_index: 0,
        audio_streams: 1,
        channels: Some(2),
        rate: Some(rate),
        duration_s: Some(seconds),
        stall_timeout: Duration::from_secs(60),
    };
    measure_stream(request, Some("stereo"), &|s| format!("{s:.1}"))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// True peak of hot, bright programme in FLAC at 44.1, 48 and 96 kHz agrees with
/// a 16× soxr oversampling within Tech 3341's +0.2/−0.4 dB: high partials whose samples miss the
/// crest and a tone that steps up from silence. A file that ends on a loud burst (its last
/// 0.4 ms) reads at least its samples' peak and no more than soxr, which runs the signal out on
/// silence: the meter invents nothing after the last sample (see
/// `a_hard_end_on_a_loud_sample_reads_no_phantom_peak`).
#[test]
fn true_peak_agrees_with_16x_oversampling_at_44_1_48_and_96_khz() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seconds = 2.0;
    for rate in [44100_u32, 48000, 96000] {
        let top = f64::from(rate.min(48000));
        let bright = format!(
            "0.4*sin(2*PI*{}*t+0.3)+0.3*sin(2*PI*{}*t+1.1)+0.25*sin(2*PI*{}*t)",
            (0.41 * top).round(),
            (0.29 * top).round(),
            (0.37 * top).round()
        );
        let signals = [
            ("bright", bright.clone()),
            (
                "step_in",
                format!("gte(t\\,1.5)*0.8*sin(2*PI*{}*t+0.7)", (0.23 * top).round()),
            ),
            (
                "step_at_end",
                format!(
                    "0.05*sin(2*PI*440*t)+gte(t\\,{})*0.9*sin(2*PI*{}*t+0.4)",
                    seconds - 0.0004,
                    (0.33 * top).round()
                ),
            ),
        ];
        for (what, expr) in signals {
            let name = format!("{what}_{rate}.flac");
            let source = format!("aevalsrc=exprs={expr}|{expr}:s={rate}:d={seconds}");
            let file = write_source(dir.path(), &name, &source, None, "flac");
            let want = soxr_true_peak(&file, rate);
            let reading = measure_at(&file, rate, seconds).loudness;
            let got = reading.true_peak_dbtp;
            if what == "step_at_end" {
                let floor = reading.sample_peak_dbfs.expect("sample peak");
                assert_near(&name, got, want, (want - floor).max(0.0) + 0.01, 0.2);
            } else {
                assert_near(&name, got, want, 0.4, 0.2);
            }
        }
    }
}

/// Audio shorter than one 400 ms gating block: "too short for integrated loudness" (info, with
/// its sample peak), not silence; the louder last 30 ms, inside a trailing partial 100 ms
/// step, still count for the peaks.
#[test]
fn a_quarter_second_file_is_too_short_not_silent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = r128_spec(dir.path(), "r128", "");
    let short = write_wav(
        dir.path(),
        "blip",
        &stereo(&[(-20.0, 0.22), (-6.0, 0.03)]),
        "stereo",
        0.25,
    );
    let reading = measure(&short, 2, "stereo", 0.25).loudness;
    assert_eq!(reading.integrated_lufs, None);
    assert_near("sample peak", reading.sample_peak_dbfs, -6.0, 0.1, 0.1);
    assert_near("true peak", reading.true_peak_dbtp, -6.0, 0.1, 0.6);

    let (code, json) = run_check(&spec, &[&short]);
    let findings = json["files"][0]["findings"].as_array().expect("findings");
    let integrated = findings
        .iter()
        .find(|f| f["check"] == "audio.loudness.integrated")
        .unwrap_or_else(|| panic!("no integrated finding: {json:#}"));
    assert_eq!(integrated["severity"], "info", "{integrated}");
    let message = integrated["message"].as_str().expect("message");
    assert!(
        message.contains("too short for integrated loudness") && message.contains("-6.0 dBFS"),
        "{message}"
    );
    assert!(!message.contains("silen"), "{message}");
    assert_eq!(code, 0, "an info finding alone does not fail QC: {json:#}");
}

/// ffprobe's channel layout of the file's first audio stream, as the engine reads it.
fn probed_layout(file: &Path) -> String {
    let out = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "a:0"])
        .args(["-show_entries", "stream=channel_layout", "-of", "csv=p=0"])
        .arg(file)
        .output()
        .expect("run ffprobe");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Channel weights come from the stream's own layout, the list form included: a 5.1 and an
/// `FL+FR+FC+LFE+FLC+FRC` stream (as HE-AAC decoders report) read as ffmpeg's ebur128 does,
/// within 0.1 LU. Guessing 5.1 from the count weighted FLC/FRC as surrounds (+0.6 LU here).
#[test]
fn channel_weights_follow_the_streams_layout() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A different level on every channel, loudest where the two layouts weight differently.
    let levels = [-30.0, -30.0, -28.0, -20.0, -18.0, -18.0];
    let channels: Vec<String> = levels
        .iter()
        .enumerate()
        .map(|(i, db)| format!("{:.6}*sin(2*PI*{}*t)", amplitude(*db), 300 + 110 * i))
        .collect();
    for (name, layout) in [("five_one", "5.1"), ("wide", "FL+FR+FC+LFE+FLC+FRC")] {
        let file = write_wav(dir.path(), name, &channels, layout, 10.0);
        let probed = probed_layout(&file);
        assert!(
            name != "wide" || probed.contains("FLC+FRC"),
            "ffprobe reads the list: {probed}"
        );
        let want = ffmpeg_ebur128(&file, "", "I:");
        let request = StreamRequest {
            path: &file,
            audio_index: 0,
            audio_streams: 1,
            channels: Some(6),
            rate: Some(48000),
            duration_s: Some(10.0),
            stall_timeout: Duration::from_secs(60),
        };
        let got = measure_stream(request, Some(&probed), &|s| format!("{s:.1}"))
            .expect("measured")
            .loudness
            .integrated_lufs;
        assert_near(name, got, want, 0.1, 0.1);
    }
}

/// A file that stops on a loud sample (a 50 Hz tone at −1.2 dBFS cut at its crest) reads the
/// true peak ffmpeg's ebur128 reads, within 0.2 dB: the meter no longer invents a step to
/// silence after the last sample, whose ringing read ~1 dB over and failed a −1 dBTP limit.
#[test]
fn a_hard_end_on_a_loud_sample_reads_no_phantom_peak() {
    let dir = tempfile::tempdir().expect("tempdir");
    let crest = format!("{:.6}*sin(2*PI*50*t)", amplitude(-1.2));
    // 1.005 s: the last sample is the crest of the 51st cycle.
    let file = write_wav(
        dir.path(),
        "hard_end",
        &[crest.clone(), crest],
        "stereo",
        1.005,
    );
    let want = ffmpeg_ebur128(&file, "=peak=true", "Peak:");
    let request = StreamRequest {
        path: &file,
        audio_index: 0,
        audio_streams: 1,
        channels: Some(2),
        rate: Some(48000),
        duration_s: Some(1.005),
        stall_timeout: Duration::from_secs(60),
    };
    let got = measure_stream(request, Some("stereo"), &|s| format!("{s:.1}"))
        .expect("measured")
        .loudness
        .true_peak_dbtp;
    assert_near("hard end", got, want, 0.2, 0.2);
    assert!(
        got.is_some_and(|tp| tp < -1.0),
        "{got:?}: under a −1 dBTP limit"
    );
}
