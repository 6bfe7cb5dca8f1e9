//! Which codecs the ffmpeg on PATH can decode. A stream it has no decoder for (a codec newer
//! than the installed FFmpeg, a fourcc nobody knows) cannot be checked for damage, black or
//! freeze: that is "cannot decode this codec", a warning, never corruption.
//!
//! High-Throughput JPEG 2000 (HTJ2K, ISO/IEC 15444-15) is the one case `ffmpeg -codecs` cannot
//! tell: FFmpeg before 6.1 lists a `jpeg2000` decoder that does not refuse HT code-blocks, and
//! decodes them to garbage and errors. Such a stream is found by its codestream's own marks.

use crate::probe::Probe;
use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

/// libavcodec (major, minor) from which the `jpeg2000` decoder decodes HT code-blocks
/// (FFmpeg 6.1).
const HTJ2K_FROM_LIBAVCODEC: (u32, u32) = (60, 31);

/// The codecs `ffmpeg -codecs` marks as decodable (`D` in the first flag column); `None` when
/// ffmpeg could not be asked (then every codec is tried, and a failure is what it is).
fn decodable() -> Option<&'static HashSet<String>> {
    static CODECS: OnceLock<Option<HashSet<String>>> = OnceLock::new();
    CODECS
        .get_or_init(|| {
            let args = ["-hide_banner", "-codecs"];
            let output =
                crate::process::run_with_timeout("ffmpeg", &args, Duration::from_secs(30)).ok()?;
            output
                .success
                .then(|| parse_codecs(&String::from_utf8_lossy(&output.stdout)))
        })
        .as_ref()
}

/// ` DEV.LS h264   H.264 / AVC …` lines after the `-------` rule: the names flagged `D`.
fn parse_codecs(listing: &str) -> HashSet<String> {
    listing
        .lines()
        .skip_while(|line| !line.trim_start().starts_with("---"))
        .skip(1)
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let flags = fields.next()?;
            let name = fields.next()?;
            flags.starts_with('D').then(|| name.to_owned())
        })
        .collect()
}

/// The installed libavcodec's (major, minor), from `ffmpeg -version`; `None` when ffmpeg could
/// not be asked or does not say.
fn libavcodec_version() -> Option<(u32, u32)> {
    static VERSION: OnceLock<Option<(u32, u32)>> = OnceLock::new();
    *VERSION.get_or_init(|| {
        let args = ["-hide_banner", "-version"];
        let output =
            crate::process::run_with_timeout("ffmpeg", &args, Duration::from_secs(30)).ok()?;
        parse_libavcodec_version(&String::from_utf8_lossy(&output.stdout))
    })
}

/// `libavcodec     59. 37.100 / 59. 37.100` → (59, 37).
fn parse_libavcodec_version(listing: &str) -> Option<(u32, u32)> {
    let line = listing.lines().find(|l| l.starts_with("libavcodec"))?;
    let version = line.trim_start_matches("libavcodec").split('/').next()?;
    let mut parts = version.split('.').map(|p| p.trim().parse::<u32>());
    Some((parts.next()?.ok()?, parts.next()?.ok()?))
}

/// Whether the installed ffmpeg decodes HTJ2K; an ffmpeg that does not say is trusted to.
fn decodes_htj2k() -> bool {
    libavcodec_version().is_none_or(|v| v >= HTJ2K_FROM_LIBAVCODEC)
}

/// Whether the first picture of the file's video stream is an HTJ2K codestream.
fn first_picture_is_htj2k(path: &Path) -> bool {
    let mut args = vec![
        "-hide_banner".into(),
        "-nostdin".into(),
        "-v".into(),
        "error".into(),
    ];
    args.extend(["-i".into(), crate::process::media_url(path)]);
    args.extend(
        [
            "-map",
            "0:v:0",
            "-frames:v",
            "1",
            "-c",
            "copy",
            "-f",
            "data",
            "pipe:1",
        ]
        .map(std::ffi::OsString::from),
    );
    crate::process::run_with_timeout("ffmpeg", &args, Duration::from_secs(60))
        .is_ok_and(|output| is_htj2k_codestream(&output.stdout))
}

/// An HTJ2K codestream: its SIZ segment's Rsiz has bit 14 set, or its CAP segment flags Part 15
/// (ISO/IEC 15444-15 §A.2, A.3). The codestream is found by SOC followed by SIZ, which also
/// finds it inside a JP2 `jp2c` box.
fn is_htj2k_codestream(packet: &[u8]) -> bool {
    const SOC_SIZ: [u8; 4] = [0xFF, 0x4F, 0xFF, 0x51];
    const RSIZ_HT: u16 = 1 << 14;
    const PCAP_PART15: u32 = 1 << (32 - 15);
    let Some(start) = packet.windows(4).position(|w| w == SOC_SIZ) else {
        return false;
    };
    let be16 = |at: usize| Some(u16::from_be_bytes([*packet.get(at)?, *packet.get(at + 1)?]));
    let Some(rsiz) = be16(start + 6) else {
        return false;
    };
    if rsiz & RSIZ_HT != 0 {
        return true;
    }
    // The main header's marker segments, SIZ first, up to the first tile (SOT).
    let mut at = start + 2;
    while let (Some(marker), Some(length)) = (be16(at), be16(at + 2)) {
        match marker {
            0xFF90 => return false,
            0xFF50 => {
                let pcap = packet
                    .get(at + 4..at + 8)
                    .map(|b| u32::from_be_bytes(b.try_into().expect("four bytes")));
                return pcap.is_some_and(|p| p & PCAP_PART15 != 0);
            }
            _ => at += 2 + usize::from(length),
        }
    }
    false
}

/// The streams a decode would need that ffmpeg cannot decode, as findings name them:
/// "video (codec unknown)". Empty when every picture and sound stream decodes.
pub fn undecodable(path: &Path, probe: &Probe) -> Vec<String> {
    let known = decodable();
    let cannot = |codec: Option<&str>| match codec {
        None | Some("unknown" | "none") => true,
        Some(name) => known.is_some_and(|k| !k.contains(name)),
    };
    let describe = |stream: String, codec: Option<&str>| {
        format!("{stream} (codec {})", codec.unwrap_or("unknown"))
    };
    let mut streams = Vec::new();
    if let Some(v) = &probe.video {
        if cannot(v.codec.as_deref()) {
            streams.push(describe("video".into(), v.codec.as_deref()));
        } else if v.codec.as_deref() == Some("jpeg2000")
            && !decodes_htj2k()
            && first_picture_is_htj2k(path)
        {
            streams.push(
                "video (codec jpeg2000 with High-Throughput (HTJ2K) code-blocks, which FFmpeg \
                 decodes from 6.1 on)"
                    .to_owned(),
            );
        }
    }
    for (i, a) in probe.audio.iter().enumerate() {
        if cannot(a.codec.as_deref()) {
            let stream = format!("audio stream {}", i + 1);
            streams.push(describe(stream, a.codec.as_deref()));
        }
    }
    streams
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_codecs_flagged_for_decoding_count() {
        let listing = "Codecs:\n D..... = Decoding supported\n -------\n DEV.LS h264  H.264\n \
                       .EV.L. libx265_only  encoder only\n DEA.L. pcm_s16le  PCM\n";
        let codecs = parse_codecs(listing);
        assert!(codecs.contains("h264") && codecs.contains("pcm_s16le"));
        assert!(!codecs.contains("libx265_only"));
        assert_eq!(codecs.len(), 2);
    }

    #[test]
    fn the_libavcodec_version_is_read_from_ffmpeg_version() {
        let listing = "ffmpeg version 5.1.6-0+deb12u1 Copyright (c) 2000-2024\n\
                       libavutil      57. 28.100 / 57. 28.100\n\
                       libavcodec     59. 37.100 / 59. 37.100\n";
        assert_eq!(parse_libavcodec_version(listing), Some((59, 37)));
        assert_eq!(parse_libavcodec_version("ffmpeg version N-1\n"), None);
        assert!((59, 37) < HTJ2K_FROM_LIBAVCODEC && (61, 3) >= HTJ2K_FROM_LIBAVCODEC);
    }

    /// SOC, SIZ (Lsiz 41) with `rsiz`, then `extra` marker segments and a SOT.
    fn codestream(rsiz: u16, extra: &[u8]) -> Vec<u8> {
        let mut bytes = vec![0x00, 0x00, 0x00, 0x0C, b'j', b'P'];
        bytes.extend([0xFF, 0x4F, 0xFF, 0x51, 0x00, 41]);
        bytes.extend(rsiz.to_be_bytes());
        bytes.extend([0u8; 37]);
        bytes.extend(extra);
        bytes.extend([0xFF, 0x90, 0x00, 0x0A]);
        bytes
    }

    #[test]
    fn htj2k_is_known_by_rsiz_or_by_its_cap_segment() {
        assert!(!is_htj2k_codestream(&codestream(0, &[])));
        assert!(is_htj2k_codestream(&codestream(0x4000, &[])));
        // A COD segment, then CAP with Pcap's Part 15 bit and one Ccap.
        let cod = [0xFF, 0x52, 0x00, 0x04, 0x00, 0x00];
        let cap = [0xFF, 0x50, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00];
        assert!(is_htj2k_codestream(&codestream(
            0,
            &[&cod[..], &cap[..]].concat()
        )));
        let cap_part2 = [0xFF, 0x50, 0x00, 0x08, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00];
        assert!(!is_htj2k_codestream(&codestream(0, &cap_part2)));
        assert!(!is_htj2k_codestream(b"no codestream here"));
        // Cut inside SIZ.
        assert!(!is_htj2k_codestream(&[0xFF, 0x4F, 0xFF, 0x51, 0x00]));
    }
}
