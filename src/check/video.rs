//! Video rules, judged on the first video stream.

use super::{Finding, Severity, ids};
use crate::probe::{Probe, VideoStream};
use crate::rational::Rational;
use crate::spec::{OneOrMany, Scan, Spec, VideoRules};

pub fn all(spec: &Spec, probe: &Probe) -> Vec<Finding> {
    let Some(rules) = spec.video.as_ref() else {
        return Vec::new();
    };
    let Some(video) = probe.video.as_ref() else {
        return no_video_stream(rules);
    };
    [
        codec(rules, video),
        profile(rules, video),
        resolution(rules, video),
        frame_rate(rules, video),
        scan(rules, video),
        pix_fmt(rules, video),
        bit_depth(rules, video),
        colour(
            ids::VIDEO_COLOR_PRIMARIES,
            "colour primaries",
            rules.color_primaries.as_ref(),
            video.color_primaries.as_deref(),
        ),
        colour(
            ids::VIDEO_COLOR_TRANSFER,
            "transfer",
            rules.color_transfer.as_ref(),
            video.color_transfer.as_deref(),
        ),
        colour(
            ids::VIDEO_COLOR_SPACE,
            "colour space",
            rules.color_space.as_ref(),
            video.color_space.as_deref(),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// One finding per video rule the spec sets, each saying the file has no picture to judge.
fn no_video_stream(rules: &VideoRules) -> Vec<Finding> {
    let mut asked: Vec<(&str, String)> = Vec::new();
    let mut ask = |id: &'static str, expected: Option<String>| {
        if let Some(e) = expected {
            asked.push((id, e));
        }
    };
    ask(
        ids::VIDEO_CODEC,
        rules.codec.as_ref().map(OneOrMany::describe),
    );
    ask(
        ids::VIDEO_PROFILE,
        rules.profile.as_ref().map(OneOrMany::describe),
    );
    ask(
        ids::VIDEO_RESOLUTION,
        rules
            .width
            .zip(rules.height)
            .map(|(w, h)| format!("{}x{}", w.0, h.0)),
    );
    ask(
        ids::VIDEO_FRAME_RATE,
        rules.frame_rate.map(|r| r.0.to_string()),
    );
    ask(ids::VIDEO_SCAN, rules.scan.map(|s| s.to_string()));
    ask(
        ids::VIDEO_PIX_FMT,
        rules.pix_fmt.as_ref().map(OneOrMany::describe),
    );
    ask(
        ids::VIDEO_BIT_DEPTH,
        rules.bit_depth.map(|b| format!("{} bit", b.0)),
    );
    ask(
        ids::VIDEO_COLOR_PRIMARIES,
        rules.color_primaries.as_ref().map(OneOrMany::describe),
    );
    ask(
        ids::VIDEO_COLOR_TRANSFER,
        rules.color_transfer.as_ref().map(OneOrMany::describe),
    );
    ask(
        ids::VIDEO_COLOR_SPACE,
        rules.color_space.as_ref().map(OneOrMany::describe),
    );
    asked
        .into_iter()
        .map(|(id, expected)| {
            Finding::fail(id, "video", expected, "no video stream").with_message("no video stream")
        })
        .collect()
}

fn one_of(
    id: &str,
    what: &str,
    allowed: Option<&OneOrMany>,
    actual: Option<&str>,
) -> Option<Finding> {
    one_of_or(id, what, allowed, actual, "not reported by ffprobe")
}

/// `actual` must be one of `allowed` (case-insensitive); `missing` says what an absent value means.
fn one_of_or(
    id: &str,
    what: &str,
    allowed: Option<&OneOrMany>,
    actual: Option<&str>,
    missing: &str,
) -> Option<Finding> {
    let allowed = allowed?;
    match actual {
        Some(a) if allowed.contains_ignore_case(a) => None,
        Some(a) => Some(Finding::fail(id, what, allowed.describe(), a)),
        None => Some(Finding::fail(id, what, allowed.describe(), missing)),
    }
}

fn codec(rules: &VideoRules, v: &VideoStream) -> Option<Finding> {
    one_of(
        ids::VIDEO_CODEC,
        "video codec",
        rules.codec.as_ref(),
        v.codec.as_deref(),
    )
}

fn profile(rules: &VideoRules, v: &VideoStream) -> Option<Finding> {
    one_of(
        ids::VIDEO_PROFILE,
        "profile",
        rules.profile.as_ref(),
        v.profile.as_deref(),
    )
}

fn pix_fmt(rules: &VideoRules, v: &VideoStream) -> Option<Finding> {
    one_of(
        ids::VIDEO_PIX_FMT,
        "pixel format",
        rules.pix_fmt.as_ref(),
        v.pix_fmt.as_deref(),
    )
}

/// Colour tags: an untagged stream is reported as such, not as a probe gap.
fn colour(
    id: &str,
    what: &str,
    allowed: Option<&OneOrMany>,
    actual: Option<&str>,
) -> Option<Finding> {
    one_of_or(id, what, allowed, actual, "unspecified (not tagged)")
}

fn resolution(rules: &VideoRules, v: &VideoStream) -> Option<Finding> {
    let (w, h) = rules.width.zip(rules.height)?;
    let expected = format!("{}x{}", w.0, h.0);
    match v.width.zip(v.height) {
        Some((aw, ah)) if aw == w.0 && ah == h.0 => None,
        Some((aw, ah)) => Some(Finding::fail(
            ids::VIDEO_RESOLUTION,
            "resolution",
            expected,
            format!("{aw}x{ah}"),
        )),
        None => Some(Finding::fail(
            ids::VIDEO_RESOLUTION,
            "resolution",
            expected,
            "unknown",
        )),
    }
}

/// Same-rate compare (exact, or Apple's 2997/125 for 23.976): r_frame_rate first; avg_frame_rate
/// also counts (some muxers report a base rate of 2× or a timebase-like r_frame_rate while the
/// real average is right).
fn frame_rate(rules: &VideoRules, v: &VideoStream) -> Option<Finding> {
    let expected = rules.frame_rate?.0;
    let is_expected = |rate: Option<Rational>| rate.is_some_and(|r| r.is_same_rate_as(expected));
    if is_expected(v.r_frame_rate) || is_expected(v.avg_frame_rate) {
        return None;
    }
    let (expected, actual) = match v.frame_rate() {
        Some(actual) => Rational::contrasted(expected, actual),
        None => (expected.to_string(), "unknown".to_owned()),
    };
    Some(Finding::fail(
        ids::VIDEO_FRAME_RATE,
        "frame rate",
        expected,
        actual,
    ))
}

/// ffprobe field_order → what the spec calls it. tt/bt are displayed top field first.
fn scan_of(field_order: &str) -> Option<Scan> {
    match field_order {
        "progressive" => Some(Scan::Progressive),
        "tt" | "bt" => Some(Scan::Tff),
        "bb" | "tb" => Some(Scan::Bff),
        _ => None,
    }
}

fn scan(rules: &VideoRules, v: &VideoStream) -> Option<Finding> {
    let expected = rules.scan?;
    let Some(actual) = v.field_order.as_deref().and_then(scan_of) else {
        return Some(
            Finding::fail(
                ids::VIDEO_SCAN,
                "scan",
                expected.to_string(),
                "unknown (no field order in the stream)",
            )
            .with_severity(Severity::Warning),
        );
    };
    let ok = match expected {
        Scan::Interlaced => matches!(actual, Scan::Tff | Scan::Bff),
        other => other == actual,
    };
    let shown = match actual {
        Scan::Progressive => "progressive".to_owned(),
        interlaced => format!("interlaced {interlaced}"),
    };
    (!ok).then(|| Finding::fail(ids::VIDEO_SCAN, "scan", expected.to_string(), shown))
}

fn bit_depth(rules: &VideoRules, v: &VideoStream) -> Option<Finding> {
    let expected = rules.bit_depth?.0;
    match v.bit_depth() {
        Some(d) if d == expected => None,
        Some(d) => Some(Finding::fail(
            ids::VIDEO_BIT_DEPTH,
            "bit depth",
            format!("{expected} bit"),
            format!("{d} bit"),
        )),
        None => Some(Finding::fail(
            ids::VIDEO_BIT_DEPTH,
            "bit depth",
            format!("{expected} bit"),
            "unknown",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::test_support::*;

    #[test]
    fn ntsc_rate_compares_exactly() {
        let spec = spec("name: t\nvideo: {frame_rate: 23.976}\n");
        let mut p = probe();
        let f = &all(&spec, &p)[0];
        assert_eq!(f.expected, "23.976 (24000/1001)");
        assert_eq!(f.actual, "25");
        assert_eq!(
            f.message,
            "frame rate: expected 23.976 (24000/1001), got 25"
        );
        let v = p.video.as_mut().unwrap();
        v.r_frame_rate = Rational::new(24000, 1001);
        v.avg_frame_rate = Rational::new(24000, 1001);
        assert!(all(&spec, &p).is_empty());
        // 24 is not 23.976.
        let v = p.video.as_mut().unwrap();
        v.r_frame_rate = Rational::new(24, 1);
        v.avg_frame_rate = Rational::new(24, 1);
        assert_eq!(all(&spec, &p).len(), 1);
    }

    #[test]
    fn apple_timescale_rate_is_23_976() {
        let spec = spec("name: t\nvideo: {frame_rate: 23.976}\n");
        let mut p = probe();
        let v = p.video.as_mut().unwrap();
        v.r_frame_rate = Rational::new(2997, 125);
        v.avg_frame_rate = Rational::new(2997, 125);
        assert!(all(&spec, &p).is_empty());
    }

    #[test]
    fn mismatch_with_the_same_short_name_shows_more_decimals() {
        let spec = spec("name: t\nvideo: {frame_rate: 1}\n");
        let mut p = probe();
        let v = p.video.as_mut().unwrap();
        v.r_frame_rate = Rational::new(5001, 5000);
        v.avg_frame_rate = Rational::new(5001, 5000);
        let f = &all(&spec, &p)[0];
        assert_eq!(
            f.message,
            "frame rate: expected 1 (1/1), got 1.0002 (5001/5000)"
        );
    }

    #[test]
    fn rate_written_as_25_000_or_fraction_is_25() {
        for text in ["25", "25.000", "'25/1'"] {
            let spec = spec(&format!("name: t\nvideo: {{frame_rate: {text}}}\n"));
            assert!(all(&spec, &probe()).is_empty(), "{text}");
        }
    }

    #[test]
    fn audio_only_file_gets_no_video_stream_findings() {
        let spec = spec("name: t\nvideo: {codec: prores, width: 1920, height: 1080}\n");
        let mut p = probe();
        p.video = None;
        let findings = all(&spec, &p);
        assert_eq!(ids(&findings), vec!["video.codec", "video.resolution"]);
        assert!(findings.iter().all(|f| f.message == "no video stream"));
    }

    #[test]
    fn scan_field_orders() {
        let spec_i = spec("name: t\nvideo: {scan: interlaced}\n");
        let spec_tff = spec("name: t\nvideo: {scan: tff}\n");
        let mut p = probe();
        assert_eq!(all(&spec_i, &p)[0].actual, "progressive");
        p.video.as_mut().unwrap().field_order = Some("tt".into());
        assert!(all(&spec_i, &p).is_empty());
        assert!(all(&spec_tff, &p).is_empty());
        p.video.as_mut().unwrap().field_order = Some("bb".into());
        assert_eq!(all(&spec_tff, &p)[0].actual, "interlaced bff");
        p.video.as_mut().unwrap().field_order = None;
        assert_eq!(all(&spec_tff, &p)[0].severity, Severity::Warning);
    }

    #[test]
    fn resolution_profile_depth_and_colour() {
        let spec = spec(
            "name: t\nvideo: {width: 1280, height: 720, profile: ['4444', XQ], bit_depth: 12, color_primaries: bt2020}\n",
        );
        let mut p = probe();
        p.video.as_mut().unwrap().color_primaries = None;
        let findings = all(&spec, &p);
        assert_eq!(
            ids(&findings),
            vec![
                "video.profile",
                "video.resolution",
                "video.bit_depth",
                "video.color_primaries"
            ]
        );
        assert_eq!(findings[0].expected, "one of 4444, XQ");
        assert_eq!(findings[1].actual, "1920x1080");
        assert_eq!(findings[2].actual, "10 bit");
        assert_eq!(findings[3].actual, "unspecified (not tagged)");
    }

    #[test]
    fn bit_depth_falls_back_to_pix_fmt() {
        let spec = spec("name: t\nvideo: {bit_depth: 10}\n");
        let mut p = probe();
        let v = p.video.as_mut().unwrap();
        v.bits_per_raw_sample = None;
        v.pix_fmt = Some("yuv420p".into());
        assert_eq!(all(&spec, &p)[0].actual, "8 bit");
    }
}
