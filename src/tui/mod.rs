//! The `review` screen: walk the report, confirm or waive failures with notes.
//!
//! Elm-style: [`model`] holds the state and the pure [`update`] changes it, reading key presses
//! through the [`keys`] table; [`views`] draw it; [`runtime`] performs the IO `update` asks for;
//! [`event`] and [`jobs`] feed one channel.

pub mod editor;
pub mod event;
pub mod jobs;
pub mod keys;
pub mod lock;
pub mod model;
pub mod persist;
pub mod runtime;
#[cfg(feature = "testing")]
pub mod sample;
pub mod update;
pub mod views;

use crate::cli::ReviewArgs;
use crate::commands::{EXIT_PASS, EXIT_USAGE, engine_options, load_spec};
use model::{Model, Progress};
use runtime::Session;

/// `dailies-qc review`: returns the process exit code.
pub fn review(args: ReviewArgs) -> u8 {
    let spec = match load_spec(&args.engine) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let operator = args
        .operator
        .clone()
        .unwrap_or_else(crate::engine::default_operator);
    let report_path = args.report.clone();
    let _lock = match lock::ReportLock::acquire(&report_path, &operator) {
        Ok(lock) => lock,
        Err(why) => {
            eprintln!("dailies-qc: {why}");
            return EXIT_USAGE;
        }
    };
    let previous = match persist::load_previous(&report_path) {
        Ok(p) => p,
        Err(why) => {
            eprintln!("dailies-qc: {why}");
            return EXIT_USAGE;
        }
    };
    let mut model = Model::new(
        crate::engine::spec_info(&spec),
        operator,
        previous,
        crate::report::now_rfc3339,
    );
    model.color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    model.progress = Progress::Scanning;
    let mut session = Session::new(model, report_path.clone());
    // Fail before the screen opens when the report cannot be written at all.
    if let Err(why) = session.save() {
        eprintln!("dailies-qc: {why}");
        return EXIT_USAGE;
    }

    let (tx, rx) = event::channel();
    let started = jobs::spawn(
        spec,
        args.engine.paths.clone(),
        engine_options(&args.engine),
        tx.clone(),
    )
    .and_then(|_| event::spawn_signals(tx.clone()))
    .and_then(|()| session.save_in_background(tx.clone()));
    if let Err(e) = started {
        eprintln!("dailies-qc: cannot start: {e}");
        return EXIT_USAGE;
    }
    // ratatui::init restores the terminal on panic (after color-eyre's report, installed in
    // main); every review is already on disk by then.
    let mut terminal = ratatui::init();
    let outcome = event::spawn_input(tx)
        .map_err(|e| e.to_string())
        .and_then(|()| runtime::run(&mut terminal, &mut session, &rx).map_err(|e| e.to_string()));
    let last_save = if session.model.unsaved {
        session.save()
    } else {
        Ok(())
    };
    ratatui::restore();
    if let Err(e) = outcome {
        eprintln!("dailies-qc: terminal error: {e}");
    }
    match last_save.and(session.model.save_error.clone().map_or(Ok(()), Err)) {
        Ok(()) => {
            let c = session.model.counts();
            println!(
                "Report saved to {} ({} files, {} open failures).",
                report_path.display(),
                c.files,
                c.open
            );
            EXIT_PASS
        }
        Err(why) => {
            eprintln!("dailies-qc: {why}");
            EXIT_USAGE
        }
    }
}
