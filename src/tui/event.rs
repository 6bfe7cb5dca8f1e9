//! The one event channel: terminal input, job results and signals all arrive as [`Msg`]s on
//! the same receiver, so the UI thread sleeps until something happens (no polling tick).

use super::update::Msg;
use ratatui::crossterm::event::{self, Event};
use std::io::{self, IsTerminal};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

/// How often [`spawn_terminal_watch`] looks for a hung-up terminal: a lost terminal ends the
/// session within this time.
const TERMINAL_CHECK: Duration = Duration::from_millis(500);

pub fn channel() -> (Sender<Msg>, Receiver<Msg>) {
    mpsc::channel()
}

/// Forwards key presses and resizes until the terminal or the receiver goes away.
pub fn spawn_input(events: Sender<Msg>) -> io::Result<()> {
    std::thread::Builder::new()
        .name("input".into())
        .spawn(move || forward_input(event::read, &events))
        .map(|_| ())
}

/// Sends what `read` returns as messages. A read error means the terminal is gone: it ends the
/// session (as a signal would) and the reading stops.
fn forward_input(mut read: impl FnMut() -> io::Result<Event>, events: &Sender<Msg>) {
    loop {
        let msg = match read() {
            Ok(Event::Key(key)) => Msg::Key(key),
            Ok(Event::Resize(..)) => Msg::Resize,
            Ok(_) => continue,
            Err(_) => {
                let _ = events.send(Msg::TerminalGone);
                return;
            }
        };
        if events.send(msg).is_err() {
            return;
        }
    }
}

/// Whether the screen still has its terminal. After a hang-up the tty answers every request
/// with an error, so stdin and stdout no longer count as terminals.
pub fn terminal_alive() -> bool {
    io::stdin().is_terminal() && io::stdout().is_terminal()
}

/// Sends `Msg::TerminalGone` once the terminal hangs up. SIGHUP does not always come (it is
/// ignored under `trap '' HUP`, and a process outside the terminal's session never gets it),
/// and crossterm's reader does not report a hang-up either: it reads end-of-file in a loop.
pub fn spawn_terminal_watch(events: Sender<Msg>) -> io::Result<()> {
    std::thread::Builder::new()
        .name("terminal watch".into())
        .spawn(move || {
            while terminal_alive() {
                std::thread::sleep(TERMINAL_CHECK);
            }
            let _ = events.send(Msg::TerminalGone);
        })
        .map(|_| ())
}

/// Turns SIGHUP, SIGTERM and SIGINT into `Msg::Signal`, so the screen saves and restores the
/// terminal instead of dying mid-frame.
pub fn spawn_signals(events: Sender<Msg>) -> io::Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyEvent};

    #[test]
    fn a_read_error_ends_the_session_and_the_reading() {
        let (tx, rx) = channel();
        let mut reads = vec![
            Err(io::Error::from(io::ErrorKind::UnexpectedEof)),
            Ok(Event::Key(KeyEvent::from(KeyCode::Char('x')))),
        ];
        forward_input(
            || {
                reads
                    .pop()
                    .unwrap_or_else(|| panic!("read again after an error"))
            },
            &tx,
        );
        drop(tx);
        let msgs: Vec<Msg> = rx.iter().collect();
        assert!(
            matches!(msgs.as_slice(), [Msg::Key(_), Msg::TerminalGone]),
            "{msgs:?}"
        );
    }
}
