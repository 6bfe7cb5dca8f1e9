//! The order the exports list a report in: each clip where its first track file stands, with
//! its track files under it; files in no clip where they stand. A report without clips lists
//! its files as they are, so its exports do not change.

use crate::report::{ClipReport, FileReport, Report};
use std::collections::HashMap;

pub enum Item<'a> {
    Clip {
        clip: &'a ClipReport,
        /// In the clip's order: video tracks, then audio tracks.
        members: Vec<&'a FileReport>,
    },
    File(&'a FileReport),
}

pub fn items(report: &Report) -> Vec<Item<'_>> {
    let clips: HashMap<&str, &ClipReport> =
        report.clips.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut members: HashMap<&str, Vec<&FileReport>> = HashMap::new();
    for file in &report.files {
        if let Some(id) = file.clip.as_deref().filter(|id| clips.contains_key(id)) {
            members.entry(id).or_default().push(file);
        }
    }
    let mut items = Vec::new();
    for file in &report.files {
        match file.clip.as_deref().and_then(|id| clips.get(id)) {
            Some(clip) => {
                if let Some(mut files) = members.remove(clip.id.as_str()) {
                    let place = |f: &&FileReport| clip.members.iter().position(|m| *m == f.path);
                    files.sort_by_key(place);
                    items.push(Item::Clip {
                        clip,
                        members: files,
                    });
                }
            }
            None => items.push(Item::File(file)),
        }
    }
    // A clip none of whose files the report lists (a hand-edited report) still shows.
    let listed: Vec<&str> = report
        .files
        .iter()
        .filter_map(|f| f.clip.as_deref())
        .collect();
    for clip in &report.clips {
        if !listed.contains(&clip.id.as_str()) {
            items.push(Item::Clip {
                clip,
                members: Vec::new(),
            });
        }
    }
    items
}
