//! Streaming audio decode: one audio stream of a file, handed to a callback as interleaved f32
//! blocks, in constant memory.
//!
//! Two decoders behind one trait. symphonia reads standalone audio files (WAV/BWF, AIFF, FLAC,
//! M4A, MP3) in process, through a `GuardedFile` so that a hung mount times out; everything else
//! (QuickTime, MXF, MP4 …) goes through an `ffmpeg … -f f32le -` pipe, because symphonia 0.6
//! silently misreads big-endian `in24` PCM in QuickTime and has no MXF.

use crate::process::{Limits, Output, RunError, media_url, run_streaming};
use std::ffi::OsString;
use std::path::Path;
use std::time::Duration;

/// Channel count and sample rate of the blocks a decoder delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioFormat {
    pub channels: u32,
    pub rate: u32,
}

/// How a decode ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub format: AudioFormat,
    /// Frames (samples per channel) delivered.
    pub frames: u64,
    /// Why decoding stopped before the end of the stream, when it did. The blocks already
    /// delivered are good; the stream is only partly measured.
    pub stopped_early: Option<String>,
}

impl Decoded {
    pub fn seconds(&self) -> f64 {
        self.frames as f64 / f64::from(self.format.rate.max(1))
    }
}

/// Receives each block of interleaved samples; an `Err` stops the decode.
pub type Sink<'a> = dyn FnMut(AudioFormat, &[f32]) -> Result<(), String> + 'a;

/// One way of decoding an audio stream.
pub trait AudioDecoder {
    /// "symphonia" or "ffmpeg": recorded in the report so a reading can be traced to its decoder.
    fn name(&self) -> &'static str;
    /// Decodes the whole stream into `sink`. `Err` only when nothing useful could be decoded.
    fn decode(&self, sink: &mut Sink) -> Result<Decoded, String>;
}

/// The stream to decode and what the probe said about it.
#[derive(Debug, Clone)]
pub struct StreamRequest<'a> {
    pub path: &'a Path,
    /// Position among the file's audio streams (ffmpeg's `0:a:N`).
    pub audio_index: usize,
    /// How many audio streams the file has.
    pub audio_streams: usize,
    pub channels: Option<u32>,
    pub rate: Option<u32>,
    /// Expected length, to notice a stream that ends early without an error.
    pub duration_s: Option<f64>,
    /// A decode that delivers nothing for this long is killed.
    pub stall_timeout: Duration,
}

/// Extensions of standalone audio files symphonia reads correctly.
const SYMPHONIA_EXTENSIONS: &[&str] = &[
    "wav", "wave", "bwf", "aif", "aiff", "aifc", "flac", "m4a", "mp3",
];

/// symphonia for a standalone audio file with one audio stream, else the ffmpeg pipe.
pub fn decoder_for<'a>(request: StreamRequest<'a>) -> Box<dyn AudioDecoder + 'a> {
    let extension = request
        .path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if request.audio_streams == 1 && SYMPHONIA_EXTENSIONS.contains(&extension.as_str()) {
        Box::new(SymphoniaDecoder { request })
    } else {
        Box::new(FfmpegDecoder { request })
    }
}

/// The ffmpeg pipe, whatever the file: the fallback when symphonia cannot open a file (an RF64
/// `.wav`, a mislabelled extension).
pub fn ffmpeg_decoder<'a>(request: StreamRequest<'a>) -> Box<dyn AudioDecoder + 'a> {
    Box::new(FfmpegDecoder { request })
}

/// Samples per block handed to the sink: small enough to stay in cache, large enough that the
/// per-call overhead vanishes.
const BLOCK_FRAMES: usize = 4096;

/// A stream that ends more than this short of its announced length is reported as cut short.
pub fn ended_early(decoded_s: f64, expected_s: Option<f64>) -> Option<String> {
    let expected = expected_s.filter(|d| d.is_finite() && *d > 0.0)?;
    let missing = expected - decoded_s;
    (missing > 0.1_f64.max(expected * 0.005)).then(|| {
        format!("audio ends after {decoded_s:.2} s of the {expected:.2} s the file announces")
    })
}

/// Turns the bytes of an `f32le` pipe, which arrive in arbitrary pieces, into blocks of whole
/// interleaved frames: a frame torn across two reads waits for the rest of its bytes.
pub struct F32Frames {
    frame_bytes: usize,
    pending: Vec<u8>,
    samples: Vec<f32>,
}

impl F32Frames {
    pub fn new(channels: u32) -> F32Frames {
        F32Frames {
            frame_bytes: channels.max(1) as usize * 4,
            pending: Vec::new(),
            samples: Vec::new(),
        }
    }

    /// Adds `bytes`; hands each run of whole frames to `block` and returns how many frames
    /// that was. An `Err` from `block` is passed on.
    pub fn push(
        &mut self,
        bytes: &[u8],
        block: &mut dyn FnMut(&[f32]) -> Result<(), String>,
    ) -> Result<u64, String> {
        let mut rest = bytes;
        if !self.pending.is_empty() {
            let need = (self.frame_bytes - self.pending.len()).min(rest.len());
            self.pending.extend_from_slice(&rest[..need]);
            rest = &rest[need..];
            if self.pending.len() < self.frame_bytes {
                return Ok(0);
            }
        }
        let whole = rest.len() / self.frame_bytes * self.frame_bytes;
        self.samples.clear();
        self.samples.extend(
            self.pending
                .chunks_exact(4)
                .chain(rest[..whole].chunks_exact(4))
                .map(|raw| f32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]])),
        );
        self.pending.clear();
        self.pending.extend_from_slice(&rest[whole..]);
        if self.samples.is_empty() {
            return Ok(0);
        }
        block(&self.samples)?;
        Ok((self.samples.len() * 4 / self.frame_bytes) as u64)
    }
}

pub struct SymphoniaDecoder<'a> {
    request: StreamRequest<'a>,
}

impl SymphoniaDecoder<'_> {
    /// The file's container, read on a helper thread: a hung mount fails after the stall
    /// timeout, as with ffmpeg.
    fn open_reader(&self) -> Result<Box<dyn symphonia::core::formats::FormatReader>, String> {
        use symphonia::core::formats::FormatOptions;
        use symphonia::core::formats::probe::Hint;
        use symphonia::core::io::MediaSourceStream;
        use symphonia::core::meta::MetadataOptions;

        let path = self.request.path;
        let file = super::guarded_file::GuardedFile::open(path, self.request.stall_timeout)
            .map_err(|e| format!("cannot open: {e}"))?;
        let source = MediaSourceStream::new(Box::new(file), Default::default());
        let mut hint = Hint::new();
        if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
            hint.with_extension(ext);
        }
        symphonia::default::get_probe()
            .probe(
                &hint,
                source,
                FormatOptions::default(),
                MetadataOptions::default(),
            )
            .map_err(|e| format!("symphonia cannot read the file: {e}"))
    }
}

impl AudioDecoder for SymphoniaDecoder<'_> {
    fn name(&self) -> &'static str {
        "symphonia"
    }

    fn decode(&self, sink: &mut Sink) -> Result<Decoded, String> {
        use symphonia::core::codecs::audio::AudioDecoderOptions;
        use symphonia::core::errors::Error;
        use symphonia::core::formats::TrackType;

        let mut reader = self.open_reader()?;
        let track = reader
            .default_track(TrackType::Audio)
            .ok_or("no audio track")?;
        let track_id = track.id;
        let expected_frames = track.num_frames;
        let params = track
            .codec_params
            .as_ref()
            .and_then(|p| p.audio())
            .ok_or("the audio track has no codec parameters")?
            .clone();
        let mut decoder = symphonia::default::get_codecs()
            .make_audio_decoder(&params, &AudioDecoderOptions::default())
            .map_err(|e| format!("symphonia has no decoder for this audio: {e}"))?;

        let mut format: Option<AudioFormat> = None;
        let mut frames: u64 = 0;
        let mut samples: Vec<f32> = Vec::new();
        let mut stopped_early = None;
        loop {
            let packet = match reader.next_packet() {
                Ok(Some(packet)) => packet,
                Ok(None) => break,
                Err(Error::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
                Err(e) => {
                    stopped_early = Some(format!("read error: {e}"));
                    break;
                }
            };
            if packet.track_id != track_id {
                continue;
            }
            let buffer = match decoder.decode(&packet) {
                Ok(buffer) => buffer,
                Err(e) => {
                    stopped_early = Some(format!("decode error: {e}"));
                    break;
                }
            };
            let spec = buffer.spec();
            let this = AudioFormat {
                channels: spec.channels().count() as u32,
                rate: spec.rate(),
            };
            // symphonia decodes only the core of HE-AAC, at half the rate, without an error.
            if format.is_none()
                && let Some(rate) = self.request.rate.filter(|r| *r != this.rate)
            {
                return Err(format!(
                    "symphonia decodes {} Hz where the file says {rate} Hz (HE-AAC?)",
                    this.rate
                ));
            }
            if *format.get_or_insert(this) != this {
                stopped_early = Some("the audio format changes mid-stream".to_owned());
                break;
            }
            buffer.copy_to_vec_interleaved(&mut samples);
            let channels = this.channels.max(1) as usize;
            for block in samples.chunks(BLOCK_FRAMES * channels) {
                sink(this, block)?;
            }
            frames += (samples.len() / channels) as u64;
        }
        let format = format.ok_or_else(|| {
            stopped_early
                .clone()
                .unwrap_or_else(|| "the audio stream holds no samples".to_owned())
        })?;
        let decoded = Decoded {
            format,
            frames,
            stopped_early: None,
        };
        let expected_s = expected_frames
            .map(|n| n as f64 / f64::from(format.rate.max(1)))
            .or(self.request.duration_s);
        let stopped_early = stopped_early.or_else(|| ended_early(decoded.seconds(), expected_s));
        Ok(Decoded {
            stopped_early,
            ..decoded
        })
    }
}

pub struct FfmpegDecoder<'a> {
    request: StreamRequest<'a>,
}

impl FfmpegDecoder<'_> {
    fn args(&self) -> Vec<OsString> {
        let mut args: Vec<OsString> = ["-nostdin", "-v", "error", "-i"]
            .map(OsString::from)
            .to_vec();
        args.push(media_url(self.request.path));
        args.extend(
            [
                "-map",
                &format!("0:a:{}", self.request.audio_index),
                "-f",
                "f32le",
                "-acodec",
                "pcm_f32le",
                "-",
            ]
            .map(OsString::from),
        );
        args
    }
}

/// A stream of unknown length is given the deadline of a twelve-hour one: the deadline only
/// ends a decode that never finishes; the stall timeout ends one that hangs.
const UNKNOWN_LENGTH_S: f64 = 12.0 * 3600.0;

impl AudioDecoder for FfmpegDecoder<'_> {
    fn name(&self) -> &'static str {
        "ffmpeg"
    }

    fn decode(&self, sink: &mut Sink) -> Result<Decoded, String> {
        let request = &self.request;
        let format = match (request.channels, request.rate) {
            (Some(channels), Some(rate)) if channels > 0 && rate > 0 => {
                AudioFormat { channels, rate }
            }
            _ => return Err("the probe gives no channel count or sample rate".to_owned()),
        };
        let limits = Limits {
            deadline: super::ffmpeg::timeout_for(request.duration_s.unwrap_or(UNKNOWN_LENGTH_S)),
            stall: Some(request.stall_timeout),
        };
        let mut frames_of = F32Frames::new(format.channels);
        let mut frames = 0u64;
        let outcome = run_streaming(
            "ffmpeg",
            &self.args(),
            limits,
            &mut |bytes| {
                frames += frames_of.push(bytes, &mut |block| sink(format, block))?;
                Ok(())
            },
            &mut |_| {},
        );
        let failure = failure_of(outcome)?;
        let seconds = frames as f64 / f64::from(format.rate);
        if frames == 0 {
            return Err(failure.unwrap_or_else(|| "the audio stream holds no samples".to_owned()));
        }
        Ok(Decoded {
            format,
            frames,
            stopped_early: failure.or_else(|| ended_early(seconds, request.duration_s)),
        })
    }
}

/// How an ffmpeg decode ended, in the decoder's words: `Err` when nothing it delivered is of
/// use, else why decoding stopped before the end, if it did.
pub(super) fn failure_of(outcome: Result<Output, RunError>) -> Result<Option<String>, String> {
    match outcome {
        // The sink's own reason for stopping.
        Err(RunError::Stopped(why)) => Err(why),
        Err(RunError::Spawn(e)) => Err(format!("cannot run ffmpeg: {e}")),
        Err(e @ RunError::NotFound(_)) => Err(e.to_string()),
        Err(RunError::Stalled(stall)) => Ok(Some(format!(
            "ffmpeg delivered no audio for {} s (hung or very slow storage?); killed",
            stall.as_secs_f64()
        ))),
        Err(e @ RunError::TimedOut(_)) => Ok(Some(format!("ffmpeg: {e}"))),
        Err(RunError::Io(e)) => Ok(Some(format!("reading from ffmpeg: {e}"))),
        Ok(output) => {
            let lines = || {
                output
                    .stderr
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
            };
            // A run that ended well lost samples only where ffmpeg says it could not decode
            // the mapped stream; anything else it logged is about the container or the other
            // streams it looked at while opening the file (a damaged h264 picture is no
            // reason to call the sound partial).
            if output.success {
                let lost = lines().find(|l| super::ffmpeg::decode_error(l).is_some());
                return Ok(lost.map(|e| format!("ffmpeg: {e}")));
            }
            let first_error = lines().next().map(super::ffmpeg::without_context);
            Ok(Some(format!(
                "ffmpeg failed: {}",
                first_error.unwrap_or_else(|| "no message".to_owned())
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_torn_across_reads_arrive_whole_and_in_order() {
        let samples: Vec<f32> = (0..30).map(|i| i as f32).collect();
        let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
        let mut frames_of = F32Frames::new(3);
        let (mut got, mut frames) = (Vec::new(), 0);
        for piece in bytes.chunks(7) {
            frames += frames_of
                .push(piece, &mut |block| {
                    assert_eq!(block.len() % 3, 0, "a torn frame was delivered");
                    got.extend_from_slice(block);
                    Ok(())
                })
                .unwrap();
        }
        assert_eq!(frames, 10);
        assert_eq!(got, samples);
    }

    /// A 16-bit mono WAV header announcing `seconds` at `rate`.
    fn wav_header(rate: u32, seconds: u32) -> Vec<u8> {
        let data_len = rate * 2 * seconds;
        let mut header = Vec::new();
        header.extend_from_slice(b"RIFF");
        header.extend_from_slice(&(36 + data_len).to_le_bytes());
        header.extend_from_slice(b"WAVEfmt ");
        header.extend_from_slice(&16u32.to_le_bytes());
        header.extend_from_slice(&1u16.to_le_bytes()); // PCM
        header.extend_from_slice(&1u16.to_le_bytes()); // mono
        header.extend_from_slice(&rate.to_le_bytes());
        header.extend_from_slice(&(rate * 2).to_le_bytes());
        header.extend_from_slice(&2u16.to_le_bytes());
        header.extend_from_slice(&16u16.to_le_bytes());
        header.extend_from_slice(b"data");
        header.extend_from_slice(&data_len.to_le_bytes());
        header
    }

    #[test]
    fn a_sink_that_refuses_stops_the_ffmpeg_decode_with_its_reason() {
        let dir = tempfile::tempdir().expect("tempdir");
        let wav = dir.path().join("tone.wav");
        let mut bytes = wav_header(8000, 1);
        bytes.resize(bytes.len() + 8000 * 2, 0);
        std::fs::write(&wav, bytes).expect("write wav");
        let request = StreamRequest {
            path: &wav,
            audio_index: 0,
            audio_streams: 1,
            channels: Some(1),
            rate: Some(8000),
            duration_s: Some(1.0),
            stall_timeout: Duration::from_secs(10),
        };
        let decoded = ffmpeg_decoder(request).decode(&mut |_, _| Err("meter full".to_owned()));
        assert_eq!(decoded, Err("meter full".to_owned()));
    }
}
