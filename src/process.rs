//! Running ffprobe/ffmpeg: never through a shell, paths passed so that a name like `-i.mov` or
//! `concat:x.mov` is just a file, and a hung child (stale network mount) killed after a timeout.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;
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
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let err_reader = thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    // The child lives on the timer thread: killing it there also ends the read below.
    let timer = thread::spawn(move || match child.wait_timeout(timeout) {
        Ok(Some(status)) => Ok(status),
        Ok(None) => {
            let _ = child.kill();
            let _ = child.wait();
            Err(RunError::TimedOut(timeout))
        }
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            Err(RunError::Io(e))
        }
    });
    let mut buffer = vec![0u8; 64 * 1024];
    let mut read_error = None;
    loop {
        match stdout.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => on_stdout(&buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                read_error = Some(e);
                break;
            }
        }
    }
    drop(stdout);
    let status = timer
        .join()
        .map_err(|_| RunError::Io(std::io::Error::other("timer thread panicked")))??;
    // Output cut short is not a success, whatever the exit status says.
    if let Some(e) = read_error {
        return Err(RunError::Io(e));
    }
    let stderr = err_reader.join().unwrap_or_default();
    Ok(Output {
        success: status.success(),
        stdout: Vec::new(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    })
}
