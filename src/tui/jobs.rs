//! Engine work off the UI thread: scan, then probe/measure/check on the engine's bounded pool,
//! each file's result sent on the event channel as soon as it is ready.

use super::update::Msg;
use crate::engine::{self, Options};
use crate::report::FileReport;
use crate::spec::LoadedSpec;
use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::thread::JoinHandle;

/// Starts checking `paths`; sends `Planned`, then one `Checked` per file, then the `Clips` they
/// form, then `ChecksDone`.
pub fn spawn(
    spec: LoadedSpec,
    paths: Vec<PathBuf>,
    options: Options,
    events: Sender<Msg>,
) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("checks".into())
        .spawn(move || {
            let mut plan = engine::plan(&spec, &paths);
            let files = plan.files.clone();
            let unlisted = std::mem::take(&mut plan.unlisted);
            if events.send(Msg::Planned { files, unlisted }).is_err() {
                return; // the screen is gone
            }
            let send = |report: &FileReport| {
                let _ = events.send(Msg::Checked(Box::new(report.clone())));
            };
            let files = plan.files.clone();
            let mut reports = match engine::run(&spec, plan, &options, &|_, _, r| send(r)) {
                Ok(reports) => reports,
                // No worker threads to be had: check on this thread, one file at a time.
                Err(_) => files
                    .iter()
                    .map(|path| {
                        let report = engine::inspect(&spec, path, &options);
                        send(&report);
                        report
                    })
                    .collect(),
            };
            // Sent even when empty: the clips of an earlier run must not outlive a changed spec.
            let clips = crate::clips::pass(&spec.spec, &mut reports);
            let _ = events.send(Msg::Clips(clips));
            let _ = events.send(Msg::ChecksDone);
        })
}
