//! The human table: one line per file with PASS/FAIL/ERROR, then each finding as
//! "check  what: expected X, got Y"; a clip's line and findings come first, its track files
//! indented under it. Words carry the status; colour only helps.

use super::by_clip::{self, Item};
use super::display_path;
use crate::check::{Finding, Severity};
use crate::escape::escape_control;
use crate::report::{ClipReport, FileReport, Report, Status};
use std::io::Write;

pub fn write_text(report: &Report, out: &mut dyn Write, color: bool) -> std::io::Result<()> {
    let label = |status: Status| status_label(status, color);
    writeln!(out, "Spec: {}", escape_control(&report.spec.name))?;
    for item in by_clip::items(report) {
        match item {
            Item::File(file) => write_file_text(file, out, color)?,
            Item::Clip { clip, members } => {
                write_clip_text(clip, out, color)?;
                for file in members {
                    let path = display_path(&file.shown_path());
                    writeln!(out, "  {}  {path}", label(file.status))?;
                    write_findings(out, &file.findings, "  ")?;
                }
            }
        }
    }
    let s = &report.summary;
    writeln!(
        out,
        "\n{}: {} pass, {} fail, {} error",
        counted(s.files, "file"),
        s.pass,
        s.fail,
        s.error
    )?;
    if !report.clips.is_empty() {
        let count = |status| report.clips.iter().filter(|c| c.status == status).count();
        writeln!(
            out,
            "{}: {} pass, {} fail, {} error",
            counted(report.clips.len(), "clip"),
            count(Status::Pass),
            count(Status::Fail),
            count(Status::Error)
        )?;
    }
    Ok(())
}

/// "1 file", "2 files".
fn counted(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

/// A clip's lines of the table: its status, id and track count, then its own findings.
pub fn write_clip_text(clip: &ClipReport, out: &mut dyn Write, color: bool) -> std::io::Result<()> {
    let tracks = clip.members.len();
    let s = if tracks == 1 { "" } else { "s" };
    let id = escape_control(&clip.id);
    writeln!(
        out,
        "{}  clip {id} ({tracks} track file{s})",
        status_label(clip.status, color)
    )?;
    write_findings(out, &clip.findings, "")
}

/// One file's lines of the table: its status and name, then its findings.
pub fn write_file_text(file: &FileReport, out: &mut dyn Write, color: bool) -> std::io::Result<()> {
    writeln!(
        out,
        "{}  {}",
        status_label(file.status, color),
        display_path(&file.shown_path())
    )?;
    write_findings(out, &file.findings, "")
}

/// PASS/FAIL/ERROR padded to one width, in its colour when asked.
fn status_label(status: Status, color: bool) -> String {
    let label = format!("{:<5}", status.label());
    let code = match status {
        Status::Pass => "32",
        Status::Fail => "1;31",
        Status::Error => "1;35",
    };
    if color {
        format!("\x1b[{code}m{label}\x1b[0m")
    } else {
        label
    }
}

/// The current findings, one a line under their file or clip, shifted right by `indent`.
fn write_findings(out: &mut dyn Write, findings: &[Finding], indent: &str) -> std::io::Result<()> {
    for finding in findings.iter().filter(|f| !f.stale) {
        let marker = match finding.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
            Severity::Info => "info: ",
        };
        let at = finding
            .at
            .as_ref()
            .map(|a| format!(" at {}", escape_control(&a.start)))
            .unwrap_or_default();
        writeln!(
            out,
            "{indent}       {:<26} {marker}{}{at}",
            escape_control(&finding.check),
            escape_control(&finding.message)
        )?;
    }
    Ok(())
}
