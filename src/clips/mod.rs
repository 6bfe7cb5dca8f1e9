//! Clips: track files judged together. Avid OP-Atom keeps each track of a clip in an MXF of its
//! own (V1, A1, A2 …), tied by the material package UMID; exports such as Resolve's name them
//! `<clip>_V1.mxf`, `<clip>_A1.mxf`. With `clips:` in the spec, the files are grouped after the
//! per-file checks ([`group`]), each clip is checked as a whole ([`checks`]), and each track file
//! is checked only by the rules for the streams it carries ([`track`]).

mod checks;
mod group;
mod programmes;
mod track;

pub use group::{Clip, group};
pub use track::{is_track_file, track_rules};

use crate::report::{ClipReport, FileReport};
use crate::spec::Spec;

/// Groups `files` into clips, records each member's clip id (`files[].clip`) and returns the
/// clips with their findings. A hash map over the reports: no file is read again, except the
/// sound tracks of a clip whose rules carry an `audio.layout` ([`programmes`]).
pub fn pass(spec: &Spec, files: &mut [FileReport]) -> Vec<ClipReport> {
    let Some(rules) = &spec.clips else {
        return Vec::new();
    };
    // A programme's decode that delivers nothing for this long is given up, as a file's is.
    let stall_timeout = crate::engine::Options::default().probe_timeout;
    group(rules, files)
        .into_iter()
        .map(|clip| {
            let members: Vec<&FileReport> = clip.members.iter().map(|&i| &files[i]).collect();
            let mut findings = crate::check::apply_severity(spec, checks::run(rules, &members));
            findings.extend(programmes::check(spec, &members, stall_timeout));
            let kind = members
                .iter()
                .find(|f| f.probe.as_ref().is_some_and(|p| p.video.is_some()))
                .or(members.first())
                .and_then(|f| f.kind.clone());
            let paths = members.iter().map(|f| f.path.clone()).collect();
            for &i in &clip.members {
                files[i].clip = Some(clip.id.clone());
            }
            ClipReport {
                id: clip.id,
                kind,
                members: paths,
                // Set with the members' statuses by `Report::refresh_summary`.
                status: crate::report::Status::Pass,
                findings,
            }
        })
        .collect()
}
