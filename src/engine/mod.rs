//! The engine: paths + spec → report, the one pipeline every way of running goes through.
//!
//! 1. scan the paths and keep this shard's share ([`plan`]);
//! 2. inspect each file on its own, on a bounded pool, through the cache ([`inspect`]), and
//!    verify it against its folder's MHL history;
//! 3. judge the files together, in one declared order: clips, double-system sound, conform,
//!    the MHL folder ([`passes`]) — on the whole delivery only, so a shard leaves them to
//!    `merge`, which runs them over the union of the shards' files;
//! 4. tell a [`Sink`] each file as its own checks finish, then every file and clip the passes
//!    changed ([`session`]).
//!
//! `check`, `review` and `--watch` only choose options and a sink; `merge` hands the union of
//! its reports to [`rejudge`], which runs step 3 again.

mod inspect;
pub mod passes;
mod plan;
mod session;
mod workers;

pub use inspect::inspect;
pub use passes::{Judged, rejudge};
pub use plan::{Plan, plan};
pub use session::{FileEvent, Quiet, Session, Sink, run};

use crate::report::{Report, SpecInfo};
use crate::spec::LoadedSpec;
use std::time::Duration;

/// The most files inspected at once: each is an ffprobe/ffmpeg child with threads of its own,
/// so more only makes them fight over the cores (and thousands of threads can fail to start).
pub const MAX_JOBS: usize = 64;

#[derive(Debug, Clone)]
pub struct Options {
    /// Files inspected at once. Each ffprobe/ffmpeg child is itself multithreaded, so the
    /// default is the number of CPUs rather than more.
    pub jobs: usize,
    /// How long any child (ffprobe, ffmpeg, the probe worker) may stay silent before it is
    /// killed: a hung network mount costs this, never the run.
    pub probe_timeout: Duration,
    /// `--shard K/N`: check only this share of the files found.
    pub shard: Option<crate::shard::Shard>,
    /// Where reports of unchanged files are kept between runs (`None`: `--no-cache`).
    pub cache: Option<crate::cache::Cache>,
    /// The probe worker beside the program, or ffprobe for every file.
    pub prober: crate::probe::worker::Prober,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            jobs: std::thread::available_parallelism().map_or(2, |n| n.get()),
            probe_timeout: Duration::from_secs(60),
            shard: None,
            cache: None,
            prober: crate::probe::worker::Prober::default(),
        }
    }
}

/// The report of a judged run.
pub fn report(spec: &LoadedSpec, operator: String, judged: Judged) -> Report {
    let mut report = Report::new(spec_info(spec), operator, judged.files);
    report.clips = judged.clips;
    report.roots = judged.roots;
    report.refresh_summary();
    report
}

pub fn spec_info(spec: &LoadedSpec) -> SpecInfo {
    SpecInfo {
        name: spec.spec.name.clone(),
        path: std::path::absolute(&spec.path)
            .unwrap_or_else(|_| spec.path.clone())
            .to_string_lossy()
            .into_owned(),
        sha256: spec.sha256.clone(),
    }
}

/// `$USER`, else `$LOGNAME`, else "unknown".
pub fn default_operator() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}
