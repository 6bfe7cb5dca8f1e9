//! `--watch`: keep checking the given folders as files land, for an overnight dailies run.
//!
//! Each pass scans the paths as a normal run does, then judges the files that have settled
//! ([`settle`]). Passes run when the file system reports a change (`notify`: inotify and its
//! kin) and, whatever it reports, at least every [`POLL`]: network mounts (NFS, SMB) often tell
//! inotify nothing about writes made by other machines.

pub mod settle;

use crate::engine::{self, Options, Plan, PoolError};
use crate::report::FileReport;
use crate::spec::LoadedSpec;
use settle::{Settler, Stamp};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The longest a pass waits for: what a file on a mount that sends no events waits at most
/// beyond its settle time.
pub const POLL: Duration = Duration::from_secs(2);

/// The default `--settle`: a copy that stalls for longer than this is judged as it is.
pub const DEFAULT_SETTLE: Duration = Duration::from_secs(10);

/// Passes are at least this far apart, however many events a copy in progress sends.
const MIN_PASS_GAP: Duration = Duration::from_millis(100);

/// Checks the files under `paths` as they settle, until `emit` returns `false` (nobody is
/// listening any more). `emit` gets each file's report as it is judged, from worker threads,
/// and each path that cannot be read once.
pub fn watch(
    spec: &LoadedSpec,
    paths: &[PathBuf],
    options: &Options,
    settle: Duration,
    emit: &(dyn Fn(&FileReport) -> bool + Sync),
) -> Result<(), PoolError> {
    let (changed, changes) = mpsc::channel();
    // Kept alive for the whole watch; without it (no inotify, too many watches) polling alone.
    let _watcher = file_events(paths, changed);
    let mut settler = Settler::new(settle);
    let mut reported_problems = HashSet::new();
    let stopped = AtomicBool::new(false);
    loop {
        let pass_started = Instant::now();
        let mut plan = engine::plan(spec, paths);
        if let Some(shard) = options.shard {
            shard.keep_share(&mut plan, paths);
        }
        for problem in plan.unlisted {
            if reported_problems.insert(problem.path.clone()) && !emit(&problem) {
                return Ok(());
            }
        }
        let present = plan
            .files
            .into_iter()
            .filter_map(|path| {
                let meta = std::fs::metadata(&path).ok()?;
                Some((path, Stamp::of(&meta)))
            })
            .collect();
        let ready = settler.ready(Instant::now(), present);
        if !ready.is_empty() {
            let batch = Plan {
                files: ready,
                unlisted: Vec::new(),
                // A batch is part of a folder: MHL histories are verified on a whole folder,
                // which is why `--watch` refuses a spec that asks for them.
                roots: Vec::new(),
            };
            engine::run(spec, batch, options, &|_, _, report| {
                if !emit(report) {
                    stopped.store(true, Ordering::Relaxed);
                }
            })?;
        }
        if stopped.load(Ordering::Relaxed) {
            return Ok(());
        }
        let wait = settler
            .next_due(Instant::now())
            .map_or(POLL, |due| due.min(POLL));
        let _ = changes.recv_timeout(wait.max(MIN_PASS_GAP.saturating_sub(pass_started.elapsed())));
        // One pass answers every change reported meanwhile.
        while changes.try_recv().is_ok() {}
    }
}

/// A watcher that sends `()` on `changed` for every change under `paths`, or `None` where the
/// system offers none.
fn file_events(paths: &[PathBuf], changed: mpsc::Sender<()>) -> Option<notify::RecommendedWatcher> {
    use notify::Watcher;
    let mut watcher = notify::recommended_watcher(move |_: notify::Result<notify::Event>| {
        let _ = changed.send(());
    })
    .ok()?;
    for path in paths {
        // A path that cannot be watched (not there yet, say) is still polled.
        let _ = watcher.watch(path, notify::RecursiveMode::Recursive);
    }
    Some(watcher)
}
