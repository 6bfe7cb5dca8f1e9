//! The full decode `integrity: {decode: true}` asks for (`file.decode`): the video stream and
//! every audio stream through their decoders, in one ffmpeg run whose per-frame checksums
//! (`framecrc`) go to stderr between the decoders' errors. A stream's rejected packets form a
//! damaged stretch from its last good frame to its next one, and the frames give the decoded
//! length.

use super::ffmpeg;
use crate::measurements::{DecodeError, FullDecode};
use crate::probe::Probe;
use crate::process::media_url;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::Path;
use std::time::Duration;

/// Damaged stretches kept; the rest are only counted (a broken file can fail every frame).
const MAX_STRETCHES: usize = 20;

/// Decodes the file on its own (no content pass to share). Every frame writes a checksum line,
/// so a decode silent for `stall` (a hung mount) is ended.
pub fn decode(path: &Path, probe: &Probe, stall: Duration) -> FullDecode {
    let mut args = ffmpeg::base_args();
    args.extend(["-v".into(), "error".into()]);
    args.extend(input_args());
    args.extend(["-i".into(), media_url(path)]);
    args.extend(output_args(probe));
    run(probe, stall, args)
}

/// Reads the streams' packets without decoding them (`-c copy`), for how far they reach: a cut
/// file is found where no decoder can read its pictures (a codec the installed ffmpeg lacks).
pub fn packets(path: &Path, probe: &Probe, stall: Duration) -> FullDecode {
    let mut args = ffmpeg::base_args();
    args.extend(["-v".into(), "error".into()]);
    args.extend(["-i".into(), media_url(path)]);
    args.extend(maps(probe));
    args.extend(["-c", "copy"].map(OsString::from));
    args.extend(framecrc_to_stderr());
    run(probe, stall, args)
}

/// Runs ffmpeg with `args`, whose framecrc lines and errors `FrameLog` reads off stderr.
fn run(probe: &Probe, stall: Duration, args: Vec<OsString>) -> FullDecode {
    let timeout = ffmpeg::timeout_for(probe.duration().unwrap_or(0.0));
    let mut log = FrameLog::new(probe);
    let outcome = ffmpeg::run_streaming(&args, timeout, Some(stall), &mut |_| {}, &mut |line| {
        log.add(line)
    });
    log.finish(outcome.err())
}

/// Decoder options of a full decode, before `-i`. Slice threads only: frame threads report
/// errors in an order that changes from run to run, and two runs of one file must give
/// identical reports.
pub fn input_args() -> Vec<OsString> {
    ["-thread_type", "slice"].map(OsString::from).to_vec()
}

/// The output of a full decode: every decoded stream's frame checksums on stderr, where
/// `FrameLog` reads them. Each line is written at once, so it lands between the errors where
/// it belongs.
pub fn output_args(probe: &Probe) -> Vec<OsString> {
    let mut args = maps(probe);
    // Pictures go to the muxer as `wrapped_avframe` (a reference to the decoded frame), not
    // copied into rawvideo packets and checksummed: the checksum is never read, and copying
    // and summing every 1080p frame cost a third of the decode's own time.
    args.extend(["-c:v", "wrapped_avframe"].map(OsString::from));
    args.extend(framecrc_to_stderr());
    args
}

/// Every picture and sound stream, in `Streams` order.
fn maps(probe: &Probe) -> Vec<OsString> {
    let mut args: Vec<OsString> = Vec::new();
    for (index, _) in Streams::of(probe).0 {
        args.extend(["-map".into(), format!("0:{index}").into()]);
    }
    args
}

fn framecrc_to_stderr() -> Vec<OsString> {
    ["-flush_packets", "1", "-f", "framecrc", "pipe:2"]
        .map(OsString::from)
        .to_vec()
}

/// The decoded streams in output order: (ffprobe index, name in findings).
struct Streams(Vec<(u32, String)>);

impl Streams {
    fn of(probe: &Probe) -> Streams {
        let video = probe.video.iter().map(|v| v.index);
        let audio = probe.audio.iter().map(|a| a.index);
        Streams(
            video
                .chain(audio)
                .map(|index| (index, ffmpeg::stream_name(probe, index)))
                .collect(),
        )
    }

    /// The output position of the stream ffmpeg calls `#0:{input}`.
    fn output_of(&self, input: u32) -> Option<usize> {
        self.0.iter().position(|(index, _)| *index == input)
    }
}

/// What a full decode needs of ffmpeg's stderr, in memory that does not grow with it.
pub struct FrameLog {
    streams: Streams,
    /// Time base of each output stream (`#tb 0: 1/25`).
    time_bases: BTreeMap<usize, f64>,
    /// The end of each output stream's latest frame, seconds.
    ends: BTreeMap<usize, f64>,
    /// The decoder's own detail line (`[mpeg4 @ 0x…] header damaged`) before an error.
    detail: Option<String>,
    /// Per output stream, the errors not yet placed: they belong to the next hole in its
    /// frames (the muxer's interleaving can log them a few frames before the hole shows).
    pending: BTreeMap<usize, DecodeError>,
    stretches: Vec<DecodeError>,
    more: u64,
}

impl FrameLog {
    pub fn new(probe: &Probe) -> FrameLog {
        FrameLog {
            streams: Streams::of(probe),
            time_bases: BTreeMap::new(),
            ends: BTreeMap::new(),
            detail: None,
            pending: BTreeMap::new(),
            stretches: Vec::new(),
            more: 0,
        }
    }

    /// One line of ffmpeg's log: a time base, a frame, a decode error or a decoder's detail.
    pub fn add(&mut self, line: &str) {
        let line = line.trim();
        if let Some((stream, base)) = time_base(line) {
            self.time_bases.insert(stream, base);
        } else if let Some(frame) = Frame::parse(line) {
            self.frame(frame);
        } else if let Some((index, reason)) = ffmpeg::decode_error(line) {
            let detail = self.detail.take();
            if let Some(stream) = self.streams.output_of(index) {
                self.error(stream, reason, detail);
            }
        } else if line.starts_with('[') {
            self.detail = Some(ffmpeg::without_context(line));
        }
    }

    /// A decoded frame; one that starts past the end of the stream's previous frame closes a
    /// hole, which holds the errors pending for the stream.
    fn frame(&mut self, frame: Frame) {
        let base = self.time_bases.get(&frame.stream).copied().unwrap_or(0.0);
        let (start, end) = (
            frame.pts as f64 * base,
            frame.pts.saturating_add(frame.duration) as f64 * base,
        );
        let previous_end = self.ends.get(&frame.stream).copied();
        let hole = previous_end.filter(|&e| start - e > (end - start).max(base) / 2.0);
        if let Some(hole_start) = hole
            && let Some(mut stretch) = self.pending.remove(&frame.stream)
        {
            stretch.start_s = hole_start;
            stretch.end_s = Some(start);
            self.keep(stretch);
        }
        self.ends
            .insert(frame.stream, previous_end.map_or(end, |e| e.max(end)));
    }

    fn error(&mut self, stream: usize, reason: &str, detail: Option<String>) {
        if let Some(pending) = self.pending.get_mut(&stream) {
            pending.errors += 1;
            return;
        }
        let mut message = format!("{}: {reason}", self.streams.0[stream].1);
        if let Some(detail) = detail {
            message.push_str(&format!(" ({detail})"));
        }
        let stretch = DecodeError {
            start_s: 0.0,
            end_s: None,
            errors: 1,
            message,
        };
        self.pending.insert(stream, stretch);
    }

    fn keep(&mut self, stretch: DecodeError) {
        if self.stretches.len() < MAX_STRETCHES {
            self.stretches.push(stretch);
        } else {
            self.more += 1;
        }
    }

    /// Errors still pending left no hole: the stream ended in them. They are placed at its
    /// last good frame (where they were logged depends on how ffmpeg interleaved its output).
    pub fn finish(mut self, problem: Option<String>) -> FullDecode {
        for (stream, mut stretch) in std::mem::take(&mut self.pending) {
            stretch.start_s = self.ends.get(&stream).copied().unwrap_or(0.0);
            self.keep(stretch);
        }
        self.stretches
            .sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
        let empty_streams = (self.streams.0.iter().enumerate())
            .filter(|(stream, _)| !self.ends.contains_key(stream))
            .map(|(_, (_, name))| name.clone())
            .collect();
        FullDecode {
            empty_streams,
            decoded_s: self.ends.values().copied().fold(0.0, f64::max),
            errors: self.stretches,
            more_errors: self.more,
            problem,
        }
    }
}

/// `#tb 0: 1/25` → (0, 0.04).
fn time_base(line: &str) -> Option<(usize, f64)> {
    let (stream, fraction) = line.strip_prefix("#tb ")?.split_once(':')?;
    let (num, den) = fraction.trim().split_once('/')?;
    let (num, den): (f64, f64) = (num.trim().parse().ok()?, den.trim().parse().ok()?);
    let stream = stream.trim().parse().ok()?;
    (den > 0.0).then_some((stream, num / den))
}

/// One `framecrc` line: `0, 3, 3, 1, 86400, 0xab86dd0a` (stream, dts, pts, duration, size, crc).
struct Frame {
    stream: usize,
    pts: i64,
    duration: i64,
}

impl Frame {
    fn parse(line: &str) -> Option<Frame> {
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if fields.len() < 6 || !fields[5].starts_with("0x") {
            return None;
        }
        Some(Frame {
            stream: fields[0].parse().ok()?,
            pts: fields[2].parse().ok()?,
            duration: fields[3].parse().ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::{AudioStream, VideoStream};

    #[test]
    fn rejected_packets_form_a_stretch_between_good_frames_of_their_stream() {
        let probe = Probe {
            video: Some(VideoStream::default()),
            audio: vec![AudioStream {
                index: 1,
                ..AudioStream::default()
            }],
            ..Probe::default()
        };
        let mut log = FrameLog::new(&probe);
        let lines = "#tb 0: 1/25\n#tb 1: 1/44100\n\
                     0, 0, 0, 1, 86400, 0xab86dd0a\n\
                     1, 0, 0, 1024, 2048, 0x74b2003f\n\
                     0, 49, 49, 1, 86400, 0x0bed5fb3\n\
                     [mpeg4 @ 0x55c1a08b4b00] header damaged\n\
                     Error while decoding stream #0:0: Invalid data found when processing input\n\
                     Error while decoding stream #0:0: Invalid data found when processing input\n\
                     0, 50, 50, 1, 86400, 0x0bed5fb3\n\
                     1, 88200, 88200, 1024, 2048, 0x74b2003f\n\
                     0, 75, 75, 1, 86400, 0x0bed5fb3\n\
                     Error while decoding stream #0:1: Invalid data\n";
        lines.lines().for_each(|line| log.add(line));
        let decode = log.finish(None);
        assert!((decode.decoded_s - 3.04).abs() < 1e-9);
        assert_eq!(decode.errors.len(), 2);
        let (audio, video) = (&decode.errors[0], &decode.errors[1]);
        assert_eq!(
            video.message,
            "video: Invalid data found when processing input ([mpeg4] header damaged)"
        );
        assert_eq!(video.errors, 2);
        assert!((video.start_s - 2.04).abs() < 1e-9);
        assert_eq!(video.end_s, Some(3.0));
        assert_eq!(audio.message, "audio stream 1: Invalid data");
        assert_eq!(audio.end_s, None);
    }
}
