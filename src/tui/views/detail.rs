//! The selected finding in full (message, expected/actual, where, note, unconfirmed draft), then
//! the file's kind (when the spec has kinds), probe summary and measurements (a clip has none).

use super::findings::{severity_label, verdict_label};
use super::{Theme, pane};
use crate::check::Finding;
use crate::escape::escape_control;
use crate::measurements::Measurements;
use crate::probe::{Probe, TimecodeSource};
use crate::report::FileReport;
use crate::tui::model::Model;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let area = super::frame_preview::draw(frame, area, model, theme);
    let area = super::loudness_chart::draw(frame, area, model, theme);
    let area = super::correlation_strip::draw(frame, area, model, theme);
    let area = super::marker_waveform::draw(frame, area, model, theme);
    let block = pane(" Detail ".into(), false, theme);
    let Some(row) = model.selected_row() else {
        frame.render_widget(block, area);
        return;
    };
    let mut lines: Vec<Line> = Vec::new();
    if let Some(f) = model.selected_finding() {
        finding_lines(f, theme, &mut lines);
    }
    if model.is_pending(row) {
        lines.push(Line::styled("· being checked…", theme.dim()));
    }
    if let Some(entry) = model.selected_entry() {
        file_lines(&entry.report, &mut lines);
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// The file's kind, probe summary, pairs and measurements.
fn file_lines(file: &FileReport, lines: &mut Vec<Line>) {
    if let Some(kind) = &file.kind {
        lines.push(labelled("Kind", escape_control(kind).into_owned()));
    }
    if let Some(probe) = &file.probe {
        probe_lines(probe, (file.timecode_source, file.timecode_rate), lines);
    }
    super::pairs::lines(file, lines);
    measurement_lines(&file.measurements, lines);
}

fn labelled<'a>(label: &'static str, value: String) -> Line<'a> {
    Line::from(vec![Span::raw(format!("{label:<9}")), Span::raw(value)])
}

fn finding_lines(f: &Finding, theme: &Theme, lines: &mut Vec<Line>) {
    let mut head = vec![
        Span::styled(escape_control(&f.check).into_owned(), theme.title()),
        Span::raw(format!(" · {} · ", severity_label(f.severity))),
        Span::styled(verdict_label(f), theme.verdict(f.review.verdict)),
    ];
    if f.stale {
        head.push(Span::raw(" · stale (no longer found)"));
    }
    lines.push(Line::from(head));
    lines.push(Line::raw(escape_control(&f.message).into_owned()));
    lines.push(labelled(
        "Expected",
        escape_control(&f.expected).into_owned(),
    ));
    lines.push(labelled("Actual", escape_control(&f.actual).into_owned()));
    if let Some(at) = &f.at {
        let end = at
            .end
            .as_deref()
            .map(|e| format!(" – {}", escape_control(e)))
            .unwrap_or_default();
        lines.push(labelled(
            "At",
            format!("{}{end}", escape_control(&at.start)),
        ));
    }
    let review = &f.review;
    if let Some(stale) = &review.stale {
        // The finding changed since this verdict: shown until someone judges it again.
        lines.push(Line::styled(
            format!(
                "Reopened: {} (the finding or the file changed since)",
                escape_control(&stale.describe())
            ),
            theme.alert(),
        ));
    }
    if !review.note.is_empty() {
        lines.push(labelled("Note", escape_control(&review.note).into_owned()));
    }
    if let Some(draft) = &review.draft {
        lines.push(Line::raw(format!(
            "draft (not confirmed): {}",
            escape_control(draft)
        )));
    }
    if let (Some(who), Some(when)) = (&review.operator, &review.at) {
        lines.push(labelled(
            "Reviewed",
            format!(
                "{} by {}, {}",
                review.verdict.as_str(),
                escape_control(who),
                escape_control(when)
            ),
        ));
    }
}

fn opt<T: std::fmt::Display>(value: &Option<T>) -> String {
    value.as_ref().map_or_else(
        || "?".to_owned(),
        |v| escape_control(&v.to_string()).into_owned(),
    )
}

/// `timecode`: where the start timecode came from and the rate it counts at.
fn probe_lines(
    probe: &Probe,
    timecode: (Option<TimecodeSource>, Option<crate::rational::Rational>),
    lines: &mut Vec<Line>,
) {
    let container = probe
        .container
        .as_deref()
        .map(|c| c.split(',').next().unwrap_or(c).to_owned());
    let mut file = format!(
        "{} · {}",
        opt(&container),
        probe
            .duration()
            .map_or_else(|| "? s".to_owned(), |d| format!("{d:.2} s"))
    );
    if let Some(tc) = &probe.timecode {
        file.push_str(&format!(" · TC {}", escape_control(tc)));
        if let Some(end) = &probe.timecode_end {
            file.push_str(&format!("–{}", escape_control(end)));
        }
        match timecode {
            // A sound file's timecode has no picture rate beside it: say what it counts at.
            (Some(source), Some(rate)) if probe.video.is_none() => {
                file.push_str(&format!(" ({source} @ {} fps)", rate.short_name(3)));
            }
            (Some(source), _) => file.push_str(&format!(" ({source})")),
            (None, _) => {}
        }
    }
    lines.push(labelled("File", file));
    if let Some(v) = &probe.video {
        let rate = v.frame_rate().map_or_else(
            || "?".to_owned(),
            |r| {
                format!("{:.3}", r.as_f64())
                    .trim_end_matches('0')
                    .trim_end_matches('.')
                    .to_owned()
            },
        );
        let mut text = format!(
            "{} {} {}x{} {} fps {}",
            opt(&v.codec),
            v.profile
                .as_deref()
                .map(|p| escape_control(p).into_owned())
                .unwrap_or_default(),
            opt(&v.width),
            opt(&v.height),
            rate,
            opt(&v.pix_fmt),
        );
        if let Some(primaries) = &v.color_primaries {
            text.push_str(&format!(" {}", escape_control(primaries)));
        }
        lines.push(labelled("Video", text.replace("  ", " ")));
    }
    for (i, a) in probe.audio.iter().enumerate() {
        let label = if i == 0 { "Audio" } else { "" };
        let bits = a
            .bit_depth()
            .map(|b| format!(" {b}-bit"))
            .unwrap_or_default();
        lines.push(labelled(
            label,
            format!(
                "#{} {} {} Hz {} ch{bits}",
                i + 1,
                opt(&a.codec),
                opt(&a.sample_rate),
                opt(&a.channels)
            ),
        ));
    }
}

fn number(value: Option<f64>, unit: &str) -> String {
    // `+ 0.0` turns −0.0 into 0.0: "-0.0 ms" reads like a defect.
    value.map_or_else(|| "–".to_owned(), |v| format!("{:+.1} {unit}", v + 0.0))
}

fn measurement_lines(m: &Measurements, lines: &mut Vec<Line>) {
    if let Some(l) = &m.loudness {
        let mut text = format!(
            "{} · TP {} · LRA {}",
            number(l.integrated_lufs, "LUFS"),
            number(l.true_peak_dbtp, "dBTP"),
            l.lra_lu
                .map_or_else(|| "–".to_owned(), |v| format!("{v:.1} LU"))
        );
        if let Some(partial) = &l.partial {
            text.push_str(&format!(" (partial: {})", escape_control(partial)));
        }
        lines.push(labelled("Loudness", text));
    }
    if let Some(s) = &m.sync {
        let mut text = format!(
            "start {} · length Δ {}",
            number(s.start_offset_ms, "ms"),
            number(s.duration_delta_ms, "ms")
        );
        if let Some(marker) = s.marker_offset_ms {
            text.push_str(&format!(" · marker {marker:+.1} ms"));
        }
        lines.push(labelled("Sync", text));
    }
}
