//! The one event channel: terminal input, job results and signals all arrive as [`Msg`]s on
//! the same receiver, so the UI thread sleeps until something happens (no polling tick).

use super::update::Msg;
use ratatui::crossterm::event::{self, Event};
use std::sync::mpsc::{self, Receiver, Sender};

pub fn channel() -> (Sender<Msg>, Receiver<Msg>) {
    mpsc::channel()
}

/// Forwards key presses and resizes until the terminal or the receiver goes away.
pub fn spawn_input(events: Sender<Msg>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("input".into())
        .spawn(move || {
            loop {
                let msg = match event::read() {
                    Ok(Event::Key(key)) => Msg::Key(key),
                    Ok(Event::Resize(..)) => Msg::Resize,
                    Ok(_) => continue,
                    // The terminal is gone (SIGHUP follows): stop reading.
                    Err(_) => return,
                };
                if events.send(msg).is_err() {
                    return;
                }
            }
        })
        .map(|_| ())
}

/// Turns SIGHUP, SIGTERM and SIGINT into `Msg::Signal`, so the screen saves and restores the
/// terminal instead of dying mid-frame.
pub fn spawn_signals(events: Sender<Msg>) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGHUP, SIGTERM, SIGINT])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                let name = match signal {
                    SIGHUP => "SIGHUP",
                    SIGTERM => "SIGTERM",
                    _ => "SIGINT",
                };
                if events.send(Msg::Signal(name)).is_err() {
                    return;
                }
            }
        })
        .map(|_| ())
}
