//! What a cached result is valid for: the file as it is on disk now, the spec that judged it,
//! and the version of the tool that did.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Everything a cached report depends on. Any field that differs makes the entry a miss: a file
/// rewritten in place (new mtime or size), replaced (new inode) or touched, another spec (any
/// change to it, thresholds included), another release of the tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryKey {
    /// The canonical path's bytes, hex: two spellings of one file share an entry.
    pub path_hex: String,
    /// The file name it was reached by, hex: naming rules and kinds judge that name, so a
    /// symlink `edit/bad name.mov` to a passing clip has an entry of its own.
    pub name_hex: String,
    pub size: u64,
    pub mtime_ns: i128,
    /// Changes on any in-place write, even one that puts the old mtime back.
    pub ctime_ns: i128,
    pub device: u64,
    pub inode: u64,
    pub spec_sha256: String,
    /// This build of dailies-qc and the ffprobe and ffmpeg it runs ([`tools`]).
    pub tools: String,
}

impl EntryKey {
    /// The key for `path` judged by the spec whose sha256 is `spec_sha256`; `None` when the file
    /// cannot be looked at (it is then never cached: the run reports why).
    pub fn of(path: &Path, spec_sha256: &str) -> Option<EntryKey> {
        let canonical = std::fs::canonicalize(path).ok()?;
        let meta = std::fs::metadata(&canonical).ok()?;
        if !meta.is_file() {
            return None;
        }
        let ns = |seconds: i64, nanos: i64| i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
        Some(EntryKey {
            path_hex: hex(canonical.as_os_str().as_bytes()),
            name_hex: hex(path.file_name().unwrap_or_default().as_bytes()),
            size: meta.len(),
            mtime_ns: ns(meta.mtime(), meta.mtime_nsec()),
            ctime_ns: ns(meta.ctime(), meta.ctime_nsec()),
            device: meta.dev(),
            inode: meta.ino(),
            spec_sha256: spec_sha256.to_owned(),
            tools: tools().to_owned(),
        })
    }

    /// The entry's file name: a digest of the whole key, so entries never collide by path.
    pub fn file_name(&self) -> String {
        let mut digest = Sha256::new();
        for part in [
            self.path_hex.as_bytes(),
            self.name_hex.as_bytes(),
            &self.size.to_le_bytes(),
            &self.mtime_ns.to_le_bytes(),
            &self.ctime_ns.to_le_bytes(),
            &self.device.to_le_bytes(),
            &self.inode.to_le_bytes(),
            self.spec_sha256.as_bytes(),
            self.tools.as_bytes(),
        ] {
            digest.update((part.len() as u64).to_le_bytes());
            digest.update(part);
        }
        hex(&digest.finalize())
    }
}

/// An entry name for what depends on several files: a digest of their entries' names, in order.
pub(super) fn digest_of_names(names: &[String]) -> String {
    let mut digest = Sha256::new();
    digest.update(b"joint");
    for name in names {
        digest.update((name.len() as u64).to_le_bytes());
        digest.update(name.as_bytes());
    }
    hex(&digest.finalize())
}

/// The tools a report depends on: the version of dailies-qc, and the size and modification
/// time of its own executable, of the probe worker beside it and of the `ffprobe` and `ffmpeg`
/// found on PATH. A rebuild (the
/// version alone does not change between builds) or an upgraded ffmpeg makes every entry a miss.
/// A `stat` of each, not `ffprobe -version`: that alone costs more than a whole cached rescan.
pub fn tools() -> &'static str {
    static TOOLS: OnceLock<String> = OnceLock::new();
    TOOLS.get_or_init(|| {
        let stamp = |path: Option<PathBuf>| {
            path.and_then(|p| std::fs::metadata(p).ok())
                .map(|m| format!("{}/{}.{}", m.len(), m.mtime(), m.mtime_nsec()))
                .unwrap_or_else(|| "none".to_owned())
        };
        let exe = std::env::current_exe().ok();
        let worker = exe
            .as_deref()
            .and_then(std::path::Path::parent)
            .map(|dir| dir.join(crate::probe::worker::PROGRAM_NAME));
        format!(
            "dailies-qc {} {} {}; ffprobe {}; ffmpeg {}",
            env!("CARGO_PKG_VERSION"),
            stamp(exe),
            stamp(worker),
            stamp(on_path("ffprobe")),
            stamp(on_path("ffmpeg")),
        )
    })
}

/// Where `program` is found on PATH, as the process runner will find it.
fn on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewrite_changes_the_key_and_a_second_spelling_does_not() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("a.mov");
        std::fs::write(&file, b"one").expect("write");
        let first = EntryKey::of(&file, "spec").expect("key");
        let dotted = dir.path().join(".").join("a.mov");
        assert_eq!(EntryKey::of(&dotted, "spec"), Some(first.clone()));
        let renamed = dir.path().join("bad name.mov");
        std::os::unix::fs::symlink(&file, &renamed).expect("symlink");
        assert_ne!(EntryKey::of(&renamed, "spec"), Some(first.clone()));
        assert_ne!(EntryKey::of(&file, "other spec"), Some(first.clone()));
        std::fs::write(&file, b"three").expect("rewrite");
        let second = EntryKey::of(&file, "spec").expect("key");
        assert_ne!(second, first);
        assert_ne!(second.file_name(), first.file_name());
        assert_eq!(
            EntryKey::of(dir.path(), "spec"),
            None,
            "a folder has no entry"
        );
    }
}
