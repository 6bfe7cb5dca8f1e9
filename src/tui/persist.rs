//! The review screen's IO: loading the report to resume, saving it (atomically, via
//! `report::save`), rescuing it elsewhere when it cannot be saved, and exporting HTML + CSV
//! beside it.

use super::model::Model;
use crate::escape::escape_control;
use crate::output::{self, Format};
use crate::report::{self, LoadError, Report};
use crate::write_target::Target;
use std::ffi::OsString;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
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

/// Where a report that cannot be saved in place is rescued, in order of preference:
/// `$XDG_STATE_HOME/dailies-qc` (by default `~/.local/state/dailies-qc`), then the temp dir.
pub fn rescue_dirs() -> Vec<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        // The XDG spec says to ignore a relative path.
        .filter(|dir| dir.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".local/state")));
    state
        .map(|dir| dir.join("dailies-qc"))
        .into_iter()
        .chain([std::env::temp_dir()])
        .collect()
}

/// Writes `report` as a new file named after `report_path` and the time
/// (`night-20260115T221503.json`) in the first of `dirs` that takes it; returns its path. For
/// a session whose last save failed (a full disk): the reviews must land somewhere. The file
/// is new (never an existing file or link: the temp dir is shared) and its owner's alone.
pub fn rescue(report: &Report, report_path: &Path, dirs: &[PathBuf]) -> io::Result<PathBuf> {
    let json = serde_json::to_vec_pretty(report).map_err(io::Error::other)?;
    let mut name = OsString::from(report_path.file_stem().unwrap_or("report".as_ref()));
    name.push(
        chrono::Local::now()
            .format("-%Y%m%dT%H%M%S.json")
            .to_string(),
    );
    let mut last_error = io::Error::other("no folder to write a rescue copy to");
    for dir in dirs {
        let path = dir.join(&name);
        match write_new(dir, &path, &json) {
            Ok(()) => return Ok(path),
            Err(e) => last_error = e,
        }
    }
    Err(last_error)
}

/// Creates `dir` and the new file `path` in it holding `bytes`; a partial file is removed.
fn write_new(dir: &Path, path: &Path, bytes: &[u8]) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if written.is_err() {
        let _ = fs::remove_file(path);
    }
    written
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Verdict;
    use crate::report::{FileReport, SpecInfo, Status};

    fn reviewed_report() -> Report {
        let mut finding = crate::check::Finding::fail("video.frame_rate", "frame rate", "25", "24");
        finding.review.verdict = Verdict::Rejected;
        finding.review.note = "reshoot".into();
        let file = FileReport {
            path: "/m/a.mov".into(),
            size: None,
            mtime: None,
            status: Status::Fail,
            timecode_source: None,
            probe: None,
            measurements: Default::default(),
            findings: vec![finding],
        };
        Report::new(SpecInfo::default(), "alice".into(), vec![file])
    }

    #[test]
    fn a_rescue_goes_to_the_first_folder_that_takes_it() {
        let dir = tempfile::tempdir().unwrap();
        let blocked = dir.path().join("not-a-folder");
        fs::write(&blocked, "a file where the state folder should be").unwrap();
        let fallback = dir.path().join("fallback");
        let report = reviewed_report();

        let copy = rescue(
            &report,
            Path::new("/gone/night.json"),
            &[blocked.join("dailies-qc"), fallback.clone()],
        )
        .unwrap();

        assert_eq!(copy.parent(), Some(fallback.as_path()));
        let name = copy.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with("night-") && name.ends_with(".json"),
            "{name}"
        );
        let rescued = report::load(&copy).unwrap();
        assert_eq!(
            rescued.files[0].findings[0].review,
            report.files[0].findings[0].review
        );
    }
}
