//! The probe worker: this same binary, started once per engine thread as
//! `dailies-qc __probe-worker`, answers what ffprobe would print for one file after another
//! (src/probe/worker.c), so that a scan pays one process start-up instead of one per file.
//! It keeps ffprobe's isolation: a file that hangs or crashes it costs only that worker, which
//! is killed (with its process group) and started afresh for the next file, and that file then
//! goes to a one-off ffprobe, so a hostile file becomes the same finding as without the worker.
//! ffprobe also answers whenever the worker is not built, will not start, or refuses a file.

use std::cell::RefCell;
use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// The hidden subcommand that runs the worker (not in `--help`: it speaks a private protocol).
pub const SUBCOMMAND: &str = "__probe-worker";
/// `DAILIES_QC_PROBE=ffprobe` probes every file with ffprobe: for tests and debugging.
pub const CHOICE_VAR: &str = "DAILIES_QC_PROBE";
/// The worker's first line: proof that the program started is a worker of this protocol.
const GREETING: &[u8] = b"dailies-qc-probe-worker 1";
const ERROR_PREFIX: &[u8] = b"{\"error\":";

/// The program to start as a worker; unset (ffprobe only) until the binary offers itself.
static PROGRAM: OnceLock<PathBuf> = OnceLock::new();
/// Set when a worker would not start: the rest of the run uses ffprobe without retrying.
static UNAVAILABLE: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// One worker per engine thread, started on its first file.
    static WORKER: RefCell<Option<Worker>> = const { RefCell::new(None) };
}

#[cfg(probe_worker)]
unsafe extern "C" {
    fn dailies_qc_probe_worker_serve() -> std::ffi::c_int;
}

/// Whether this build contains the worker (libavformat was found when it was built).
pub const fn is_built() -> bool {
    cfg!(probe_worker)
}

/// Lets the probe start `program` (the running binary) as its worker, unless the worker is not
/// built or `DAILIES_QC_PROBE=ffprobe` asks for ffprobe.
pub fn offer(program: PathBuf) {
    let forced_ffprobe = std::env::var_os(CHOICE_VAR).is_some_and(|v| v == "ffprobe");
    if is_built() && !forced_ffprobe {
        let _ = PROGRAM.set(program);
    }
}

/// Runs the worker's loop on stdin/stdout until stdin closes; returns the exit code.
pub fn serve() -> u8 {
    #[cfg(probe_worker)]
    {
        // SAFETY: the C loop only reads stdin and writes stdout; it takes no Rust state.
        let code = unsafe { dailies_qc_probe_worker_serve() };
        u8::try_from(code).unwrap_or(2)
    }
    #[cfg(not(probe_worker))]
    {
        let _ = writeln!(
            std::io::stderr(),
            "dailies-qc: built without libavformat: no probe worker"
        );
        2
    }
}

/// ffprobe's JSON for the file at `url` from this thread's worker, or `None` when ffprobe must
/// answer instead (no worker, the worker refused the file, hung past `timeout` or died).
pub(super) fn ask(url: &OsStr, timeout: Duration) -> Option<Vec<u8>> {
    let program = PROGRAM.get()?;
    if UNAVAILABLE.load(Ordering::Relaxed) {
        return None;
    }
    WORKER.with_borrow_mut(|slot| {
        if slot.is_none() {
            *slot = Worker::start(program, timeout);
            if slot.is_none() {
                UNAVAILABLE.store(true, Ordering::Relaxed);
            }
        }
        let worker = slot.as_mut()?;
        match worker.ask(url, timeout) {
            Some(line) if line.starts_with(ERROR_PREFIX) => None,
            Some(line) => Some(line),
            None => {
                // Hung or gone: dropping it kills its group; the next file starts another.
                *slot = None;
                None
            }
        }
    })
}

/// A running worker: its stdin for requests, and its stdout's lines, read on a thread of their
/// own so that a wait for an answer can end at a deadline.
struct Worker {
    /// Always `Some` until the worker is dropped.
    child: Option<Child>,
    requests: ChildStdin,
    answers: mpsc::Receiver<Vec<u8>>,
}

impl Worker {
    fn start(program: &Path, timeout: Duration) -> Option<Worker> {
        let mut child = Command::new(program)
            .arg(SUBCOMMAND)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .ok()?;
        let (requests, stdout) = match (child.stdin.take(), child.stdout.take()) {
            (Some(i), Some(o)) => (i, o),
            _ => {
                kill_and_reap(child);
                return None;
            }
        };
        let (send, answers) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).split(b'\n') {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let worker = Worker {
            child: Some(child),
            requests,
            answers,
        };
        match worker.answers.recv_timeout(timeout) {
            Ok(line) if line == GREETING => Some(worker),
            _ => None,
        }
    }

    /// Sends one request (the URL's bytes as hex: any byte of a name survives the line framing)
    /// and waits for its one-line answer; `None` when the worker hung or is gone.
    fn ask(&mut self, url: &OsStr, timeout: Duration) -> Option<Vec<u8>> {
        let mut request = String::with_capacity(url.len() * 2 + 1);
        for byte in url.as_bytes() {
            request.push_str(&format!("{byte:02x}"));
        }
        request.push('\n');
        self.requests.write_all(request.as_bytes()).ok()?;
        self.requests.flush().ok()?;
        self.answers.recv_timeout(timeout).ok()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(child) = self.child.take() {
            kill_and_reap(child);
        }
    }
}

/// Kills the child's process group, reaping the child it on a thread of its own (one stuck in
/// the kernel dies only when its read returns).
fn kill_and_reap(mut child: Child) {
    let _ = rustix::process::kill_process_group(
        rustix::process::Pid::from_child(&child),
        rustix::process::Signal::KILL,
    );
    std::thread::spawn(move || child.wait());
}
