//! `timecode.start`: the file's start timecode against the spec's, and that it is valid for the
//! file's frame rate (drop-frame only at 29.97/59.94, frame number in range).

use super::{Finding, ids};
use crate::probe::Probe;
use crate::spec::Spec;
use crate::timecode::Timecode;

pub fn start(spec: &Spec, probe: &Probe) -> Option<Finding> {
    let expected = spec.timecode.as_ref()?.start?.0;
    let id = ids::TIMECODE_START;
    let Some(text) = probe.timecode.as_deref() else {
        let actual = match &probe.timecode_origin.malformed {
            Some(tag) => format!(
                "malformed timecode tag '{}'",
                crate::escape::escape_control(tag)
            ),
            None => "no timecode".to_owned(),
        };
        return Some(Finding::fail(
            id,
            "start timecode",
            expected.to_string(),
            actual,
        ));
    };
    let shown = crate::escape::escape_control(text).into_owned();
    let actual = match Timecode::parse(text) {
        Ok(tc) => tc,
        Err(problem) => {
            return Some(
                Finding::fail(id, "start timecode", expected.to_string(), shown)
                    .with_message(problem),
            );
        }
    };
    if let Some(rate) = probe.frame_rate()
        && let Err(problem) = actual.validate_for_rate(rate)
    {
        return Some(
            Finding::fail(id, "start timecode", expected.to_string(), shown)
                .with_message(format!("start timecode invalid: {problem}")),
        );
    }
    (actual != expected).then(|| {
        let finding = Finding::fail(
            id,
            "start timecode",
            expected.to_string(),
            actual.to_string(),
        );
        match probe.timecode_origin.assumption() {
            Some(note) => {
                let message = format!("{} ({note})", finding.message);
                finding.with_message(message)
            }
            None => finding,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::test_support::*;
    use crate::rational::Rational;

    #[test]
    fn missing_timecode_fails() {
        let spec = spec("name: t\ntimecode: {start: '10:00:00:00'}\n");
        let mut p = probe();
        assert!(start(&spec, &p).is_none());
        p.timecode = None;
        assert_eq!(start(&spec, &p).unwrap().actual, "no timecode");
        p.timecode = Some("01:00:00:00".into());
        assert_eq!(
            start(&spec, &p).unwrap().message,
            "start timecode: expected 10:00:00:00, got 01:00:00:00"
        );
    }

    #[test]
    fn malformed_tag_is_said_to_be_malformed() {
        let spec = spec("name: t\ntimecode: {start: '10:00:00:00'}\n");
        let mut p = probe();
        p.timecode = None;
        p.timecode_origin.malformed = Some("00:00:00:0".into());
        assert_eq!(
            start(&spec, &p).unwrap().actual,
            "malformed timecode tag '00:00:00:0'"
        );
    }

    #[test]
    fn an_assumed_count_rate_is_noted() {
        let spec = spec("name: t\ntimecode: {start: '10:00:00:00'}\n");
        let mut p = probe();
        p.video = None;
        p.timecode = Some("13:36:19:00".into());
        p.timecode_origin.source = Some(crate::probe::TimecodeSource::Bext);
        p.timecode_origin.assumed_rate = Rational::new(25, 1);
        let f = start(&spec, &p).unwrap();
        assert_eq!(f.actual, "13:36:19:00");
        assert_eq!(
            f.message,
            "start timecode: expected 10:00:00:00, got 13:36:19:00 (timecode from bext at an assumed 25 fps)"
        );
    }

    #[test]
    fn drop_frame_at_25_is_invalid() {
        let spec_ndf = spec("name: t\ntimecode: {start: '10:00:00:00'}\n");
        let mut p = probe();
        p.timecode = Some("10:00:00;00".into());
        let f = start(&spec_ndf, &p).unwrap();
        assert!(f.message.contains("drop-frame"), "{}", f.message);
        p.video.as_mut().unwrap().r_frame_rate = Rational::new(30000, 1001);
        let spec_df = spec("name: t\ntimecode: {start: '10:00:00;00'}\n");
        assert!(start(&spec_df, &p).is_none());
    }
}
