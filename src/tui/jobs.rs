//! Engine work off the UI thread: scan, then probe/measure/check on the engine's bounded pool,
//! each file's result sent on the event channel as soon as it is ready.

use super::update::Msg;
use crate::engine::{self, Options};
use crate::report::FileReport;
use crate::spec::LoadedSpec;
use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::thread::JoinHandle;
use std::time::Duration;

/// Starts checking `paths`; sends `Planned`, then one `Checked` per file, then the `Clips` they
/// form, then `ChecksDone`.
pub fn spawn(
    spec: LoadedSpec,
    paths: Vec<PathBuf>,
    options: Options,
    events: Sender<Msg>,
) -> std::io::Result<JoinHandle<()>> {
    spawn_with(spec, paths, options, None, events)
}

/// Like [`spawn`], with `watch` (the settle time): files are checked as they settle and as more
/// land, until the screen closes; `ChecksDone` never comes.
pub fn spawn_with(
    spec: LoadedSpec,
    paths: Vec<PathBuf>,
    options: Options,
    watch: Option<Duration>,
    events: Sender<Msg>,
) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("checks".into())
        .spawn(move || {
            let mut plan = engine::plan(&spec, &paths);
            if let Some(shard) = options.shard {
                shard.keep_share(&mut plan, &paths);
            }
            let files = plan.files.clone();
            let unlisted = std::mem::take(&mut plan.unlisted);
            if events.send(Msg::Planned { files, unlisted }).is_err() {
                return; // the screen is gone
            }
            if let Some(settle) = watch {
                let send = |report: &FileReport| {
                    events.send(Msg::Checked(Box::new(report.clone()))).is_ok()
                };
                let _ = crate::watch::watch(&spec, &paths, &options, settle, &send);
                return;
            }
            let send = |report: &FileReport| {
                let _ = events.send(Msg::Checked(Box::new(report.clone())));
            };
            let files = plan.files.clone();
            let mut reports = match engine::run(&spec, plan, &options, &|_, _, r| send(r)) {
                Ok(reports) => reports,
                // No worker threads to be had: check on this thread, one file at a time.
                Err(_) => {
                    let mut checked: Vec<_> = files
                        .iter()
                        .map(|path| {
                            let report = engine::inspect(&spec, path, &options);
                            send(&report);
                            report
                        })
                        .collect();
                    crate::pairing::check(&spec.spec, &mut checked);
                    checked
                }
            };
            // Sent even when empty: the clips of an earlier run must not outlive a changed spec.
            let clips = crate::clips::pass(&spec.spec, &mut reports);
            // The passes over the whole run (MHL verification, pairing, clips) amend and add
            // entries after the per-file results went out: send the final reports too.
            reports.iter().for_each(send);
            let _ = events.send(Msg::Clips(clips));
            let _ = events.send(Msg::ChecksDone);
        })
}
