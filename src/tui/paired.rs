//! `o`: from a file to the file the cross-file passes paired it with (a picture's sound, a
//! transcode's original) and back again.

use super::model::{Model, Pane, Row};
use crate::pairing::Pairing;

/// Selects the selected file's paired file. Pressed again on that file it returns to where it
/// came from, even when the file has several pairs (a sound roll covering many clips).
pub fn jump(model: &mut Model) {
    let from = match model.selected_row() {
        Some(Row::File(i)) => i,
        // A clip is paired through its track files.
        Some(Row::Clip(_)) => {
            model.status = Some("no paired file".to_owned());
            return;
        }
        None => {
            model.status = Some("no file selected".to_owned());
            return;
        }
    };
    let pairs = &model.entries[from].report.paired;
    let back = model
        .paired_from
        .filter(|&i| i < model.entries.len())
        .and_then(|i| {
            pairs
                .iter()
                .find(|p| p.path == model.entries[i].report.path)
        });
    let Some(pair) = back.or(pairs.first()).cloned() else {
        model.status = Some("no paired file".to_owned());
        return;
    };
    let Some(to) = model
        .entries
        .iter()
        .position(|e| e.report.path == pair.path)
    else {
        model.status = Some(format!("paired file not in this review: {}", pair.path));
        return;
    };
    // A track file of a folded clip shows once its clip unfolds.
    let to = Row::File(to);
    if model.reveal(to) {
        model.refilter();
    }
    if !model.visible.contains(&to) {
        model.filter = super::model::Filter::All;
        model.search.clear();
        model.refilter();
    }
    if let Some(pos) = model.visible.iter().position(|&r| r == to) {
        model.cursor = pos;
        model.finding_cursor = 0;
        model.focus = Pane::Files;
        model.paired_from = Some(from);
        model.status = Some(describe(&pair));
    }
}

/// `sound S_cover.wav, starts 24 frames before`, for the status line.
fn describe(pair: &Pairing) -> String {
    format!(
        "{} {}",
        pair.role.as_str(),
        crate::escape::escape_control(&pair.describe())
    )
}
