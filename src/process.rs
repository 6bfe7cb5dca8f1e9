//! The one supervisor of child programs (ffprobe, ffmpeg, the probe worker): never run through a shell, paths
//! passed so that a name like `-i.mov` or `concat:x.mov` is just a file, and a child that hangs
//! (stale network mount), stalls or never ends killed together with everything it started.
//!
//! Each child runs in a process group of its own, so that a kill reaches its descendants too
//! (a killed wrapper script would otherwise leave its children running). The group is killed
//! before the child is reaped: until then the child's pid, which names the group, cannot be
//! given to another process.

use rustix::process::{Pid, Signal, WaitId, WaitIdOptions};
use std::ffi::{OsStr, OsString};
use std::io::{BufRead, BufReader, Read};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// What a finished child left behind.
#[derive(Debug)]
pub struct Output {
    pub success: bool,
    /// Empty when stdout went to a consumer as it arrived (`run_streaming`).
    pub stdout: Vec<u8>,
    /// The first `STDERR_HEAD` bytes of stderr: enough for the error that matters, in constant
    /// memory even when a broken file makes ffmpeg print an error per packet.
    pub stderr: String,
}

/// How long a child may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The whole run, however busy the child is.
    pub deadline: Duration,
    /// The longest the child may go without writing anything (to stdout, or a line to stderr:
    /// ffmpeg's `-progress` lines are its heartbeat); `None` for a child that works before it
    /// speaks (ffprobe, an encode to a file).
    pub stall: Option<Duration>,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The program is not installed (or not on PATH).
    #[error("{0} not found on PATH (install ffmpeg, e.g. `apt-get install -y ffmpeg`)")]
    NotFound(String),
    /// The program is there but could not be started (not executable, out of processes…).
    #[error(transparent)]
    Spawn(std::io::Error),
    /// It did not finish within the deadline and was killed.
    #[error(
        "gave no answer within {} s (stale mount or very slow storage?) and was killed",
        .0.as_secs_f64()
    )]
    TimedOut(Duration),
    /// It wrote nothing for the stall timeout and was killed.
    #[error(
        "wrote nothing for {} s (hung or very slow storage?) and was killed",
        .0.as_secs_f64()
    )]
    Stalled(Duration),
    /// The stdout consumer refused what came, for this reason; the child was killed.
    #[error("{0}")]
    Stopped(String),
    /// Reading the child's stdout or waiting for it failed.
    #[error(transparent)]
    Io(std::io::Error),
}

/// `file:` + absolute path: ffmpeg's protocol prefix makes the path a plain file whatever its
/// name looks like, and absolute paths keep a leading `-` from reading as an option. The path's
/// bytes go through as they are: a name that is not UTF-8 must not reach ffmpeg as another name.
pub fn media_url(path: &Path) -> OsString {
    let absolute: PathBuf = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut url = OsString::from("file:");
    url.push(absolute.as_os_str());
    url
}

/// Runs `program args…` to the end, keeping its stdout, and kills it if it outlives `timeout`.
pub fn run_with_timeout(
    program: &str,
    args: &[impl AsRef<OsStr>],
    timeout: Duration,
) -> Result<Output, RunError> {
    let limits = Limits {
        deadline: timeout,
        stall: None,
    };
    let mut stdout = Vec::new();
    let output = run_streaming(
        program,
        args,
        limits,
        &mut |bytes| {
            stdout.extend_from_slice(bytes);
            Ok(())
        },
        &mut |_| {},
    )?;
    Ok(Output { stdout, ..output })
}

/// Runs `program args…`, handing stdout to `on_stdout` as it arrives (constant memory whatever
/// the file's length; an `Err` from it kills the child) and each line of stderr, without its
/// line end, to `on_stderr_line` (lines past the head `Output::stderr` keeps included; a line
/// longer than `MAX_LINE` comes in pieces). Kills the child's process group when `limits` run
/// out, and once the child has exited, so that nothing it started outlives the run.
pub fn run_streaming(
    program: &str,
    args: &[impl AsRef<OsStr>],
    limits: Limits,
    on_stdout: &mut dyn FnMut(&[u8]) -> Result<(), String>,
    on_stderr_line: &mut dyn FnMut(&str),
) -> Result<Output, RunError> {
    run_streaming_with_fd3(program, args, limits, on_stdout, None, on_stderr_line)
}

/// Takes a child's output as it arrives; an `Err` stops the child.
pub type Consumer<'a> = dyn FnMut(&[u8]) -> Result<(), String> + 'a;

/// `run_streaming`, with a second output pipe on the child's file descriptor 3 (ffmpeg's
/// `pipe:3`) handed to `on_fd3` as it arrives, when one is given: two raw streams (samples and
/// pictures) from one child, which one stdout could only carry in a container to take apart.
pub fn run_streaming_with_fd3(
    program: &str,
    args: &[impl AsRef<OsStr>],
    limits: Limits,
    on_stdout: &mut dyn FnMut(&[u8]) -> Result<(), String>,
    mut on_fd3: Option<&mut Consumer<'_>>,
    on_stderr_line: &mut dyn FnMut(&str),
) -> Result<Output, RunError> {
    let started = Instant::now();
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let fd3 = match on_fd3 {
        Some(_) => Some(pipe_to_fd3(&mut command).map_err(RunError::Spawn)?),
        None => None,
    };
    let spawned = command.spawn();
    // The child has its own copy of the write end: ours must close, or the read end never
    // sees the end of the stream.
    drop(command);
    let mut child = spawned.map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => RunError::NotFound(program.to_owned()),
        _ => RunError::Spawn(e),
    })?;
    let _registered = Registered::new(&child);
    let events = read_pipes(&mut child, fd3);
    // With no deadline this far out, the run simply has none.
    let deadline = started.checked_add(limits.deadline);
    let mut last_output = started;
    let mut exited_at: Option<Instant> = None;
    let mut stderr_head = Vec::new();
    loop {
        match events.recv_timeout(TICK) {
            Ok(Event::Stdout(bytes)) => {
                if let Err(why) = on_stdout(&bytes) {
                    return Err(killed(child, RunError::Stopped(why)));
                }
                last_output = Instant::now();
            }
            Ok(Event::Fd3(bytes)) => {
                if let Some(Err(why)) = on_fd3.as_mut().map(|consume| consume(&bytes)) {
                    return Err(killed(child, RunError::Stopped(why)));
                }
                last_output = Instant::now();
            }
            Ok(Event::StdoutFailed(e)) => return Err(killed(child, RunError::Io(e))),
            Ok(Event::StderrLine(line)) => {
                let room = STDERR_HEAD.saturating_sub(stderr_head.len());
                stderr_head.extend(line.iter().take(room));
                on_stderr_line(String::from_utf8_lossy(line_without_end(&line)).as_ref());
                last_output = Instant::now();
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            // Both pipes are closed: only the child's exit is left to wait for.
            Err(mpsc::RecvTimeoutError::Disconnected) if exited_at.is_some() => break,
            Err(mpsc::RecvTimeoutError::Disconnected) => thread::sleep(TICK),
        }
        if exited_at.is_none() {
            match has_exited(&child) {
                Ok(true) => {
                    // What it started dies with it; the pipes then close at once.
                    kill_group(&child);
                    exited_at = Some(Instant::now());
                }
                Ok(false) => {}
                Err(e) => return Err(killed(child, RunError::Io(e))),
            }
        }
        // A pipe still open after the group is gone belongs to a process that left the group:
        // it is not waited for — once it has been quiet for the grace too. Output the child
        // wrote before it exited may still be queued behind a slow consumer (a meter): all of
        // it is read.
        if exited_at.is_some_and(|at| at.elapsed() > PIPE_GRACE)
            && last_output.elapsed() > PIPE_GRACE
        {
            break;
        }
        if let Some(stall) = limits.stall
            && exited_at.is_none()
            && last_output.elapsed() > stall
        {
            return Err(killed(child, RunError::Stalled(stall)));
        }
        if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
            return Err(killed(child, RunError::TimedOut(limits.deadline)));
        }
    }
    // The child has exited (seen above without reaping it), so this returns at once.
    let status = child.wait().map_err(RunError::Io)?;
    Ok(Output {
        success: status.success(),
        stdout: Vec::new(),
        stderr: String::from_utf8_lossy(&stderr_head).into_owned(),
    })
}

/// How much of stderr `Output::stderr` keeps.
const STDERR_HEAD: usize = 16 * 1024;
/// The longest stderr line handed over whole.
const MAX_LINE: u64 = 16 * 1024;
/// How often the limits are checked while the child is quiet.
const TICK: Duration = Duration::from_millis(50);
/// How long a pipe may stay open after the child has exited before we stop waiting for it.
const PIPE_GRACE: Duration = Duration::from_secs(1);

/// What the pipe readers report.
enum Event {
    Stdout(Vec<u8>),
    /// What came on the second output pipe (`run_streaming_with_fd3`).
    Fd3(Vec<u8>),
    /// Reading stdout failed: what came so far is cut short.
    StdoutFailed(std::io::Error),
    /// One line of stderr, with its line end when it had one.
    StderrLine(Vec<u8>),
}

/// Reads both pipes on threads of their own, a few events ahead at most, so no read can hold
/// the supervisor past a limit (a process that left the child's group may keep a pipe open;
/// its reader thread is then left behind, not the supervisor). The channel disconnects when
/// both pipes are closed.
/// Size of the fd 3 pipe, and of the reads of stdout and fd 3.
const FD3_PIPE_BYTES: usize = 1 << 20;

fn read_pipes(child: &mut Child, fd3: Option<OwnedFd>) -> mpsc::Receiver<Event> {
    let (send, events) = mpsc::sync_channel(8);
    if let Some(stdout) = child.stdout.take() {
        let send = send.clone();
        thread::spawn(move || read_chunks(stdout, Event::Stdout, &send));
    }
    if let Some(fd3) = fd3 {
        let send = send.clone();
        thread::spawn(move || read_chunks(std::fs::File::from(fd3), Event::Fd3, &send));
    }
    if let Some(stderr) = child.stderr.take() {
        thread::spawn(move || read_lines(stderr, &send));
    }
    events
}

fn read_chunks(
    mut pipe: impl Read,
    event_of: fn(Vec<u8>) -> Event,
    events: &mpsc::SyncSender<Event>,
) {
    let mut buffer = vec![0u8; FD3_PIPE_BYTES];
    loop {
        let event = match pipe.read(&mut buffer) {
            Ok(0) => return,
            Ok(n) => event_of(buffer[..n].to_vec()),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => Event::StdoutFailed(e),
        };
        let failed = matches!(event, Event::StdoutFailed(_));
        if events.send(event).is_err() || failed {
            return;
        }
    }
}

/// Stderr line by line, each at most `MAX_LINE` bytes. A read error ends it like the end of
/// the pipe: stderr only explains, it carries no results.
fn read_lines(pipe: impl Read, events: &mpsc::SyncSender<Event>) {
    let mut reader = BufReader::new(pipe);
    loop {
        let mut line = Vec::new();
        match (&mut reader).take(MAX_LINE).read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                if events.send(Event::StderrLine(line)).is_err() {
                    return;
                }
            }
        }
    }
}

/// A pipe whose write end `command`'s child gets as file descriptor 3; returns the read end.
/// Both ends are close-on-exec, so no other child inherits them; the child's fd 3 is a
/// `dup2` copy, which is not.
fn pipe_to_fd3(command: &mut Command) -> std::io::Result<OwnedFd> {
    let (read, write) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)?;
    // A picture tap writes hundreds of kilobytes a frame: a 1 MiB pipe takes a whole frame, so
    // it crosses in one read instead of a dozen 64 KiB ones (each a wake-up of both sides).
    // Refused above the system's limit for unprivileged users; the default size then serves.
    let _ = rustix::pipe::fcntl_setpipe_size(&read, FD3_PIPE_BYTES);
    // SAFETY: between fork and exec only async-signal-safe calls may run: `dup2` is one, and
    // the closure allocates nothing. `fd3` names descriptor 3 without owning it: forgetting it
    // keeps the descriptor open for the program.
    unsafe {
        command.pre_exec(move || {
            if write.as_raw_fd() == 3 {
                // `dup2` onto itself would leave close-on-exec set.
                return rustix::io::fcntl_setfd(&write, rustix::io::FdFlags::empty())
                    .map_err(std::io::Error::from);
            }
            let mut fd3 = OwnedFd::from_raw_fd(3);
            let result = rustix::io::dup2(&write, &mut fd3);
            std::mem::forget(fd3);
            result.map_err(std::io::Error::from)
        });
    }
    Ok(read)
}

/// `line` without its `\n` or `\r\n`, as `str::lines` gives it.
fn line_without_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Whether the child has exited, leaving it unreaped so that its group can still be killed.
fn has_exited(child: &Child) -> std::io::Result<bool> {
    let options = WaitIdOptions::EXITED | WaitIdOptions::NOHANG | WaitIdOptions::NOWAIT;
    Ok(rustix::process::waitid(WaitId::Pid(group_of(child)), options)?.is_some())
}

/// The child's process group, which has the child's pid as its id (`process_group(0)`).
fn group_of(child: &Child) -> Pid {
    Pid::from_child(child)
}

/// The process groups of the children running now, so that a review that ends (quit, hang-up)
/// can take its preview's and its checks' ffmpegs down with it: a child in a group of its own
/// outlives its parent otherwise, reading a stale mount until its deadline.
static RUNNING: std::sync::Mutex<Vec<i32>> = std::sync::Mutex::new(Vec::new());

/// A child's entry in `RUNNING`, for as long as `run_streaming` supervises it.
struct Registered(i32);

impl Registered {
    fn new(child: &Child) -> Registered {
        let pid = group_of(child).as_raw_nonzero().get();
        RUNNING.lock().unwrap_or_else(|e| e.into_inner()).push(pid);
        Registered(pid)
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        running.retain(|&pid| pid != self.0);
    }
}

/// Kills the process group of every child still running (before the program exits).
pub fn kill_every_child() {
    let running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
    for &pid in running.iter() {
        if let Some(group) = Pid::from_raw(pid) {
            let _ = rustix::process::kill_process_group(group, Signal::KILL);
        }
    }
}

/// SIGKILL to the child's process group. It fails only when the group is already empty.
fn kill_group(child: &Child) {
    let _ = rustix::process::kill_process_group(group_of(child), Signal::KILL);
}

/// Kills the child's group and returns `why`.
fn killed(child: Child, why: RunError) -> RunError {
    end(child);
    why
}

/// Kills the child's group and reaps the child on a thread of its own: one stuck in the kernel
/// (a read from a dead mount) dies only when that read returns, and the supervisor does not
/// wait for that.
fn end(mut child: Child) {
    kill_group(&child);
    thread::spawn(move || child.wait());
}

/// A long-lived child that answers each line it is sent with one line (the probe worker):
/// started in a process group of its own, asked under a deadline, and killed with its group and
/// reaped when dropped, as every child of [`run_streaming`] is.
pub struct LineServer {
    /// Always `Some` until dropped.
    child: Option<Child>,
    requests: std::process::ChildStdin,
    /// Its stdout's lines, read on a thread of their own so that a wait can end at a deadline.
    answers: mpsc::Receiver<Vec<u8>>,
    // Dropped after `drop` has killed the child: the group is in `RUNNING` while it lives.
    _registered: Registered,
}

/// Why a [`LineServer`] gave no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoAnswer {
    /// Nothing within the deadline: it hangs (or the file it reads does).
    TimedOut,
    /// Its output closed, or it could not be written to: it died.
    Gone,
}

impl LineServer {
    /// Starts `program`, which must first say `greeting` (one line) within `deadline`: proof
    /// that what started speaks the protocol. `None` when it does not.
    pub fn start(program: &Path, greeting: &[u8], deadline: Duration) -> Option<LineServer> {
        let mut child = Command::new(program)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .ok()?;
        let registered = Registered::new(&child);
        let (Some(requests), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            end(child);
            return None;
        };
        let (send, answers) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).split(b'\n') {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let server = LineServer {
            child: Some(child),
            requests,
            answers,
            _registered: registered,
        };
        match server.answers.recv_timeout(deadline) {
            Ok(line) if line == greeting => Some(server),
            _ => None,
        }
    }

    /// Sends `request` as one line and waits up to `deadline` for the answer line. After an
    /// error the server is of no more use: drop it (which kills it) and start another.
    pub fn ask(&mut self, request: &[u8], deadline: Duration) -> Result<Vec<u8>, NoAnswer> {
        use std::io::Write;
        let sent = self
            .requests
            .write_all(request)
            .and_then(|()| self.requests.write_all(b"\n"))
            .and_then(|()| self.requests.flush());
        if sent.is_err() {
            return Err(NoAnswer::Gone);
        }
        self.answers.recv_timeout(deadline).map_err(|e| match e {
            mpsc::RecvTimeoutError::Timeout => NoAnswer::TimedOut,
            mpsc::RecvTimeoutError::Disconnected => NoAnswer::Gone,
        })
    }
}

impl Drop for LineServer {
    fn drop(&mut self) {
        if let Some(child) = self.child.take() {
            end(child);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Run {
        result: Result<Output, RunError>,
        stdout: Vec<u8>,
        stderr_lines: Vec<String>,
        took: Duration,
    }

    fn sh(script: &str, limits: Limits) -> Run {
        let started = Instant::now();
        let (mut stdout, mut stderr_lines) = (Vec::new(), Vec::new());
        let result = run_streaming(
            "sh",
            &["-c".to_owned(), script.to_owned()],
            limits,
            // Keep the head only: `yes` writes as fast as the pipe goes.
            &mut |bytes| {
                let room = 4096 - stdout.len().min(4096);
                stdout.extend(bytes.iter().take(room));
                Ok(())
            },
            &mut |line| stderr_lines.push(line.to_owned()),
        );
        Run {
            result,
            stdout,
            stderr_lines,
            took: started.elapsed(),
        }
    }

    fn within(deadline: Duration) -> Limits {
        Limits {
            deadline,
            stall: None,
        }
    }

    #[test]
    fn output_queued_behind_a_slow_consumer_is_read_after_the_child_exits() {
        // The child writes 400 kB and exits as soon as the pipe and the reader's queue hold the
        // rest (~320 kB); the consumer takes ~1.5 s more to get through that, past the grace
        // given to pipes after an exit.
        let mut total = 0usize;
        let result = run_streaming(
            "sh",
            &["-c".to_owned(), "yes | head -c 400000".to_owned()],
            within(Duration::from_secs(60)),
            &mut |bytes| {
                total += bytes.len();
                thread::sleep(Duration::from_millis(300));
                Ok(())
            },
            &mut |_| {},
        );
        assert!(result.expect("ran").success);
        assert_eq!(total, 400_000, "output was dropped");
    }

    /// Processes of group `pgid` that are still alive (zombies, dead but not yet reaped by
    /// whoever inherited them, do not count).
    fn live_members(pgid: i32) -> Vec<i32> {
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        entries
            .filter_map(|entry| {
                let pid: i32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
                let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
                // `pid (comm) state ppid pgrp …`: comm may hold spaces, so split after it.
                let mut fields = stat.rsplit_once(')')?.1.split_whitespace();
                let state = fields.next()?;
                let pgrp: i32 = fields.nth(1)?.parse().ok()?;
                (pgrp == pgid && state != "Z").then_some(pid)
            })
            .collect()
    }

    #[test]
    fn media_url_keeps_every_byte_of_the_name() {
        use std::os::unix::ffi::OsStrExt;
        let url = media_url(Path::new(OsStr::from_bytes(b"/m/clip\xff.mov")));
        assert_eq!(url.as_bytes(), b"file:/m/clip\xff.mov");
    }

    #[test]
    fn streams_stdout_and_keeps_stderr() {
        let run = sh(
            "echo out; echo err >&2; printf 'last' >&2; exit 3",
            within(Duration::from_secs(10)),
        );
        let output = run.result.expect("ran");
        assert_eq!(run.stdout, b"out\n");
        assert_eq!(output.stderr, "err\nlast");
        assert_eq!(run.stderr_lines, ["err", "last"]);
        assert!(!output.success);
    }

    #[test]
    fn only_the_head_of_stderr_is_kept_but_every_line_is_seen() {
        // 40000 lines of 6 bytes: 240000 bytes.
        let run = sh(
            "yes error | head -n 40000 >&2; echo done",
            within(Duration::from_secs(20)),
        );
        let output = run.result.expect("ran");
        assert!(output.success);
        assert_eq!(output.stderr.len(), STDERR_HEAD);
        assert!(output.stderr.starts_with("error\nerror\n"));
        assert_eq!(run.stderr_lines.len(), 40_000);
        assert_eq!(run.stdout, b"done\n");
    }

    #[test]
    fn a_descendant_holding_the_pipe_does_not_hold_us() {
        // sh exits at once; the background sleep would keep stdout open for 30 s.
        let run = sh("sleep 30 & echo done", within(Duration::from_secs(20)));
        assert!(run.result.expect("ran").success);
        assert_eq!(run.stdout, b"done\n");
        assert!(run.took < Duration::from_secs(5), "took {:?}", run.took);
    }

    #[test]
    fn a_child_that_never_stops_talking_is_killed_at_the_deadline() {
        let limits = Limits {
            deadline: Duration::from_millis(500),
            stall: Some(Duration::from_millis(200)),
        };
        let run = sh("yes", limits);
        assert!(
            matches!(run.result, Err(RunError::TimedOut(_))),
            "{:?}",
            run.result
        );
        assert!(!run.stdout.is_empty());
        assert!(run.took < Duration::from_secs(5), "took {:?}", run.took);
    }

    #[test]
    fn a_child_that_goes_quiet_is_killed_as_stalled() {
        let limits = Limits {
            deadline: Duration::from_secs(20),
            stall: Some(Duration::from_millis(300)),
        };
        let run = sh("echo started; sleep 300", limits);
        let Err(e) = run.result else {
            panic!("not stalled: {:?}", run.result)
        };
        assert!(matches!(e, RunError::Stalled(_)), "{e:?}");
        assert_eq!(
            e.to_string(),
            "wrote nothing for 0.3 s (hung or very slow storage?) and was killed"
        );
        assert_eq!(run.stdout, b"started\n");
        assert!(run.took < Duration::from_secs(5), "took {:?}", run.took);
    }

    #[test]
    fn a_consumer_that_refuses_output_stops_the_child() {
        let started = Instant::now();
        let result = run_streaming(
            "yes",
            &[] as &[&str],
            within(Duration::from_secs(20)),
            &mut |_| Err("enough".to_owned()),
            &mut |_| {},
        );
        assert!(
            matches!(&result, Err(RunError::Stopped(why)) if why == "enough"),
            "{result:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_timeout_kills_what_the_child_started_too() {
        let started = Instant::now();
        let mut group = None;
        let result = run_streaming(
            "sh",
            &["-c".to_owned(), "echo $$; sleep 300 & sleep 300".to_owned()],
            within(Duration::from_millis(500)),
            &mut |bytes| {
                let pgid: i32 = String::from_utf8_lossy(bytes).trim().parse().expect("pid");
                assert!(live_members(pgid).contains(&pgid), "sh leads its group");
                group = Some(pgid);
                Ok(())
            },
            &mut |_| {},
        );
        assert!(matches!(result, Err(RunError::TimedOut(_))), "{result:?}");
        assert!(started.elapsed() < Duration::from_secs(5));
        let pgid = group.expect("sh gave its pid");
        // SIGKILL is delivered asynchronously: give the kernel a moment.
        let mut left = live_members(pgid);
        for _ in 0..50 {
            if left.is_empty() {
                break;
            }
            thread::sleep(Duration::from_millis(20));
            left = live_members(pgid);
        }
        assert!(left.is_empty(), "still running in group {pgid}: {left:?}");
    }

    #[test]
    fn a_missing_program_says_how_to_install_it() {
        let result = run_with_timeout(
            "no-such-program-dqc",
            &[] as &[&str],
            Duration::from_secs(5),
        );
        let Err(e) = result else {
            panic!("ran: {result:?}")
        };
        let _: &dyn std::error::Error = &e;
        assert_eq!(
            e.to_string(),
            "no-such-program-dqc not found on PATH (install ffmpeg, e.g. `apt-get install -y ffmpeg`)"
        );
    }
}
