//! `--watch`: keep checking the given folders as files land, for an overnight dailies run.
//!
//! Each pass scans the paths as a normal run does, then judges the files that have settled
//! ([`settle`]). Passes run when the file system reports a change (`notify`: inotify and its
//! kin) and, whatever it reports, at least every [`POLL`]: network mounts (NFS, SMB) often tell
//! inotify nothing about writes made by other machines.

pub mod settle;

use crate::engine::{self, Options, Session, Sink};
use crate::report::FileKey;
use crate::spec::LoadedSpec;
use settle::{Settler, Stamp};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The longest a pass waits for: what a file on a mount that sends no events waits at most
/// beyond its settle time.
pub const POLL: Duration = Duration::from_secs(2);

/// The default `--settle`: a copy that stalls for longer than this is judged as it is.
pub const DEFAULT_SETTLE: Duration = Duration::from_secs(10);

/// Passes are at least this far apart, however many events a copy in progress sends.
const MIN_PASS_GAP: Duration = Duration::from_millis(100);

/// Checks the files under `paths` as they settle, until `sink` stops listening. Each file that
/// settles is inspected, then everything seen so far is judged together again (a sound roll
/// that lands after its picture pairs with it), and the sink is told what changed. A path that
/// cannot be read is told once.
pub fn watch(
    spec: &LoadedSpec,
    paths: &[PathBuf],
    options: &Options,
    settle: Duration,
    sink: &dyn Sink,
) {
    let (changed, changes) = mpsc::channel();
    // Kept alive for the whole watch; without it (no inotify, too many watches) polling alone.
    let _watcher = file_events(paths, changed);
    let mut settler = Settler::new(settle);
    let mut reported_problems = HashSet::new();
    // A folder still arriving has no complete MHL history: `--watch` refuses specs that verify
    // one, so the session reads none.
    let mut session = Session::new(spec, options, &[]);
    loop {
        let pass_started = Instant::now();
        let mut plan = engine::plan(spec, paths);
        plan.keep_share(options.shard, paths);
        let problems: Vec<_> = plan
            .unlisted
            .into_iter()
            .filter(|problem| reported_problems.insert(problem.path.clone()))
            .collect();
        let present: Vec<(PathBuf, Stamp)> = plan
            .files
            .into_iter()
            .filter_map(|path| {
                let meta = std::fs::metadata(&path).ok()?;
                Some((path, Stamp::of(&meta)))
            })
            .collect();
        let still_here: HashSet<FileKey> = present
            .iter()
            .map(|(path, _)| FileKey::of(path))
            .chain(reported_problems.iter().map(|p| FileKey::of(Path::new(p))))
            .collect();
        let ready = settler.ready(Instant::now(), present);
        let gone = session.forget_all_but(&still_here);
        if !ready.is_empty() || !problems.is_empty() || gone {
            let listening = session.inspect(&ready, problems, sink) && session.judge(sink);
            if !listening {
                return;
            }
            if let Some(cache) = &options.cache {
                cache.trim_if_grown();
            }
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
