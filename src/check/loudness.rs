//! Loudness rules against one stream's figures. Messages name the stream (1-based) and give
//! expected vs measured to one decimal.

use super::{Finding, ids};
use crate::check::{At, Severity};
use crate::measurements::Loudness;
use crate::spec::LoudnessRules;

const SILENT: &str = "silent (below the −70 LUFS absolute gate)";
/// BS.1770's gating block: audio shorter than one has no integrated loudness at all.
pub const GATING_BLOCK_S: f64 = 0.4;
/// BS.1770's absolute gate, LUFS.
const ABSOLUTE_GATE_LUFS: f64 = -70.0;

/// `too_short`: the stream lasts less than one gating block, so a missing integrated
/// loudness means "not measurable", not silence.
pub fn stream(rules: &LoudnessRules, l: &Loudness, stream: &str, too_short: bool) -> Vec<Finding> {
    let nothing_measured = l.integrated_lufs.is_none()
        && l.true_peak_dbtp.is_none()
        && l.partial.is_none()
        && l.partial_reason.is_some();
    if nothing_measured {
        return failed(rules, l, stream);
    }
    let partial = l.partial.as_deref();
    let suffix = if partial.is_some() { ", partial" } else { "" };
    let mut findings = Vec::new();
    if let Some(target) = rules.integrated {
        let target = target.0;
        let tolerance = rules.tolerance.map_or(0.5, |t| t.0);
        let expected = format!("{target:.1} LUFS ±{tolerance:.1} LU");
        match (l.integrated_lufs, partial) {
            (_, Some(at)) => {
                let got = l
                    .integrated_lufs
                    .map_or(SILENT.to_owned(), |i| format!("{i:.1} LUFS"));
                let why = l.partial_reason.as_deref().unwrap_or("decoding stopped");
                findings.push(
                    Finding::fail(
                        ids::LOUDNESS_INTEGRATED,
                        "integrated loudness",
                        expected,
                        format!("{got} up to {at} (partial)"),
                    )
                    .with_message(format!(
                        "integrated loudness: audio could not be decoded past {at} ({why}); \
                         {got} up to there ({stream})"
                    ))
                    .with_at(Some(at_tc(at))),
                );
            }
            (None, None) if too_short => findings.push(too_short_for_integrated(&expected, l, stream)),
            (None, None) if l.sample_peak_dbfs.is_some_and(|p| p > ABSOLUTE_GATE_LUFS) => {
                findings.push(no_gated_block(&expected, l, stream))
            }
            (None, None) => findings.push(
                Finding::fail(ids::LOUDNESS_INTEGRATED, "integrated loudness", &expected, "silent")
                    .with_message(format!(
                        "integrated loudness: expected {expected}, got silence: the programme is {SILENT} ({stream})"
                    )),
            ),
            (Some(i), None) if (i - target).abs() > tolerance + 1e-9 => {
                let outside = |x: f64| (x - target).abs() > tolerance + 1e-9;
                let actual = format!("{} LUFS", deciding(i, outside));
                findings.push(
                    Finding::fail(ids::LOUDNESS_INTEGRATED, "integrated loudness", &expected, &actual)
                        .with_message(format!(
                            "integrated loudness: expected {expected}, got {actual} ({stream})"
                        )),
                );
            }
            _ => {}
        }
    }
    if let (Some(max), Some(tp)) = (rules.true_peak_max, l.true_peak_dbtp)
        && tp > max.0 + 1e-9
    {
        let expected = format!("≤ {:.1} dBTP", max.0);
        let actual = format!("{} dBTP{suffix}", deciding(tp, |x| x > max.0 + 1e-9));
        // The place is the finding's `at`, which every view prints after the message.
        let at = l.true_peak_at.as_deref().map(at_tc);
        findings.push(
            Finding::fail(ids::LOUDNESS_TRUE_PEAK, "true peak", &expected, &actual)
                .with_message(format!(
                    "true peak: expected {expected}, got {actual} ({stream})"
                ))
                .with_at(at),
        );
    }
    if let (Some(max), Some(lra)) = (rules.lra_max, l.lra_lu)
        && lra > max.0 + 1e-9
    {
        let expected = format!("≤ {:.1} LU", max.0);
        let actual = format!("{} LU{suffix}", deciding(lra, |x| x > max.0 + 1e-9));
        findings.push(
            Finding::fail(ids::LOUDNESS_LRA, "loudness range", &expected, &actual).with_message(
                format!("loudness range: expected {expected}, got {actual} ({stream})"),
            ),
        );
    }
    findings
}

/// `value` to one decimal, or to as many more (up to three) as it takes for the figure shown to
/// fail as the value does: "got −0.96 dBTP" against ≤ −1.0, never "got −1.0 dBTP".
fn deciding(value: f64, fails: impl Fn(f64) -> bool) -> String {
    (1..=3)
        .map(|decimals| format!("{value:.decimals$}"))
        .find(|shown| shown.parse::<f64>().is_ok_and(&fails))
        .unwrap_or_else(|| format!("{value:.3}"))
}

/// Signal, yet no integrated loudness: the decoded audio holds no 400 ms block above the gate
/// (it ends early, or holds only clicks). Not "silent": the peak says otherwise.
fn no_gated_block(expected: &str, l: &Loudness, stream: &str) -> Finding {
    let peak = l.sample_peak_dbfs.unwrap_or(f64::NEG_INFINITY);
    Finding::fail(
        ids::LOUDNESS_INTEGRATED,
        "integrated loudness",
        expected,
        "not measurable",
    )
    .with_message(format!(
        "integrated loudness: expected {expected}, got none: the audio has signal (sample peak \
         {peak:.1} dBFS) but no 400 ms gating block above −70 LUFS (too short or cut short) \
         ({stream})"
    ))
}

/// Not a failure: a stream this short has no integrated loudness to judge.
fn too_short_for_integrated(expected: &str, l: &Loudness, stream: &str) -> Finding {
    let peak = l
        .sample_peak_dbfs
        .map_or("silent".to_owned(), |p| format!("sample peak {p:.1} dBFS"));
    Finding::fail(
        ids::LOUDNESS_INTEGRATED,
        "integrated loudness",
        expected,
        "too short for integrated loudness",
    )
    .with_severity(Severity::Info)
    .with_message(format!(
        "integrated loudness: too short for integrated loudness (under one 400 ms gating \
         block); {peak} ({stream})"
    ))
}

/// The stream could not be measured at all: every asked rule fails with the reason.
fn failed(rules: &LoudnessRules, l: &Loudness, stream: &str) -> Vec<Finding> {
    let why = l.partial_reason.as_deref().unwrap_or("unknown error");
    let mut asked = Vec::new();
    if rules.integrated.is_some() {
        asked.push(ids::LOUDNESS_INTEGRATED);
    }
    if rules.true_peak_max.is_some() {
        asked.push(ids::LOUDNESS_TRUE_PEAK);
    }
    if rules.lra_max.is_some() {
        asked.push(ids::LOUDNESS_LRA);
    }
    asked
        .into_iter()
        .map(|id| {
            Finding::fail(
                id,
                "loudness",
                "a measurable audio stream",
                "measurement failed",
            )
            .with_message(format!("loudness could not be measured ({stream}): {why}"))
        })
        .collect()
}

fn at_tc(tc: &str) -> At {
    At {
        start: tc.to_owned(),
        end: None,
    }
}

#[cfg(test)]
mod tests {
    use super::deciding;

    #[test]
    fn a_failing_figure_is_shown_with_the_decimals_that_decide_it() {
        let above = |limit: f64| move |x: f64| x > limit + 1e-9;
        assert_eq!(deciding(-0.96, above(-1.0)), "-0.96");
        assert_eq!(deciding(-0.5, above(-1.0)), "-0.5");
        assert_eq!(deciding(-0.9996, above(-1.0)), "-1.000");
        let outside = |x: f64| (x + 23.0).abs() > 0.5 + 1e-9;
        assert_eq!(deciding(-22.46, outside), "-22.46");
        assert_eq!(deciding(-21.0, outside), "-21.0");
    }
}
