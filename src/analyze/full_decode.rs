//! The full decode `integrity: {decode: true}` asks for (`file.decode`): every video and audio
//! stream through its decoder, in one ffmpeg run whose per-frame checksums (`framecrc`) go to
//! stderr between the decoder's errors, so each error is placed after the last good frame and
//! the decoded length of each stream is known.

use super::ffmpeg;
use crate::measurements::{DecodeError, FullDecode};
use crate::probe::Probe;
use crate::process::media_url;
use std::collections::BTreeMap;
use std::path::Path;

/// Errors kept with their place; the rest are only counted (a broken file can fail every frame).
const MAX_ERRORS: usize = 20;

pub fn decode(path: &Path, probe: &Probe) -> FullDecode {
    let mut args = ffmpeg::base_args();
    args.extend(["-v", "error", "-i"].map(String::from));
    args.push(media_url(path));
    args.extend(["-map", "0:v?", "-map", "0:a?", "-f", "framecrc", "pipe:2"].map(String::from));
    let timeout = ffmpeg::timeout_for(probe.duration().unwrap_or(0.0));
    let mut log = FrameLog::new(probe);
    let outcome = ffmpeg::run_streaming(&args, timeout, &mut |_| {}, &mut |line| log.add(line));
    FullDecode {
        decoded_s: log.decoded_s,
        errors: log.errors,
        error_count: log.error_count,
        problem: outcome.err(),
    }
}

/// What the pass needs of ffmpeg's stderr, in memory that does not grow with it.
struct FrameLog {
    /// Time base of each output stream (`#tb 0: 1/25`).
    time_bases: BTreeMap<u32, f64>,
    /// The end of the latest frame of any stream, seconds.
    decoded_s: f64,
    /// The decoder's own detail line (`[mpeg4 @ 0x…] header damaged`) before an error.
    detail: Option<String>,
    errors: Vec<DecodeError>,
    error_count: u64,
    /// Names by ffprobe stream index: "video", "audio stream 1", …
    names: BTreeMap<u32, String>,
}

impl FrameLog {
    fn new(probe: &Probe) -> FrameLog {
        let mut names = BTreeMap::new();
        if let Some(video) = &probe.video {
            names.insert(video.index, "video".to_owned());
        }
        for (i, audio) in probe.audio.iter().enumerate() {
            names.insert(audio.index, format!("audio stream {}", i + 1));
        }
        FrameLog {
            time_bases: BTreeMap::new(),
            decoded_s: 0.0,
            detail: None,
            errors: Vec::new(),
            error_count: 0,
            names,
        }
    }

    fn add(&mut self, line: &str) {
        let line = line.trim();
        if let Some((stream, base)) = time_base(line) {
            self.time_bases.insert(stream, base);
        } else if let Some((stream, end)) = frame_end(line) {
            let base = self.time_bases.get(&stream).copied().unwrap_or(0.0);
            self.decoded_s = self.decoded_s.max(end as f64 * base);
        } else if let Some(rest) = line.strip_prefix("Error while decoding stream #0:") {
            self.error_count += 1;
            let detail = self.detail.take();
            if self.errors.len() < MAX_ERRORS {
                let (index, reason) = rest.split_once(':').unwrap_or((rest, ""));
                let stream = index
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .and_then(|i| self.names.get(&i).cloned())
                    .unwrap_or_else(|| format!("stream #{}", index.trim()));
                let mut message = format!("{stream}: {}", reason.trim());
                if let Some(detail) = detail {
                    message.push_str(&format!(" ({detail})"));
                }
                self.errors.push(DecodeError {
                    at_s: self.decoded_s,
                    message,
                });
            }
        } else if line.starts_with('[') {
            self.detail = Some(ffmpeg::without_context(line));
        }
    }
}

/// `#tb 0: 1/25` → (0, 0.04).
fn time_base(line: &str) -> Option<(u32, f64)> {
    let (stream, fraction) = line.strip_prefix("#tb ")?.split_once(':')?;
    let (num, den) = fraction.trim().split_once('/')?;
    let (num, den): (f64, f64) = (num.trim().parse().ok()?, den.trim().parse().ok()?);
    (den > 0.0).then(|| Some((stream.trim().parse().ok()?, num / den)))?
}

/// `0, 3, 3, 1, 86400, 0xab86dd0a` (stream, dts, pts, duration, size, crc) → (0, pts + duration).
fn frame_end(line: &str) -> Option<(u32, i64)> {
    let fields: Vec<&str> = line.split(',').map(str::trim).collect();
    if fields.len() < 6 || !fields[5].starts_with("0x") {
        return None;
    }
    let pts: i64 = fields[2].parse().ok()?;
    let duration: i64 = fields[3].parse().ok()?;
    Some((fields[0].parse().ok()?, pts.saturating_add(duration)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::{AudioStream, VideoStream};

    #[test]
    fn errors_are_placed_after_the_last_good_frame_and_name_the_stream() {
        let probe = Probe {
            video: Some(VideoStream::default()),
            audio: vec![AudioStream {
                index: 1,
                ..AudioStream::default()
            }],
            ..Probe::default()
        };
        let mut log = FrameLog::new(&probe);
        for line in "#tb 0: 1/25\n#tb 1: 1/44100\n0,  0,  0,  1,  86400, 0xab86dd0a\n1, 0, 0, 1024, 2048, 0x74b2003f\n0, 49, 49, 1, 86400, 0x0bed5fb3\n[mpeg4 @ 0x55c1a08b4b00] header damaged\nError while decoding stream #0:0: Invalid data found when processing input\nError while decoding stream #0:1: Invalid data\n".lines() {
            log.add(line);
        }
        assert!((log.decoded_s - 2.0).abs() < 1e-9);
        assert_eq!(log.error_count, 2);
        assert_eq!(
            log.errors[0].message,
            "video: Invalid data found when processing input ([mpeg4] header damaged)"
        );
        assert_eq!(log.errors[1].message, "audio stream 1: Invalid data");
        assert!((log.errors[0].at_s - 2.0).abs() < 1e-9);
    }
}
