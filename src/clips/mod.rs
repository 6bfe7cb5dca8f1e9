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

use crate::check::Finding;
use crate::report::{ClipReport, FileReport};
use crate::spec::Spec;

/// Measures and checks the programmes of each clip (one list of members per clip): the one
/// expensive part of the pass, which the caller runs where it likes (a pool, a cache).
pub type Programmes<'a> = dyn Fn(&[Vec<&FileReport>]) -> Vec<Vec<Finding>> + 'a;

/// Groups `files` into clips, records each member's clip id (`files[].clip`) and returns the
/// clips with their findings. A hash map over the reports: no file is read again, except the
/// sound tracks of a clip whose rules carry an `audio.layout` ([`programme_findings`], run
/// through `programmes`).
pub fn pass(spec: &Spec, files: &mut [FileReport], programmes: &Programmes) -> Vec<ClipReport> {
    let Some(rules) = &spec.clips else {
        return Vec::new();
    };
    let clips = group(rules, files);
    let members: Vec<Vec<&FileReport>> = clips
        .iter()
        .map(|clip| clip.members.iter().map(|&i| &files[i]).collect())
        .collect();
    let measured = programmes(&members);
    let reports: Vec<ClipReport> = clips
        .iter()
        .zip(&members)
        .zip(measured)
        .map(|((clip, members), programme)| {
            let mut findings = crate::check::apply_severity(spec, checks::run(rules, members));
            findings.extend(programme);
            let kind = members
                .iter()
                .find(|f| f.probe.as_ref().is_some_and(|p| p.video.is_some()))
                .or(members.first())
                .and_then(|f| f.kind.clone());
            ClipReport {
                id: clip.id.clone(),
                kind,
                members: members.iter().map(|f| f.path.clone()).collect(),
                // Set with the members' statuses by `Report::refresh_summary`.
                status: crate::report::Status::Pass,
                findings,
            }
        })
        .collect();
    for clip in &clips {
        for &i in &clip.members {
            files[i].clip = Some(clip.id.clone());
        }
    }
    reports
}

/// The `audio.layout` and loudness findings of one clip's programmes, `members` in clip order,
/// and whether every programme was read to its end; a decode that delivers nothing for
/// `stall_timeout` is given up, as a file's is.
pub fn programme_findings(
    spec: &Spec,
    members: &[&FileReport],
    stall_timeout: std::time::Duration,
) -> (Vec<Finding>, bool) {
    programmes::check(spec, members, stall_timeout)
}
