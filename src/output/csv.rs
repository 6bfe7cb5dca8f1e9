//! One row per finding (and one per clean file), RFC 4180 quoting via the csv crate. Every cell
//! is made safe to open in a spreadsheet: control characters escaped, formulas neutralised.

use crate::escape::{escape_control, escape_control_except_newlines};
use crate::report::Report;
use std::borrow::Cow;
use std::io::Write;

pub const HEADER: [&str; 11] = [
    "file", "status", "check", "severity", "expected", "actual", "timecode", "verdict", "note",
    "operator", "time",
];

pub fn write_csv(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut writer = ::csv::Writer::from_writer(out);
    // Only a run with sound rolls or pairs has these columns: other exports keep their bytes.
    let with_takes = report
        .files
        .iter()
        .any(|f| f.sound_roll.is_some() || !f.paired.is_empty());
    let extra_header: &[&str] = if with_takes { &TAKE_HEADER } else { &[] };
    writer.write_record(HEADER.iter().chain(extra_header))?;
    for file in &report.files {
        let shown_path = file.shown_path();
        let path = cell(&shown_path);
        let takes: Vec<String> = if with_takes {
            take_cells(file)
        } else {
            Vec::new()
        };
        let takes = takes.iter().map(String::as_str);
        if file.findings.is_empty() {
            writer.write_record(
                [
                    path.as_ref(),
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
                ]
                .into_iter()
                .chain(takes.clone()),
            )?;
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
            writer.write_record(
                [
                    path.as_ref(),
                    file.status.as_str(),
                    &cell(&f.check),
                    f.severity.as_str(),
                    &cell(&f.expected),
                    &cell(&f.actual),
                    &cell(at.as_deref().unwrap_or("")),
                    verdict,
                    &note_cell(&f.review.note_with_history()),
                    &cell(f.review.operator.as_deref().unwrap_or("")),
                    &cell(f.review.at.as_deref().unwrap_or("")),
                ]
                .into_iter()
                .chain(takes.clone()),
            )?;
        }
    }
    writer.flush()
}

/// Columns a run with production sound adds: the slate of a sound file, and the files paired
/// with each file (`sound: S001.wav, starts 24 frames before`).
pub const TAKE_HEADER: [&str; 4] = ["scene", "take", "roll", "paired"];

fn take_cells(file: &crate::report::FileReport) -> Vec<String> {
    let roll = file.sound_roll.as_ref();
    let text = |field: Option<&String>| cell(field.map_or("", String::as_str)).into_owned();
    let paired: Vec<String> = file
        .paired
        .iter()
        .map(|p| format!("{}: {}", p.role.as_str(), p.describe()))
        .collect();
    vec![
        text(roll.and_then(|r| r.scene.as_ref())),
        text(roll.and_then(|r| r.take.as_ref())),
        text(roll.and_then(|r| r.roll.as_ref())),
        cell(&paired.join("; ")).into_owned(),
    ]
}

/// A one-line cell: control characters (line breaks too) escaped, formulas neutralised.
fn cell(text: &str) -> Cow<'_, str> {
    neutralise_formula(escape_control(text))
}

/// The operator's note keeps its line breaks: a quoted CSV cell carries them as they are.
fn note_cell(text: &str) -> Cow<'_, str> {
    neutralise_formula(escape_control_except_newlines(text))
}

/// OWASP's advice on CSV injection: a cell starting with `=`, `+`, `-`, `@`, tab or CR can run
/// as a formula (`=cmd|' /C calc'!A0`), so it gets a leading `'`, which spreadsheets read as
/// "this is text". A cell that is only a decimal number (`-23.5`) is left alone: no spreadsheet
/// reads it as anything but that number, and a numeric column stays numeric. A number with a
/// unit (`-23.0 LUFS`) is text, so it gets the `'` too: unquoted, a spreadsheet would try it as
/// a formula and show an error instead of the value.
fn neutralise_formula(text: Cow<'_, str>) -> Cow<'_, str> {
    let runs = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if runs && !is_plain_number(&text) {
        Cow::Owned(format!("'{text}"))
    } else {
        text
    }
}

/// `-23`, `+0.5`, `12.25`: an optional sign, digits, optionally a point and more digits.
fn is_plain_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_get_a_leading_quote() {
        for (text, shown) in [
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            ("+1+2", "'+1+2"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("-23.0 LUFS", "'-23.0 LUFS"),
            ("-", "'-"),
            ("-1e5", "'-1e5"),
            ("-.5", "'-.5"),
        ] {
            assert_eq!(neutralise_formula(text.into()), shown, "{text}");
        }
    }

    #[test]
    fn plain_numbers_and_ordinary_text_stay_as_they_are() {
        for text in [
            "-23.0",
            "+0.5",
            "-7",
            "12.25",
            "A001.mov",
            "10:00:00:00",
            "",
            "2 = 2",
        ] {
            assert_eq!(neutralise_formula(text.into()), text);
        }
    }

    #[test]
    fn tab_and_cr_are_escaped_so_they_cannot_start_a_formula() {
        assert_eq!(cell("\t=1+1"), "\\t=1+1");
        assert_eq!(cell("\r=1+1"), "\\r=1+1");
        assert_eq!(note_cell("=1\n=2"), "'=1\n=2");
        assert_eq!(neutralise_formula("\t=1".into()), "'\t=1");
    }
}
