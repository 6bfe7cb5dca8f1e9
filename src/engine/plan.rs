//! What a run inspects: the files the scan finds that the spec's include globs take, this
//! shard's share of them, and a report for each path that could not even be listed.

use crate::report::FileReport;
use crate::shard::Shard;
use crate::spec::LoadedSpec;
use std::path::PathBuf;

/// The files a run will inspect, plus reports for paths that could not even be listed.
pub struct Plan {
    pub files: Vec<PathBuf>,
    pub unlisted: Vec<FileReport>,
    /// The folders the files were found in (see `scan::Scan::roots`), before sharding: what the
    /// MHL histories are looked for under.
    pub roots: Vec<PathBuf>,
}

/// Scans `paths` for the files the spec's include globs take.
pub fn plan(spec: &LoadedSpec, paths: &[PathBuf]) -> Plan {
    let include: Option<Vec<String>> = spec
        .spec
        .files
        .as_ref()
        .and_then(|f| f.include.as_ref())
        .map(|globs| globs.iter().map(|g| g.0.clone()).collect());
    let found = crate::scan::scan(paths, &crate::scan::include_set(include.as_deref()));
    Plan {
        unlisted: found
            .problems
            .iter()
            .map(|(path, why)| super::inspect::unreadable_report(spec, path, None, why))
            .collect(),
        files: found.files,
        roots: found.roots,
    }
}

impl Plan {
    /// Keeps `shard`'s share of the files found under `paths` (as given on the command line).
    pub fn keep_share(&mut self, shard: Option<Shard>, paths: &[PathBuf]) {
        let Some(shard) = shard else { return };
        let share = shard.share_of(paths);
        self.files.retain(|path| share.holds(path));
        self.unlisted
            .retain(|file| share.holds(std::path::Path::new(&file.path)));
    }
}
