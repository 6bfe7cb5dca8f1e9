//! ffprobe invocation and the typed model built from its JSON.

#[cfg(test)]
mod fixture_tests;
mod model;
mod raw;
mod timecode;
pub mod worker;

pub use model::{AudioStream, Probe, VideoStream, bit_depth_of_pix_fmt};
pub use raw::RawProbe;
pub use timecode::{RecorderRate, TimeReference, TimecodeOrigin, TimecodeSource};

use crate::process::{RunError, media_url, run_with_timeout};
use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

/// Why a file could not be probed. Each becomes a `file.readable` finding, never a crash.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ProbeError {
    pub message: String,
}

/// Probes one file with `ffprobe -v error -show_format -show_streams -of json file:/abs/path`.
pub fn probe_file(path: &Path, timeout: Duration) -> Result<Probe, ProbeError> {
    probe_with(&worker::Prober::Ffprobe, path, timeout)
}

/// Probes one file as `prober` says: by this thread's probe worker when there is one, else (and
/// whenever the worker cannot answer) with ffprobe. Both give the same JSON, read the same way;
/// a file the worker hung on is not tried again with ffprobe (one timeout per hung file).
pub fn probe_with(
    prober: &worker::Prober,
    path: &Path,
    timeout: Duration,
) -> Result<Probe, ProbeError> {
    let url = media_url(path);
    match worker::ask(prober, &url, timeout) {
        worker::Answer::Json(json) => {
            if let Ok(probe) = parse_json(&json) {
                return with_streams(probe);
            }
        }
        worker::Answer::Hung => {
            return Err(ProbeError {
                message: format!("ffprobe {}", RunError::TimedOut(timeout)),
            });
        }
        worker::Answer::Ffprobe => {}
    }
    ffprobe_file(&url, timeout)
}

fn ffprobe_file(url: &OsStr, timeout: Duration) -> Result<Probe, ProbeError> {
    let mut args: Vec<&OsStr> = [
        "-v",
        "error",
        "-show_format",
        "-show_streams",
        "-of",
        "json",
    ]
    .map(OsStr::new)
    .to_vec();
    args.push(url);
    let output = run_with_timeout("ffprobe", &args, timeout).map_err(|e| ProbeError {
        message: match e {
            RunError::TimedOut(_) => format!("ffprobe {e}"),
            other => other.to_string(),
        },
    })?;
    if !output.success {
        return Err(ProbeError {
            message: ffprobe_message(&output.stderr, &url.to_string_lossy()),
        });
    }
    let probe = parse_json(&output.stdout).map_err(|e| ProbeError {
        message: format!("ffprobe gave unreadable JSON: {e}"),
    })?;
    with_streams(probe)
}

fn with_streams(probe: Probe) -> Result<Probe, ProbeError> {
    if probe.video.is_none() && probe.audio.is_empty() {
        return Err(ProbeError {
            message: "no audio or video streams found".to_owned(),
        });
    }
    Ok(probe)
}

/// Parses ffprobe's JSON output into the typed model.
pub fn parse_json(bytes: &[u8]) -> Result<Probe, serde_json::Error> {
    let raw: RawProbe = serde_json::from_slice(bytes)?;
    Ok(Probe::from_raw(&raw))
}

/// ffprobe's stderr, shortened to what an operator needs: without the repeated `file:/path: `
/// prefix, one line per distinct message.
fn ffprobe_message(stderr: &str, url: &str) -> String {
    let prefix = format!("{url}: ");
    let mut lines: Vec<String> = Vec::new();
    for line in stderr.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let line = line.strip_prefix(&prefix).unwrap_or(line);
        let line = strip_demuxer_tag(line).replace(url, "");
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    if lines.is_empty() {
        "ffprobe could not read the file".to_owned()
    } else {
        lines.join("; ")
    }
}

/// Drops ffmpeg's "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5555…] " context: a pointer means nothing to
/// an operator and makes the same failure read differently on every run.
fn strip_demuxer_tag(line: &str) -> &str {
    if line.starts_with('[')
        && let Some(end) = line.find("] ")
        && line[..end].contains(" @ 0x")
    {
        return &line[end + 2..];
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_drops_the_url_prefix() {
        let url = "file:/m/a.mov";
        let msg = ffprobe_message(
            "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x1] moov atom not found\nfile:/m/a.mov: Invalid data found when processing input\n",
            url,
        );
        assert_eq!(
            msg,
            "moov atom not found; Invalid data found when processing input"
        );
    }
}
