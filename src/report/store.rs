//! Saving and loading reports. Saves are atomic (temp file in the same directory, fsync, rename,
//! fsync the directory) so a crash or dropped session leaves either the old or the new report,
//! never half of one.

use super::model::{Report, SCHEMA};
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn save(report: &Report, path: &Path) -> std::io::Result<()> {
    let json = serde_json::to_vec_pretty(report).map_err(std::io::Error::other)?;
    write_atomic(path, &json)
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other(format!("{} is not a file path", path.display())))?;
    let temp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut file = File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)?;
        // Make the rename itself durable.
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Why a report could not be read. Each message is complete on its own (the cause's text is in
/// it), so a caller can show it as one line.
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
    if report.schema != SCHEMA {
        return Err(LoadError::Schema(report.schema));
    }
    Ok(report)
}
