//! The `review` screen: walk the report, confirm or waive failures with notes.
//!
//! Elm-style: [`model`] holds the state and the pure [`update`] changes it, reading key presses
//! through the [`keys`] table; [`views`] draw it; [`runtime`] performs the IO `update` asks for;
//! [`event`] and [`jobs`] feed one channel.

mod clips;
pub mod editor;
pub mod event;
pub mod jobs;
pub mod keys;
pub mod lock;
pub mod model;
mod names;
mod paired;
pub mod persist;
pub mod preview;
mod rows;
pub mod runtime;
#[cfg(feature = "testing")]
pub mod sample;
pub mod update;
pub mod views;

use crate::engine;
use crate::report::{FileReport, Report, SpecInfo};
use crate::spec::LoadedSpec;
use crate::write_target::{Target, TargetError};
use lock::{LockError, ReportLock};
use model::{Counts, Model, Progress};
use persist::{ResumeError, SaveError};
use runtime::Session;
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};

/// Everything the review screen needs, decided by its caller (the command line), so the
/// screen never depends on how it was asked for.
pub struct ReviewOptions {
    pub spec: LoadedSpec,
    pub engine: engine::Options,
    /// Recorded on every review.
    pub operator: String,
    /// Written throughout the session, and resumed if it exists.
    pub report_path: PathBuf,
    /// Media files and folders to check.
    pub paths: Vec<PathBuf>,
    pub color: bool,
    /// The report to resume may have been made with another spec: re-check all its files.
    pub respec: bool,
    /// `--watch`: keep taking files as they land, each once it has held still this long.
    pub watch: Option<std::time::Duration>,
}

/// A session that ended with every review on disk.
#[derive(Debug)]
pub struct ReviewOutcome {
    pub counts: Counts,
    /// The terminal failed and closed the screen early; the reviews were saved all the same.
    /// Not set when the terminal hung up: that ends a session as a signal does.
    pub terminal_error: Option<io::Error>,
}

/// Why a session could not start, or ended with reviews not on disk.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Resume(#[from] ResumeError),
    #[error(transparent)]
    Save(#[from] SaveError),
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error("{}: a report must be a regular file (it is resumed and rewritten)", .0.display())]
    NotAFile(PathBuf),
    #[error("review needs a terminal; use check (dailies-qc check --spec SPEC PATH…)")]
    NoTerminal,
    #[error("cannot start: {0}")]
    Start(io::Error),
    #[error(
        "{} was made with spec {:?} ({}, sha256 {}), not with {:?} ({}, sha256 {}); \
         resume it with --respec to re-check every file against the new spec (reviews are kept \
         only for findings that are unchanged), or give another --report",
        .report.display(), .was.name, .was.path, short(&.was.sha256),
        .now.name, .now.path, short(&.now.sha256)
    )]
    SpecChanged {
        report: PathBuf,
        was: Box<SpecInfo>,
        now: Box<SpecInfo>,
    },
    /// The last save failed; every review went to a rescue copy instead.
    #[error("{why}; every review is in the rescue copy {}", .copy.display())]
    Rescued { why: SaveError, copy: PathBuf },
    /// The last save failed, and so did the rescue copy.
    #[error("{why}; no rescue copy could be written either: {rescue}")]
    Unsaved { why: SaveError, rescue: io::Error },
}

/// Runs a review session on the terminal until the operator quits.
pub fn review(options: ReviewOptions) -> Result<ReviewOutcome, ReviewError> {
    let ReviewOptions {
        spec,
        engine,
        operator,
        report_path,
        mut paths,
        color,
        respec,
        watch,
    } = options;
    // One report, one real file: a symlinked --report saves (and locks) where it points.
    let report_path = match Target::resolve(&report_path) {
        Ok(Target::File(real)) => real,
        Ok(_) => return Err(ReviewError::NotAFile(report_path)),
        Err(e) => return Err(ReviewError::Target(e)),
    };
    let spec_info = engine::spec_info(&spec);
    // Everything that can refuse the session is checked before anything is written; the
    // report is read again under the lock, in case its last session saved in between.
    let resume_check = persist::load_previous(&report_path)?;
    check_same_spec(resume_check.as_ref(), &spec_info, &report_path, respec)?;
    if !(io::stdin().is_terminal() && io::stdout().is_terminal()) {
        return Err(ReviewError::NoTerminal);
    }
    let _lock = ReportLock::acquire(&report_path, &operator)?;
    let previous = persist::load_previous(&report_path)?;
    if check_same_spec(previous.as_ref(), &spec_info, &report_path, respec)?
        && let Some(previous) = &previous
    {
        // Every file judged by the old spec is judged again; the scan checks each file once.
        paths.extend(previous.files.iter().map(FileReport::file_path));
    }
    let mut model = Model::new(spec_info, operator, previous, crate::report::now_rfc3339);
    model.color = color;
    model.progress = Progress::Scanning;
    model.watching = watch.is_some();
    let mut session = Session::new(model, report_path);
    // Fail before the screen opens when the report cannot be written at all.
    session.save()?;

    let (tx, rx) = event::channel();
    jobs::spawn_with(spec, paths, engine, watch, tx.clone())
        .and_then(|_| event::spawn_signals(tx.clone()))
        .and_then(|()| session.save_in_background(tx.clone()))
        .and_then(|()| session.preview_in_background(tx.clone()))
        .map_err(ReviewError::Start)?;
    // ratatui::init restores the terminal on panic (after color-eyre's report, installed in
    // main); every review is already on disk by then.
    let mut terminal = ratatui::init();
    // Asked before the input thread starts reading: the terminal answers on stdin.
    session.model.preview.picker = preview::pick_protocol();
    let screen = event::spawn_input(tx.clone())
        .and_then(|()| event::spawn_terminal_watch(tx))
        .and_then(|()| runtime::run(&mut terminal, &mut session, &rx));
    let last_save = save_or_rescue(&mut session, &persist::rescue_dirs());
    // The preview's ffmpeg and the checks still running end with the session.
    crate::process::kill_every_child();
    close_screen(terminal);
    last_save?;
    Ok(ReviewOutcome {
        counts: session.model.counts(),
        terminal_error: screen.err().filter(|_| event::terminal_alive()),
    })
}

/// The session's last save. When it fails (a full disk), every review is written to a rescue
/// copy in one of `rescue_dirs` instead, and the error says where.
fn save_or_rescue(session: &mut Session, rescue_dirs: &[PathBuf]) -> Result<(), ReviewError> {
    if !session.model.unsaved {
        return Ok(());
    }
    let Err(why) = session.save() else {
        return Ok(());
    };
    let report = session.model.to_report();
    Err(
        match persist::rescue(&report, &session.report_path, rescue_dirs) {
            Ok(copy) => ReviewError::Rescued { why, copy },
            Err(rescue) => ReviewError::Unsaved { why, rescue },
        },
    )
}

/// Gives the terminal back: raw mode off, main screen, cursor shown. Failures are ignored: after
/// a hang-up there is no terminal to restore and nobody to tell.
fn close_screen(mut terminal: ratatui::DefaultTerminal) {
    let _ = ratatui::try_restore();
    if terminal.show_cursor().is_err() {
        // Dropping it would show the cursor again and print the failure (to a dead terminal).
        std::mem::forget(terminal);
    }
}

/// Refuses to resume a report made with another spec unless `respec`; returns whether the
/// spec changed (and so every file of the report must be checked again).
fn check_same_spec(
    previous: Option<&Report>,
    now: &SpecInfo,
    report: &Path,
    respec: bool,
) -> Result<bool, ReviewError> {
    let Some(previous) = previous.filter(|p| p.spec.sha256 != now.sha256) else {
        return Ok(false);
    };
    if respec {
        return Ok(true);
    }
    Err(ReviewError::SpecChanged {
        report: report.to_path_buf(),
        was: Box::new(previous.spec.clone()),
        now: Box::new(now.clone()),
    })
}

/// The first 12 hex digits of a sha256: enough to tell two specs apart in a message.
fn short(sha256: &str) -> &str {
    sha256.get(..12).unwrap_or(sha256)
}
