//! `duration`: the file's length against the spec's min/max.

use super::{Finding, ids};
use crate::probe::Probe;
use crate::spec::Spec;

pub fn length(spec: &Spec, probe: &Probe) -> Option<Finding> {
    let rules = spec.duration.as_ref()?;
    let rate = probe.frame_rate();
    let expected = match (rules.min, rules.max) {
        (Some(min), Some(max)) => format!("between {min} and {max}"),
        (Some(min), None) => format!("at least {min}"),
        (None, Some(max)) => format!("at most {max}"),
        (None, None) => return None,
    };
    let Some(actual) = probe.duration() else {
        return Some(Finding::fail(
            ids::DURATION,
            "duration",
            expected,
            "unknown",
        ));
    };
    // Half a frame of slack: container durations are rounded to the timebase.
    let slack = rate.map_or(0.001, |r| 0.5 / r.as_f64());
    let too_short = rules.min.is_some_and(|m| actual + slack < m.seconds(rate));
    let too_long = rules.max.is_some_and(|m| actual - slack > m.seconds(rate));
    if !(too_short || too_long) {
        return None;
    }
    let shown = match rate {
        Some(r) => format!(
            "{} ({actual:.3} s)",
            crate::timecode::locate(actual, None, Some(r))
        ),
        None => format!("{actual:.3} s"),
    };
    Some(Finding::fail(ids::DURATION, "duration", expected, shown))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::test_support::*;

    #[test]
    fn min_and_max() {
        let p = probe(); // 2 s at 25 fps
        assert!(length(&spec("name: t\nduration: {min: '00:00:02:00'}\n"), &p).is_none());
        let f = length(&spec("name: t\nduration: {min: '00:00:02:01'}\n"), &p).unwrap();
        assert_eq!(f.actual, "00:00:02:00 (2.000 s)");
        assert!(length(&spec("name: t\nduration: {max: 1.5}\n"), &p).is_some());
    }
}
