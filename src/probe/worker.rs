//! The probe worker: `dailies-qc-probe`, installed beside `dailies-qc` and started once per
//! engine thread, answers what ffprobe would print for one file after another
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

/// The worker's program, found beside the running binary (`cargo install` puts both there).
pub const PROGRAM_NAME: &str = "dailies-qc-probe";
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

/// Whether this build contains the worker (libavformat was found when it was built).
pub const fn is_built() -> bool {
    cfg!(probe_worker)
}

/// Lets the probe start the worker beside `binary` (the running program), unless the worker is
/// not built or `DAILIES_QC_PROBE=ffprobe` asks for ffprobe.
pub fn offer_beside(binary: &Path) {
    let forced_ffprobe = std::env::var_os(CHOICE_VAR).is_some_and(|v| v == "ffprobe");
    if let (true, false, Some(folder)) = (is_built(), forced_ffprobe, binary.parent()) {
        let _ = PROGRAM.set(folder.join(PROGRAM_NAME));
    }
}

/// ffprobe's JSON for the file at `url` from this thread's worker, or `None` when ffprobe must
/// answer instead (no worker, the worker refused the file, hung past `timeout` or died).
pub(super) fn ask(url: &OsStr, timeout: Duration) -> Option<Vec<u8>> {
    let program = PROGRAM.get()?;
    if UNAVAILABLE.load(Ordering::Relaxed) {
        return None;
    }
    WORKER.with_borrow_mut(|slot| ask_on(slot, program, url, timeout))
}

/// Asks the worker in `slot`, starting one from `program` if there is none, and dropping it
/// (which kills it) when it hangs or dies.
fn ask_on(
    slot: &mut Option<Worker>,
    program: &Path,
    url: &OsStr,
    timeout: Duration,
) -> Option<Vec<u8>> {
    if slot.is_none() {
        *slot = Worker::start(program, timeout);
        if slot.is_none() {
            UNAVAILABLE.store(true, Ordering::Relaxed);
            return None;
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::time::Instant;

    /// A stand-in worker: a shell script that greets, then runs `body`.
    fn fake_worker(dir: &Path, body: &str) -> PathBuf {
        let path = dir.join("worker.sh");
        let script = format!(
            "#!/bin/sh\necho '{}'\n{body}\n",
            String::from_utf8_lossy(GREETING)
        );
        std::fs::write(&path, script).expect("write script");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        path
    }

    /// Whether `pid` runs (a zombie, dead but not yet reaped by whoever inherited it, does not).
    fn is_alive(pid: u32) -> bool {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            stat.rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .is_some_and(|state| state != "Z")
        })
    }

    #[test]
    fn an_answer_is_passed_on_and_a_refusal_leaves_the_worker_running() {
        let dir = tempfile::tempdir().expect("temp dir");
        let program = fake_worker(
            dir.path(),
            "read a; echo '{\"streams\":[]}'; read b; echo '{\"error\":\"open: Invalid data\"}'; exec sleep 60",
        );
        let mut slot = None;
        let timeout = Duration::from_secs(5);
        let url = OsStr::new("file:/m/a.mov");
        assert_eq!(
            ask_on(&mut slot, &program, url, timeout),
            Some(b"{\"streams\":[]}".to_vec())
        );
        assert_eq!(ask_on(&mut slot, &program, url, timeout), None);
        assert!(slot.is_some(), "a refusal is an answer: the worker stays");
    }

    #[test]
    fn a_hung_worker_is_killed_at_the_deadline_with_what_it_started() {
        let dir = tempfile::tempdir().expect("temp dir");
        let pid_file = dir.path().join("child.pid");
        let program = fake_worker(
            dir.path(),
            &format!("sleep 60 & echo $! > '{}'; wait", pid_file.display()),
        );
        let mut slot = None;
        let started = Instant::now();
        let answer = ask_on(
            &mut slot,
            &program,
            OsStr::new("file:/m/a.mov"),
            Duration::from_millis(500),
        );
        assert_eq!(answer, None);
        assert!(slot.is_none(), "the hung worker is dropped");
        assert!(started.elapsed() < Duration::from_secs(5));
        let child: u32 = std::fs::read_to_string(&pid_file)
            .expect("pid file")
            .trim()
            .parse()
            .expect("pid");
        let deadline = Instant::now() + Duration::from_secs(5);
        while is_alive(child) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!is_alive(child), "the worker's own child was killed too");
    }

    #[test]
    fn a_worker_that_dies_is_dropped() {
        let dir = tempfile::tempdir().expect("temp dir");
        let program = fake_worker(dir.path(), "read a; exit 1");
        let mut slot = None;
        let answer = ask_on(
            &mut slot,
            &program,
            OsStr::new("file:/m/a.mov"),
            Duration::from_secs(5),
        );
        assert_eq!(answer, None);
        assert!(slot.is_none());
    }
}
