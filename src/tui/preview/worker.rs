//! The decoding thread: takes the newest request, runs ffmpeg for it and sends the frame on the
//! event channel, so a key press never waits for a decode. Requests overtaken before they
//! start are skipped, and a running decode is killed as soon as a newer one is asked for.

use super::Request;
use crate::tui::update::Msg;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Sender};

/// The UI's handle on the decoding thread.
pub struct PreviewWorker {
    requests: Sender<Request>,
    /// Generation of the newest request: older decodes stop when they see it has moved on.
    newest: Arc<AtomicU64>,
}

impl PreviewWorker {
    /// Starts the thread; frames are sent on `events` as `Msg::PreviewFrame`.
    pub fn spawn(events: Sender<Msg>) -> std::io::Result<PreviewWorker> {
        let (requests, inbox) = mpsc::channel::<Request>();
        let newest = Arc::new(AtomicU64::new(0));
        let seen = newest.clone();
        std::thread::Builder::new()
            .name("preview".into())
            .spawn(move || {
                while let Ok(mut request) = inbox.recv() {
                    while let Ok(newer) = inbox.try_recv() {
                        request = newer;
                    }
                    let generation = request.generation;
                    let still_wanted = || seen.load(Ordering::Relaxed) == generation;
                    if !still_wanted() {
                        continue;
                    }
                    let Some(decoded) = super::decode(request, &still_wanted) else {
                        continue;
                    };
                    if events.send(Msg::PreviewFrame(Box::new(decoded))).is_err() {
                        return; // the screen is gone
                    }
                }
            })?;
        Ok(PreviewWorker { requests, newest })
    }

    /// Asks for a frame, superseding every earlier request.
    pub fn request(&self, request: Request) -> Result<(), Request> {
        self.newest.store(request.generation, Ordering::Relaxed);
        self.requests.send(request).map_err(|e| e.0)
    }
}
