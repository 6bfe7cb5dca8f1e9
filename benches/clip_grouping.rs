//! Checking OP-Atom track files as clips must cost no more than checking them as single files
//! (issue 16: ≤ 1.05×): grouping is a hash map over the reports, no file is read again.
//!
//! Two measurements, each against a baseline run in the same process, in CPU time (on a shared
//! machine other processes stretch wall time, not the CPU time the work takes):
//! 1. In process, on 2,000 synthesized reports (500 clips of V1+A1+A2+A3, probes of real
//!    OP-Atom files cloned with distinct paths and UMIDs): the per-file check pass, against the
//!    same pass for clip tracks plus grouping and the clip checks.
//! 2. The real binary on a real folder of 40 track files (10 clips), with and without `clips:`.
//!
//! Run: `cargo bench --bench clip_grouping`.

use dailies_qc::check::{self, Subject};
use dailies_qc::measurements::Measurements;
use dailies_qc::probe::{self, Probe};
use dailies_qc::report::FileReport;
use dailies_qc::spec::{self, Spec};
use dailies_qc::synth::ffmpeg;
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CLIPS: usize = 500;
const TRACKS: [&str; 4] = ["V1", "A1", "A2", "A3"];
const FOLDER_CLIPS: usize = 10;

/// The shipped Avid spec's rules, with and without its `clips:` section.
const RULES: &str = "kinds:
  - name: picture
    match: {include: ['*.mxf'], has: [video]}
    video: {codec: [dnxhd], width: 1920, height: 1080, frame_rate: 23.976, pix_fmt: [yuv422p]}
  - name: sound
    match: {include: ['*.mxf'], has: [audio], lacks: [video]}
    audio: {codec: [pcm_s24le], sample_rate: 48000, bit_depth: 24}
";
const CLIPS_SECTION: &str = "clips:
  group: name
  name: '^(?P<clip>.+?)_(V|A)\\d+\\.mxf$'
  tracks: {video: 1, audio: '2-8'}
  max_start_delta_frames: 0
  max_length_delta_frames: 1
";

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let picture = track(dir.path(), "picture.mxf", true);
    let sound = track(dir.path(), "sound.mxf", false);
    let probes = [&picture, &sound].map(|path| {
        probe::probe_file(path, Duration::from_secs(60)).unwrap_or_else(|e| panic!("{e:?}"))
    });

    let singles = parse(&format!("name: singles\n{RULES}"));
    let as_clips = parse(&format!(
        "name: clips\n{RULES}{}",
        CLIPS_SECTION.replace("group: name", "group: material_package")
    ));
    let reports = synthesized(&probes);
    // The two sides alternate which goes first. CPU time is what is compared: on a shared
    // machine other processes stretch wall time, not the CPU time the work takes. Each side
    // drops its reports inside the measurement, as the other does.
    let runs = 21;
    let (mut base_cpu, mut clips_cpu) = (0.0, 0.0);
    let mut grouping = f64::MAX;
    for run in 0..runs {
        if run % 2 == 0 {
            base_cpu += thread_cpu(|| check_pass(&singles, &reports).len()).0;
        }
        let (cpu, group) = thread_cpu(|| {
            let mut checked = check_pass(&as_clips, &reports);
            let start = Instant::now();
            let clips = clip_pass(&as_clips, &mut checked);
            let group = start.elapsed().as_secs_f64();
            assert_eq!(clips.len(), CLIPS);
            assert!(clips.iter().all(|c| c.findings.is_empty()), "clean clips");
            group
        });
        clips_cpu += cpu;
        grouping = grouping.min(group);
        if run % 2 == 1 {
            base_cpu += thread_cpu(|| check_pass(&singles, &reports).len()).0;
        }
    }
    let n = reports.len();
    println!("{n} track files as {CLIPS} clips, in process ({runs} runs each, CPU time):");
    println!(
        "  baseline  per-file check pass:                   {:.1} ms a run",
        base_cpu / f64::from(runs) * 1e3
    );
    println!(
        "  as clips  check pass + grouping + clip checks:   {:.1} ms a run",
        clips_cpu / f64::from(runs) * 1e3
    );
    println!(
        "  grouping + clip checks alone (best wall time):   {:.2} ms",
        grouping * 1e3
    );
    println!(
        "  ratio clips / single files = {:.3} (target <= 1.05)",
        clips_cpu / base_cpu
    );

    let folder = folder(dir.path(), &picture, &sound);
    let plain = write(
        dir.path(),
        "singles.yaml",
        &format!("name: singles\n{RULES}"),
    );
    let grouped = write(
        dir.path(),
        "clips.yaml",
        &format!("name: clips\n{RULES}{CLIPS_SECTION}"),
    );
    check(&folder, &plain, 0); // warm the page cache and the binary
    let runs = 5;
    let (mut single, mut clips) = (Times::default(), Times::default());
    for run in 0..runs {
        if run % 2 == 0 {
            single.add(check(&folder, &plain, 0));
        }
        clips.add(check(&folder, &grouped, FOLDER_CLIPS));
        if run % 2 == 1 {
            single.add(check(&folder, &plain, 0));
        }
    }
    let files = FOLDER_CLIPS * TRACKS.len();
    println!(
        "dailies-qc check on {files} real track files, {FOLDER_CLIPS} clips ({runs} runs each):"
    );
    println!(
        "  baseline  without clips:  CPU {:.2} s a run (dailies-qc + ffprobe), best wall {:.2} s",
        single.cpu / f64::from(runs),
        single.best_wall
    );
    println!(
        "  with clips:               CPU {:.2} s a run, best wall {:.2} s",
        clips.cpu / f64::from(runs),
        clips.best_wall
    );
    println!(
        "  ratio with / without = {:.3} CPU, {:.2} wall (target <= 1.05)",
        clips.cpu / single.cpu,
        clips.best_wall / single.best_wall
    );
}

/// CPU time and best wall time of several runs of the binary.
#[derive(Default)]
struct Times {
    cpu: f64,
    best_wall: f64,
}

impl Times {
    fn add(&mut self, (cpu, wall): (f64, f64)) {
        self.cpu += cpu;
        self.best_wall = if self.best_wall == 0.0 {
            wall
        } else {
            self.best_wall.min(wall)
        };
    }
}

/// `work`'s result and the CPU seconds this thread spent on it.
fn thread_cpu<T>(work: impl FnOnce() -> T) -> (f64, T) {
    let before = cpu_seconds("/proc/thread-self/stat", 14);
    let result = work();
    (cpu_seconds("/proc/thread-self/stat", 14) - before, result)
}

/// User + system CPU seconds from a `/proc/…/stat` file: fields `first` and `first + 1`
/// (1-based, as `man proc` numbers them: 14/15 the task's own, 16/17 its waited-for children's,
/// grandchildren included), in clock ticks.
fn cpu_seconds(path: &str, first: usize) -> f64 {
    let text = std::fs::read_to_string(path).expect("/proc stat");
    // Field 2, the command name, may hold spaces; field 3 starts after its closing parenthesis.
    let (_, rest) = text.rsplit_once(')').expect("stat format");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |n: usize| fields[n - 3].parse::<f64>().expect("tick count");
    (ticks(first) + ticks(first + 1)) / clock_ticks()
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

/// A few frames of one OP-Atom track (`-fflags +bitexact`: every file carries the same UMID).
fn track(dir: &Path, name: &str, picture: bool) -> PathBuf {
    let path = dir.join(name);
    let mut args: Vec<&str> = vec![
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-y",
        "-f",
        "lavfi",
    ];
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
    let args: Vec<String> = args.into_iter().map(str::to_owned).collect();
    ffmpeg(&args).expect("ffmpeg must be installed");
    path
}

fn parse(text: &str) -> Spec {
    spec::parse(text, Path::new("bench.yaml")).unwrap_or_else(|e| panic!("{e}"))
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write spec");
    path
}

/// 500 clips of four tracks: the real probes, each clip with its own paths and UMID.
fn synthesized(probes: &[Probe; 2]) -> Vec<FileReport> {
    let mut reports = Vec::with_capacity(CLIPS * TRACKS.len());
    for clip in 0..CLIPS {
        for track in TRACKS {
            let mut probe = probes[usize::from(track != "V1")].clone();
            probe.material_package_umid = Some(format!("0x060A2B34{clip:056X}"));
            reports.push(FileReport {
                probe: Some(probe),
                ..FileReport::unchecked(Path::new(&format!("/bench/C{clip:04}_{track}.mxf")))
            });
        }
    }
    reports
}

/// The per-file check pass the engine runs after probing: each file's rules (by kind, and for
/// a clip's track the sections its streams can meet), then the checks.
fn check_pass(spec: &Spec, reports: &[FileReport]) -> Vec<FileReport> {
    let measurements = Measurements::default();
    let mut checked = reports.to_vec();
    for report in &mut checked {
        let name = report.name().to_owned();
        let Some(probe) = report.probe.as_ref() else {
            continue;
        };
        let check::Selection::Rules { kind, rules } = check::rules_for(spec, &name, probe) else {
            continue;
        };
        let rules: Cow<Spec> = match &spec.clips {
            Some(clips) if dailies_qc::clips::is_track_file(clips, &name, probe) => {
                dailies_qc::clips::track_rules(rules, probe)
            }
            _ => rules,
        };
        let subject = Subject {
            file_name: &name,
            probe,
            measurements: &measurements,
        };
        report.findings = check::run(&rules, &subject);
        report.kind = kind.map(str::to_owned);
        report.refresh_status();
    }
    checked
}

/// 10 clips of four real track files, named `<clip>_<track>.mxf` (copies: the scan takes a
/// hard link for the file it links to).
fn folder(dir: &Path, picture: &Path, sound: &Path) -> PathBuf {
    let folder = dir.join("media");
    std::fs::create_dir(&folder).expect("media dir");
    for clip in 0..FOLDER_CLIPS {
        for track in TRACKS {
            let from = if track == "V1" { picture } else { sound };
            std::fs::copy(from, folder.join(format!("R{clip:03}_{track}.mxf"))).expect("copy");
        }
    }
    folder
}

/// CPU seconds (dailies-qc and its ffprobe children) and wall seconds `dailies-qc check` takes
/// on `folder`; the report must hold `clips` clean clips.
fn check(folder: &Path, spec: &Path, clips: usize) -> (f64, f64) {
    let cpu = cpu_seconds("/proc/self/stat", 16);
    let start = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_dailies-qc"))
        .args(["check", "--format", "json", "--spec"])
        .arg(spec)
        .arg(folder)
        .stderr(Stdio::inherit())
        .output()
        .expect("dailies-qc");
    let wall = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds("/proc/self/stat", 16) - cpu;
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let found = report["clips"].as_array().map_or(0, Vec::len);
    assert_eq!(found, clips, "{report:#}");
    assert_eq!(output.status.code(), Some(0), "every bench file passes");
    (cpu, wall)
}

/// The clips pass as one thread runs it: each clip's programmes measured in turn.
fn clip_pass(
    spec: &dailies_qc::spec::Spec,
    files: &mut [dailies_qc::report::FileReport],
) -> Vec<dailies_qc::report::ClipReport> {
    let timeout = std::time::Duration::from_secs(60);
    let programmes = |clips: &[Vec<&dailies_qc::report::FileReport>]| {
        let measure =
            |members: &Vec<_>| dailies_qc::clips::programme_findings(spec, members, timeout).0;
        clips.iter().map(measure).collect()
    };
    dailies_qc::clips::pass(spec, files, &programmes)
}
