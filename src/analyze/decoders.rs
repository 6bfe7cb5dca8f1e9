//! Which codecs the ffmpeg on PATH can decode. A stream it has no decoder for (a codec newer
//! than the installed FFmpeg, a fourcc nobody knows) cannot be checked for damage, black or
//! freeze: that is "cannot decode this codec", a warning, never corruption.

use crate::probe::Probe;
use std::collections::HashSet;
use std::sync::OnceLock;
use std::time::Duration;

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

/// The streams a decode would need that ffmpeg cannot decode, as findings name them:
/// "video (codec unknown)". Empty when every picture and sound stream decodes.
pub fn undecodable(probe: &Probe) -> Vec<String> {
    let known = decodable();
    let cannot = |codec: Option<&str>| match codec {
        None | Some("unknown" | "none") => true,
        Some(name) => known.is_some_and(|k| !k.contains(name)),
    };
    let describe = |stream: String, codec: Option<&str>| {
        format!("{stream} (codec {})", codec.unwrap_or("unknown"))
    };
    let mut streams = Vec::new();
    if let Some(v) = &probe.video
        && cannot(v.codec.as_deref())
    {
        streams.push(describe("video".into(), v.codec.as_deref()));
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
}
