//! What `check` prints while the engine runs: progress on a terminal's stderr, and with
//! `--format jsonl` on stdout (or `--watch`) each file as its own checks finish, again when a
//! cross-file pass amends it (with `"amended": true`), and each clip (with `"type": "clip"`).
//! The last object printed for a path, less that one field, is its entry in the report
//! `check -o` writes.

use dailies_qc::engine::{FileEvent, Sink};
use dailies_qc::escape::escape_control;
use dailies_qc::output;
use dailies_qc::report::{ClipReport, FileReport};
use std::io::Write;

/// How results go to standard output as they come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// Nothing: the report is written whole at the end.
    None,
    /// JSON lines (`--format jsonl`).
    Json,
    /// The text table's lines (`--watch --format text`), in colour or not.
    Text { color: bool },
}

pub struct Printer {
    pub lines: Lines,
    /// `[done/total] name` on stderr, when it is a terminal.
    pub progress: bool,
}

impl Printer {
    /// Writes `write`'s bytes to stdout whole and flushed: lines from worker threads never
    /// interleave and a reader of a pipe never sees half an object. `false` once stdout is
    /// closed (whoever read it is gone).
    fn print(&self, write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> bool {
        let mut bytes = Vec::new();
        if write(&mut bytes).is_err() {
            return true;
        }
        let mut out = std::io::stdout().lock();
        out.write_all(&bytes).and_then(|()| out.flush()).is_ok()
    }

    fn show_progress(&self, done: usize, total: usize, file: &FileReport) {
        let name = escape_control(file.name()).into_owned();
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[K[{done}/{total}] {}", truncate(&name, 60));
        if done == total {
            let _ = write!(err, "\r\x1b[K");
        }
        let _ = err.flush();
    }
}

impl Sink for Printer {
    fn file(&self, file: &FileReport, event: FileEvent) -> bool {
        if let (true, FileEvent::Inspected { done, total }) = (self.progress, event) {
            self.show_progress(done, total, file);
        }
        match (self.lines, event) {
            (Lines::None, _) => true,
            (Lines::Json, FileEvent::Amended) => {
                self.print(|out| output::write_amended_line(file, out))
            }
            (Lines::Json, _) => self.print(|out| output::write_json_line(file, out)),
            (Lines::Text { color }, _) => {
                self.print(|out| output::write_file_text(file, out, color))
            }
        }
    }

    fn clips(&self, _all: &[ClipReport], changed: &[&ClipReport]) -> bool {
        changed.iter().all(|clip| match self.lines {
            Lines::None => true,
            Lines::Json => self.print(|out| output::write_clip_line(clip, out)),
            Lines::Text { color } => self.print(|out| output::write_clip_text(clip, out, color)),
        })
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let tail: String = text
            .chars()
            .rev()
            .take(max - 1)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("…{tail}")
    }
}
