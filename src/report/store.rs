//! Saving and loading reports. Saves are atomic (`write_target::write_atomic`: temp file in the
//! same directory, fsync, rename, fsync the directory) so a crash or dropped session leaves
//! either the old or the new report, never half of one.

use super::model::{READABLE_SCHEMAS, Report, SCHEMA};
use std::fs;
use std::path::Path;

/// Saves `report` at `path`, a regular file's real location (see `write_target`).
pub fn save(report: &Report, path: &Path) -> std::io::Result<()> {
    let json = serde_json::to_vec_pretty(report).map_err(std::io::Error::other)?;
    crate::write_target::write_atomic(path, &json)
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{0}")]
    Io(std::io::Error),
    #[error("not a dailies-qc report: {0}")]
    Json(serde_json::Error),
    #[error("unsupported report schema {0:?}, expected {expected:?}", expected = SCHEMA)]
    Schema(String),
}

pub fn load(path: &Path) -> Result<Report, LoadError> {
    let bytes = fs::read(path).map_err(LoadError::Io)?;
    let report: Report = serde_json::from_slice(&bytes).map_err(LoadError::Json)?;
    if !READABLE_SCHEMAS.contains(&report.schema.as_str()) {
        return Err(LoadError::Schema(report.schema));
    }
    Ok(report)
}
