//! The `review` screen: walk the report, confirm or waive failures with notes.
//!
//! Elm-style: [`app`] holds the model and the pure `update`; [`views`] draw it; [`runtime`]
//! performs the IO `update` asks for; [`event`] and [`jobs`] feed one channel.

pub mod app;
pub mod editor;
pub mod event;
pub mod jobs;
pub mod lock;
pub mod persist;
pub mod runtime;
pub mod sample;
pub mod views;

use crate::engine;
use crate::spec::LoadedSpec;
use crate::write_target::{Target, TargetError};
use app::{Counts, Model, Progress};
use lock::{LockError, ReportLock};
use persist::{ResumeError, SaveError};
use runtime::Session;
use std::io;
use std::path::PathBuf;

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
}

/// A session that ended with every review on disk.
#[derive(Debug)]
pub struct ReviewOutcome {
    pub counts: Counts,
    /// The terminal failed and closed the screen early; the reviews were saved all the same.
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
    #[error("cannot start: {0}")]
    Start(io::Error),
    /// A save during the session failed and none succeeded after it (the model's message).
    #[error("{0}")]
    Unsaved(String),
}

/// Runs a review session on the terminal until the operator quits.
pub fn review(options: ReviewOptions) -> Result<ReviewOutcome, ReviewError> {
    let ReviewOptions {
        spec,
        engine,
        operator,
        report_path,
        paths,
        color,
    } = options;
    // One report, one real file: a symlinked --report saves (and locks) where it points.
    let report_path = match Target::resolve(&report_path) {
        Ok(Target::File(real)) => real,
        Ok(_) => return Err(ReviewError::NotAFile(report_path)),
        Err(e) => return Err(ReviewError::Target(e)),
    };
    let _lock = ReportLock::acquire(&report_path, &operator)?;
    let previous = persist::load_previous(&report_path)?;
    let mut model = Model::new(
        engine::spec_info(&spec),
        operator,
        previous,
        crate::report::now_rfc3339,
    );
    model.color = color;
    model.progress = Progress::Scanning;
    let mut session = Session::new(model, report_path);
    // Fail before the screen opens when the report cannot be written at all.
    session.save()?;

    let (tx, rx) = event::channel();
    jobs::spawn(spec, paths, engine, tx.clone())
        .and_then(|_| event::spawn_signals(tx.clone()))
        .and_then(|()| session.save_in_background(tx.clone()))
        .map_err(ReviewError::Start)?;
    // ratatui::init restores the terminal on panic (after color-eyre's report, installed in
    // main); every review is already on disk by then.
    let mut terminal = ratatui::init();
    let screen =
        event::spawn_input(tx).and_then(|()| runtime::run(&mut terminal, &mut session, &rx));
    let last_save = if session.model.unsaved {
        session.save()
    } else {
        Ok(())
    };
    ratatui::restore();
    last_save?;
    if let Some(why) = session.model.save_error.take() {
        return Err(ReviewError::Unsaved(why));
    }
    Ok(ReviewOutcome {
        counts: session.model.counts(),
        terminal_error: screen.err(),
    })
}
