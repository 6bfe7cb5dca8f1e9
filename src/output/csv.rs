//! One row per finding (and one per clean file), RFC 4180 quoting via the csv crate. Every cell
//! is made safe to open in a spreadsheet: control characters escaped, formulas neutralised.

use super::by_clip::{self, Item};
use crate::check::Finding;
use crate::escape::{escape_control, escape_control_except_newlines};
use crate::report::{FileReport, Report, Status};
use std::borrow::Cow;
use std::io::Write;

pub const HEADER: [&str; 11] = [
    "file", "status", "check", "severity", "expected", "actual", "timecode", "verdict", "note",
    "operator", "time",
];

/// With sound rolls or pairs, the columns of [`TAKE_HEADER`] follow; with clips, a last column
/// `clip` holds each row's clip id, and a clip's own findings come first with an empty `file`
/// cell; without either the columns are the eleven of [`HEADER`], so other exports keep their
/// bytes.
pub fn write_csv(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut writer = ::csv::Writer::from_writer(out);
    let with_clips = !report.clips.is_empty();
    let with_takes = report
        .files
        .iter()
        .any(|f| f.sound_roll.is_some() || !f.paired.is_empty());
    let mut header = HEADER.to_vec();
    if with_takes {
        header.extend(TAKE_HEADER);
    }
    if with_clips {
        header.push("clip");
    }
    writer.write_record(&header)?;
    let mut rows = Rows {
        writer: &mut writer,
        with_clips,
        with_takes,
    };
    for item in by_clip::items(report) {
        match item {
            Item::File(file) => rows.file(file, "")?,
            Item::Clip { clip, members } => {
                let id = cell(&clip.id);
                rows.findings("", clip.status, &clip.findings, &id, &[])?;
                for file in members {
                    rows.file(file, &id)?;
                }
            }
        }
    }
    writer.flush()
}

struct Rows<'a, W: Write> {
    writer: &'a mut ::csv::Writer<W>,
    with_clips: bool,
    with_takes: bool,
}

impl<W: Write> Rows<'_, W> {
    /// One row per finding of `file`, or one for the file when it has none.
    fn file(&mut self, file: &FileReport, clip: &str) -> std::io::Result<()> {
        let shown_path = file.shown_path();
        let path = cell(&shown_path);
        let takes = if self.with_takes {
            take_cells(file)
        } else {
            Vec::new()
        };
        if file.findings.is_empty() {
            return self.row(
                &[
                    &path,
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
                ],
                clip,
                &takes,
            );
        }
        self.findings(&path, file.status, &file.findings, clip, &takes)
    }

    fn findings(
        &mut self,
        path: &str,
        status: Status,
        findings: &[Finding],
        clip: &str,
        takes: &[String],
    ) -> std::io::Result<()> {
        for f in findings {
            let at = f.at.as_ref().map(|a| match &a.end {
                Some(end) => format!("{}-{end}", a.start),
                None => a.start.clone(),
            });
            let verdict = if f.stale {
                "stale"
            } else {
                f.review.verdict.as_str()
            };
            self.row(
                &[
                    path,
                    status.as_str(),
                    &cell(&f.check),
                    f.severity.as_str(),
                    &cell(&f.expected),
                    &cell(&f.actual),
                    &cell(at.as_deref().unwrap_or("")),
                    verdict,
                    &note_cell(&f.review.note_with_history()),
                    &cell(f.review.operator.as_deref().unwrap_or("")),
                    &cell(f.review.at.as_deref().unwrap_or("")),
                ],
                clip,
                takes,
            )?;
        }
        Ok(())
    }

    /// A row of [`HEADER`]'s cells, then the take cells (empty ones for a clip's own row) and
    /// the clip id where the export has those columns.
    fn row(&mut self, cells: &[&str; 11], clip: &str, takes: &[String]) -> std::io::Result<()> {
        let mut cells = cells.to_vec();
        if self.with_takes {
            let empty = [""; TAKE_HEADER.len()];
            match takes {
                [] => cells.extend(empty),
                takes => cells.extend(takes.iter().map(String::as_str)),
            }
        }
        if self.with_clips {
            cells.push(clip);
        }
        self.writer.write_record(cells)?;
        Ok(())
    }
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
