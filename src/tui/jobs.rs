//! Engine work off the UI thread: scan, then probe/measure/check on the engine's bounded pool,
//! each file's result sent on the event channel as soon as it is ready.

use super::update::Msg;
use crate::engine::{self, Options};
use crate::report::FileReport;
use crate::spec::LoadedSpec;
use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::thread::JoinHandle;

/// Starts checking `paths`; sends `Planned`, then one `Checked` per file, then `ChecksDone`.
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
            match engine::run(&spec, plan, &options, &|_, _, report| send(report)) {
                // The cross-file passes ran once every file was in: send what they added.
                Ok(checked) => checked
                    .iter()
                    .filter(|r| crate::pairing::touched(r))
                    .for_each(send),
                // No worker threads to be had: check on this thread, one file at a time.
                Err(_) => {
                    let mut checked = Vec::new();
                    for path in &files {
                        let report = engine::inspect(&spec, path, &options);
                        send(&report);
                        checked.push(report);
                    }
                    crate::pairing::check(&spec.spec, &mut checked);
                    checked
                        .iter()
                        .filter(|r| crate::pairing::touched(r))
                        .for_each(send);
                }
            }
            let _ = events.send(Msg::ChecksDone);
        })
}
