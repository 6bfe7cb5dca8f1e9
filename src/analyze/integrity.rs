//! The cheap look at a file's bytes that runs on every file (`file.truncated`): a header can
//! declare far more media than the bytes hold (a cut transfer with its index at the front), or
//! the essence can be zero-filled (a sparse copy, a failed block). Neither shows in the probe,
//! and neither is noticed unless something decodes the file; here it costs the streams' bit rates
//! the probe already read and a few KB of reads (plus a decode of three frames where the sizes
//! or the reads find something: a declared rate proves nothing on its own).

use super::ffmpeg;
use super::guarded_file::GuardedFile;
use crate::probe::Probe;
use crate::process::media_url;
use std::ffi::OsString;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::Duration;

/// The bytes the streams' declared bit rates need, times this, must fit in the file. Below 1
/// for VBR codecs whose header rate is a nominal one; anything cut by a quarter or more shows.
const MIN_SIZE_SHARE: f64 = 0.75;
/// Bytes read at each sampled place.
const BLOCK: usize = 1024;
/// Where essence is sampled, as shares of the file: past any header at the front and before
/// an index at the end.
const SAMPLE_AT: [f64; 3] = [0.25, 0.5, 0.75];
/// A zero run is suspect only when it spans this many seconds of the file's bytes.
const ZERO_RUN_S: f64 = 2.0;
/// Frames decoded where a zero run is suspect: silent PCM and uncompressed black are zeros too,
/// so zeros are damage only when the picture (else the sound) there does not decode.
const CONFIRM_FRAMES: &str = "3";

/// What is wrong with the file's bytes, for `file.truncated`; `None` when nothing shows.
/// `wave_header` reads (once) the header of a WAVE file, which only WAVs are asked for.
pub fn damage<'h>(
    path: &Path,
    probe: &Probe,
    timeout: Duration,
    wave_header: &dyn Fn() -> &'h crate::bwf::Header,
) -> Option<String> {
    if let Some(cut) = wave_cut_short(probe, wave_header) {
        return Some(cut);
    }
    let size = probe.size?;
    let duration = probe.duration().filter(|d| d.is_finite() && *d > 0.0)?;
    if only_pcm_audio(probe) {
        // PCM's rate follows from its format, whatever byte rate the header states.
        let bits_per_s =
            pcm_bits_per_s(probe).unwrap_or_else(|| probe.stream_bit_rates.iter().sum());
        return too_small(size, duration, bits_per_s);
    }
    let declared_bits_per_s: u64 = probe.stream_bit_rates.iter().sum();
    if let Some(short) = too_small(size, duration, declared_bits_per_s) {
        // A header's rate may be nominal or a maximum (a VBR stream): only an end that does
        // not decode proves the file was cut.
        let near_end = (duration - 1.0).max(0.0);
        if !decodes_at(path, near_end, probe.video.is_some(), timeout) {
            return Some(short);
        }
    }
    let suspect_s = zero_run(path, size, duration, timeout)?;
    let at_s = suspect_s.min(duration - 1.0).max(0.0);
    (!decodes_at(path, at_s, probe.video.is_some(), timeout)).then(|| {
        format!("zero bytes where essence should be: it does not decode around {at_s:.1} s")
    })
}

/// A WAV (RIFF, RF64, BW64) whose `data` chunk declares more sample frames than the file holds:
/// a copy cut at a sample boundary decodes cleanly to where it stops, and its duration is then
/// read from what is there, so only the chunk's own size tells.
fn wave_cut_short<'h>(
    probe: &Probe,
    wave_header: &dyn Fn() -> &'h crate::bwf::Header,
) -> Option<String> {
    let container = probe.container.as_deref()?;
    if !container.split(',').any(|c| c == "wav") {
        return None;
    }
    let (data, frame, sample_rate) = wave_header().data()?;
    let declared = data.declared?;
    // A missing pad byte, or less than one sample frame, is no cut.
    if data.missing() < frame {
        return None;
    }
    let per_s = (frame * u64::from(sample_rate)).max(1) as f64;
    Some(format!(
        "its data chunk declares {} ({:.1} s) but holds {} ({:.1} s): the file is cut short",
        bytes(declared as f64),
        declared as f64 / per_s,
        bytes(data.present as f64),
        data.present as f64 / per_s
    ))
}

/// "holds 289 KB where its streams need at least 35.2 MB for 940.0 s": the size can not hold
/// what the header declares.
fn too_small(size: u64, duration_s: f64, bits_per_s: u64) -> Option<String> {
    let needed = bits_per_s as f64 / 8.0 * duration_s;
    (needed > 0.0 && (size as f64) < needed * MIN_SIZE_SHARE).then(|| {
        format!(
            "holds {} where its streams need at least {} for {duration_s:.1} s: the file is cut short",
            bytes(size as f64),
            bytes(needed * MIN_SIZE_SHARE)
        )
    })
}

fn bytes(n: f64) -> String {
    match n {
        n if n >= 1e9 => format!("{:.1} GB", n / 1e9),
        n if n >= 1e6 => format!("{:.1} MB", n / 1e6),
        n if n >= 1e3 => format!("{:.0} KB", n / 1e3),
        n => format!("{n:.0} bytes"),
    }
}

/// The bits a second that PCM streams of their sample rate, channels and sample size take;
/// `None` when a stream does not say.
fn pcm_bits_per_s(probe: &Probe) -> Option<u64> {
    probe
        .audio
        .iter()
        .map(|a| {
            let bits = a.bits_per_sample.filter(|&b| b > 0)?;
            Some(u64::from(a.sample_rate?) * u64::from(a.channels?) * u64::from(bits))
        })
        .sum()
}

/// An audio file of PCM only: its zeros are digital silence, which decodes as such.
fn only_pcm_audio(probe: &Probe) -> bool {
    probe.video.is_none()
        && probe
            .audio
            .iter()
            .all(|a| a.codec.as_deref().is_none_or(|c| c.starts_with("pcm_")))
}

/// Samples the essence at a few places; where a block, one a second later and one
/// `ZERO_RUN_S` later are all zero bytes, returns the time (by bytes) in the middle of them.
fn zero_run(path: &Path, size: u64, duration_s: f64, timeout: Duration) -> Option<f64> {
    let mut file = GuardedFile::open(path, timeout).ok()?;
    let bytes_per_s = size as f64 / duration_s;
    let run = (bytes_per_s * ZERO_RUN_S) as u64;
    for share in SAMPLE_AT {
        let start = (size as f64 * share) as u64;
        let offsets = [start, start + run / 2, start + run];
        if offsets.iter().any(|o| o + BLOCK as u64 > size) {
            continue;
        }
        let zeros = offsets
            .iter()
            .map(|&o| is_zero_block(&mut file, o))
            .collect::<Option<Vec<bool>>>()?;
        if zeros.iter().all(|z| *z) {
            return Some((start + run / 2) as f64 / bytes_per_s);
        }
    }
    None
}

/// Whether a few frames of the picture (else the first audio stream) decode from `at_s` on.
fn decodes_at(path: &Path, at_s: f64, picture: bool, timeout: Duration) -> bool {
    let mut args = ffmpeg::base_args();
    args.extend([
        "-v".into(),
        "error".into(),
        "-ss".into(),
        format!("{at_s:.3}").into(),
    ]);
    args.extend(["-i".into(), media_url(path)]);
    let (stream, frames) = if picture {
        ("0:v:0", "-frames:v")
    } else {
        ("0:a:0", "-frames:a")
    };
    args.extend(
        [
            "-map",
            stream,
            frames,
            CONFIRM_FRAMES,
            "-f",
            "framecrc",
            "pipe:1",
        ]
        .map(OsString::from),
    );
    let (mut frames, mut errors) = (0usize, 0usize);
    let outcome = ffmpeg::run_streaming(
        &args,
        timeout,
        None,
        &mut |bytes| frames += bytes.windows(4).filter(|w| *w == b", 0x").count(),
        &mut |line| errors += usize::from(ffmpeg::decode_error(line).is_some()),
    );
    outcome.is_ok() && errors == 0 && frames > 0
}

/// Whether `BLOCK` bytes at `offset` are all zero; `None` when they cannot be read.
fn is_zero_block(file: &mut GuardedFile, offset: u64) -> Option<bool> {
    let mut block = [0u8; BLOCK];
    file.seek(SeekFrom::Start(offset)).ok()?;
    file.read_exact(&mut block).ok()?;
    Some(block.iter().all(|b| *b == 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_declaring_more_than_the_bytes_hold_is_cut_short() {
        // 940 s at 2 Mb/s in 289 KB.
        let message = too_small(289_000, 940.0, 2_000_000).expect("cut short");
        assert!(message.starts_with("holds 289 KB"), "{message}");
        assert_eq!(too_small(2_334_945, 10.0, 1_863_094), None);
        assert_eq!(too_small(1000, 10.0, 0), None);
    }

    #[test]
    fn bit_rates_skip_streams_without_one() {
        let probe = crate::probe::parse_json(
            br#"{"streams": [{"bit_rate": "1157494"}, {"bit_rate": "N/A"}, {}, {"bit_rate": "705600"}],
                "format": {}}"#,
        )
        .expect("probe JSON");
        assert_eq!(probe.stream_bit_rates, vec![1157494, 705600]);
    }
}
