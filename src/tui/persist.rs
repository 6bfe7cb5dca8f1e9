//! The review screen's IO: loading the report to resume, saving it (atomically, via
//! `report::save`) and exporting HTML + CSV beside it.

use super::model::Model;
use crate::escape::escape_control;
use crate::output::{self, Format};
use crate::report::{self, LoadError, Report};
use crate::write_target::Target;
use std::io;
use std::path::{Path, PathBuf};

/// A file at the report path that is not a report this version can resume.
#[derive(Debug, thiserror::Error)]
#[error(
    "{}: {error}; refusing to overwrite it (move it away or pick another --report)",
    .path.display()
)]
pub struct ResumeError {
    pub path: PathBuf,
    pub error: LoadError,
}

/// A report that could not be written; the screen shows the message and retries.
#[derive(Debug, thiserror::Error)]
#[error("cannot save {}: {error}", .path.display())]
pub struct SaveError {
    pub path: PathBuf,
    pub error: io::Error,
}

/// The report to resume, if `path` exists. A file that exists but is not a report is an error:
/// starting over would overwrite someone's reviews.
pub fn load_previous(path: &Path) -> Result<Option<Report>, ResumeError> {
    if !path.exists() {
        return Ok(None);
    }
    report::load(path).map(Some).map_err(|error| ResumeError {
        path: path.to_path_buf(),
        error,
    })
}

pub fn save(model: &Model, path: &Path) -> Result<(), SaveError> {
    save_report(&model.to_report(), path)
}

/// Saves a snapshot already taken from the model (the background saver's case).
pub fn save_report(report: &Report, path: &Path) -> Result<(), SaveError> {
    report::save(report, path).map_err(|error| SaveError {
        path: path.to_path_buf(),
        error,
    })
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
            let written = output::write(&report, format, &mut bytes, false).and_then(|()| {
                Target::resolve(&path)
                    .map_err(std::io::Error::other)?
                    .write(&bytes)
            });
            match written {
                Ok(()) => format!("wrote {name}"),
                Err(e) => format!("{name} failed: {}", escape_control(&e.to_string())),
            }
        })
        .collect();
    format!("export: {}", results.join("; "))
}
