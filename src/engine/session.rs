//! Running the pipeline and telling a [`Sink`] as it goes. A [`Session`] keeps each file's own
//! result, so files can keep arriving (`--watch`) and everything seen is judged together again
//! each time; a batch run is a session told of every file at once.

use super::passes::{self, Context, Judged};
use super::workers::Workers;
use super::{Options, Plan, inspect};
use crate::mhl::verify::Histories;
use crate::report::{ClipReport, FileKey, FileReport};
use crate::spec::LoadedSpec;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Why a sink is told about a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileEvent {
    /// Its own checks finished (`done` of `total` in this batch); from worker threads.
    Inspected { done: usize, total: usize },
    /// A cross-file pass changed it since the sink was last told of it.
    Amended,
    /// An entry the sink has not been told of (a listed file that is missing, a broken MHL file).
    Added,
}

/// Where a run's results go: the `check` printer, the review screen, a watch's output.
pub trait Sink: Sync {
    /// `file` as it is now. `false`: nobody is listening any more (a closed pipe, a closed
    /// screen), and a watch ends.
    fn file(&self, file: &FileReport, event: FileEvent) -> bool;
    /// Every clip after each judgement (empty too: clips of an earlier run must go), and those
    /// that changed since the sink was last told.
    fn clips(&self, _all: &[ClipReport], _changed: &[&ClipReport]) -> bool {
        true
    }
}

/// A sink that wants nothing: the caller reads the [`Judged`] result.
pub struct Quiet;

impl Sink for Quiet {
    fn file(&self, _: &FileReport, _: FileEvent) -> bool {
        true
    }
}

/// Inspects each file of `plan` and judges them together: the whole pipeline, once.
pub fn run(spec: &LoadedSpec, plan: Plan, options: &Options, sink: &dyn Sink) -> Judged {
    let mut session = Session::new(spec, options, &plan.roots);
    session.inspect(&plan.files, plan.unlisted, sink);
    session.judge(sink);
    if let Some(cache) = &options.cache {
        cache.trim_if_grown();
    }
    session.judged
}

/// Files judged so far, and what each sink was last told.
pub struct Session<'a> {
    spec: &'a LoadedSpec,
    options: &'a Options,
    workers: Workers,
    histories: Option<Histories>,
    roots: Vec<PathBuf>,
    /// Each file's own result, in the order first seen.
    own: Vec<FileReport>,
    index: HashMap<FileKey, usize>,
    /// What the sink was last told of each file and clip.
    told_files: HashMap<FileKey, FileReport>,
    told_clips: HashMap<String, ClipReport>,
    judged: Judged,
}

impl<'a> Session<'a> {
    /// A session over the folders `roots` (whose MHL histories are read now).
    pub fn new(spec: &'a LoadedSpec, options: &'a Options, roots: &[PathBuf]) -> Session<'a> {
        Session {
            spec,
            options,
            workers: Workers::start(options.jobs),
            histories: Histories::discover(&spec.spec, roots),
            roots: roots.to_vec(),
            own: Vec::new(),
            index: HashMap::new(),
            told_files: HashMap::new(),
            told_clips: HashMap::new(),
            judged: Judged::default(),
        }
    }

    /// Inspects `files` on the pool (through the cache) and takes `unlisted` (paths that could
    /// not be read) as they are, telling `sink` each as it finishes. A file seen before is
    /// replaced. `false` when the sink stopped listening.
    pub fn inspect(
        &mut self,
        files: &[PathBuf],
        unlisted: Vec<FileReport>,
        sink: &dyn Sink,
    ) -> bool {
        let total = files.len();
        let done = AtomicUsize::new(0);
        let listening = AtomicBool::new(true);
        let inspected = self.workers.map(files, |path| {
            let own = self.own_result(path);
            let event = FileEvent::Inspected {
                done: done.fetch_add(1, Ordering::Relaxed) + 1,
                total,
            };
            if !sink.file(&own, event) {
                listening.store(false, Ordering::Relaxed);
            }
            own
        });
        for own in inspected {
            self.keep(own);
        }
        for own in unlisted {
            let event = FileEvent::Inspected { done: total, total };
            if !sink.file(&own, event) {
                listening.store(false, Ordering::Relaxed);
            }
            self.keep(own);
        }
        listening.into_inner()
    }

    /// One file's own result: its checks (from the cache when unchanged) and its MHL hashes.
    fn own_result(&self, path: &Path) -> FileReport {
        let inspect = || inspect::inspect_or_report_panic(self.spec, path, self.options);
        let mut own = match &self.options.cache {
            Some(cache) => cache.through(path, &self.spec.sha256, inspect),
            None => inspect(),
        };
        if let Some(histories) = &self.histories {
            histories.verify(&self.spec.spec, &mut own);
        }
        own
    }

    fn keep(&mut self, own: FileReport) {
        self.told_files.insert(own.key(), own.clone());
        match self.index.get(&own.key()) {
            Some(&i) => self.own[i] = own,
            None => {
                self.index.insert(own.key(), self.own.len());
                self.own.push(own);
            }
        }
    }

    /// Forgets the files `present` no longer holds (deleted or renamed away while watched):
    /// they take no further part in judging the others. Whether any was forgotten.
    pub fn forget_all_but(&mut self, present: &std::collections::HashSet<FileKey>) -> bool {
        let before = self.own.len();
        self.own.retain(|file| present.contains(&file.key()));
        self.told_files.retain(|key, _| present.contains(key));
        self.index = self
            .own
            .iter()
            .enumerate()
            .map(|(i, f)| (f.key(), i))
            .collect();
        self.own.len() != before
    }

    /// Judges every file seen so far together — on a shard, each on its own only: what needs
    /// the whole delivery is judged at `merge` — and tells `sink` every file and clip that
    /// changed. `false` when the sink stopped listening.
    pub fn judge(&mut self, sink: &dyn Sink) -> bool {
        let roots = self
            .roots
            .iter()
            .map(|r| r.to_string_lossy().into_owned())
            .collect();
        self.judged = if self.options.shard.is_some() {
            Judged {
                files: self.own.clone(),
                roots,
                ..Judged::default()
            }
        } else {
            let context = Context {
                spec: self.spec,
                options: self.options,
                workers: &self.workers,
                histories: self.histories.as_ref(),
            };
            passes::judge(&context, self.own.clone(), roots)
        };
        let mut listening = true;
        for file in &self.judged.files {
            let event = match self.told_files.get(&file.key()) {
                Some(told) if told == file => continue,
                Some(_) => FileEvent::Amended,
                None => FileEvent::Added,
            };
            listening &= sink.file(file, event);
            self.told_files.insert(file.key(), file.clone());
        }
        let mut changed = Vec::new();
        for clip in &self.judged.clips {
            if self.told_clips.get(&clip.id) != Some(clip) {
                self.told_clips.insert(clip.id.clone(), clip.clone());
                changed.push(clip);
            }
        }
        listening && sink.clips(&self.judged.clips, &changed)
    }
}
