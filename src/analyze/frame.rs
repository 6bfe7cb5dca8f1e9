//! One picture of a video file, for the review screen's preview and the HTML report's
//! thumbnails. ffmpeg seeks on the input (`-ss` before `-i`: it jumps to the keyframe before the
//! time and decodes only from there, never the whole file), scales the frame down to the size
//! asked for (square pixels) and writes it as one PNG (or JPEG) on stdout.

use crate::process::{self, Limits, RunError};
use std::path::Path;
use std::time::Duration;

/// A single frame comes in well under a second even 9 minutes into a long ProRes file; this
/// only stops a hung mount from holding the worker forever.
const DEADLINE: Duration = Duration::from_secs(20);

/// Why the consumer stopped ffmpeg when a newer frame was asked for.
const SUPERSEDED: &str = "superseded by a newer request";

/// How the picture is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Still {
    /// Lossless, for the preview to decode.
    Png,
    /// A few kB, for thumbnails inlined in a report.
    Jpeg,
}

/// The frame at `seconds` into `path`'s first video stream, fitted into `max_width` x
/// `max_height` pixels with its aspect ratio kept. `still_wanted` is asked as the bytes arrive:
/// when it says no, ffmpeg is killed and the result is `Ok(None)`.
pub fn grab(
    path: &Path,
    seconds: f64,
    (max_width, max_height): (u32, u32),
    still: Still,
    still_wanted: &dyn Fn() -> bool,
) -> Result<Option<Vec<u8>>, String> {
    let fit = format!(
        "scale=iw*sar:ih,scale={}:{}:force_original_aspect_ratio=decrease:flags=fast_bilinear,setsar=1",
        max_width.max(2),
        max_height.max(2)
    );
    let args: Vec<std::ffi::OsString> = vec![
        "-hide_banner".into(),
        "-nostdin".into(),
        "-loglevel".into(),
        "error".into(),
        "-ss".into(),
        format!("{:.6}", seconds.max(0.0)).into(),
        "-i".into(),
        process::media_url(path),
        "-map".into(),
        "0:v:0".into(),
        "-frames:v".into(),
        "1".into(),
        "-vf".into(),
        fit.into(),
        "-c:v".into(),
        match still {
            Still::Png => "png",
            Still::Jpeg => "mjpeg",
        }
        .into(),
        "-pix_fmt".into(),
        match still {
            Still::Png => "rgb24",
            // Full-range YUV, as the mjpeg encoder wants.
            Still::Jpeg => "yuvj420p",
        }
        .into(),
        // JPEG quality 5 on ffmpeg's 2–31 scale; PNG ignores it.
        "-q:v".into(),
        "5".into(),
        // PNG only crosses a pipe to be decoded at once: store it, do not spend time deflating.
        "-compression_level".into(),
        "0".into(),
        "-f".into(),
        "image2pipe".into(),
        "pipe:1".into(),
    ];
    let limits = Limits {
        deadline: DEADLINE,
        stall: None,
    };
    let mut picture = Vec::new();
    let mut stderr = String::new();
    let run = process::run_streaming(
        "ffmpeg",
        &args,
        limits,
        &mut |bytes| {
            if !still_wanted() {
                return Err(SUPERSEDED.to_owned());
            }
            picture.extend_from_slice(bytes);
            Ok(())
        },
        &mut |line| {
            if stderr.is_empty() {
                stderr = line.to_owned();
            }
        },
    );
    match run {
        Err(RunError::Stopped(why)) if why == SUPERSEDED => Ok(None),
        Err(e) => Err(format!("ffmpeg: {e}")),
        Ok(_) if !picture.is_empty() => Ok(Some(picture)),
        Ok(_) if !stderr.is_empty() => Err(format!("ffmpeg: {stderr}")),
        Ok(_) => Err(format!("no frame at {seconds:.3} s (past the end?)")),
    }
}
