//! What the preview keys do to the model: each moves the [`Spot`] and answers with the
//! [`Request`] that decodes its frame (none when the frame is cached or nothing changed).

use super::{Request, Spot};
use crate::position::{Clock, frame_of_finding, loudness_landmarks};
use crate::tui::model::Model;

/// `p`: shows or hides the preview of the selected finding's frame.
pub(crate) fn toggle(model: &mut Model) -> Option<Request> {
    model.preview.on = !model.preview.on;
    if !model.preview.on {
        return None;
    }
    model.preview.spot = None;
    follow_selection(model)
}

/// How far `[`/`]` and `{`/`}` move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Frames(i64),
    Seconds(i64),
}

/// `[`/`]`/`{`/`}`: moves the preview by frames or seconds.
pub(crate) fn step(model: &mut Model, by: Step) -> Option<Request> {
    let on = model.preview.on;
    let Some(spot) = model.preview.spot.as_mut().filter(|_| on) else {
        model.status = Some("p shows the preview first".to_owned());
        return None;
    };
    let delta = match by {
        Step::Frames(n) => n,
        Step::Seconds(n) => n.saturating_mul(spot.clock.second()),
    };
    spot.frame = spot.clock.step(spot.frame, delta);
    fetch(model)
}

/// `g`: moves the preview to the next loudness landmark of the file (the true peak, the loudest
/// 3 s), turning it on if needed.
pub(crate) fn next_landmark(model: &mut Model) -> Option<Request> {
    let request = if model.preview.on {
        follow_selection(model)
    } else {
        toggle(model)
    };
    let landmarks = match (&model.preview.spot, model.selected_entry()) {
        (Some(spot), Some(entry)) => loudness_landmarks(&spot.clock, &entry.report.measurements),
        _ => Vec::new(),
    };
    let Some(spot) = model
        .preview
        .spot
        .as_mut()
        .filter(|_| !landmarks.is_empty())
    else {
        model.status = Some("no loudness landmark (true peak, loudest 3 s) to show".to_owned());
        return request;
    };
    let next = spot.landmark.map_or(0, |i| (i + 1) % landmarks.len());
    let (what, frame) = landmarks[next];
    spot.landmark = Some(next);
    spot.frame = frame;
    model.status = Some(format!("preview at the {what}"));
    // The landmark's frame supersedes the finding's, which need not be decoded.
    fetch(model)
}

/// After any key: when the preview is on and the selection moved to another finding, the
/// preview follows it (superseding the frame still being decoded for the old one).
pub(crate) fn follow_selection(model: &mut Model) -> Option<Request> {
    if !model.preview.on {
        return None;
    }
    let Some(entry_index) = model.selected_entry_index() else {
        model.preview.spot = None;
        return None;
    };
    let finding = model.finding_cursor;
    let entry = &model.entries[entry_index];
    // The path too: a scan can reorder the entries under the preview.
    let same = model.preview.spot.as_ref().is_some_and(|s| {
        s.entry == entry_index && s.finding == finding && s.path == entry.report.file_path()
    });
    if same {
        return None;
    }
    let Some(clock) = entry.report.probe.as_ref().and_then(Clock::of) else {
        model.preview.spot = None;
        return None;
    };
    model.preview.spot = Some(Spot {
        entry: entry_index,
        finding,
        path: entry.report.file_path(),
        clock,
        frame: frame_of_finding(&clock, entry.report.findings.get(finding)),
        landmark: None,
    });
    fetch(model)
}

/// The spot's frame, unless there is no colour to draw it with.
fn fetch(model: &mut Model) -> Option<Request> {
    if !model.color {
        return None;
    }
    model.preview.fetch()
}
