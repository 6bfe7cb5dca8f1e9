//! One self-contained HTML file (inline CSS, no scripts, no network) that prints to PDF.
//! The template autoescapes, and every value it prints has its control characters escaped
//! first: everything from the media — names, tags, notes — stays visible text.

use super::html_media;
use crate::check::{Severity, Verdict};
use crate::escape::escape_control_except_newlines;
use crate::report::{ClipReport, FileReport, Report};
use serde::Serialize;
use std::borrow::Cow;
use std::io::Write;

const TEMPLATE: &str = include_str!("report.html");

#[derive(Serialize)]
struct FileView {
    name: String,
    path: String,
    status: &'static str,
    duration: String,
    codec: String,
    resolution: String,
    frame_rate: String,
    loudness: String,
    sync: String,
    reviews: String,
    metadata: Vec<(String, String)>,
    findings: Vec<FindingView>,
    /// Inline SVG of the short-term loudness (numbers only, printed as markup).
    loudness_svg: Option<String>,
}

/// A clip: its own findings, and links to its track files' sections.
#[derive(Serialize)]
struct ClipView {
    id: String,
    status: &'static str,
    /// (file name, 1-based place of its section among the files)
    members: Vec<(String, usize)>,
    findings: Vec<FindingView>,
}

#[derive(Serialize)]
struct FindingView {
    check: String,
    severity: &'static str,
    expected: String,
    actual: String,
    at: String,
    verdict: &'static str,
    row_class: &'static str,
    note: String,
    by: String,
    /// `data:` URI of the event's first frame.
    thumb: Option<String>,
}

pub fn write_html(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut env = minijinja::Environment::new();
    // Autoescaping is chosen by the template name's extension.
    env.set_formatter(visible_text);
    env.add_template("report.html", TEMPLATE)
        .map_err(std::io::Error::other)?;
    let template = env
        .get_template("report.html")
        .map_err(std::io::Error::other)?;
    let files: Vec<FileView> = report.files.iter().map(file_view).collect();
    let clips: Vec<ClipView> = report.clips.iter().map(|c| clip_view(c, report)).collect();
    let html = template
        .render(minijinja::context! {
            schema => report.schema,
            tool => report.tool,
            spec => report.spec,
            operator => report.operator,
            created => report.created,
            updated => report.updated,
            summary => report.summary,
            verdict => crate::report::SignOff::of(report).as_str(),
            files => files,
            clips => clips,
        })
        .map_err(std::io::Error::other)?;
    out.write_all(html.as_bytes())
}

/// Prints a value as the default formatter does (HTML-escaped), with its control characters
/// escaped first; line breaks stay, for notes (`white-space: pre-wrap`).
fn visible_text(
    out: &mut minijinja::Output,
    state: &minijinja::State,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    match value.as_str().map(escape_control_except_newlines) {
        Some(Cow::Owned(escaped)) => {
            minijinja::escape_formatter(out, state, &minijinja::Value::from(escaped))
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

fn clip_view(clip: &ClipReport, report: &Report) -> ClipView {
    let members = clip
        .members
        .iter()
        .filter_map(|path| {
            let place = report.files.iter().position(|f| f.path == *path)?;
            Some((report.files[place].shown_name(), place + 1))
        })
        .collect();
    ClipView {
        id: clip.id.clone(),
        status: clip.status.as_str(),
        members,
        findings: clip.findings.iter().map(finding_view).collect(),
    }
}

fn file_view(file: &FileReport) -> FileView {
    let probe = file.probe.as_ref();
    let video = probe.and_then(|p| p.video.as_ref());
    let dash = || "—".to_owned();
    let count = |v: Verdict| {
        file.findings
            .iter()
            .filter(|f| !f.stale && f.severity == Severity::Error && f.review.verdict == v)
            .count()
    };
    let loudness = file.measurements.loudness.as_ref().map_or_else(dash, |l| {
        let i = l
            .integrated_lufs
            .map_or("silent".to_owned(), |v| format!("{v:.1} LUFS"));
        let tp = l
            .true_peak_dbtp
            .map_or(String::new(), |v| format!(", {v:.1} dBTP"));
        format!("{i}{tp}")
    });
    let sync = file
        .measurements
        .sync
        .as_ref()
        .and_then(|s| s.marker_offset_ms.or(s.start_offset_ms))
        .map_or_else(dash, |ms| format!("{ms:+.0} ms"));
    FileView {
        name: file.shown_name(),
        path: file.shown_path().into_owned(),
        status: file.status.as_str(),
        duration: probe
            .and_then(|p| p.duration())
            .map_or_else(dash, |s| format!("{s:.2} s")),
        codec: video
            .and_then(|v| v.codec.clone())
            .map(|c| match video.and_then(|v| v.profile.as_deref()) {
                Some(profile) => format!("{c} {profile}"),
                None => c,
            })
            .unwrap_or_else(dash),
        resolution: video
            .and_then(|v| Some(format!("{}x{}", v.width?, v.height?)))
            .unwrap_or_else(dash),
        frame_rate: video
            .and_then(|v| v.r_frame_rate)
            .map_or_else(dash, |r| r.to_string()),
        loudness,
        sync,
        reviews: format!(
            "{} / {} / {}",
            count(Verdict::Open),
            count(Verdict::Waived),
            count(Verdict::Rejected)
        ),
        metadata: metadata(file),
        findings: findings(file),
        loudness_svg: file
            .measurements
            .loudness
            .as_ref()
            .and_then(|l| html_media::loudness_svg(file, l)),
    }
}

/// The file's findings, the first events with a thumbnail of their frame.
fn findings(file: &FileReport) -> Vec<FindingView> {
    let mut thumbs = 0;
    file.findings
        .iter()
        .map(|f| {
            let mut view = finding_view(f);
            if f.at.is_some() && thumbs < html_media::MAX_THUMBS {
                view.thumb = html_media::thumbnail(file, f);
                thumbs += usize::from(view.thumb.is_some());
            }
            view
        })
        .collect()
}

fn metadata(file: &FileReport) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    if let Some(size) = file.size {
        rows.push(("Size".to_owned(), format!("{size} bytes")));
    }
    if let Some(kind) = &file.kind {
        rows.push(("Kind".to_owned(), kind.clone()));
    }
    rows.extend(crate::pairing::rows(file));
    let Some(probe) = &file.probe else {
        return rows;
    };
    if let Some(c) = &probe.container {
        rows.push(("Container".to_owned(), c.clone()));
    }
    if let Some(v) = &probe.video {
        let parts: Vec<String> = [
            v.codec.clone(),
            v.profile.clone(),
            v.width.zip(v.height).map(|(w, h)| format!("{w}x{h}")),
            v.r_frame_rate.map(|r| format!("{r} fps")),
            v.field_order.clone(),
            v.pix_fmt.clone(),
            v.color_primaries.as_ref().map(|p| {
                format!(
                    "{p}/{}/{}",
                    v.color_transfer.as_deref().unwrap_or("?"),
                    v.color_space.as_deref().unwrap_or("?")
                )
            }),
        ]
        .into_iter()
        .flatten()
        .collect();
        rows.push(("Video".to_owned(), parts.join(", ")));
    }
    for (i, a) in probe.audio.iter().enumerate() {
        let parts: Vec<String> = [
            a.codec.clone(),
            a.sample_rate.map(|r| format!("{r} Hz")),
            a.bit_depth().map(|b| format!("{b}-bit")),
            a.channels.map(|c| format!("{c} ch")),
            a.channel_layout.clone(),
        ]
        .into_iter()
        .flatten()
        .collect();
        // Numbered from 1, as every finding names an audio stream.
        rows.push((format!("Audio {}", i + 1), parts.join(", ")));
    }
    if let Some(tc) = &probe.timecode {
        let end = probe
            .timecode_end
            .as_deref()
            .map(|e| format!(" – {e}"))
            .unwrap_or_default();
        let source = file
            .timecode_source
            .map(|s| format!(" ({s})"))
            .unwrap_or_default();
        rows.push(("Timecode".to_owned(), format!("{tc}{end}{source}")));
    }
    if let Some(l) = &file.measurements.loudness {
        let fmt =
            |v: Option<f64>, unit: &str| v.map_or("—".to_owned(), |v| format!("{v:.1} {unit}"));
        rows.push((
            "Loudness".to_owned(),
            format!(
                "I {}, TP {}, LRA {}",
                fmt(l.integrated_lufs, "LUFS"),
                fmt(l.true_peak_dbtp, "dBTP"),
                fmt(l.lra_lu, "LU")
            ),
        ));
    }
    if let Some(s) = &file.measurements.sync {
        let fmt = |v: Option<f64>| v.map_or("—".to_owned(), |v| format!("{v:+.1} ms"));
        rows.push((
            "Sync (+ = audio late)".to_owned(),
            format!(
                "start {}, length {}, marker {}",
                fmt(s.start_offset_ms),
                fmt(s.duration_delta_ms),
                fmt(s.marker_offset_ms)
            ),
        ));
    }
    rows
}

fn finding_view(f: &crate::check::Finding) -> FindingView {
    let verdict = if f.stale {
        "stale"
    } else {
        f.review.verdict.as_str()
    };
    FindingView {
        check: f.check.clone(),
        severity: f.severity.as_str(),
        expected: f.expected.clone(),
        actual: f.actual.clone(),
        at: f.at.as_ref().map_or(String::new(), |a| match &a.end {
            Some(end) => format!("{} – {end}", a.start),
            None => a.start.clone(),
        }),
        verdict,
        row_class: if f.stale {
            "stale"
        } else if f.review.verdict == Verdict::Waived {
            "waived"
        } else {
            ""
        },
        note: f.review.note_with_history().into_owned(),
        by: f.review.operator.clone().unwrap_or_default(),
        thumb: None,
    }
}
