//! Double-system matching at the scale of a long shoot: 5,000 picture clips against 500
//! production sound files, matched by timecode (a sort and a sweep, not all pairs). Printed
//! against the time to load the same report from JSON, measured in the same process.
//!
//!     cargo bench --bench sound_matching

use dailies_qc::bwf::SoundRoll;
use dailies_qc::report::{FileReport, Report};
use dailies_qc::tui::sample;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

const PICTURES: usize = 5_000;
const SOUNDS: usize = 500;
const RUNS: u32 = 5;
/// Each picture clip starts 8 s after the one before; each sound file runs across ten clips.
const CLIP_SPACING_S: u64 = 8;
const SOUND_SPAN_S: u64 = 80;
const DAY_START_S: u64 = 6 * 3600;

const SPEC: &str = "name: bench
kinds:
  - name: picture
    match: {include: [\"*.mov\"], has: [video]}
  - name: sound
    match: {include: [\"*.wav\"], has: [audio], lacks: [video]}
double_system: {picture: picture, sound: sound, mos: '_MOS'}
";

/// Sample picture clips (2 s at 24 or 25 fps) with start timecodes spread through the day.
fn picture(i: usize) -> FileReport {
    let mut file = sample::file(i);
    file.kind = Some("picture".to_owned());
    file.findings.clear();
    // The sample night's unreadable files get a readable one's probe: every clip is matched.
    if file.probe.is_none() {
        file.probe = sample::file(0).probe;
    }
    if let Some(probe) = file.probe.as_mut() {
        let start = DAY_START_S + i as u64 * CLIP_SPACING_S;
        probe.timecode = Some(format!(
            "{:02}:{:02}:{:02}:00",
            start / 3600,
            start / 60 % 60,
            start % 60
        ));
        probe.timecode_end = None;
    }
    file.refresh_status();
    file
}

/// Sound file `j`, from a second before clip 10·j for 80 s; every 50th roll is lost, so its
/// clips miss their sound.
fn sound(j: usize) -> FileReport {
    let mut file = FileReport::unchecked(Path::new(&format!("/mnt/sound/day1/T{j:04}.wav")));
    file.kind = Some("sound".to_owned());
    let start = DAY_START_S + j as u64 * SOUND_SPAN_S - 1;
    let shift = if j % 50 == 49 { 12 * 3600 } else { 0 };
    file.sound_roll = Some(SoundRoll {
        scene: Some(format!("{}", j / 4 + 1)),
        take: Some(format!("{}", j % 4 + 1)),
        roll: Some("SR001".to_owned()),
        sample_rate: 48000,
        channels: 8,
        time_reference: Some((start + shift) * 48000),
        length_samples: (SOUND_SPAN_S + 1) * 48000,
        ..SoundRoll::default()
    });
    file
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let spec = dailies_qc::spec::parse(SPEC, Path::new("bench.yaml")).expect("bench spec");
    let mut report = sample::report(0);
    report.files = (0..PICTURES)
        .map(picture)
        .chain((0..SOUNDS).map(sound))
        .collect();
    let json = serde_json::to_string(&report).expect("JSON");

    let mut load = Duration::ZERO;
    for _ in 0..RUNS {
        let start = Instant::now();
        let loaded: Report = serde_json::from_str(black_box(&json)).expect("loads");
        load += start.elapsed();
        black_box(loaded);
    }
    let load = load / RUNS;

    let mut matching = Duration::ZERO;
    let mut matched = report.files.clone();
    for _ in 0..RUNS {
        let mut files = report.files.clone();
        let start = Instant::now();
        if let Some(rules) = &spec.double_system {
            dailies_qc::pairing::double_system::check(&spec, rules, black_box(&mut files));
        }
        matching += start.elapsed();
        matched = files;
    }
    let matching = matching / RUNS;

    let paired = matched[..PICTURES]
        .iter()
        .filter(|f| !f.paired.is_empty())
        .count();
    let missing = matched[..PICTURES]
        .iter()
        .filter(|f| f.findings.iter().any(|x| x.check == "sync.sound_missing"))
        .count();
    let orphans = matched[PICTURES..]
        .iter()
        .filter(|f| f.findings.iter().any(|x| x.check == "sync.sound_orphan"))
        .count();
    println!(
        "{PICTURES} picture clips x {SOUNDS} sound files: {paired} matched, {missing} missing, \
         {orphans} orphan sound files"
    );
    println!(
        "load the report from JSON ({:.1} MB)   {:>9.3} ms",
        json.len() as f64 / 1e6,
        ms(load)
    );
    println!(
        "match picture to sound                {:>9.3} ms   vs load: {:.3}x",
        ms(matching),
        matching.as_secs_f64() / load.as_secs_f64()
    );
}
