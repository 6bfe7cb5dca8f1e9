//! Audio format rules, judged on every audio stream; one finding per rule listing the streams
//! that break it.

use super::{Finding, ids, per_stream};
use crate::probe::{AudioStream, Probe};
use crate::spec::{AudioRules, Spec};

pub fn all(spec: &Spec, probe: &Probe) -> Vec<Finding> {
    let Some(rules) = spec.audio.as_ref() else {
        return Vec::new();
    };
    let streams = &probe.audio;
    let mut findings = Vec::new();
    let mut rule = |id: &str,
                    what: &str,
                    expected: Option<String>,
                    judge: &dyn Fn(&AudioStream) -> Result<(), String>| {
        let Some(expected) = expected else { return };
        if streams.is_empty() {
            findings.push(
                Finding::fail(id, what, expected, "no audio stream")
                    .with_message("no audio stream"),
            );
            return;
        }
        let failing: Vec<(usize, String)> = streams
            .iter()
            .enumerate()
            .filter_map(|(i, s)| judge(s).err().map(|actual| (i, actual)))
            .collect();
        if !failing.is_empty() {
            findings.push(Finding::fail(
                id,
                what,
                expected,
                per_stream(&failing, streams.len()),
            ));
        }
    };
    let AudioRules {
        codec,
        sample_rate,
        channels,
        bit_depth,
        loudness: _,
        layout: _,
        // Measured from the samples: `check::sound`.
        phase: _,
        stereo: _,
        tone: _,
        lfe: _,
    } = rules;
    rule(
        ids::AUDIO_CODEC,
        "audio codec",
        codec.as_ref().map(|c| c.describe()),
        &|s| {
            let allowed = codec.as_ref().expect("rule is set");
            match s.codec.as_deref() {
                Some(c) if allowed.contains_ignore_case(c) => Ok(()),
                other => Err(other.unwrap_or("unknown").to_owned()),
            }
        },
    );
    rule(
        ids::AUDIO_SAMPLE_RATE,
        "sample rate",
        sample_rate.map(|r| format!("{} Hz", r.0)),
        &|s| match s.sample_rate {
            Some(r) if Some(r) == sample_rate.map(|c| c.0) => Ok(()),
            Some(r) => Err(format!("{r} Hz")),
            None => Err("unknown".into()),
        },
    );
    rule(
        ids::AUDIO_CHANNELS,
        "channels",
        channels.map(|c| c.0.to_string()),
        &|s| match s.channels {
            Some(c) if Some(c) == channels.map(|c| c.0) => Ok(()),
            Some(c) => Err(match &s.channel_layout {
                Some(layout) => format!("{c} ({layout})"),
                None => c.to_string(),
            }),
            None => Err("unknown".into()),
        },
    );
    rule(
        ids::AUDIO_BIT_DEPTH,
        "audio bit depth",
        bit_depth.map(|b| format!("{} bit", b.0)),
        &|s| match s.bit_depth() {
            Some(b) if Some(b) == bit_depth.map(|c| c.0) => Ok(()),
            Some(b) => Err(format!("{b} bit")),
            None => Err(format!("unknown ({})", s.codec.as_deref().unwrap_or("?"))),
        },
    );
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::test_support::*;

    #[test]
    fn lists_failing_streams() {
        let spec = spec("name: t\naudio: {sample_rate: 48000, channels: 2, bit_depth: 24}\n");
        let mut p = probe();
        let mut second = p.audio[0].clone();
        second.sample_rate = Some(44100);
        second.bits_per_raw_sample = None;
        second.bits_per_sample = Some(16);
        p.audio.push(second);
        let findings = all(&spec, &p);
        assert_eq!(ids(&findings), vec!["audio.sample_rate", "audio.bit_depth"]);
        assert_eq!(findings[0].actual, "stream 2 44100 Hz");
        assert_eq!(findings[1].actual, "stream 2 16 bit");
    }

    #[test]
    fn single_stream_shows_plain_value_and_layout() {
        let spec = spec("name: t\naudio: {channels: 6, codec: [pcm_s24le, pcm_s24be]}\n");
        let findings = all(&spec, &probe());
        assert_eq!(ids(&findings), vec!["audio.channels"]);
        assert_eq!(findings[0].actual, "2 (stereo)");
    }

    #[test]
    fn no_audio_stream_is_a_clear_finding() {
        let spec = spec("name: t\naudio: {codec: pcm_s24le}\n");
        let mut p = probe();
        p.audio.clear();
        let findings = all(&spec, &p);
        assert_eq!(findings[0].actual, "no audio stream");
    }
}
