//! Clips on the review screen: a clip is one row, its track files folded under it until
//! `Enter`/`Space` unfolds them. A clip row is an [`Entry`] of its own whose findings are the
//! clip's, so moving, `n`/`N`, confirming and waiving work on clip findings as on a file's; the
//! model keeps the clip's other facts (members, kind) in `Model::clips` and writes the row's
//! findings back into the report's `clips[]`.

use super::model::{Entry, EntryState, Model};
use crate::report::{self, ClipReport, FileReport};
use std::collections::HashMap;
use std::path::Path;

/// A clip row's stand-in path: no file has it, so it never takes a file's place in the index.
fn row_path(id: &str) -> String {
    format!("clip:{id}")
}

fn clip_row(clip: &ClipReport) -> Entry {
    let mut report = FileReport::unchecked(Path::new(&row_path(&clip.id)));
    report.clip = Some(clip.id.clone());
    report.status = clip.status;
    report.findings = clip.findings.clone();
    let mut entry = Entry::new(report, EntryState::Checked);
    entry.clip_row = true;
    entry
}

/// The clips as the report should hold them, each with its row's (reviewed) findings.
pub(super) fn clips_with_reviews(model: &Model) -> Vec<ClipReport> {
    let rows: HashMap<&str, &Entry> = model
        .entries
        .iter()
        .filter(|e| e.clip_row)
        .filter_map(|e| Some((e.report.clip.as_deref()?, e)))
        .collect();
    model
        .clips
        .iter()
        .map(|clip| {
            let mut clip = clip.clone();
            if let Some(row) = rows.get(clip.id.as_str()) {
                clip.findings = row.report.findings.clone();
            }
            clip
        })
        .collect()
}

/// Puts `clips` on the screen in place of the clips shown so far, carrying the reviews of their
/// findings over (by clip id) and marking each member file with its clip.
pub(super) fn install(model: &mut Model, mut clips: Vec<ClipReport>) {
    let earlier = clips_with_reviews(model);
    report::carry_clip_reviews(&mut clips, &earlier);
    let clip_of: HashMap<String, String> = clips
        .iter()
        .flat_map(|c| c.members.iter().map(|m| (m.clone(), c.id.clone())))
        .collect();
    let mut files: Vec<Entry> = model.entries.drain(..).filter(|e| !e.clip_row).collect();
    for entry in &mut files {
        entry.report.clip = clip_of.get(&entry.report.path).cloned();
    }
    report::refresh_statuses(&mut clips, files.iter().map(|e| &e.report));
    let rows: HashMap<&str, &ClipReport> = clips.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut entries = Vec::with_capacity(files.len() + clips.len());
    let mut placed: Vec<&str> = Vec::new();
    for entry in files {
        if let Some(clip) = entry.report.clip.as_deref().and_then(|id| rows.get(id))
            && !placed.contains(&clip.id.as_str())
        {
            placed.push(&clip.id);
            entries.push(clip_row(clip));
        }
        entries.push(entry);
    }
    // A clip none of whose files is on the screen still shows its findings.
    entries.extend(
        clips
            .iter()
            .filter(|c| !placed.contains(&c.id.as_str()))
            .map(clip_row),
    );
    model.clips = clips;
    model.replace_entries(entries);
    model.refilter();
}

/// The entries in the order the file list shows them: each clip row followed by its track files
/// (only when unfolded, in the clip's order), other files where they stand. Without clips, the
/// entries as they are.
pub(super) fn display_order(model: &Model) -> Vec<usize> {
    if model.clips.is_empty() {
        return (0..model.entries.len()).collect();
    }
    let mut members: HashMap<&str, Vec<usize>> = model
        .clips
        .iter()
        .map(|c| (c.id.as_str(), Vec::new()))
        .collect();
    for (i, entry) in model.entries.iter().enumerate() {
        if let Some(id) = entry.report.clip.as_deref().filter(|_| !entry.clip_row)
            && let Some(tracks) = members.get_mut(id)
        {
            tracks.push(i);
        }
    }
    let place: HashMap<&str, usize> = model
        .clips
        .iter()
        .flat_map(|c| c.members.iter().enumerate().map(|(i, m)| (m.as_str(), i)))
        .collect();
    let mut order = Vec::with_capacity(model.entries.len());
    for (i, entry) in model.entries.iter().enumerate() {
        match entry.report.clip.as_deref() {
            Some(id) if entry.clip_row => {
                order.push(i);
                if model.unfolded.contains(id) {
                    let mut tracks = members.get(id).cloned().unwrap_or_default();
                    tracks.sort_by_key(|&t| place.get(model.entries[t].report.path.as_str()));
                    order.extend(tracks);
                }
            }
            // A track file shows under its clip's row.
            Some(id) if members.contains_key(id) => {}
            _ => order.push(i),
        }
    }
    order
}

/// Whether the filter and search show entry `index`: as `passes` says, and a clip's row also
/// when one of its track files passes (folded under it, they would be out of sight otherwise).
pub(super) fn shown(model: &Model, index: usize, passes: impl Fn(&Entry) -> bool) -> bool {
    let entry = &model.entries[index];
    passes(entry)
        || (entry.clip_row
            && model
                .entries
                .iter()
                .any(|e| !e.clip_row && e.report.clip == entry.report.clip && passes(e)))
}

/// Folds or unfolds the clip of the selected row (its own row or one of its track files'),
/// keeping the clip row selected.
pub(super) fn toggle_selected(model: &mut Model) {
    let Some(index) = model.selected_entry_index() else {
        return;
    };
    let Some(id) = model.entries[index].report.clip.clone() else {
        return;
    };
    let Some(row) = model
        .entries
        .iter()
        .position(|e| e.clip_row && e.report.clip.as_deref() == Some(id.as_str()))
    else {
        return;
    };
    if !model.unfolded.remove(&id) {
        model.unfolded.insert(id);
    }
    model.refilter_keeping(row);
}

/// Unfolds the clip entry `index` is a track file of, so that selecting it shows it; whether
/// that changed anything.
pub(super) fn reveal(model: &mut Model, index: usize) -> bool {
    let entry = &model.entries[index];
    match entry.report.clip.as_deref().filter(|_| !entry.clip_row) {
        Some(id) if model.clips.iter().any(|c| c.id == id) => model.unfolded.insert(id.to_owned()),
        _ => false,
    }
}

/// What a row shows before its name: `▸ ` before a folded clip (`▾ ` unfolded), an indent
/// before a track file of a clip, nothing before any other file. Kept apart from the name so
/// that a long name cut to fit never loses it.
pub(super) fn row_prefix(model: &Model, entry: &Entry) -> &'static str {
    match entry.report.clip.as_deref() {
        Some(id) if entry.clip_row && model.unfolded.contains(id) => "▾ ",
        Some(_) if entry.clip_row => "▸ ",
        Some(id) if model.clips.iter().any(|c| c.id == id) => "  ",
        _ => "",
    }
}

/// The name a row shows: a clip's id and its number of track files (`A001_C002 (3)`), a file's
/// name.
pub(super) fn row_name<'a>(model: &Model, entry: &'a Entry) -> std::borrow::Cow<'a, str> {
    match entry.report.clip.as_deref() {
        Some(id) if entry.clip_row => {
            let tracks = model
                .clips
                .iter()
                .find(|c| c.id == id)
                .map_or(0, |c| c.members.len());
            format!("{} ({tracks})", crate::escape::escape_control(id)).into()
        }
        _ => entry.name.as_str().into(),
    }
}
