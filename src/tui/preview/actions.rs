//! What the preview keys do to the model: each moves the [`Spot`] and answers with the
//! [`Effect`] that decodes its frame (none when the frame is cached or nothing changed).

use super::Spot;
use crate::position::{Clock, frame_of_finding, loudness_landmarks};
use crate::tui::model::Model;
use crate::tui::update::Effect;

/// `p`: shows or hides the preview of the selected finding's frame.
pub fn toggle(model: &mut Model) -> Vec<Effect> {
    model.preview.on = !model.preview.on;
    if !model.preview.on {
        return vec![];
    }
    model.preview.spot = None;
    follow_selection(model)
}

/// How far `[`/`]` and `{`/`}` move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Frames(i64),
    Seconds(i64),
}

/// `[`/`]`/`{`/`}`: moves the preview by frames or seconds.
pub fn step(model: &mut Model, by: Step) -> Vec<Effect> {
    let on = model.preview.on;
    let Some(spot) = model.preview.spot.as_mut().filter(|_| on) else {
        model.status = Some("p shows the preview first".to_owned());
        return vec![];
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
pub fn next_landmark(model: &mut Model) -> Vec<Effect> {
    let effects = if model.preview.on {
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
        return effects;
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
pub fn follow_selection(model: &mut Model) -> Vec<Effect> {
    if !model.preview.on {
        return vec![];
    }
    let Some(entry_index) = model.selected_entry_index() else {
        model.preview.spot = None;
        return vec![];
    };
    let finding = model.finding_cursor;
    let entry = &model.entries[entry_index];
    // The path too: a scan can reorder the entries under the preview.
    let same = model.preview.spot.as_ref().is_some_and(|s| {
        s.entry == entry_index && s.finding == finding && s.path == entry.report.file_path()
    });
    if same {
        return vec![];
    }
    let Some(clock) = entry.report.probe.as_ref().and_then(Clock::of) else {
        model.preview.spot = None;
        return vec![];
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
fn fetch(model: &mut Model) -> Vec<Effect> {
    if !model.color {
        return vec![];
    }
    model
        .preview
        .fetch()
        .map(Effect::Preview)
        .into_iter()
        .collect()
}
