//! Clips on the review screen: a clip is one row ([`Row::Clip`]), its track files folded under
//! it until `Enter`/`Space` unfolds them. The clip's findings are reviewed in place in its
//! [`ClipReport`], so the report's `clips[]` is saved as the screen holds it.

use super::rows::{Entry, Row};
use crate::report::{self, ClipReport};
use std::collections::HashMap;

/// Puts `fresh` in place of `clips`, carrying the reviews of their findings over (by clip id),
/// marking each of `files` with the clip it is a track of, and setting the clips' statuses.
pub(super) fn install(
    clips: &mut Vec<ClipReport>,
    mut fresh: Vec<ClipReport>,
    files: &mut [Entry],
) {
    report::carry_clip_reviews(&mut fresh, clips);
    let clip_of: HashMap<&str, &str> = fresh
        .iter()
        .flat_map(|c| c.members.iter().map(|m| (m.as_str(), c.id.as_str())))
        .collect();
    for entry in files.iter_mut() {
        entry.report.clip = clip_of
            .get(entry.report.path.as_str())
            .map(|&id| id.to_owned());
    }
    report::refresh_statuses(&mut fresh, files.iter().map(|e| &e.report));
    *clips = fresh;
}

/// The rows in the order the file list shows them, as the exports list a report: each clip
/// where its first track file stands, followed by its track files in the clip's order when
/// `unfolded` says so; other files where they stand; a clip none of whose files is on the
/// screen last (its findings still show). Without clips, the files as they are.
pub(super) fn order(
    clips: &[ClipReport],
    files: &[Entry],
    unfolded: impl Fn(&ClipReport) -> bool,
) -> Vec<Row> {
    if clips.is_empty() {
        return (0..files.len()).map(Row::File).collect();
    }
    let index: HashMap<&str, usize> = clips
        .iter()
        .enumerate()
        .map(|(c, clip)| (clip.id.as_str(), c))
        .collect();
    let clip_of = |entry: &Entry| entry.report.clip.as_deref().and_then(|id| index.get(id));
    let mut tracks: Vec<Vec<usize>> = vec![Vec::new(); clips.len()];
    for (i, entry) in files.iter().enumerate() {
        if let Some(&c) = clip_of(entry) {
            tracks[c].push(i);
        }
    }
    let place: HashMap<&str, usize> = clips
        .iter()
        .flat_map(|c| c.members.iter().enumerate().map(|(i, m)| (m.as_str(), i)))
        .collect();
    let mut rows = Vec::with_capacity(files.len() + clips.len());
    let mut placed = vec![false; clips.len()];
    for (i, entry) in files.iter().enumerate() {
        match clip_of(entry) {
            Some(&c) if !placed[c] => {
                placed[c] = true;
                rows.push(Row::Clip(c));
                if unfolded(&clips[c]) {
                    let mut members = std::mem::take(&mut tracks[c]);
                    members.sort_by_key(|&t| place.get(files[t].report.path.as_str()));
                    rows.extend(members.into_iter().map(Row::File));
                }
            }
            // A track file shows under its clip's row.
            Some(_) => {}
            None => rows.push(Row::File(i)),
        }
    }
    rows.extend((0..clips.len()).filter(|&c| !placed[c]).map(Row::Clip));
    rows
}
