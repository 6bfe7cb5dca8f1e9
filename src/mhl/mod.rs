//! ASC Media Hash Lists: proving that what arrived is what was shot. `verify` checks every
//! checked file against the MHL history of its folder (`integrity.mhl`); `seal` adds a
//! generation of our own for an approved report, for the next vendor to verify.

mod decode;
pub mod hash;
pub mod history;
pub mod seal;
pub mod verify;
mod xml;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the MHL verification recorded about one file: the history it belongs to and the
/// hashes computed from its bytes, which `seal` writes (after hashing the file again).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verified {
    /// The folder whose `ascmhl/` history covers the file (or would, once sealed).
    pub history: String,
    /// Hash format (`xxh64`, `md5`, …) → the hash of the file as checked; empty when no MHL
    /// lists the file.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hashes: BTreeMap<String, String>,
    /// The file as QC judged it, for a file no MHL lists (no hash to compare at seal time):
    /// `seal` writes such a file only while it is still this very file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<FileIdentity>,
}

/// What tells one file from another on disk without reading it: any write changes the ctime
/// (which no user can set back), a file renamed over it has another inode. The device is left
/// out: one network share has another device number on each machine of a render farm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileIdentity {
    pub size: u64,
    pub mtime_ns: i128,
    pub ctime_ns: i128,
    pub inode: u64,
}

impl FileIdentity {
    pub fn of(path: &std::path::Path) -> Option<FileIdentity> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(path).ok()?;
        let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
        Some(FileIdentity {
            size: meta.len(),
            mtime_ns: ns(meta.mtime(), meta.mtime_nsec()),
            ctime_ns: ns(meta.ctime(), meta.ctime_nsec()),
            inode: meta.ino(),
        })
    }
}
