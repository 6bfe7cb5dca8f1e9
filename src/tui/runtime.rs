//! Carries out `update`'s effects and runs the event loop. Generic over the ratatui backend so
//! whole-app tests run the real loop on `TestBackend`.

use super::model::Model;
use super::persist::{self, SaveError};
use super::preview::{self, PreviewWorker, Request};
use super::update::{Effect, Msg, update};
use super::views;
use crate::report::Report;
use ratatui::Terminal;
use ratatui::backend::Backend;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Job results are saved at most this often (a review change is saved at once); a failed save
/// is retried at this pace too.
pub const SAVE_INTERVAL: Duration = Duration::from_secs(2);
/// Events handled before the screen is redrawn, so a burst of results cannot starve drawing.
const BATCH: Duration = Duration::from_millis(30);

/// Serialising a big report takes a while (10,000 files: ~0.3 s), so the interactive screen
/// saves on this thread: it takes the newest snapshot, writes it, and answers on the event
/// channel. Snapshots that were overtaken before being written are skipped.
struct Saver {
    snapshots: Option<Sender<(u64, Report)>>,
    thread: Option<JoinHandle<()>>,
    /// Generation of the newest snapshot handed over.
    requested: u64,
}

impl Saver {
    fn spawn(path: PathBuf, events: Sender<Msg>) -> std::io::Result<Saver> {
        let (tx, rx) = mpsc::channel::<(u64, Report)>();
        let thread = std::thread::Builder::new()
            .name("saver".into())
            .spawn(move || {
                while let Ok(mut job) = rx.recv() {
                    while let Ok(newer) = rx.try_recv() {
                        job = newer;
                    }
                    let (generation, report) = job;
                    let result = persist::save_report(&report, &path).map_err(|e| e.to_string());
                    let _ = events.send(Msg::BackgroundSaved { generation, result });
                }
            })?;
        Ok(Saver {
            snapshots: Some(tx),
            thread: Some(thread),
            requested: 0,
        })
    }

    /// Waits for the pending write, so a synchronous save cannot race it for the temp file.
    fn finish(&mut self) {
        self.snapshots = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The model plus where it lives on disk.
pub struct Session {
    pub model: Model,
    pub report_path: PathBuf,
    last_save: Instant,
    saver: Option<Saver>,
    /// A job result arrived after the newest snapshot was taken: that snapshot lacks it.
    changed_since_snapshot: bool,
    /// Decodes preview frames off the UI thread; without it (tests) they are decoded in line.
    previews: Option<PreviewWorker>,
}

impl Session {
    /// A session that saves synchronously (tests, and everything before the screen opens).
    pub fn new(model: Model, report_path: PathBuf) -> Session {
        Session {
            model,
            report_path,
            last_save: Instant::now(),
            saver: None,
            changed_since_snapshot: false,
            previews: None,
        }
    }

    /// From now on, preview frames are decoded on a worker thread that answers on `events`.
    pub fn preview_in_background(&mut self, events: Sender<Msg>) -> std::io::Result<()> {
        self.previews = Some(PreviewWorker::spawn(events)?);
        Ok(())
    }

    /// Hands a preview decode to the worker, or decodes it now without one.
    fn request_preview(&self, request: Request) -> Option<Msg> {
        let request = match &self.previews {
            Some(worker) => worker.request(request).err()?,
            None => request,
        };
        preview::decode(request, &|| true).map(|decoded| Msg::PreviewFrame(Box::new(decoded)))
    }

    /// From now on, saves run on a background thread that answers on `events`.
    pub fn save_in_background(&mut self, events: Sender<Msg>) -> std::io::Result<()> {
        self.saver = Some(Saver::spawn(self.report_path.clone(), events)?);
        Ok(())
    }

    /// Starts a save: at once on the saver thread, or synchronously without one. Returns the
    /// message to feed back when the outcome is already known.
    fn request_save(&mut self) -> Option<Msg> {
        self.last_save = Instant::now();
        self.changed_since_snapshot = false;
        let snapshot = match &mut self.saver {
            Some(saver) => saver.snapshots.as_ref().map(|tx| {
                saver.requested += 1;
                tx.send((saver.requested, self.model.to_report())).is_ok()
            }),
            None => None,
        };
        match snapshot {
            Some(true) => None,
            _ => Some(saved(self.save())),
        }
    }

    /// Only the answer to the newest snapshot may mark the report as saved.
    fn on_background_saved(&mut self, generation: u64, result: Result<(), String>) -> Option<Msg> {
        let newest = self
            .saver
            .as_ref()
            .is_none_or(|s| s.requested == generation);
        (result.is_err() || (newest && !self.changed_since_snapshot)).then_some(Msg::Saved(result))
    }

    /// Feeds `msg` to `update` and performs what it asks. Returns false when it is time to leave.
    pub fn handle(&mut self, msg: Msg) -> bool {
        let mut queue = VecDeque::from([msg]);
        let mut keep_running = true;
        while let Some(msg) = queue.pop_front() {
            let msg = match msg {
                Msg::BackgroundSaved { generation, result } => {
                    match self.on_background_saved(generation, result) {
                        Some(msg) => msg,
                        None => continue,
                    }
                }
                msg @ (Msg::Planned { .. } | Msg::Checked(_) | Msg::Clips(_) | Msg::ChecksDone) => {
                    self.changed_since_snapshot = true;
                    msg
                }
                msg => msg,
            };
            for effect in update(&mut self.model, msg) {
                match effect {
                    Effect::Save => queue.extend(self.request_save()),
                    Effect::Export => queue.push_back(Msg::Exported(persist::export(
                        &self.model,
                        &self.report_path,
                    ))),
                    Effect::Preview(request) => queue.extend(self.request_preview(request)),
                    Effect::Quit { force } => {
                        let result = self.save();
                        if result.is_err() && !force {
                            self.model.status = Some(
                                "not saved, so not quitting: fix the problem and press q again (Ctrl-C quits anyway)"
                                    .to_owned(),
                            );
                        } else {
                            keep_running = false;
                        }
                        queue.push_back(saved(result));
                    }
                }
            }
        }
        keep_running
    }

    /// Saves now, on this thread (after any background write has finished).
    pub fn save(&mut self) -> Result<(), SaveError> {
        if let Some(saver) = &mut self.saver {
            saver.finish();
        }
        self.saver = None;
        self.last_save = Instant::now();
        persist::save(&self.model, &self.report_path)
    }

    /// Saves job results (and retries a failed save) once `SAVE_INTERVAL` has passed.
    pub fn save_if_due(&mut self) {
        if self.model.unsaved
            && self.last_save.elapsed() >= SAVE_INTERVAL
            && let Some(msg) = self.request_save()
        {
            self.handle(msg);
        }
    }
}

/// The model keeps a failed save's message, to show it.
fn saved(result: Result<(), SaveError>) -> Msg {
    Msg::Saved(result.map_err(|e| e.to_string()))
}

/// Draws, then handles events until quit or until every sender is gone. Sleeps while nothing
/// happens (a timeout only while something waits to be saved). A failed draw ends the session
/// as a lost terminal does (saved, the editor's text kept as a draft) and returns the error:
/// drawing again could only fail again.
pub fn run<B: Backend>(
    terminal: &mut Terminal<B>,
    session: &mut Session,
    events: &Receiver<Msg>,
) -> Result<(), B::Error> {
    loop {
        if let Err(e) = terminal.draw(|frame| views::draw(frame, &session.model)) {
            session.handle(Msg::TerminalGone);
            return Err(e);
        }
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
    }
    Ok(())
}
