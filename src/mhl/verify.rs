//! The `integrity.mhl` pass: after the per-file checks, every checked file is hashed in the
//! formats its MHL history records (all of them in one read) and compared.
//!
//! Where each finding goes: `integrity.mismatch` and `integrity.unlisted` on the file's own
//! entry; `integrity.missing` on a new entry for the listed path that is not on disk;
//! `integrity.chain` on a new entry for the MHL file at fault (chain, generation or v1 file);
//! `integrity.no_mhl` on a new entry for the `ascmhl` folder that should exist in the folder
//! that was walked. A file only an untrusted generation lists gets nothing of its own: that
//! generation's `integrity.chain` finding counts it. Only media the spec's include globs take
//! are verified or reported missing: sidecars an MHL lists are outside the QC.

use super::Verified;
use super::hash::{self, HashFormat};
use super::history::{self, ASCMHL_FOLDER, History, Listed, Problem, Recorded, Source};
use crate::check::{Finding, Severity, ids};
use crate::report::FileReport;
use crate::spec::{MhlRequirement, Spec};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// The MHL histories of the walked folders, read once per run. Each file is verified on its own
/// as it is checked ([`Histories::verify`], where the file is: on its shard); what only the whole
/// folder can tell (listed files that are missing, broken histories, media no history covers) is
/// judged over all of the run's files at once ([`Histories::judge_folder`]).
pub struct Histories {
    histories: Vec<History>,
    walked: Vec<PathBuf>,
    /// Every listing of each path: (history, listing) indices into `histories`.
    listed: BTreeMap<PathBuf, Vec<(usize, usize)>>,
    /// Paths only untrusted generations list ([`History::unverified`]).
    unverified: BTreeSet<PathBuf>,
    requirement: MhlRequirement,
}

impl Histories {
    /// The histories under `walked`; `None` unless the spec sets `integrity.mhl`.
    pub fn discover(spec: &Spec, walked: &[PathBuf]) -> Option<Histories> {
        let requirement = spec.integrity.as_ref().and_then(|i| i.mhl)?;
        let histories = history::discover(walked);
        let mut listed: BTreeMap<PathBuf, Vec<(usize, usize)>> = BTreeMap::new();
        for (h, history) in histories.iter().enumerate() {
            for (l, listing) in history.listed.iter().enumerate() {
                listed.entry(listing.path.clone()).or_default().push((h, l));
            }
        }
        let unverified = histories
            .iter()
            .flat_map(|h| h.unverified.iter().cloned())
            .collect();
        Some(Histories {
            histories,
            walked: walked.to_vec(),
            listed,
            unverified,
            requirement,
        })
    }

    fn listings(&self, path: &Path) -> Vec<&Listed> {
        self.listed
            .get(path)
            .into_iter()
            .flatten()
            .map(|&(h, l)| &self.histories[h].listed[l])
            .collect()
    }

    /// Hashes the file of `report` and compares it with what the histories record
    /// (`integrity.mismatch`, `integrity.unlisted`).
    pub fn verify(&self, spec: &Spec, report: &mut FileReport) {
        let roots: Vec<&Path> = self.histories.iter().map(|h| h.root.as_path()).collect();
        let path = report.file_path();
        let listed = Listings {
            trusted: self.listings(&path),
            untrusted: self.unverified.contains(&path),
        };
        verify_file(report, &listed, &roots, &self.walked);
        report.findings = with_spec_severity(spec, std::mem::take(&mut report.findings));
        report.refresh_status();
    }

    /// Entries for what the folder as a whole lacks: a listed media file not among `reports`
    /// nor on disk, an MHL file with something wrong in it, and (with `mhl: required`) a
    /// folder whose media no history covers.
    pub fn judge_folder(&self, spec: &Spec, reports: &[FileReport]) -> Vec<FileReport> {
        let include = crate::scan::include_set(
            spec.files
                .as_ref()
                .and_then(|f| f.include.as_ref())
                .map(|globs| globs.iter().map(|g| g.0.clone()).collect::<Vec<_>>())
                .as_deref(),
        );
        let on_disk: BTreeSet<PathBuf> = reports.iter().map(FileReport::file_path).collect();
        let mut added = self.missing(&on_disk, &include);
        added.extend(broken_histories(&self.histories));
        if self.requirement == MhlRequirement::Required {
            added.extend(without_history(reports));
        }
        for entry in &mut added {
            entry.findings = with_spec_severity(spec, std::mem::take(&mut entry.findings));
            entry.refresh_status();
        }
        added
    }
}

/// The check ids [`Histories::judge_folder`] gives its entries: what only the whole folder can
/// tell, judged at `merge` rather than on a shard.
pub const FOLDER_CHECKS: [&str; 3] = [
    ids::INTEGRITY_MISSING,
    ids::INTEGRITY_CHAIN,
    ids::INTEGRITY_NO_MHL,
];

/// The deepest of `folders` that holds `path`.
fn deepest<'a>(folders: impl IntoIterator<Item = &'a Path>, path: &Path) -> Option<&'a Path> {
    folders
        .into_iter()
        .filter(|folder| path.starts_with(folder))
        .max_by_key(|folder| folder.components().count())
}

/// What the histories hold about one file.
struct Listings<'a> {
    trusted: Vec<&'a Listed>,
    /// Only an untrusted generation lists it.
    untrusted: bool,
}

fn verify_file(report: &mut FileReport, listed: &Listings, roots: &[&Path], walked: &[PathBuf]) {
    let path = report.file_path();
    let root = deepest(roots.iter().copied(), &path);
    let mut verified = Verified {
        history: root
            .or_else(|| deepest(walked.iter().map(PathBuf::as_path), &path))
            .or_else(|| path.parent())
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default(),
        ..Verified::default()
    };
    match (!listed.trusted.is_empty(), root) {
        (true, _) => {
            let recorded: Vec<&Recorded> = listed.trusted.iter().flat_map(|l| &l.hashes).collect();
            let (hashes, findings) = compare(&path, &recorded);
            verified.hashes = hashes;
            report.findings.extend(findings);
            report
                .findings
                .extend(compare_sizes(&path, &listed.trusted));
        }
        (false, Some(root)) if !listed.untrusted => {
            verified.identity = super::FileIdentity::of(&path);
            report.findings.push(
                Finding::fail(
                    ids::INTEGRITY_UNLISTED,
                    "ASC MHL",
                    "listed in the folder's MHL history",
                    "in no generation",
                )
                .with_severity(Severity::Warning)
                .with_message(format!(
                    "in no generation of the MHL history of {}: copied in after the offload?",
                    root.display()
                )),
            )
        }
        // No history to compare with (or only an untrusted one): what `seal` would record as
        // original must be this file, so its identity is kept.
        (false, _) => verified.identity = super::FileIdentity::of(&path),
    }
    report.measurements.mhl = Some(verified);
}

/// Hashes the file at `path` once in every format `recorded` uses, and compares.
fn compare(path: &Path, recorded: &[&Recorded]) -> (BTreeMap<String, String>, Vec<Finding>) {
    let formats: Vec<HashFormat> = recorded
        .iter()
        .map(|r| r.format)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if formats.is_empty() {
        return (BTreeMap::new(), Vec::new());
    }
    let computed = match hash::hash_file(path, &formats) {
        Ok(computed) => computed,
        Err(e) => {
            let finding = Finding::fail(
                ids::INTEGRITY_MISMATCH,
                "hashes",
                "the hashes the MHL lists",
                format!("unreadable: {e}"),
            );
            return (BTreeMap::new(), vec![finding]);
        }
    };
    let mut findings = Vec::new();
    for (format, actual) in &computed {
        let mut reported = BTreeSet::new();
        for expected in recorded.iter().filter(|r| r.format == *format) {
            if format.same(&expected.value, actual) || !reported.insert(expected.value.as_str()) {
                continue;
            }
            findings.push(
                Finding::fail(
                    ids::INTEGRITY_MISMATCH,
                    format.name(),
                    expected.value.clone(),
                    actual.clone(),
                )
                .with_message(format!(
                    "{} ({}): expected {}, got {actual}",
                    format.name(),
                    shown(&expected.source),
                    expected.value
                )),
            );
        }
    }
    let hashes = computed
        .into_iter()
        .map(|(format, value)| (format.name().to_owned(), value))
        .collect();
    (hashes, findings)
}

/// `integrity.mismatch` for each size a list records that the file on disk does not have (an
/// MHL v1 list may record only a size; a v2 `<path size>` is compared as the reference does).
fn compare_sizes(path: &Path, listed: &[&Listed]) -> Vec<Finding> {
    let Ok(actual) = std::fs::metadata(path).map(|m| m.len()) else {
        return Vec::new();
    };
    let mut reported = BTreeSet::new();
    listed
        .iter()
        .filter_map(|l| l.size.as_ref())
        .filter(|size| size.value.parse::<u64>() != Ok(actual))
        .filter(|size| reported.insert(size.value.clone()))
        .map(|size| {
            Finding::fail(
                ids::INTEGRITY_MISMATCH,
                "size",
                format!("{} bytes", size.value),
                format!("{actual} bytes"),
            )
            .with_message(format!(
                "size ({}): expected {} bytes, got {actual} bytes",
                shown(&size.source),
                size.value
            ))
        })
        .collect()
}

/// How a listed path is not the file the list recorded: gone, or a folder now.
fn not_a_file(path: &Path) -> Option<&'static str> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some("not on disk"),
        Ok(meta) if meta.is_dir() => Some("a folder on disk"),
        _ => None,
    }
}

/// A place in an MHL file for a message: `ascmhl/0001_A001_….mhl:27` (the line left out
/// when the problem is the whole file).
fn shown(source: &Source) -> String {
    let file = source
        .file
        .parent()
        .filter(|folder| folder.file_name().is_some_and(|n| n == ASCMHL_FOLDER))
        .and_then(|_| source.file.file_name())
        .map(|name| Path::new(ASCMHL_FOLDER).join(name))
        .or_else(|| source.file.file_name().map(PathBuf::from))
        .unwrap_or_else(|| source.file.clone());
    match source.line {
        0 => file.display().to_string(),
        line => format!("{}:{line}", file.display()),
    }
}

impl Histories {
    /// An entry for each listed media path that is not on disk (and not otherwise checked).
    fn missing(&self, checked: &BTreeSet<PathBuf>, include: &globset::GlobSet) -> Vec<FileReport> {
        self.listed
            .keys()
            .filter(|path| {
                !checked.contains(*path)
                    && path
                        .file_name()
                        .is_some_and(|n| include.is_match(Path::new(n)))
                    && not_a_file(path).is_some()
            })
            .filter_map(|path| {
                let last = *self.listings(path).last()?;
                let what = not_a_file(path)?;
                let mut entry = FileReport::unchecked(path);
                let actual = if what == "not on disk" {
                    "missing"
                } else {
                    "a folder"
                };
                entry.findings.push(
                    Finding::fail(ids::INTEGRITY_MISSING, "file", "on disk", actual)
                        .with_message(format!("listed in {} but {what}", shown(&last.source))),
                );
                Some(entry)
            })
            .collect()
    }
}

/// An entry for each MHL file with something wrong in it, holding one finding per problem.
fn broken_histories(histories: &[History]) -> Vec<FileReport> {
    let mut by_file: BTreeMap<&Path, Vec<&Problem>> = BTreeMap::new();
    for problem in histories.iter().flat_map(|h| &h.problems) {
        by_file
            .entry(&problem.source.file)
            .or_default()
            .push(problem);
    }
    by_file
        .into_iter()
        .map(|(file, problems)| {
            let mut entry = FileReport::unchecked(file);
            entry.findings = problems
                .into_iter()
                .map(|p| {
                    Finding::fail(
                        ids::INTEGRITY_CHAIN,
                        "MHL history",
                        "an intact history",
                        p.message.clone(),
                    )
                    .with_message(format!(
                        "{}: {}",
                        shown(&p.source),
                        p.message
                    ))
                })
                .collect();
            entry
        })
        .collect()
}

/// With `mhl: required`, an entry for each folder whose media no MHL history covers.
fn without_history(reports: &[FileReport]) -> Vec<FileReport> {
    let mut uncovered: BTreeMap<PathBuf, usize> = BTreeMap::new();
    for report in reports {
        let Some(verified) = &report.measurements.mhl else {
            continue;
        };
        let folder = PathBuf::from(&verified.history);
        if !folder.join(ASCMHL_FOLDER).is_dir() && !has_v1_mhl(&folder) {
            *uncovered.entry(folder).or_default() += 1;
        }
    }
    uncovered
        .into_iter()
        .map(|(folder, count)| {
            let mut entry = FileReport::unchecked(&folder.join(ASCMHL_FOLDER));
            entry.findings.push(
                Finding::fail(
                    ids::INTEGRITY_NO_MHL,
                    "ASC MHL",
                    "an ascmhl/ history or *.mhl file",
                    "none",
                )
                .with_message(format!(
                    "{count} media file(s) in {} are in no MHL history; the spec requires one",
                    folder.display()
                )),
            );
            entry
        })
        .collect()
}

fn has_v1_mhl(folder: &Path) -> bool {
    std::fs::read_dir(folder).into_iter().flatten().any(|e| {
        e.is_ok_and(|e| {
            Path::new(&e.file_name())
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("mhl"))
        })
    })
}

/// The spec's `severity:` overrides, as the per-file checks apply them.
fn with_spec_severity(spec: &Spec, mut findings: Vec<Finding>) -> Vec<Finding> {
    let overrides: HashMap<&str, Severity> = spec
        .severity
        .iter()
        .map(|(id, severity)| (id.0.as_str(), *severity))
        .collect();
    for finding in &mut findings {
        if finding.check.starts_with("integrity.")
            && let Some(severity) = overrides.get(finding.check.as_str())
        {
            finding.severity = *severity;
        }
    }
    findings
}
