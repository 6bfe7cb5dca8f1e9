//! The pictures of the HTML report, inline so the file stays self-contained: a JPEG thumbnail
//! of each event's frame (a `data:` URI, made by ffmpeg from the media when it is still there)
//! and an SVG of the short-term loudness curve (built from numbers only, never from text the
//! media carries).

use crate::analyze::frame::{self, Still};
use crate::check::Finding;
use crate::measurements::Loudness;
use crate::position::{Clock, seconds_at};
use crate::report::FileReport;
use base64::Engine;
use std::fmt::Write;

/// Thumbnail size (fits 16:9 and 4:3 alike).
const THUMB: (u32, u32) = (160, 90);
/// Thumbnails per file at most: each costs a seek and a decode.
pub const MAX_THUMBS: usize = 20;

/// A `data:` URI of the frame where `finding`'s event starts; `None` for findings without a
/// place, files without a picture, and media that cannot be read (moved since the check).
pub fn thumbnail(file: &FileReport, finding: &Finding) -> Option<String> {
    let at = finding.at.as_ref()?;
    let probe = file.probe.as_ref()?;
    let clock = Clock::of(probe)?;
    let frame = clock.frame_of(&at.start)?;
    let jpeg = frame::grab(
        &file.file_path(),
        clock.seek_seconds(frame),
        THUMB,
        Still::Jpeg,
        &|| true,
    )
    .ok()??;
    Some(format!(
        "data:image/jpeg;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(jpeg)
    ))
}

const SVG_W: f64 = 600.0;
const SVG_H: f64 = 120.0;

/// The short-term loudness curve as an inline SVG, with the loudest 3 s and the highest true
/// peak marked; `None` without a curve.
pub fn loudness_svg(file: &FileReport, l: &Loudness) -> Option<String> {
    let curve = l.short_term.as_ref().filter(|c| !c.lufs.is_empty())?;
    let time = |i: usize| curve.start_s + i as f64 * curve.step_s;
    let end_s = time(curve.lufs.len() - 1).max(1.0);
    let levels = curve.lufs.iter().flatten();
    let low = levels.clone().copied().fold(f64::INFINITY, f64::min);
    let high = levels.copied().fold(f64::NEG_INFINITY, f64::max);
    let (low, high) = if low.is_finite() {
        ((low - 2.0).floor(), (high + 2.0).ceil())
    } else {
        (-40.0, 0.0)
    };
    let x = |s: f64| s / end_s * SVG_W;
    let y = |lufs: f64| (high - lufs) / (high - low) * SVG_H;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 -12 {SVG_W} {}" width="{SVG_W}" height="{}" role="img" aria-label="short-term loudness over time">"#,
        SVG_H + 26.0,
        SVG_H + 26.0
    );
    let _ = write!(
        svg,
        r##"<rect x="0" y="0" width="{SVG_W}" height="{SVG_H}" fill="#fafafa" stroke="#ddd"/>"##
    );
    let at = |text: Option<&String>| seconds_at(file.probe.as_ref()?, text?);
    if let Some((start, lufs)) = at(l.max_short_term_at.as_ref()).zip(l.max_short_term_lufs) {
        let _ = write!(
            svg,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="4" fill="#d7b94a"><title>loudest 3 s: {lufs:.1} LUFS</title></rect>"##,
            x(start),
            y(lufs) - 2.0,
            x(start + 3.0) - x(start)
        );
    }
    if let Some(t) = at(l.true_peak_at.as_ref()) {
        let _ = write!(
            svg,
            r##"<line x1="{0:.1}" y1="0" x2="{0:.1}" y2="{SVG_H}" stroke="#b3261e"><title>true peak</title></line>"##,
            x(t)
        );
    }
    // One polyline per stretch above the gate: silence breaks the curve.
    for stretch in curve
        .lufs
        .iter()
        .enumerate()
        .collect::<Vec<_>>()
        .split(|(_, v)| v.is_none())
        .filter(|s| !s.is_empty())
    {
        let points: Vec<String> = stretch
            .iter()
            .filter_map(|(i, v)| Some(format!("{:.1},{:.1}", x(time(*i)), y((**v)?))))
            .collect();
        let _ = write!(
            svg,
            r##"<polyline points="{}" fill="none" stroke="#1565c0" stroke-width="1.5"/>"##,
            points.join(" ")
        );
    }
    let _ = write!(
        svg,
        r##"<text x="2" y="-2" font-size="10" fill="#666">{high:.0} LUFS</text><text x="2" y="{:.0}" font-size="10" fill="#666">{low:.0} LUFS · 0 s</text><text x="{SVG_W}" y="{:.0}" font-size="10" fill="#666" text-anchor="end">{end_s:.0} s</text></svg>"##,
        SVG_H + 12.0,
        SVG_H + 12.0
    );
    Some(svg)
}
