//! The review screen's IO: loading the report to resume, saving it (atomically, via
//! `report::save`) and exporting HTML + CSV beside it.

use super::model::Model;
use crate::escape::escape_control;
use crate::output::{self, Format};
use crate::report::{self, Report};
use std::path::{Path, PathBuf};

/// The report to resume, if `path` exists. A file that exists but is not a report is an error:
/// starting over would overwrite someone's reviews.
pub fn load_previous(path: &Path) -> Result<Option<Report>, String> {
    if !path.exists() {
        return Ok(None);
    }
    report::load(path).map(Some).map_err(|e| {
        format!(
            "{}: {e}; refusing to overwrite it (move it away or pick another --report)",
            path.display()
        )
    })
}

pub fn save(model: &Model, path: &Path) -> Result<(), String> {
    report::save(&model.to_report(), path)
        .map_err(|e| format!("cannot save {}: {e}", path.display()))
}

/// `REPORT.json` → `REPORT.html` / `REPORT.csv`.
pub fn export_path(report: &Path, extension: &str) -> PathBuf {
    report.with_extension(extension)
}

/// Writes HTML and CSV beside the report; returns one status line saying what happened.
pub fn export(model: &Model, report_path: &Path) -> String {
    let report = model.to_report();
    let results: Vec<String> = [(Format::Html, "html"), (Format::Csv, "csv")]
        .into_iter()
        .map(|(format, extension)| {
            let path = export_path(report_path, extension);
            let name = path
                .file_name()
                .map(|n| escape_control(&n.to_string_lossy()).into_owned())
                .unwrap_or_default();
            let mut bytes = Vec::new();
            let written = output::write(&report, format, &mut bytes, false)
                .and_then(|()| report::write_atomic(&path, &bytes));
            match written {
                Ok(()) => format!("wrote {name}"),
                Err(e) => format!("{name} failed: {}", escape_control(&e.to_string())),
            }
        })
        .collect();
    format!("export: {}", results.join("; "))
}
