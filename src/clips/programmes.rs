//! A clip's `audio.layout` programmes. An Avid clip carries a stereo mix as two mono OP-Atom
//! track files (A1, A2), so a programme's channels lie in several files: with a layout, the
//! clip's audio streams in track order are its streams ("1:1 L" is the first sound track's
//! first channel, "2:1 R" the second's), and the layout and loudness rules judge the clip —
//! each track file is spared them (see `track`).

use crate::check::{Finding, Selection, rules_for};
use crate::measurements::Measurements;
use crate::report::FileReport;
use crate::spec::Spec;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The `audio.layout` and loudness findings of one clip, and whether every programme was read
/// to its end (only then are they worth keeping: a stalled read is worth another try);
/// `members` in clip order (video tracks, then audio tracks). Nothing unless the rules of the
/// clip's sound carry a layout.
pub fn check(
    spec: &Spec,
    members: &[&FileReport],
    stall_timeout: Duration,
) -> (Vec<Finding>, bool) {
    let sound = members
        .iter()
        .find(|f| f.probe.as_ref().is_some_and(|p| !p.audio.is_empty()));
    // The kind of the clip's sound decides: a spec's sound kind holds the audio rules.
    let judged = sound.or(members.first()).and_then(|file| {
        let probe = file.probe.as_ref()?;
        match rules_for(spec, file.name(), probe) {
            Selection::Rules { rules, .. } => Some(rules),
            Selection::NotChecked => None,
        }
    });
    let Some(rules) = judged else {
        return (Vec::new(), true);
    };
    let Some(layout) = rules.audio.as_ref().and_then(|a| a.layout.as_ref()) else {
        return (Vec::new(), true);
    };
    let Some(mut probe) = members
        .iter()
        .find_map(|f| f.probe.as_ref().filter(|p| p.video.is_some()))
        .or_else(|| members.iter().find_map(|f| f.probe.as_ref()))
        .cloned()
    else {
        return (Vec::new(), true);
    };
    probe.audio.clear();
    let mut places: Vec<(PathBuf, usize)> = Vec::new();
    for file in members {
        let Some(own) = &file.probe else { continue };
        for (index, stream) in own.audio.iter().enumerate() {
            probe.audio.push(stream.clone());
            places.push((file.file_path(), index));
        }
    }
    let tracks: Vec<(&Path, usize)> = places.iter().map(|(p, i)| (p.as_path(), *i)).collect();
    let meter = rules.audio.as_ref().is_some_and(|a| a.loudness.is_some());
    // A clip's programmes are metered here; phase and LFE are judged on each track file's own.
    let (loudness, scan, _) = crate::analyze::programme::measure_tracks(
        &tracks,
        &probe,
        layout,
        meter,
        None,
        stall_timeout,
    );
    let complete = scan.unread.is_empty()
        && loudness.as_ref().is_none_or(|l| {
            l.partial_reason.is_none()
                && l.programmes
                    .iter()
                    .all(|p| p.loudness.partial_reason.is_none())
        });
    let measured = Measurements {
        loudness,
        layout: Some(scan),
        ..Measurements::default()
    };
    (
        crate::check::programmes(&rules, &probe, &measured),
        complete,
    )
}
