//! Small helpers shared by the ffmpeg-based analyses.

use crate::process::{Output, RunError, run_with_timeout};
use std::time::Duration;

/// Time allowed for an analysis that decodes `seconds` of media: generous (a slow network
/// mount, a busy machine) but finite, so a hung read is killed rather than blocking a run.
pub fn timeout_for(seconds: f64) -> Duration {
    let seconds = if seconds.is_finite() {
        seconds.max(0.0)
    } else {
        0.0
    };
    Duration::from_secs_f64(120.0 + seconds * 4.0)
}

/// Runs ffmpeg and returns (stdout, stderr); a failed run becomes a one-line message.
pub fn run(args: &[String], timeout: Duration) -> Result<(Vec<u8>, String), String> {
    let output = run_with_timeout("ffmpeg", args, timeout);
    checked(output).map(|o| (o.stdout, o.stderr))
}

/// Runs ffmpeg handing its stdout to `on_stdout` as it arrives; returns stderr.
pub fn run_streaming(
    args: &[String],
    timeout: Duration,
    on_stdout: &mut dyn FnMut(&[u8]),
) -> Result<String, String> {
    let output = crate::process::run_streaming("ffmpeg", args, timeout, on_stdout);
    checked(output).map(|o| o.stderr)
}

/// A run that failed, timed out or exited non-zero becomes a one-line message.
fn checked(output: Result<Output, RunError>) -> Result<Output, String> {
    let output = output.map_err(|e| match e {
        RunError::TimedOut(_) => format!("ffmpeg: {e}"),
        _ => e.to_string(),
    })?;
    if output.success {
        Ok(output)
    } else {
        let last = output
            .stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message")
            .trim()
            .to_owned();
        Err(format!("ffmpeg could not decode the file: {last}"))
    }
}

/// Arguments common to every analysis run: quiet, no stdin, no progress line.
pub fn base_args() -> Vec<String> {
    ["-hide_banner", "-nostdin", "-nostats"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// Parses `f32le` bytes into samples (a trailing partial sample is dropped).
pub fn f32_samples(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}
