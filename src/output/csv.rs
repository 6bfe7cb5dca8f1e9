//! One row per finding (and one per clean file), RFC 4180 quoting via the csv crate.

use crate::report::Report;
use std::io::Write;

pub const HEADER: [&str; 11] = [
    "file", "status", "check", "severity", "expected", "actual", "timecode", "verdict", "note",
    "operator", "time",
];

pub fn write_csv(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut writer = ::csv::Writer::from_writer(out);
    writer.write_record(HEADER)?;
    for file in &report.files {
        if file.findings.is_empty() {
            writer.write_record([
                file.path.as_str(),
                file.status.as_str(),
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ])?;
        }
        for f in &file.findings {
            let at = f.at.as_ref().map(|a| match &a.end {
                Some(end) => format!("{}-{end}", a.start),
                None => a.start.clone(),
            });
            let verdict = if f.stale {
                "stale"
            } else {
                f.review.verdict.as_str()
            };
            writer.write_record([
                file.path.as_str(),
                file.status.as_str(),
                f.check.as_str(),
                f.severity.as_str(),
                f.expected.as_str(),
                f.actual.as_str(),
                at.as_deref().unwrap_or(""),
                verdict,
                f.review.note.as_str(),
                f.review.operator.as_deref().unwrap_or(""),
                f.review.at.as_deref().unwrap_or(""),
            ])?;
        }
    }
    writer.flush()
}
