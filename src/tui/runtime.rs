//! Carries out `update`'s effects and runs the event loop. Generic over the ratatui backend so
//! whole-app tests run the real loop on `TestBackend`.

use super::app::{Effect, Model, Msg, update};
use super::{persist, views};
use ratatui::Terminal;
use ratatui::backend::Backend;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::time::{Duration, Instant};

/// Job results are saved at most this often (a review change is saved at once); a failed save
/// is retried at this pace too.
pub const SAVE_INTERVAL: Duration = Duration::from_secs(2);
/// Events handled before the screen is redrawn, so a burst of results cannot starve drawing.
const BATCH: Duration = Duration::from_millis(30);

/// The model plus where it lives on disk.
pub struct Session {
    pub model: Model,
    pub report_path: PathBuf,
    last_save: Instant,
}

impl Session {
    pub fn new(model: Model, report_path: PathBuf) -> Session {
        Session {
            model,
            report_path,
            last_save: Instant::now(),
        }
    }

    /// Feeds `msg` to `update` and performs what it asks. Returns false when it is time to leave.
    pub fn handle(&mut self, msg: Msg) -> bool {
        let mut queue = VecDeque::from([msg]);
        let mut keep_running = true;
        while let Some(msg) = queue.pop_front() {
            for effect in update(&mut self.model, msg) {
                match effect {
                    Effect::Save => queue.push_back(Msg::Saved(self.save())),
                    Effect::Export => queue.push_back(Msg::Exported(persist::export(
                        &self.model,
                        &self.report_path,
                    ))),
                    Effect::Quit { force } => {
                        let saved = self.save();
                        if saved.is_err() && !force {
                            self.model.status = Some(
                                "not saved, so not quitting: fix the problem and press q again (Ctrl-C quits anyway)"
                                    .to_owned(),
                            );
                        } else {
                            keep_running = false;
                        }
                        queue.push_back(Msg::Saved(saved));
                    }
                }
            }
        }
        keep_running
    }

    pub fn save(&mut self) -> Result<(), String> {
        self.last_save = Instant::now();
        persist::save(&self.model, &self.report_path)
    }

    /// Saves job results (and retries a failed save) once `SAVE_INTERVAL` has passed.
    pub fn save_if_due(&mut self) {
        if self.model.unsaved && self.last_save.elapsed() >= SAVE_INTERVAL {
            let saved = self.save();
            self.handle(Msg::Saved(saved));
        }
    }
}

/// Draws, then handles events until quit or until every sender is gone. Sleeps while nothing
/// happens (a timeout only while something waits to be saved).
pub fn run<B: Backend>(
    terminal: &mut Terminal<B>,
    session: &mut Session,
    events: &Receiver<Msg>,
) -> Result<(), B::Error> {
    terminal.draw(|frame| views::draw(frame, &session.model))?;
    loop {
        let first = if session.model.unsaved {
            match events.recv_timeout(SAVE_INTERVAL) {
                Ok(msg) => Some(msg),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        } else {
            match events.recv() {
                Ok(msg) => Some(msg),
                Err(_) => break,
            }
        };
        let mut keep_running = first.is_none_or(|msg| session.handle(msg));
        let started = Instant::now();
        while keep_running && started.elapsed() < BATCH {
            match events.try_recv() {
                Ok(msg) => keep_running = session.handle(msg),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        session.save_if_due();
        if !keep_running {
            break;
        }
        terminal.draw(|frame| views::draw(frame, &session.model))?;
    }
    Ok(())
}
