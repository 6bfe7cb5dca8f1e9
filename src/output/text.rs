//! The human table: one line per file with PASS/FAIL/ERROR, then each finding as
//! "check  what: expected X, got Y". Words carry the status; colour only helps.

use super::display_path;
use crate::check::Severity;
use crate::escape::escape_control;
use crate::report::{FileReport, Report, Status};
use std::io::Write;

pub fn write_text(report: &Report, out: &mut dyn Write, color: bool) -> std::io::Result<()> {
    writeln!(out, "Spec: {}", escape_control(&report.spec.name))?;
    for file in &report.files {
        write_file_text(file, out, color)?;
    }
    let s = &report.summary;
    writeln!(
        out,
        "\n{} files: {} pass, {} fail, {} error",
        s.files, s.pass, s.fail, s.error
    )
}

/// One file's lines of the table: its status and name, then its findings.
pub fn write_file_text(file: &FileReport, out: &mut dyn Write, color: bool) -> std::io::Result<()> {
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    };
    let label = format!("{:<5}", file.status.label());
    let label = match file.status {
        Status::Pass => paint("32", &label),
        Status::Fail => paint("1;31", &label),
        Status::Error => paint("1;35", &label),
    };
    writeln!(out, "{label}  {}", display_path(&file.shown_path()))?;
    for finding in file.findings.iter().filter(|f| !f.stale) {
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
            "       {:<26} {marker}{}{at}",
            escape_control(&finding.check),
            escape_control(&finding.message)
        )?;
    }
    Ok(())
}
