//! Small helpers shared by the ffmpeg-based analyses.

use crate::process::{self, Limits, RunError};
use std::ffi::OsString;
use std::time::Duration;

/// The longest timeout given: a month, past any real decode, and far inside what `Instant`
/// can add.
const LONGEST_TIMEOUT: Duration = Duration::from_secs(30 * 24 * 3600);

/// Time allowed for an analysis that decodes `seconds` of media: generous (a slow network
/// mount, a busy machine) but finite, so a hung read is killed rather than blocking a run.
/// Whatever the probe claims, it saturates at `LONGEST_TIMEOUT` rather than panic.
pub fn timeout_for(seconds: f64) -> Duration {
    let seconds = if seconds.is_finite() {
        seconds.max(0.0)
    } else {
        0.0
    };
    Duration::from_secs_f64((120.0 + seconds * 4.0).min(LONGEST_TIMEOUT.as_secs_f64()))
}

/// Runs ffmpeg and returns its stdout; a failed run becomes a one-line message.
pub fn run(args: &[OsString], timeout: Duration) -> Result<Vec<u8>, String> {
    let mut stdout = Vec::new();
    run_streaming(
        args,
        timeout,
        &mut |bytes| stdout.extend_from_slice(bytes),
        &mut |_| {},
    )?;
    Ok(stdout)
}

/// Runs ffmpeg handing its stdout to `on_stdout` as it arrives and each line of its log to
/// `on_stderr_line`; a failed run becomes a one-line message.
pub fn run_streaming(
    args: &[OsString],
    timeout: Duration,
    on_stdout: &mut dyn FnMut(&[u8]),
    on_stderr_line: &mut dyn FnMut(&str),
) -> Result<(), String> {
    let limits = Limits {
        deadline: timeout,
        stall: None,
    };
    // ffmpeg ends a failed run with its reason, however long the log before it.
    let mut last_line = String::new();
    let output = process::run_streaming(
        "ffmpeg",
        args,
        limits,
        &mut |bytes| {
            on_stdout(bytes);
            Ok(())
        },
        &mut |line| {
            if !line.trim().is_empty() {
                last_line.clear();
                last_line.push_str(line.trim());
            }
            on_stderr_line(line);
        },
    );
    let output = output.map_err(|e| match e {
        RunError::TimedOut(_) => format!("ffmpeg: {e}"),
        _ => e.to_string(),
    })?;
    if output.success {
        Ok(())
    } else {
        if last_line.is_empty() {
            last_line.push_str("no message");
        }
        Err(format!("ffmpeg could not decode the file: {last_line}"))
    }
}

/// Arguments common to every analysis run: quiet, no stdin, no progress line. Arguments are
/// `OsString`s so that a media path goes to ffmpeg byte for byte, UTF-8 or not.
pub fn base_args() -> Vec<OsString> {
    ["-hide_banner", "-nostdin", "-nostats"]
        .map(OsString::from)
        .to_vec()
}

/// Parses `f32le` bytes into samples (a trailing partial sample is dropped).
pub fn f32_samples(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timeout_grows_with_the_media() {
        assert_eq!(timeout_for(0.0), Duration::from_secs(120));
        assert_eq!(timeout_for(10.0), Duration::from_secs(160));
    }

    #[test]
    fn an_absurd_length_gives_a_finite_timeout_without_panicking() {
        for claimed in [4.6e18, 1e300, f64::MAX] {
            let timeout = timeout_for(claimed);
            assert_eq!(timeout, LONGEST_TIMEOUT, "{claimed}");
            assert!(std::time::Instant::now().checked_add(timeout).is_some());
        }
        for nonsense in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -5.0] {
            assert_eq!(
                timeout_for(nonsense),
                Duration::from_secs(120),
                "{nonsense}"
            );
        }
    }
}
