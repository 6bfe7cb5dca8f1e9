//! The cross-file passes: files judged against each other once each has been judged on its own.
//! They run in one declared order ([`PASSES`]) over every file of the delivery, whoever asks:
//! a run, a watch that saw another file settle, or `merge` over the union of its shards.
//!
//! A pass only ever adds to the files' own results (its check ids, `paired`, `clip`, entries of
//! its own) and never reads what another pass added, so judging again starts from each file's
//! own result ([`own_result`]) and always gives the same verdict.

use super::Options;
use super::workers::Workers;
use crate::check::{Finding, ids};
use crate::mhl::verify::Histories;
use crate::report::{ClipReport, FileKey, FileReport, Report};
use crate::spec::LoadedSpec;
use std::collections::HashMap;
use std::path::PathBuf;

/// The files of a run after every pass, with the clips they form.
#[derive(Debug, Clone, Default)]
pub struct Judged {
    pub files: Vec<FileReport>,
    pub clips: Vec<ClipReport>,
    /// The folders the files were found under: what `merge` looks for MHL histories in.
    pub roots: Vec<String>,
    /// What the operator should be told about how the files were judged (`merge` on a machine
    /// that cannot see the media).
    pub notes: Vec<String>,
}

/// What a pass may use besides the files.
pub(crate) struct Context<'a> {
    pub spec: &'a LoadedSpec,
    pub options: &'a Options,
    pub workers: &'a Workers,
    /// The MHL histories of the run's folders, when the spec verifies them.
    pub histories: Option<&'a Histories>,
}

/// One way of judging files together.
pub(crate) trait CrossFilePass: Sync {
    /// The check ids this pass puts on files' entries: its own, never a per-file check's.
    fn checks(&self) -> &'static [&'static str];
    /// Judges `judged.files` together, adding findings, pairs, clips or entries.
    fn judge(&self, context: &Context, judged: &mut Judged);
}

/// The passes, in the order they run.
pub(crate) const PASSES: [&dyn CrossFilePass; 4] = [&Clips, &DoubleSystem, &Conform, &MhlFolder];

/// Runs every pass over `files` (each file's own result) and sets the clips' statuses. The
/// passes see the files in natural path order, whatever order they arrived in (a watch takes
/// them as they land), since ties between equal candidates go to the first; the files come back
/// in the order given, with any entries the passes made after them.
pub(crate) fn judge(context: &Context, mut files: Vec<FileReport>, roots: Vec<String>) -> Judged {
    let given: HashMap<FileKey, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.key(), i))
        .collect();
    files.sort_by(|a, b| {
        crate::scan::natural_order(&a.path, &b.path).then_with(|| a.key().cmp(&b.key()))
    });
    let mut judged = Judged {
        files,
        roots,
        ..Judged::default()
    };
    for pass in PASSES {
        pass.judge(context, &mut judged);
    }
    judged
        .files
        .sort_by_key(|f| given.get(&f.key()).copied().unwrap_or(usize::MAX));
    crate::report::refresh_statuses(&mut judged.clips, &judged.files);
    judged
}

/// `merge`: judges the union of shards' reports (`combined`, one entry per file) together again,
/// as one machine would have, keeping every review the reports hold. The MHL histories are read
/// again under the folders the reports record; where those cannot be seen from here, the
/// entries the reports hold for the folder are kept as they are, and a note says so.
pub fn rejudge(spec: &LoadedSpec, options: &Options, combined: &Report) -> Judged {
    let roots: Vec<PathBuf> = combined.roots.iter().map(PathBuf::from).collect();
    let unseen: Vec<&PathBuf> = roots.iter().filter(|r| !r.is_dir()).collect();
    let folders_seen = !roots.is_empty() && unseen.is_empty();
    let own: Vec<FileReport> = combined
        .files
        .iter()
        .filter(|file| !(folders_seen && added_by_a_pass(file)))
        .map(|file| own_result(file, folders_seen))
        .collect();
    let workers = Workers::start(options.jobs);
    let histories = Histories::discover(&spec.spec, &roots).filter(|_| folders_seen);
    let context = Context {
        spec,
        options,
        workers: &workers,
        histories: histories.as_ref(),
    };
    let mut judged = judge(&context, own, combined.roots.clone());
    let previous: HashMap<FileKey, &FileReport> =
        combined.files.iter().map(|f| (f.key(), f)).collect();
    for file in &mut judged.files {
        if let Some(old) = previous.get(&file.key()) {
            crate::report::carry_reviews(file, old);
            file.refresh_status();
        }
    }
    crate::report::carry_clip_reviews(&mut judged.clips, &combined.clips);
    if let Some(cache) = &options.cache {
        cache.trim_if_grown();
    }
    let reads_folders = spec.spec.clips.is_some()
        || spec
            .spec
            .integrity
            .as_ref()
            .is_some_and(|i| i.mhl.is_some());
    if reads_folders && (!unseen.is_empty() || roots.is_empty()) {
        let folders = match unseen.is_empty() {
            true => "the reports record no media folders".to_owned(),
            false => format!(
                "{} cannot be seen from here",
                unseen
                    .iter()
                    .map(|r| r.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        judged.notes.push(format!(
            "{folders}: MHL histories were not read again (the reports' missing-file and history entries are kept as they are), and a clip's programmes cannot be measured; merge where the media can be read for the whole verdict"
        ));
    }
    judged
}

/// Whether a pass made this entry (a listed file that is missing, a broken MHL file): it is
/// made again, or not, when the files are judged again.
fn added_by_a_pass(file: &FileReport) -> bool {
    file.probe.is_none()
        && file.findings.iter().any(|f| !f.stale)
        && file
            .findings
            .iter()
            .filter(|f| !f.stale)
            .all(|f| MhlFolder.checks().contains(&f.check.as_str()))
}

/// A file's entry as its own checks left it: without what the passes added (what the MHL folder
/// pass added only when `folders_seen`, since it can only be made again then), without reviews
/// (carried back afterwards) and without stale findings (which carrying brings back).
fn own_result(file: &FileReport, folders_seen: bool) -> FileReport {
    let kept = |check: &str| !folders_seen && MhlFolder.checks().contains(&check);
    let added_by_passes = |f: &Finding| {
        !kept(&f.check)
            && PASSES
                .iter()
                .any(|p| p.checks().contains(&f.check.as_str()))
    };
    let mut own = file.clone();
    own.findings.retain(|f| !f.stale && !added_by_passes(f));
    for finding in &mut own.findings {
        finding.review = Default::default();
    }
    own.paired.clear();
    // A report written before UMIDs were kept groups by the clip id it recorded.
    if own
        .probe
        .as_ref()
        .is_some_and(|p| p.material_package_umid.is_some())
    {
        own.clip = None;
    }
    own.refresh_status();
    own
}

/// `clips:` — track files grouped into clips, each judged as a whole.
struct Clips;

impl CrossFilePass for Clips {
    fn checks(&self) -> &'static [&'static str] {
        // On the clips' own entries, never on a file's.
        &[]
    }

    fn judge(&self, context: &Context, judged: &mut Judged) {
        let spec = &context.spec.spec;
        let timeout = context.options.probe_timeout;
        let cache = context.options.cache.as_ref();
        // A programme's decode is a file's decode: on the pool, through the cache.
        let programmes = |clips: &[Vec<&FileReport>]| {
            context.workers.map(clips, |members| {
                let measure = || crate::clips::programme_findings(spec, members, timeout);
                match cache {
                    Some(cache) => {
                        let paths: Vec<PathBuf> = members.iter().map(|f| f.file_path()).collect();
                        cache.through_findings(&paths, &context.spec.sha256, measure)
                    }
                    None => measure().0,
                }
            })
        };
        judged.clips = crate::clips::pass(spec, &mut judged.files, &programmes);
    }
}

/// `double_system:` — production sound rolls against the picture takes they cover.
struct DoubleSystem;

impl CrossFilePass for DoubleSystem {
    fn checks(&self) -> &'static [&'static str] {
        &[
            ids::SYNC_SOUND_MISSING,
            ids::SYNC_SOUND_PARTIAL,
            ids::SYNC_SOUND_ORPHAN,
        ]
    }

    fn judge(&self, context: &Context, judged: &mut Judged) {
        let spec = &context.spec.spec;
        if let Some(rules) = &spec.double_system {
            crate::pairing::double_system::check(spec, rules, &mut judged.files);
        }
    }
}

/// `conform:` — transcodes against the camera originals they were made from.
struct Conform;

impl CrossFilePass for Conform {
    fn checks(&self) -> &'static [&'static str] {
        &[
            ids::CONFORM_MISSING,
            ids::CONFORM_TIMECODE,
            ids::CONFORM_LENGTH,
            ids::CONFORM_FRAME_RATE,
            ids::CONFORM_AUDIO,
        ]
    }

    fn judge(&self, context: &Context, judged: &mut Judged) {
        let spec = &context.spec.spec;
        if let Some(rules) = &spec.conform {
            crate::pairing::conform::check(spec, rules, &mut judged.files);
        }
    }
}

/// `integrity.mhl` over the folder: listed files that are missing, broken histories, media no
/// history covers. (Each file's own hashes are verified as it is inspected.)
struct MhlFolder;

impl CrossFilePass for MhlFolder {
    fn checks(&self) -> &'static [&'static str] {
        &crate::mhl::verify::FOLDER_CHECKS
    }

    fn judge(&self, context: &Context, judged: &mut Judged) {
        if let Some(histories) = context.histories {
            let added = histories.judge_folder(&context.spec.spec, &judged.files);
            judged.files.extend(added);
        }
    }
}
