//! The result cache: each file's report, kept under `$XDG_CACHE_HOME/dailies-qc/` (else
//! `~/.cache/dailies-qc/`), never next to the media, so a rescan of an unchanged delivery costs
//! a `stat` and a small read per file instead of an ffprobe and a decode.
//!
//! A cache is only ever an optimisation: an entry that cannot be read, parsed or does not match
//! its key exactly is a miss; a write that fails is skipped; the size is bounded by evicting the
//! oldest entries after each run (or watch batch) that wrote any.

mod key;

pub use key::EntryKey;

use crate::check::Finding;
use crate::report::{FileReport, Status};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Entries are kept until the cache grows past this; then the oldest go.
pub const DEFAULT_MAX_BYTES: u64 = 512 * 1024 * 1024;

/// Bumped when the entry format changes, so an older format is simply never looked at.
const LAYOUT: &str = "v2";
/// Larger than any report of one file (or findings of one clip) the tool writes.
const MAX_ENTRY_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
    max_bytes: u64,
    /// Set once this run wrote an entry: only then can the cache have grown past its bound.
    grew: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    key: EntryKey,
    report: FileReport,
}

/// The findings of what is measured over several files at once (a clip's programmes), valid
/// while every one of them is unchanged.
#[derive(Serialize, Deserialize)]
struct JointEntry {
    keys: Vec<EntryKey>,
    findings: Vec<Finding>,
}

/// Tells temporary files of concurrent writers apart within one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Cache {
    /// The user's cache: `$XDG_CACHE_HOME/dailies-qc` (an absolute `XDG_CACHE_HOME` only, as
    /// the XDG spec says), else `$HOME/.cache/dailies-qc`; `None` when neither is set.
    pub fn user() -> Option<Cache> {
        let absolute = |name: &str| {
            std::env::var_os(name)
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
        };
        let base =
            absolute("XDG_CACHE_HOME").or_else(|| absolute("HOME").map(|h| h.join(".cache")))?;
        Some(Cache::at(base.join("dailies-qc"), DEFAULT_MAX_BYTES))
    }

    /// A cache in `dir`, bounded to about `max_bytes`.
    pub fn at(dir: PathBuf, max_bytes: u64) -> Cache {
        Cache {
            dir,
            max_bytes,
            grew: Default::default(),
        }
    }

    fn entry_path(&self, key: &EntryKey) -> PathBuf {
        self.path_named(&key.file_name())
    }

    fn path_named(&self, name: &str) -> PathBuf {
        self.dir
            .join(LAYOUT)
            .join(&name[..2])
            .join(format!("{name}.json"))
    }

    /// The cached report of `path` for `key`, recorded under the path as given this time.
    pub fn get(&self, key: &EntryKey, path: &Path) -> Option<FileReport> {
        let bytes = crate::plain_file::read(&self.entry_path(key), MAX_ENTRY_BYTES).ok()?;
        let entry: Entry = serde_json::from_slice(&bytes).ok()?;
        if entry.key != *key {
            return None;
        }
        let mut report = entry.report;
        (report.path, report.path_raw) = FileReport::recorded_path(path);
        Some(report)
    }

    /// Keeps `report` for `key`. Unreadable files are not kept: a hung mount or a missing tool
    /// is worth another try next time. Best effort: a cache that cannot be written is no cache.
    pub fn put(&self, key: &EntryKey, report: &FileReport) {
        if report.status == Status::Error {
            return;
        }
        let entry = Entry {
            key: key.clone(),
            report: report.clone(),
        };
        if let Ok(bytes) = serde_json::to_vec(&entry) {
            self.write(&self.entry_path(key), &bytes);
        }
    }

    /// [`Cache::trim`], when this run wrote anything: a rescan of unchanged files reads no
    /// directory listing of the whole cache.
    pub fn trim_if_grown(&self) {
        if self.grew.swap(false, Ordering::Relaxed) {
            self.trim();
        }
    }

    /// Removes the oldest entries until the cache holds at most its bound (and any temporary
    /// file a killed run left behind).
    pub fn trim(&self) {
        let mut entries: Vec<(std::time::SystemTime, u64, PathBuf)> = Vec::new();
        let Ok(shards) = std::fs::read_dir(self.dir.join(LAYOUT)) else {
            return;
        };
        for shard in shards.flatten() {
            let Ok(files) = std::fs::read_dir(shard.path()) else {
                continue;
            };
            for file in files.flatten() {
                let Ok(meta) = file.metadata() else { continue };
                let modified = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
                entries.push((modified, meta.len(), file.path()));
            }
        }
        let mut total: u64 = entries.iter().map(|(_, size, _)| size).sum();
        if total <= self.max_bytes {
            return;
        }
        entries.sort();
        for (_, size, path) in entries {
            if total <= self.max_bytes {
                break;
            }
            if std::fs::remove_file(&path).is_ok() {
                total = total.saturating_sub(size);
            }
        }
    }

    /// The report of `path` from the cache, else from `inspect` (and then kept).
    pub fn through(
        &self,
        path: &Path,
        spec_sha256: &str,
        inspect: impl FnOnce() -> FileReport,
    ) -> FileReport {
        let Some(key) = EntryKey::of(path, spec_sha256) else {
            return inspect();
        };
        if let Some(report) = self.get(&key, path) {
            return report;
        }
        let report = inspect();
        // Stored under the key taken before inspecting: a file that changed meanwhile then
        // never matches this entry, and is inspected again next time.
        self.put(&key, &report);
        report
    }

    /// The findings measured over the files at `paths` together (in that order), from the cache
    /// while none of them changed, else from `measure` (and then kept when it says the
    /// measurement was complete: a stalled read is worth another try, as an unreadable file is).
    pub fn through_findings(
        &self,
        paths: &[PathBuf],
        spec_sha256: &str,
        measure: impl FnOnce() -> (Vec<Finding>, bool),
    ) -> Vec<Finding> {
        let Some(keys) = paths
            .iter()
            .map(|p| EntryKey::of(p, spec_sha256))
            .collect::<Option<Vec<_>>>()
        else {
            return measure().0;
        };
        let names: Vec<String> = keys.iter().map(EntryKey::file_name).collect();
        let path = self.path_named(&key::digest_of_names(&names));
        let kept = crate::plain_file::read(&path, MAX_ENTRY_BYTES)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<JointEntry>(&bytes).ok())
            .filter(|entry| entry.keys == keys);
        if let Some(entry) = kept {
            return entry.findings;
        }
        let (findings, complete) = measure();
        if !complete {
            return findings;
        }
        if let Ok(bytes) = serde_json::to_vec(&JointEntry {
            keys,
            findings: findings.clone(),
        }) {
            self.write(&path, &bytes);
        }
        findings
    }
}

impl Cache {
    /// Keeps `bytes` at `path` (best effort) and notes that the cache grew.
    fn write(&self, path: &Path, bytes: &[u8]) {
        self.grew.store(true, Ordering::Relaxed);
        let _ = write_atomically(path, bytes);
    }
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`: a reader sees
/// the old entry, the new one or none, never half of one.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().ok_or(std::io::ErrorKind::InvalidInput)?;
    std::fs::create_dir_all(dir)?;
    let temp = dir.join(format!(
        ".{}.{}.tmp",
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = std::fs::File::create(&temp).and_then(|mut file| file.write_all(bytes));
    match written.and_then(|()| std::fs::rename(&temp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(path: &Path) -> FileReport {
        let mut report = FileReport::unchecked(path);
        report.status = Status::Pass;
        report
    }

    fn setup() -> (tempfile::TempDir, Cache, PathBuf, EntryKey) {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = Cache::at(dir.path().join("cache"), DEFAULT_MAX_BYTES);
        let media = dir.path().join("a.mov");
        std::fs::write(&media, b"media").expect("write");
        let key = EntryKey::of(&media, "spec").expect("key");
        (dir, cache, media, key)
    }

    #[test]
    fn a_kept_report_comes_back_under_the_path_given() {
        let (dir, cache, media, key) = setup();
        assert!(cache.get(&key, &media).is_none());
        cache.put(&key, &report(&media));
        assert_eq!(cache.get(&key, &media), Some(report(&media)));
        let other_spelling = dir.path().join("./a.mov");
        let again = cache.get(&key, &other_spelling).expect("hit");
        assert_eq!(again.path, other_spelling.to_string_lossy());
    }

    #[test]
    fn a_corrupt_or_mismatched_entry_is_a_miss() {
        let (_dir, cache, media, key) = setup();
        cache.put(&key, &report(&media));
        let entry = cache.entry_path(&key);
        std::fs::write(&entry, b"{\"key\": tru").expect("corrupt");
        assert!(cache.get(&key, &media).is_none());
        let mut other = key.clone();
        other.inode += 1;
        let entry_json = serde_json::to_vec(&Entry {
            key: other,
            report: report(&media),
        })
        .expect("json");
        std::fs::write(&entry, entry_json).expect("write");
        assert!(
            cache.get(&key, &media).is_none(),
            "a key that differs is a miss"
        );
    }

    #[test]
    fn unreadable_files_are_not_kept() {
        let (_dir, cache, media, key) = setup();
        let mut unreadable = report(&media);
        unreadable.status = Status::Error;
        cache.put(&key, &unreadable);
        assert!(cache.get(&key, &media).is_none());
    }

    #[test]
    fn trimming_removes_the_oldest_entries_first() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut keys = Vec::new();
        let probe = Cache::at(dir.path().join("cache"), u64::MAX);
        for i in 0..5 {
            let media = dir.path().join(format!("{i}.mov"));
            std::fs::write(&media, b"media").expect("write");
            let key = EntryKey::of(&media, "spec").expect("key");
            probe.put(&key, &report(&media));
            let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1000 + i);
            std::fs::File::options()
                .write(true)
                .open(probe.entry_path(&key))
                .and_then(|f| f.set_modified(old))
                .expect("age the entry");
            keys.push((key, media));
        }
        let one = std::fs::metadata(probe.entry_path(&keys[0].0))
            .expect("entry")
            .len();
        let bounded = Cache::at(dir.path().join("cache"), one * 2);
        bounded.trim();
        let kept: Vec<bool> = keys
            .iter()
            .map(|(key, media)| bounded.get(key, media).is_some())
            .collect();
        assert_eq!(kept, [false, false, false, true, true]);
    }

    #[test]
    fn through_inspects_once_then_reads_the_entry() {
        let (_dir, cache, media, _key) = setup();
        let mut inspected = 0;
        for _ in 0..3 {
            cache.through(&media, "spec", || {
                inspected += 1;
                report(&media)
            });
        }
        assert_eq!(inspected, 1);
        std::fs::write(&media, b"changed media").expect("rewrite");
        cache.through(&media, "spec", || {
            inspected += 1;
            report(&media)
        });
        assert_eq!(inspected, 2, "a changed file is inspected again");
    }
}
