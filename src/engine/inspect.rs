//! One file on its own: probe, the analyses its rules ask for, and the per-file checks. Never
//! reads another file; what files tell about each other is `passes`' job.

use super::Options;
use crate::analyze::loudness::{SharedFirstStream, StreamMeter};
use crate::check::{self, Subject};
use crate::measurements::{AvSync, Measurements};
use crate::probe::{self, Probe};
use crate::report::FileReport;
use crate::spec::LoadedSpec;
use std::path::Path;

/// Probes, measures and checks one file. Never panics on bad media: problems become findings.
/// [`inspect`], with a panic in any reader of the file (a bug a hostile file reached) turned into
/// that file's `file.readable` finding: one file's bytes never end the run or lose the others'
/// results.
pub fn inspect_or_report_panic(spec: &LoadedSpec, path: &Path, options: &Options) -> FileReport {
    let inspected = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        inspect(spec, path, options)
    }));
    inspected.unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_owned());
        let size = std::fs::metadata(path).ok().map(|m| m.len());
        let why = format!("dailies-qc failed while reading this file ({why}); please report it");
        unreadable_report(spec, path, size, &why)
    })
}

pub fn inspect(spec: &LoadedSpec, path: &Path, options: &Options) -> FileReport {
    let metadata = std::fs::metadata(path).ok();
    let metadata_is_file = metadata.as_ref().is_some_and(|m| m.is_file());
    let size = metadata.as_ref().map(|m| m.len());
    let mtime = metadata
        .and_then(|m| m.modified().ok())
        .map(crate::report::mtime_rfc3339);
    // ffprobe's word for an empty file is a container error ("moov atom not found").
    if size == Some(0) && metadata_is_file {
        let mut report = unreadable_report(spec, path, size, "the file is empty (0 bytes)");
        report.mtime = mtime;
        return report;
    }
    let mut probe = match probe::probe_with(&options.prober, path, options.probe_timeout) {
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
    // A WAVE file's header, read once when first needed: for the timecode's count, the take
    // metadata and the truncation check.
    let sound_header = std::cell::OnceCell::new();
    let header =
        || sound_header.get_or_init(|| crate::bwf::read_header(path, options.probe_timeout));
    let (kind, findings, measurements) = match check::rules_for(&spec.spec, &file_name, &probe) {
        check::Selection::Rules { kind, rules } => {
            let rules = match &spec.spec.clips {
                Some(clips) if crate::clips::is_track_file(clips, &file_name, &probe) => {
                    crate::clips::track_rules(rules, &probe)
                }
                _ => rules,
            };
            let (measurements, findings) =
                measure_and_check(&rules, path, &file_name, &mut probe, options, &header);
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
        timecode_rate: probe.timecode_rate(),
        clip: None,
        sound_roll: None,
        paired: Vec::new(),
        probe: Some(probe),
        measurements,
        findings,
    };
    crate::bwf::attach(&spec.spec, header, &mut report);
    report.refresh_status();
    report
}

/// Runs the analyses `rules` ask for on the probed file, then the checks: the rules of the file's
/// kind decide both, so a sound file is not decoded for a picture-only content rule.
fn measure_and_check<'h>(
    rules: &crate::spec::Spec,
    path: &Path,
    file_name: &str,
    probe: &mut Probe,
    options: &Options,
    sound_header: &dyn Fn() -> &'h crate::bwf::Header,
) -> (Measurements, Vec<crate::check::Finding>) {
    // A sound file's timecode counts at its recorder's rate before any the spec gives.
    let recorder = probe
        .timecode_origin
        .time_reference
        .and_then(|_| crate::bwf::recorder_rate(sound_header()));
    let spec_rate = rules.timecode.as_ref().and_then(|t| t.rate).map(|r| r.0);
    probe.count_time_reference(recorder, spec_rate);
    // Decoding audio is the slow part: only when the spec has a loudness rule.
    let wants_loudness = rules.audio.as_ref().is_some_and(|a| a.loudness.is_some());
    // With a layout, loudness is measured per programme instead of per stream.
    let layout = rules.audio.as_ref().and_then(|a| a.layout.as_ref());
    let per_stream = wants_loudness && layout.is_none();
    let (mut measurements, shared) = measure(rules, path, probe, per_stream, options.probe_timeout);
    measurements.damage =
        crate::analyze::integrity::damage(path, probe, options.probe_timeout, sound_header);
    if let Some(layout) = layout {
        let timeout = options.probe_timeout;
        // With a layout, pairs and channels are its programmes' (roles named in the spec).
        let audio = rules.audio.as_ref();
        let listen = crate::analyze::programme::Listen {
            pairs: audio
                .filter(|a| a.phase.is_some() || a.stereo.is_some())
                .map(|a| crate::analyze::content::pair_thresholds(a.phase.as_ref())),
            bands: audio.is_some_and(|a| a.lfe.is_some()),
        };
        let listen = (listen.pairs.is_some() || listen.bands).then_some(listen);
        let (loudness, scan, heard) = crate::analyze::programme::measure_file(
            path,
            probe,
            layout,
            wants_loudness,
            listen,
            timeout,
        );
        (measurements.loudness, measurements.layout) = (loudness, Some(scan));
        if let Some(listen) = listen {
            if listen.pairs.is_some() {
                measurements.phase = Some(heard.phase);
            }
            if listen.bands {
                measurements.channels = heard.bands;
            }
        }
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
    stall: std::time::Duration,
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
    let mut full_decode = spec.integrity.as_ref().is_some_and(|i| i.decode);
    let hdr = spec.video.as_ref().and_then(|v| v.hdr.as_ref());
    // MaxCLL / MaxFALL, the sound analyses and the timeline are measured in the content pass,
    // with or without content rules.
    let no_content_rules = crate::spec::ContentRules::default();
    let listens = spec.audio.as_ref().is_some_and(|a| a.reads_samples());
    let timeline = spec
        .timeline
        .as_ref()
        .filter(|t| !t.segments.is_empty() || !t.forbid.is_empty());
    let measures_hdr = hdr.is_some_and(|h| h.measure == Some(true));
    let mut content_rules = spec
        .content
        .as_ref()
        .or_else(|| (measures_hdr || listens || timeline.is_some()).then_some(&no_content_rules));
    if full_decode || content_rules.is_some() {
        measurements.undecodable = crate::analyze::decoders::undecodable(path, probe);
        if !measurements.undecodable.is_empty() {
            if full_decode {
                // How far the packets reach, in place of a decode: a cut file still fails.
                let packets = crate::analyze::full_decode::packets(path, probe, stall);
                measurements.decode = Some(packets);
            }
            (full_decode, content_rules) = (false, None);
        }
    }
    if let Some(rules) = content_rules {
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
        let pass = crate::analyze::content::analyse_sharing_audio(
            path,
            probe,
            crate::analyze::content::PassRules {
                content: rules,
                video: spec.video.as_ref(),
                audio: spec.audio.as_ref(),
                timeline,
            },
            tap,
            full_decode,
            stall,
        );
        // Without content rules the pass still ran for other rules: a failed pass is kept, so
        // their findings say why they have no measurement.
        if spec.content.is_some() || pass.content.problem.is_some() {
            measurements.content = Some(pass.content);
        }
        let taps = pass.taps;
        measurements.levels = taps.levels;
        measurements.flashes = taps.flashes;
        measurements.cadence = taps.cadence;
        measurements.active_picture = taps.active_picture;
        measurements.phase = taps.phase;
        measurements.tone = taps.tone;
        measurements.channels = taps.channels;
        measurements.timeline = taps.timeline;
        if let Some((max_cll, max_fall)) = taps.light_level {
            let hdr = measurements.hdr.get_or_insert_with(Default::default);
            (hdr.max_cll, hdr.max_fall) = (Some(max_cll), Some(max_fall));
        }
        measurements.coverage = coverage(pass.decoded_s, pass.declared_s, probe);
        measurements.decode = pass.full_decode;
        shared = pass
            .audio
            .zip(meter)
            .map(|(decoded, meter)| SharedFirstStream { meter, decoded });
    }
    if hdr.is_some() && probe.video.as_ref().is_some_and(|v| v.is_hdr()) {
        // What the stream declares (an SDR stream is not judged: no ffprobe for it); a stream
        // ffprobe cannot read again has declared nothing.
        let declared = crate::analyze::picture::hdr_tags::declared(path, stall).unwrap_or_default();
        measurements
            .hdr
            .get_or_insert_with(Default::default)
            .declared = declared;
    }
    // On its own when no content pass ran to share it.
    if full_decode && measurements.decode.is_none() {
        let decode = crate::analyze::full_decode::decode(path, probe, stall);
        measurements.coverage = coverage(Some(decode.decoded_s), probe.duration(), probe);
        measurements.decode = Some(decode);
    }
    (measurements, shared)
}

/// Decoded seconds over the declared seconds of what was decoded, rounded to 0.1 % so reruns
/// give identical reports; `None` when no decode ran (no rule needed one) or nothing declares a
/// length. A decode that ends within one frame of the declared end (a 20 ms audio block without
/// picture) is whole: headers round lengths (to the millisecond in a movie header), and an IMX
/// clip's sound may run a fraction of a frame past its picture.
fn coverage(decoded_s: Option<f64>, declared_s: Option<f64>, probe: &Probe) -> Option<f64> {
    let declared = declared_s.filter(|d| d.is_finite() && *d > 0.0)?;
    let frame_s = probe
        .frame_rate()
        .map(|r| 1.0 / r.as_f64())
        .filter(|f| f.is_finite() && *f > 0.0)
        .unwrap_or(0.02);
    let decoded = decoded_s?;
    let share = if decoded + frame_s >= declared {
        1.0
    } else {
        decoded / declared
    };
    Some((share * 1000.0).round() / 1000.0)
}

pub(crate) fn unreadable_report(
    spec: &LoadedSpec,
    path: &Path,
    size: Option<u64>,
    why: &str,
) -> FileReport {
    let findings = check::unreadable(&spec.spec, why);
    FileReport {
        size,
        status: FileReport::status_of(&findings),
        findings,
        ..FileReport::unchecked(path)
    }
}
