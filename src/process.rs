//! Running ffprobe/ffmpeg: never through a shell, paths passed so that a name like `-i.mov` or
//! `concat:x.mov` is just a file, and a hung child (stale network mount) killed after a timeout.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};
use wait_timeout::ChildExt;

/// What a finished child left behind.
#[derive(Debug)]
pub struct Output {
    pub success: bool,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

#[derive(Debug)]
pub enum RunError {
    /// The program is not installed (or not on PATH).
    NotFound(String),
    /// It did not finish within the timeout and was killed.
    TimedOut(Duration),
    Io(std::io::Error),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::NotFound(program) => write!(
                f,
                "{program} not found on PATH (install ffmpeg, e.g. `apt-get install -y ffmpeg`)"
            ),
            RunError::TimedOut(t) => write!(
                f,
                "gave no answer within {} s (stale mount or very slow storage?) and was killed",
                t.as_secs_f64()
            ),
            RunError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// `file:` + absolute path: ffmpeg's protocol prefix makes the path a plain file whatever its
/// name looks like, and absolute paths keep a leading `-` from reading as an option.
pub fn media_url(path: &Path) -> String {
    let absolute: PathBuf = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    format!("file:{}", absolute.display())
}

/// Runs `program args…`, collecting stdout and stderr on their own threads (so a chatty child
/// never blocks on a full pipe), and kills it if it outlives `timeout`.
pub fn run_with_timeout(
    program: &str,
    args: &[String],
    timeout: Duration,
) -> Result<Output, RunError> {
    let mut stdout = Vec::new();
    let output = run_streaming(program, args, timeout, &mut |bytes| {
        stdout.extend_from_slice(bytes)
    })?;
    Ok(Output { stdout, ..output })
}

/// Like `run_with_timeout`, but hands stdout to `on_stdout` as it arrives instead of keeping
/// it, so a child that streams decoded samples costs constant memory whatever the file's
/// length. The returned `Output` has an empty `stdout`.
pub fn run_streaming(
    program: &str,
    args: &[String],
    timeout: Duration,
    on_stdout: &mut dyn FnMut(&[u8]),
) -> Result<Output, RunError> {
    let deadline = Instant::now() + timeout;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => RunError::NotFound(program.to_owned()),
            _ => RunError::Io(e),
        })?;
    // Both pipes are read on threads of their own and reach us through channels, so no read
    // can hold this thread past the deadline (a descendant of the child may keep a pipe open
    // after the child is gone; its reader thread is then left behind, not us).
    let chunks = read_in_chunks(child.stdout.take().expect("piped stdout"));
    let stderr = read_all(child.stderr.take().expect("piped stderr"));
    let mut exited_at: Option<Instant> = None;
    let mut read_error = None;
    loop {
        match chunks.recv_timeout(Duration::from_millis(50)) {
            Ok(Ok(chunk)) => on_stdout(&chunk),
            Ok(Err(e)) => {
                read_error = Some(e);
                let _ = child.kill();
                break;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if exited_at.is_none() && child.try_wait().map_err(RunError::Io)?.is_some() {
                    exited_at = Some(Instant::now());
                }
                if exited_at.is_some_and(|at| at.elapsed() > PIPE_GRACE) {
                    break;
                }
            }
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(RunError::TimedOut(timeout));
        }
    }
    let left = deadline.saturating_duration_since(Instant::now());
    let status = match child.wait_timeout(left).map_err(RunError::Io)? {
        Some(status) => status,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(RunError::TimedOut(timeout));
        }
    };
    // Output cut short is not a success, whatever the exit status says.
    if let Some(e) = read_error {
        return Err(RunError::Io(e));
    }
    let stderr = stderr.recv_timeout(PIPE_GRACE).unwrap_or_default();
    Ok(Output {
        success: status.success(),
        stdout: Vec::new(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    })
}

/// How long a pipe may stay open after its process has exited before we stop waiting for it.
const PIPE_GRACE: Duration = Duration::from_secs(1);

/// Reads `pipe` on its own thread and hands over what arrives, a few chunks ahead at most.
fn read_in_chunks(
    mut pipe: impl Read + Send + 'static,
) -> mpsc::Receiver<std::io::Result<Vec<u8>>> {
    let (send, chunks) = mpsc::sync_channel(4);
    thread::spawn(move || {
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let chunk = match pipe.read(&mut buffer) {
                Ok(0) => return,
                Ok(n) => Ok(buffer[..n].to_vec()),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => Err(e),
            };
            let failed = chunk.is_err();
            if send.send(chunk).is_err() || failed {
                return;
            }
        }
    });
    chunks
}

/// Reads all of `pipe` on its own thread.
fn read_all(mut pipe: impl Read + Send + 'static) -> mpsc::Receiver<Vec<u8>> {
    let (send, all) = mpsc::channel();
    thread::spawn(move || {
        let mut buffer = Vec::new();
        let _ = pipe.read_to_end(&mut buffer);
        let _ = send.send(buffer);
    });
    all
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn sh(script: &str, timeout: Duration) -> (Result<Output, RunError>, Vec<u8>, Duration) {
        let started = Instant::now();
        let mut out = Vec::new();
        let result = run_streaming(
            "sh",
            &["-c".to_owned(), script.to_owned()],
            timeout,
            // Keep the head only: `yes` writes as fast as the pipe goes.
            &mut |bytes| out.extend(bytes.iter().take(4096 - out.len().min(4096))),
        );
        (result, out, started.elapsed())
    }

    #[test]
    fn streams_stdout_and_keeps_stderr() {
        let (result, out, _) = sh("echo out; echo err >&2; exit 3", Duration::from_secs(10));
        let output = result.expect("ran");
        assert_eq!(out, b"out\n");
        assert_eq!(output.stderr, "err\n");
        assert!(!output.success);
    }

    #[test]
    fn a_descendant_holding_the_pipe_does_not_hold_us() {
        // sh exits at once; the background sleep keeps stdout open for 30 s.
        let (result, out, took) = sh("sleep 30 & echo done", Duration::from_secs(20));
        assert!(result.expect("ran").success);
        assert_eq!(out, b"done\n");
        assert!(took < Duration::from_secs(5), "took {took:?}");
    }

    #[test]
    fn a_child_that_never_stops_talking_is_killed_at_the_deadline() {
        let (result, out, took) = sh("yes", Duration::from_millis(500));
        assert!(matches!(result, Err(RunError::TimedOut(_))));
        assert!(!out.is_empty());
        assert!(took < Duration::from_secs(5), "took {took:?}");
    }
}
