//! Engine work off the UI thread: the engine's one pipeline, its results sent on the event
//! channel as they come.

use super::update::Msg;
use crate::engine::{self, FileEvent, Options, Sink};
use crate::report::{ClipReport, FileReport};
use crate::spec::LoadedSpec;
use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::thread::JoinHandle;
use std::time::Duration;

/// The screen as a sink: each file as its own checks finish and again when a cross-file pass
/// changes it, then the clips.
struct ToScreen(Sender<Msg>);

impl Sink for ToScreen {
    fn file(&self, file: &FileReport, _: FileEvent) -> bool {
        self.0.send(Msg::Checked(Box::new(file.clone()))).is_ok()
    }

    fn clips(&self, all: &[ClipReport], _changed: &[&ClipReport]) -> bool {
        self.0.send(Msg::Clips(all.to_vec())).is_ok()
    }
}

/// Starts checking `paths`; sends `Planned`, then one `Checked` per file, then the files the
/// cross-file passes changed and the `Clips` they form, then `ChecksDone`.
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
            plan.keep_share(options.shard, &paths);
            let planned = Msg::Planned {
                files: plan.files.clone(),
                unlisted: plan.unlisted.clone(),
                roots: plan.roots.clone(),
            };
            if events.send(planned).is_err() {
                return; // the screen is gone
            }
            let screen = ToScreen(events.clone());
            if let Some(settle) = watch {
                crate::watch::watch(&spec, &paths, &options, settle, &screen);
                return;
            }
            engine::run(&spec, plan, &options, &screen);
            let _ = events.send(Msg::ChecksDone);
        })
}
