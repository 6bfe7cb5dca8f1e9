//! Synthetic media made with ffmpeg's lavfi sources: the demo folder, the tests and the
//! benchmarks all build their clips here, so what the tests check is what the demo shows.

use crate::process::{RunError, run_with_timeout};
use std::path::Path;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Clip {
    pub width: u32,
    pub height: u32,
    /// Frame rate as ffmpeg takes it: "25", "24000/1001".
    pub rate: String,
    pub seconds: f64,
    /// Video encoder arguments, e.g. `["-c:v", "prores_aw", "-profile:v", "3"]`.
    pub video_codec: Vec<String>,
    /// Video source filter name: smptehdbars, testsrc2, color=black …
    pub video_source: String,
    /// Filters after the source, e.g. `noise=alls=1:allf=t` for camera-like grain.
    pub video_filter: Option<String>,
    /// `None` for a file without audio.
    pub audio: Option<Tone>,
    pub timecode: Option<String>,
    /// Tag the frames BT.709 (ProRes writes colour tags only when the frames carry them).
    pub bt709: bool,
    /// Extra output arguments, added last before the file name.
    pub extra: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Tone {
    pub frequency: f64,
    /// Level of the sine in dBFS (peak).
    pub level_dbfs: f64,
    pub channels: u32,
    pub sample_rate: u32,
    /// Audio encoder arguments, e.g. `["-c:a", "pcm_s24le"]`.
    pub codec: Vec<String>,
    /// Seconds the audio starts after the picture (muxed with -itsoffset).
    pub delay_s: f64,
    /// Audio length; defaults to the clip length minus the delay.
    pub seconds: Option<f64>,
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

impl Clip {
    /// 1080p25 ProRes 422 HQ with 48 kHz 24-bit stereo at −23 dBFS and TC 10:00:00:00: a clean
    /// EBU R128 HD master. (prores_aw: ~5× faster than prores_ks, same HQ profile in the file.)
    pub fn broadcast_master(seconds: f64) -> Clip {
        Clip {
            width: 1920,
            height: 1080,
            rate: "25".into(),
            seconds,
            video_codec: strings(&[
                "-c:v",
                "prores_aw",
                "-profile:v",
                "3",
                "-pix_fmt",
                "yuv422p10le",
            ]),
            video_source: "smptehdbars".into(),
            video_filter: None,
            audio: Some(Tone {
                frequency: 1000.0,
                level_dbfs: -23.0,
                channels: 2,
                sample_rate: 48000,
                codec: strings(&["-c:a", "pcm_s24le"]),
                delay_s: 0.0,
                seconds: None,
            }),
            timecode: Some("10:00:00:00".into()),
            bt709: true,
            extra: Vec::new(),
        }
    }

    /// A small, fast clip for tests: 320x180 H.264-free MJPEG-free ProRes proxy at 25 fps.
    pub fn small(seconds: f64) -> Clip {
        Clip {
            width: 320,
            height: 180,
            video_codec: strings(&[
                "-c:v",
                "prores_aw",
                "-profile:v",
                "0",
                "-pix_fmt",
                "yuv422p10le",
            ]),
            video_source: "testsrc2".into(),
            ..Clip::broadcast_master(seconds)
        }
    }

    pub fn ffmpeg_args(&self, out: &Path) -> Vec<String> {
        let mut args = strings(&["-hide_banner", "-loglevel", "error", "-nostdin", "-y"]);
        let mut video = format!(
            "{}=size={}x{}:rate={}:duration={}",
            self.video_source, self.width, self.height, self.rate, self.seconds
        );
        if let Some(filter) = &self.video_filter {
            video = format!("{video},{filter}");
        }
        args.extend(strings(&["-f", "lavfi", "-i"]));
        args.push(video);
        if let Some(tone) = &self.audio {
            let length = tone
                .seconds
                .unwrap_or(self.seconds - tone.delay_s)
                .max(0.01);
            if tone.delay_s > 0.0 {
                args.extend(strings(&["-itsoffset", &tone.delay_s.to_string()]));
            }
            args.extend(strings(&["-f", "lavfi", "-i"]));
            args.push(format!(
                "sine=frequency={}:sample_rate={}:duration={length}",
                tone.frequency, tone.sample_rate
            ));
            // lavfi's sine is at −18 dBFS peak (amplitude 1/8); bring it to the asked level.
            let gain = tone.level_dbfs - 20.0 * (1.0f64 / 8.0).log10();
            let layout = match tone.channels {
                1 => "mono".to_owned(),
                2 => "stereo".to_owned(),
                6 => "5.1".to_owned(),
                8 => "7.1".to_owned(),
                n => format!("{n}c"),
            };
            let pan: Vec<String> = (0..tone.channels).map(|c| format!("c{c}=c0")).collect();
            args.extend(strings(&["-filter:a"]));
            args.push(format!("volume={gain:.4}dB,pan={layout}|{}", pan.join("|")));
            args.extend(tone.codec.iter().cloned());
        }
        if self.bt709 {
            args.extend(strings(&[
                "-filter:v",
                "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709",
            ]));
        }
        args.extend(self.video_codec.iter().cloned());
        if let Some(tc) = &self.timecode {
            args.extend(strings(&["-timecode", tc]));
        }
        args.extend(self.extra.iter().cloned());
        args.push(out.to_string_lossy().into_owned());
        args
    }

    /// Runs ffmpeg to write the clip to `out`.
    pub fn write(&self, out: &Path) -> Result<(), FfmpegError> {
        ffmpeg(&self.ffmpeg_args(out))
    }
}

/// Why ffmpeg made no clip.
#[derive(Debug, thiserror::Error)]
pub enum FfmpegError {
    /// It could not be run, or was killed at the timeout.
    #[error("{0}")]
    Run(RunError),
    /// It ran and failed; `stderr` says why.
    #[error("ffmpeg {} failed: {}", .args.join(" "), .stderr.trim())]
    Failed { args: Vec<String>, stderr: String },
}

/// Runs ffmpeg with `args`, with a generous timeout.
pub fn ffmpeg(args: &[String]) -> Result<(), FfmpegError> {
    let output =
        run_with_timeout("ffmpeg", args, Duration::from_secs(600)).map_err(FfmpegError::Run)?;
    if output.success {
        Ok(())
    } else {
        Err(FfmpegError::Failed {
            args: args.to_vec(),
            stderr: output.stderr,
        })
    }
}

/// Cuts a file to `fraction` of its bytes: a transfer that stopped part-way.
pub fn truncate_file(path: &Path, fraction: f64) -> std::io::Result<()> {
    let len = std::fs::metadata(path)?.len();
    let file = std::fs::OpenOptions::new().write(true).open(path)?;
    file.set_len((len as f64 * fraction) as u64)
}

/// A sync-marker clip: black picture with one white frame (the flash) and a one-frame 1 kHz
/// beep after silence, the beep `audio_offset_s` after the flash (negative: audio early).
#[derive(Debug, Clone)]
pub struct MarkerClip {
    /// Frame rate as a fraction, e.g. (24000, 1001).
    pub rate: (u32, u32),
    pub seconds: f64,
    /// Frame number of the white flash frame.
    pub flash_frame: u32,
    pub audio_offset_s: f64,
    /// Also put a second flash + beep this many seconds before the end (a tail pop).
    pub tail: Option<TailPop>,
    /// `.mov` gets MJPEG + 24-bit PCM; `.mp4` gets H.264 + AAC (encoder delay, edit list).
    pub mp4: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct TailPop {
    pub flash_frame: u32,
    pub audio_offset_s: f64,
}

impl MarkerClip {
    pub fn new(rate: (u32, u32), flash_frame: u32, audio_offset_s: f64, mp4: bool) -> Self {
        MarkerClip {
            rate,
            seconds: 3.0,
            flash_frame,
            audio_offset_s,
            tail: None,
            mp4,
        }
    }

    /// Seconds from the start to the flash frame.
    pub fn flash_s(&self) -> f64 {
        self.flash_frame as f64 * self.rate.1 as f64 / self.rate.0 as f64
    }

    pub fn frame_s(&self) -> f64 {
        self.rate.1 as f64 / self.rate.0 as f64
    }

    pub fn ffmpeg_args(&self, out: &Path) -> Vec<String> {
        let (num, den) = self.rate;
        let frame = self.frame_s();
        let mut flashes = vec![format!("eq(n\\,{})", self.flash_frame)];
        let mut beeps = vec![(self.flash_s() + self.audio_offset_s, frame)];
        if let Some(tail) = self.tail {
            flashes.push(format!("eq(n\\,{})", tail.flash_frame));
            beeps.push((tail.flash_frame as f64 * frame + tail.audio_offset_s, frame));
        }
        let video = format!(
            "color=c=black:s=320x180:r={num}/{den}:d={},drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='{}'",
            self.seconds,
            flashes.join("+")
        );
        // aevalsrc evaluates per sample, so the beep starts on the exact sample asked for.
        let tone: Vec<String> = beeps
            .iter()
            .map(|(at, len)| {
                format!(
                    "between(t\\,{at:.6}\\,{:.6})*0.5*sin(2*PI*1000*(t-{at:.6}))",
                    at + len
                )
            })
            .collect();
        let audio = format!(
            "aevalsrc=exprs='{}':s=48000:c=stereo:d={}",
            tone.join("+"),
            self.seconds
        );
        let mut args = strings(&["-hide_banner", "-loglevel", "error", "-nostdin", "-y"]);
        args.extend(strings(&["-f", "lavfi", "-i"]));
        args.push(video);
        args.extend(strings(&["-f", "lavfi", "-i"]));
        args.push(audio);
        if self.mp4 {
            args.extend(strings(&[
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-b:a",
                "128k",
            ]));
        } else {
            args.extend(strings(&[
                "-c:v",
                "mjpeg",
                "-q:v",
                "5",
                "-pix_fmt",
                "yuvj420p",
                "-c:a",
                "pcm_s24le",
            ]));
        }
        args.push(out.to_string_lossy().into_owned());
        args
    }

    pub fn write(&self, out: &Path) -> Result<(), FfmpegError> {
        ffmpeg(&self.ffmpeg_args(out))
    }
}
