//! A file whose open, reads and seeks run on a helper thread, so that one that never returns
//! (a dead NFS server, a stale mount) becomes an error after a stall timeout instead of
//! blocking a worker forever. The in-process decoder (symphonia) reads through it; the ffmpeg
//! pipes have their own watchdog.
//!
//! A read stuck in the kernel cannot be cancelled: after a stall the helper thread is left
//! blocked on the dead mount (it owns nothing else) and every later call fails at once.

use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

/// The most a single read asks the helper for: the decoder's requests are smaller anyway.
const MAX_READ: usize = 256 * 1024;

enum Request {
    Read(Vec<u8>),
    Seek(SeekFrom),
}

enum Answer {
    /// The buffer (handed back for reuse) and how many bytes of it were read.
    Read(Vec<u8>, usize),
    Seek(u64),
}

pub struct GuardedFile {
    requests: Sender<Request>,
    answers: Mutex<Receiver<io::Result<Answer>>>,
    stall: Duration,
    seekable: bool,
    len: Option<u64>,
    spare: Vec<u8>,
    /// Set once a call timed out: the helper's answers no longer match our requests.
    stalled: bool,
}

impl GuardedFile {
    /// Opens `path`; the open itself is also given at most `stall`.
    pub fn open(path: &Path, stall: Duration) -> io::Result<GuardedFile> {
        let (requests, requested) = mpsc::channel::<Request>();
        let (answer, answers) = mpsc::channel::<io::Result<Answer>>();
        let (opened_tx, opened) = mpsc::channel::<io::Result<(bool, u64)>>();
        let path = path.to_path_buf();
        std::thread::spawn(move || {
            let mut file = match std::fs::File::open(&path).and_then(|f| {
                let meta = f.metadata()?;
                Ok((f, meta.is_file(), meta.len()))
            }) {
                Ok((file, seekable, len)) => {
                    let _ = opened_tx.send(Ok((seekable, len)));
                    file
                }
                Err(e) => {
                    let _ = opened_tx.send(Err(e));
                    return;
                }
            };
            for request in requested {
                let reply = match request {
                    Request::Read(mut buffer) => {
                        file.read(&mut buffer).map(|n| Answer::Read(buffer, n))
                    }
                    Request::Seek(to) => file.seek(to).map(Answer::Seek),
                };
                if answer.send(reply).is_err() {
                    break;
                }
            }
        });
        let (seekable, len) = match opened.recv_timeout(stall) {
            Ok(result) => result?,
            Err(_) => return Err(stalled_error(stall)),
        };
        Ok(GuardedFile {
            requests,
            answers: Mutex::new(answers),
            stall,
            seekable,
            len: seekable.then_some(len),
            spare: Vec::new(),
            stalled: false,
        })
    }

    fn ask(&mut self, request: Request) -> io::Result<Answer> {
        if self.stalled {
            return Err(stalled_error(self.stall));
        }
        self.requests
            .send(request)
            .map_err(|_| io::Error::other("the file reader stopped"))?;
        let answers = self
            .answers
            .lock()
            .map_err(|_| io::Error::other("the file reader failed"))?;
        match answers.recv_timeout(self.stall) {
            Ok(answer) => answer,
            Err(RecvTimeoutError::Timeout) => {
                drop(answers);
                self.stalled = true;
                Err(stalled_error(self.stall))
            }
            Err(RecvTimeoutError::Disconnected) => Err(io::Error::other("the file reader stopped")),
        }
    }
}

/// Words every stall message carries, so callers can tell a stall from a bad file.
const STALL: &str = "storage gave no data for";

fn stalled_error(stall: Duration) -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        format!(
            "{STALL} {} s (hung or very slow mount?)",
            stall.as_secs_f64()
        ),
    )
}

/// Whether a decode error message comes from a stalled read.
pub fn is_stall(message: &str) -> bool {
    message.contains(STALL)
}

impl Read for GuardedFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let want = buf.len().min(MAX_READ);
        let mut buffer = std::mem::take(&mut self.spare);
        buffer.resize(want, 0);
        match self.ask(Request::Read(buffer))? {
            Answer::Read(buffer, n) => {
                buf[..n].copy_from_slice(&buffer[..n]);
                self.spare = buffer;
                Ok(n)
            }
            Answer::Seek(_) => Err(io::Error::other("the file reader answered out of turn")),
        }
    }
}

impl Seek for GuardedFile {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        match self.ask(Request::Seek(to))? {
            Answer::Seek(position) => Ok(position),
            Answer::Read(..) => Err(io::Error::other("the file reader answered out of turn")),
        }
    }
}

impl symphonia::core::io::MediaSource for GuardedFile {
    fn is_seekable(&self) -> bool {
        self.seekable
    }

    fn byte_len(&self) -> Option<u64> {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_seeks_like_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data.bin");
        let data: Vec<u8> = (0..=255u8).cycle().take(600_000).collect();
        std::fs::write(&path, &data).unwrap();
        let mut file = GuardedFile::open(&path, Duration::from_secs(5)).unwrap();
        assert_eq!(
            symphonia::core::io::MediaSource::byte_len(&file),
            Some(600_000)
        );
        let mut all = Vec::new();
        file.read_to_end(&mut all).unwrap();
        assert_eq!(all, data);
        assert_eq!(file.seek(SeekFrom::Start(1000)).unwrap(), 1000);
        let mut byte = [0u8; 1];
        file.read_exact(&mut byte).unwrap();
        assert_eq!(byte[0], data[1000]);
    }

    /// A FIFO with a writer that sends a little and then hangs stands in for a dead mount.
    #[cfg(unix)]
    #[test]
    fn a_read_that_never_returns_times_out() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("stale.wav");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success(), "mkfifo");
        let writer_path = fifo.clone();
        let (done_tx, done) = mpsc::channel::<()>();
        let writer = std::thread::spawn(move || {
            let mut w = std::fs::OpenOptions::new()
                .write(true)
                .open(writer_path)
                .unwrap();
            std::io::Write::write_all(&mut w, b"RIFF").unwrap();
            // Hold the pipe open, silent, until the test is over.
            let _ = done.recv();
        });
        let started = std::time::Instant::now();
        let mut file = GuardedFile::open(&fifo, Duration::from_millis(300)).unwrap();
        let mut buf = [0u8; 16];
        assert_eq!(file.read(&mut buf).unwrap(), 4);
        let error = file.read(&mut buf).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        assert!(error.to_string().contains("no data for 0.3 s"), "{error}");
        assert!(started.elapsed() < Duration::from_secs(3));
        // Later calls fail at once rather than queueing behind the stuck read.
        assert_eq!(
            file.read(&mut buf).unwrap_err().kind(),
            io::ErrorKind::TimedOut
        );
        done_tx.send(()).unwrap();
        writer.join().unwrap();
    }
}
