//! `file.name`, `container.format`, and the file's soundness: `file.truncated` (always) and
//! `file.decode` (when the spec asks for a full decode).

use super::{At, Finding, ids};
use crate::measurements::Measurements;
use crate::probe::Probe;
use crate::spec::Spec;

/// A decode that reached less of the declared length than this saw only part of the file.
pub const MIN_COVERAGE: f64 = 0.99;

pub fn name(spec: &Spec, file_name: &str) -> Option<Finding> {
    let pattern = spec.files.as_ref()?.naming.as_ref()?;
    if pattern.0.is_match(file_name) {
        return None;
    }
    let shown = crate::escape::escape_control(file_name).into_owned();
    Some(Finding::fail(
        ids::FILE_NAME,
        "file name",
        format!("a name matching {}", pattern.0.as_str()),
        shown,
    ))
}

/// Passes when any comma-separated token of ffprobe's format_name is allowed
/// ("mov,mp4,m4a,3gp,3g2,mj2" is a mov).
pub fn container(spec: &Spec, probe: &Probe) -> Option<Finding> {
    let allowed = spec.container.as_ref()?.format.as_ref()?;
    let actual = probe.container.as_deref().unwrap_or("unknown");
    if actual
        .split(',')
        .any(|token| allowed.contains_ignore_case(token.trim()))
    {
        return None;
    }
    Some(Finding::fail(
        ids::CONTAINER_FORMAT,
        "container",
        allowed.describe(),
        actual,
    ))
}

/// The bytes cannot hold what the header declares, or essence is zero-filled.
pub fn truncated(m: &Measurements) -> Option<Finding> {
    let damage = m.damage.as_deref()?;
    Some(
        Finding::fail(ids::FILE_TRUNCATED, "file", "complete essence", damage)
            .with_message(format!("damaged file: {damage}")),
    )
}

/// Decode errors (each placed in the file) and a decode that ended short of the declared length.
pub fn decode(spec: &Spec, probe: &Probe, m: &Measurements) -> Vec<Finding> {
    if !spec.integrity.as_ref().is_some_and(|i| i.decode) {
        return Vec::new();
    }
    let expected = "every stream decodes to its end";
    if !m.undecodable.is_empty() {
        let what = "decode";
        let mut findings = vec![super::measured::cannot_decode(
            ids::FILE_DECODE,
            what,
            expected.into(),
            &m.undecodable,
        )];
        // The packets were read instead: a file that ends early is damaged, decodable or not.
        let declared = probe.duration().filter(|d| d.is_finite() && *d > 0.0);
        // (An ffmpeg that read no packet at all and failed has said nothing of the length.)
        if let (Some(packets), Some(declared)) = (&m.decode, declared)
            && (packets.decoded_s > 0.0 || packets.problem.is_none())
            && packets.decoded_s / declared < MIN_COVERAGE
        {
            let actual = format!("{:.2} s of {declared:.2} s", packets.decoded_s);
            findings.push(
                Finding::fail(ids::FILE_DECODE, what, expected, &actual).with_message(format!(
                    "the packets reach only {actual} ({:.1} %): the file ends early",
                    packets.decoded_s / declared * 100.0
                )),
            );
        }
        return findings;
    }
    let Some(decode) = &m.decode else {
        return vec![Finding::not_measured(
            ids::FILE_DECODE,
            expected,
            "the file was not decoded",
        )];
    };
    let mut findings: Vec<Finding> = decode
        .errors
        .iter()
        .map(|stretch| {
            let actual = match stretch.errors {
                1 => "1 decode error".to_owned(),
                n => format!("{n} decode errors"),
            };
            Finding::fail(ids::FILE_DECODE, "decode", expected, &actual)
                .with_message(format!("{actual}: {}", stretch.message))
                .with_at(Some(At {
                    start: super::locate(probe, stretch.start_s),
                    end: stretch.end_s.map(|end| super::locate(probe, end)),
                }))
        })
        .collect();
    if let (Some(last), true) = (findings.last_mut(), decode.more_errors > 0) {
        last.message += &format!(" (and {} more damaged stretches)", decode.more_errors);
    }
    for stream in &decode.empty_streams {
        let what = if stream == "video" { "frame" } else { "sample" };
        findings.push(
            Finding::fail(ids::FILE_DECODE, "decode", expected, format!("no {what}s"))
                .with_message(format!(
                    "{stream} decoded not one {what}: the file holds no essence"
                )),
        );
    }
    if let Some(problem) = &decode.problem {
        findings.push(
            Finding::fail(ids::FILE_DECODE, "decode", expected, "decode stopped")
                .with_message(format!("decode stopped: {problem}")),
        );
    }
    if let Some(share) = m.coverage.filter(|c| *c < MIN_COVERAGE) {
        let declared = probe.duration().unwrap_or(0.0);
        let actual = format!("{:.2} s of {declared:.2} s", decode.decoded_s);
        findings.push(
            Finding::fail(ids::FILE_DECODE, "decode", expected, &actual).with_message(format!(
                "decoded only {actual} ({:.1} %): the file ends early",
                share * 100.0
            )),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::test_support::*;

    #[test]
    fn naming_regex() {
        let spec = spec("name: t\nfiles: {naming: '^[A-Z0-9_]+_v\\d{3}\\.mov$'}\n");
        assert!(name(&spec, "A001_C001_v001.mov").is_none());
        let f = name(&spec, "a001 c001.mov").expect("finding");
        assert_eq!(f.actual, "a001 c001.mov");
    }

    #[test]
    fn container_tokens() {
        let mut p = probe();
        assert!(container(&spec("name: t\ncontainer: {format: [mov, mxf]}\n"), &p).is_none());
        p.container = Some("mxf".into());
        assert!(container(&spec("name: t\ncontainer: {format: [mov]}\n"), &p).is_some());
        assert!(container(&spec("name: t\ncontainer: {format: MXF}\n"), &p).is_none());
    }
}
