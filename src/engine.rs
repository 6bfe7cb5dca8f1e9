//! The engine: paths + spec → report. Probes and analyses run on a bounded thread pool; the
//! output order is the scan order whatever order the work finishes in.

use crate::analyze::loudness::{SharedFirstStream, StreamMeter};
use crate::check::{self, Subject};
use crate::measurements::{AvSync, Measurements};
use crate::probe::{self, Probe};
use crate::report::{FileReport, Report, SpecInfo};
use crate::scan;
use crate::spec::LoadedSpec;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The most files inspected at once: each is an ffprobe/ffmpeg child with threads of its own,
/// so more only makes them fight over the cores (and thousands of threads can fail to start).
pub const MAX_JOBS: usize = 64;

/// The worker threads could not be started (the system refused more threads).
#[derive(Debug, thiserror::Error)]
#[error("cannot start {jobs} worker threads: {reason}")]
pub struct PoolError {
    pub jobs: usize,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct Options {
    /// Files inspected at once. Each ffprobe/ffmpeg child is itself multithreaded, so the
    /// default is the number of CPUs rather than more.
    pub jobs: usize,
    pub probe_timeout: Duration,
    /// `--shard K/N`: check only this share of the files found.
    pub shard: Option<crate::shard::Shard>,
    /// Where reports of unchanged files are kept between runs (`None`: `--no-cache`).
    pub cache: Option<crate::cache::Cache>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            jobs: std::thread::available_parallelism().map_or(2, |n| n.get()),
            probe_timeout: Duration::from_secs(60),
            shard: None,
            cache: None,
        }
    }
}

/// The files a run will inspect, plus reports for paths that could not even be listed.
pub struct Plan {
    pub files: Vec<PathBuf>,
    pub unlisted: Vec<FileReport>,
    /// The folders the files were found in (see `scan::Scan::roots`).
    pub roots: Vec<PathBuf>,
}

pub fn plan(spec: &LoadedSpec, paths: &[PathBuf]) -> Plan {
    let include: Option<Vec<String>> = spec
        .spec
        .files
        .as_ref()
        .and_then(|f| f.include.as_ref())
        .map(|globs| globs.iter().map(|g| g.0.clone()).collect());
    let found = scan::scan(paths, &scan::include_set(include.as_deref()));
    let unlisted = found
        .problems
        .iter()
        .map(|(path, why)| unreadable_report(spec, path, None, why))
        .collect();
    Plan {
        files: found.files,
        unlisted,
        roots: found.roots,
    }
}

/// Probes, measures and checks one file. Never panics on bad media: problems become findings.
pub fn inspect(spec: &LoadedSpec, path: &Path, options: &Options) -> FileReport {
    let metadata = std::fs::metadata(path).ok();
    let size = metadata.as_ref().map(|m| m.len());
    let mtime = metadata
        .and_then(|m| m.modified().ok())
        .map(crate::report::mtime_rfc3339);
    let mut probe = match probe::probe_file(path, options.probe_timeout) {
        Ok(p) => p,
        Err(e) => {
            let mut report = unreadable_report(spec, path, size, &e.message);
            report.mtime = mtime;
            return report;
        }
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let (kind, findings, measurements) = match check::rules_for(&spec.spec, &file_name, &probe) {
        check::Selection::Rules { kind, rules } => {
            let rules = match &spec.spec.clips {
                Some(clips) if crate::clips::is_track_file(clips, &file_name, &probe) => {
                    crate::clips::track_rules(rules, &probe)
                }
                _ => rules,
            };
            let (measurements, findings) =
                measure_and_check(&rules, path, &file_name, &mut probe, options);
            (kind.map(str::to_owned), findings, measurements)
        }
        check::Selection::NotChecked => {
            let kinds = spec.spec.kinds.as_deref().unwrap_or_default();
            (
                None,
                vec![check::not_checked(kinds)],
                Measurements::default(),
            )
        }
    };
    let (path, path_raw) = FileReport::recorded_path(path);
    let mut report = FileReport {
        path,
        path_raw,
        size: size.or(probe.size),
        mtime,
        status: crate::report::Status::Pass,
        kind,
        timecode_source: probe.timecode_origin.source,
        clip: None,
        sound_roll: None,
        paired: Vec::new(),
        probe: Some(probe),
        measurements,
        findings,
    };
    crate::bwf::attach(&spec.spec, &report.file_path(), &mut report);
    report.refresh_status();
    report
}

/// Runs the analyses `rules` ask for on the probed file, then the checks: the rules of the file's
/// kind decide both, so a sound file is not decoded for a picture-only content rule.
fn measure_and_check(
    rules: &crate::spec::Spec,
    path: &Path,
    file_name: &str,
    probe: &mut Probe,
    options: &Options,
) -> (Measurements, Vec<crate::check::Finding>) {
    probe.count_time_reference_at(rules.timecode.as_ref().and_then(|t| t.rate).map(|r| r.0));
    // Decoding audio is the slow part: only when the spec has a loudness rule.
    let wants_loudness = rules.audio.as_ref().is_some_and(|a| a.loudness.is_some());
    // With a layout, loudness is measured per programme instead of per stream.
    let layout = rules.audio.as_ref().and_then(|a| a.layout.as_ref());
    let per_stream = wants_loudness && layout.is_none();
    let (mut measurements, shared) = measure(rules, path, probe, per_stream);
    measurements.damage = crate::analyze::integrity::damage(path, probe, options.probe_timeout);
    if let Some(layout) = layout {
        let timeout = options.probe_timeout;
        let (loudness, scan) =
            crate::analyze::programme::measure_file(path, probe, layout, wants_loudness, timeout);
        (measurements.loudness, measurements.layout) = (loudness, Some(scan));
    }
    if per_stream {
        measurements.loudness =
            crate::analyze::loudness::measure_file(path, probe, options.probe_timeout, shared);
    }
    let findings = check::run(
        rules,
        &Subject {
            file_name,
            probe,
            measurements: &measurements,
        },
    );
    (measurements, findings)
}

/// Stream offsets and lengths from the probe, plus the analyses the spec asks for. With
/// `meter_first_audio`, a content pass also meters the first audio stream's loudness on the
/// way (returned for `loudness::measure_file`), so the file is read once for both.
fn measure(
    spec: &crate::spec::Spec,
    path: &Path,
    probe: &Probe,
    meter_first_audio: bool,
) -> (Measurements, Option<SharedFirstStream>) {
    let first = |values: Vec<Option<f64>>| values.into_iter().next().flatten();
    let sync = (probe.video.is_some() && !probe.audio.is_empty()).then(|| AvSync {
        start_offset_ms: first(check::sync_start_offsets_ms(probe)),
        duration_delta_ms: first(check::sync_duration_deltas_ms(probe)),
        ..AvSync::default()
    });
    let mut measurements = Measurements {
        sync,
        ..Measurements::default()
    };
    if let (Some(rules), Some(sync)) = (
        spec.sync.as_ref().and_then(|s| s.marker.as_ref()),
        measurements.sync.as_mut(),
    ) {
        crate::analyze::marker::measure_into(path, probe, rules, sync);
    }
    let mut shared = None;
    let full_decode = spec.integrity.as_ref().is_some_and(|i| i.decode);
    if let Some(rules) = &spec.content {
        let first_audio = probe.audio.first().filter(|_| meter_first_audio);
        let mut meter = first_audio.map(|a| StreamMeter::new(a.channel_layout.as_deref()));
        let mut feed = |format, block: &[f32]| match meter.as_mut() {
            Some(meter) => meter.add(format, block),
            None => Ok(()),
        };
        let tap: Option<&mut crate::analyze::decode::Sink> = match first_audio {
            Some(_) => Some(&mut feed),
            None => None,
        };
        let pass =
            crate::analyze::content::analyse_sharing_audio(path, probe, rules, tap, full_decode);
        measurements.content = Some(pass.content);
        measurements.coverage = coverage(pass.decoded_s, probe);
        measurements.decode = pass.full_decode;
        shared = pass
            .audio
            .zip(meter)
            .map(|(decoded, meter)| SharedFirstStream { meter, decoded });
    }
    // On its own when no content pass ran to share it.
    if full_decode && measurements.decode.is_none() {
        let decode = crate::analyze::full_decode::decode(path, probe);
        measurements.coverage = coverage(Some(decode.decoded_s), probe);
        measurements.decode = Some(decode);
    }
    (measurements, shared)
}

/// Decoded seconds over declared seconds, rounded to 0.1 % so reruns give identical reports;
/// `None` when no decode ran (no rule needed one) or the file declares no length.
fn coverage(decoded_s: Option<f64>, probe: &Probe) -> Option<f64> {
    let declared = probe.duration().filter(|d| d.is_finite() && *d > 0.0)?;
    let share = decoded_s? / declared;
    Some((share * 1000.0).round() / 1000.0)
}

fn unreadable_report(spec: &LoadedSpec, path: &Path, size: Option<u64>, why: &str) -> FileReport {
    let findings = check::unreadable(&spec.spec, why);
    let (path, path_raw) = FileReport::recorded_path(path);
    FileReport {
        path,
        path_raw,
        size,
        mtime: None,
        status: FileReport::status_of(&findings),
        kind: None,
        timecode_source: None,
        clip: None,
        sound_roll: None,
        paired: Vec::new(),
        probe: None,
        measurements: Measurements::default(),
        findings,
    }
}

/// Inspects every file in `plan` on a pool of `options.jobs` threads. `progress(done, total,
/// report)` is called as each file finishes (from worker threads).
pub fn run(
    spec: &LoadedSpec,
    plan: Plan,
    options: &Options,
    progress: &(dyn Fn(usize, usize, &FileReport) + Sync),
) -> Result<Vec<FileReport>, PoolError> {
    let total = plan.files.len();
    let done = AtomicUsize::new(0);
    let jobs = options.jobs.clamp(1, MAX_JOBS);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| PoolError {
            jobs,
            reason: e.to_string(),
        })?;
    let mut reports: Vec<FileReport> = pool.install(|| {
        plan.files
            .par_iter()
            .map(|path| {
                let report = match &options.cache {
                    Some(cache) => {
                        cache.through(path, &spec.sha256, || inspect(spec, path, options))
                    }
                    None => inspect(spec, path, options),
                };
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, total, &report);
                report
            })
            .collect()
    });
    crate::pairing::check(&spec.spec, &mut reports);
    reports.extend(plan.unlisted);
    pool.install(|| crate::mhl::verify::apply(&spec.spec, &plan.roots, &mut reports));
    if let Some(cache) = &options.cache {
        cache.trim();
    }
    Ok(reports)
}

/// The report of a run: the files, and the clips they form (`clips:`), judged as wholes.
pub fn report(spec: &LoadedSpec, operator: String, mut files: Vec<FileReport>) -> Report {
    let clips = crate::clips::pass(&spec.spec, &mut files);
    let mut report = Report::new(spec_info(spec), operator, files);
    report.clips = clips;
    report.refresh_summary();
    report
}

pub fn spec_info(spec: &LoadedSpec) -> SpecInfo {
    SpecInfo {
        name: spec.spec.name.clone(),
        path: std::path::absolute(&spec.path)
            .unwrap_or_else(|_| spec.path.clone())
            .to_string_lossy()
            .into_owned(),
        sha256: spec.sha256.clone(),
    }
}

/// `$USER`, else `$LOGNAME`, else "unknown".
pub fn default_operator() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}
