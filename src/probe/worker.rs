//! The probe worker: `dailies-qc-probe`, installed beside `dailies-qc` and started once per
//! engine thread, answers what ffprobe would print for one file after another
//! (src/probe/worker.c), so that a scan pays one process start-up instead of one per file.
//! It keeps ffprobe's isolation: a file that hangs or crashes it costs only that worker, which
//! is killed (with its process group) and started afresh for the next file. A file it hung on
//! costs one timeout, as it would with ffprobe, and is reported as such; one it crashed on or
//! refused goes to a one-off ffprobe, so a hostile file becomes the same finding as without
//! the worker. ffprobe also answers whenever the worker is not built or will not start. The
//! worker runs under the one supervisor, [`crate::process::LineServer`].

use crate::process::{LineServer, NoAnswer};
use std::cell::RefCell;
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The worker's program, found beside the running binary (`cargo install` puts both there).
pub const PROGRAM_NAME: &str = "dailies-qc-probe";
/// `DAILIES_QC_PROBE=ffprobe` probes every file with ffprobe: for tests and debugging.
pub const CHOICE_VAR: &str = "DAILIES_QC_PROBE";
/// The worker's first line: proof that the program started is a worker of this protocol.
const GREETING: &[u8] = b"dailies-qc-probe-worker 1";
const ERROR_PREFIX: &[u8] = b"{\"error\":";

/// How files are probed: an engine option ([`crate::engine::Options::prober`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prober {
    /// The probe worker at this path, and ffprobe where it cannot answer.
    Worker(PathBuf),
    /// ffprobe for every file.
    Ffprobe,
}

impl Prober {
    /// The worker beside the running program, unless this build has none or
    /// `DAILIES_QC_PROBE=ffprobe` asks for ffprobe.
    pub fn beside_this_program() -> Prober {
        let forced_ffprobe = std::env::var_os(CHOICE_VAR).is_some_and(|v| v == "ffprobe");
        let beside = std::env::current_exe()
            .ok()
            .and_then(|exe| Some(exe.parent()?.join(PROGRAM_NAME)));
        match (is_built(), forced_ffprobe, beside) {
            (true, false, Some(program)) => Prober::Worker(program),
            _ => Prober::Ffprobe,
        }
    }
}

impl Default for Prober {
    fn default() -> Self {
        Prober::beside_this_program()
    }
}

/// What the worker said about one file.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Answer {
    /// ffprobe's JSON for it.
    Json(Vec<u8>),
    /// ffprobe must answer: there is no worker, or it refused the file or died on it.
    Ffprobe,
    /// It hung on the file past the deadline and was killed: that is the file's answer (the
    /// same file would hang ffprobe too, and one timeout is all a hung file may cost).
    Hung,
}

/// This engine thread's worker: the program it runs, and the worker (`None` once one would not
/// start: ffprobe answers for the rest of the run on this thread).
type Slot = Option<(PathBuf, Option<LineServer>)>;

thread_local! {
    static WORKER: RefCell<Slot> = const { RefCell::new(None) };
}

/// Whether this build contains the worker (libavformat was found when it was built).
pub const fn is_built() -> bool {
    cfg!(probe_worker)
}

/// What this thread's worker says about the file at `url`, within `timeout`.
pub(super) fn ask(prober: &Prober, url: &OsStr, timeout: Duration) -> Answer {
    let Prober::Worker(program) = prober else {
        return Answer::Ffprobe;
    };
    WORKER.with_borrow_mut(|slot| ask_on(slot, program, url, timeout))
}

/// Asks the worker in `slot`, starting one from `program` if there is none, and dropping it
/// (which kills it) when it hangs or dies.
fn ask_on(slot: &mut Slot, program: &Path, url: &OsStr, timeout: Duration) -> Answer {
    if slot.as_ref().is_none_or(|(started, _)| started != program) {
        *slot = Some((
            program.to_path_buf(),
            LineServer::start(program, GREETING, timeout),
        ));
    }
    let Some((_, Some(worker))) = slot.as_mut() else {
        return Answer::Ffprobe;
    };
    // The URL's bytes as hex: any byte of a name survives the line framing.
    let mut request = String::with_capacity(url.len() * 2);
    for byte in url.as_bytes() {
        let _ = write!(request, "{byte:02x}");
    }
    match worker.ask(request.as_bytes(), timeout) {
        Ok(line) if line.starts_with(ERROR_PREFIX) => Answer::Ffprobe,
        Ok(line) => Answer::Json(line),
        Err(no_answer) => {
            // Hung or gone: dropping it kills its group; the next file starts another.
            *slot = None;
            match no_answer {
                NoAnswer::TimedOut => Answer::Hung,
                NoAnswer::Gone => Answer::Ffprobe,
            }
        }
    }
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
            Answer::Json(b"{\"streams\":[]}".to_vec())
        );
        assert_eq!(ask_on(&mut slot, &program, url, timeout), Answer::Ffprobe);
        assert!(
            slot.as_ref().is_some_and(|(_, w)| w.is_some()),
            "a refusal is an answer: the worker stays"
        );
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
        assert_eq!(answer, Answer::Hung, "a hung file costs one timeout");
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
        assert_eq!(
            answer,
            Answer::Ffprobe,
            "ffprobe answers for a file the worker died on"
        );
        assert!(slot.is_none());
    }

    #[test]
    fn a_worker_that_will_not_start_leaves_the_thread_to_ffprobe() {
        let dir = tempfile::tempdir().expect("temp dir");
        let program = dir.path().join("no-such-worker");
        let mut slot = None;
        let url = OsStr::new("file:/m/a.mov");
        let timeout = Duration::from_secs(5);
        assert_eq!(ask_on(&mut slot, &program, url, timeout), Answer::Ffprobe);
        assert!(
            matches!(slot, Some((_, None))),
            "not tried again on this thread"
        );
        assert_eq!(ask_on(&mut slot, &program, url, timeout), Answer::Ffprobe);
    }
}
