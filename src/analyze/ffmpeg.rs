//! Small helpers shared by the ffmpeg-based analyses.

use crate::probe::Probe;
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
        None,
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
    stall: Option<Duration>,
    on_stdout: &mut dyn FnMut(&[u8]),
    on_stderr_line: &mut dyn FnMut(&str),
) -> Result<(), String> {
    run_streaming_with_fd3(args, timeout, stall, on_stdout, None, on_stderr_line)
}

/// Takes ffmpeg's output as it arrives.
pub type Bytes<'a> = dyn FnMut(&[u8]) + 'a;

/// `run_streaming` with a second output on ffmpeg's `pipe:3`, handed to `on_fd3`.
pub fn run_streaming_with_fd3(
    args: &[OsString],
    timeout: Duration,
    stall: Option<Duration>,
    on_stdout: &mut dyn FnMut(&[u8]),
    mut on_fd3: Option<&mut Bytes<'_>>,
    on_stderr_line: &mut dyn FnMut(&str),
) -> Result<(), String> {
    let limits = Limits {
        deadline: timeout,
        stall,
    };
    // ffmpeg ends a failed run with its reason, however long the log before it, unless that
    // is only "Conversion failed!": then the first error it logged says why.
    let mut last_line = String::new();
    let mut first_error: Option<String> = None;
    let wants_fd3 = on_fd3.is_some();
    let mut fd3 = |bytes: &[u8]| {
        if let Some(consume) = on_fd3.as_mut() {
            consume(bytes);
        }
        Ok(())
    };
    let output = process::run_streaming_with_fd3(
        "ffmpeg",
        args,
        limits,
        &mut |bytes| {
            on_stdout(bytes);
            Ok(())
        },
        wants_fd3.then_some(&mut fd3 as &mut process::Consumer<'_>),
        &mut |line| {
            if !line.trim().is_empty() && !is_muxer_output(line) {
                last_line.clear();
                last_line.push_str(line.trim());
                if first_error.is_none() && is_error(line) && !is_generic(line) {
                    first_error = Some(without_context(line.trim()));
                }
            }
            on_stderr_line(line);
        },
    );
    let output = output.map_err(|e| match e {
        RunError::TimedOut(_) | RunError::Stalled(_) => format!("ffmpeg: {e}"),
        _ => e.to_string(),
    })?;
    if output.success {
        Ok(())
    } else {
        let cause = match first_error {
            Some(first) if last_line.is_empty() || is_generic(&last_line) => first,
            _ if last_line.is_empty() => "no message".to_owned(),
            _ => without_context(&last_line),
        };
        Err(format!("ffmpeg could not decode the file: {cause}"))
    }
}

/// ffmpeg's report of a packet it could not decode, `Error while decoding stream #0:1: reason`:
/// (ffprobe's index of the stream, reason).
pub fn decode_error(line: &str) -> Option<(u32, &str)> {
    let rest = line
        .trim()
        .strip_prefix("Error while decoding stream #0:")?;
    let (index, reason) = rest.split_once(':')?;
    Some((index.trim().parse().ok()?, reason.trim()))
}

/// How findings name the stream ffprobe numbers `index`: "video", or "audio stream 1" (from 1
/// among the audio streams, as every finding counts them).
pub fn stream_name(probe: &Probe, index: u32) -> String {
    if probe.video.as_ref().is_some_and(|v| v.index == index) {
        return "video".to_owned();
    }
    match probe.audio.iter().position(|a| a.index == index) {
        Some(i) => format!("audio stream {}", i + 1),
        None => format!("stream #{index}"),
    }
}

/// ffmpeg's summary of a failed run, which names no cause.
fn is_generic(line: &str) -> bool {
    matches!(
        line.trim(),
        "Conversion failed!" | "Exiting normally, received signal 2."
    )
}

/// A line a muxer writing to stderr printed (`framecrc`'s `#tb 0: 1/25` header and frame
/// lines): data, never the reason a run failed.
fn is_muxer_output(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with('#')
        || line
            .split(',')
            .next()
            .is_some_and(|f| f.trim().parse::<u32>().is_ok())
            && line.contains(',')
}

/// A log line reporting a problem rather than progress or information.
fn is_error(line: &str) -> bool {
    const WORDS: [&str; 6] = [
        "rror",
        "nvalid",
        "not found",
        "failed",
        "No such file",
        "Permission denied",
    ];
    WORDS.iter().any(|w| line.contains(w))
}

/// `[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55d0c4a3b2c0] moov atom not found` →
/// `[mov,mp4,m4a,3gp,3g2,mj2] moov atom not found`: the address differs from run to run, and two
/// runs of one file must give identical reports.
pub fn without_context(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find(" @ 0x") {
        out.push_str(&rest[..at]);
        let after = &rest[at + " @ 0x".len()..];
        let hex_end = after
            .find(|c: char| !c.is_ascii_hexdigit())
            .unwrap_or(after.len());
        rest = &after[hex_end..];
    }
    out.push_str(rest);
    out
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
    fn context_addresses_are_stripped() {
        assert_eq!(
            without_context("[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55d0c4a3b2c0] moov atom not found"),
            "[mov,mp4,m4a,3gp,3g2,mj2] moov atom not found"
        );
        assert_eq!(
            without_context("[a @ 0x1] x [b @ 0xff] y @ home"),
            "[a] x [b] y @ home"
        );
    }

    #[test]
    fn a_failed_run_names_its_first_cause_not_conversion_failed() {
        let args: Vec<OsString> = ["-hide_banner", "-v", "error", "-i", "/nonexistent/x.mov"]
            .into_iter()
            .chain(["-f", "null", "-"])
            .map(OsString::from)
            .collect();
        let error = run(&args, Duration::from_secs(30)).expect_err("no such file");
        assert!(error.contains("No such file"), "{error}");
        assert!(!error.contains(" @ 0x"), "{error}");
    }

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
