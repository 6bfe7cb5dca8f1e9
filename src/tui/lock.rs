//! One review session per report: `REPORT.json.lock` holds who has it (pid, host, user, since).
//! A second session is refused with that information; a lock left by a process that no longer
//! runs on this host (a crash, a power cut) is taken over.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct ReportLock {
    path: PathBuf,
}

/// Who holds a lock, as written in the lock file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holder {
    pub pid: u32,
    pub host: String,
    pub user: String,
    pub since: String,
}

impl Holder {
    fn me(user: &str) -> Holder {
        Holder {
            pid: std::process::id(),
            host: hostname(),
            user: user.to_owned(),
            since: crate::report::now_rfc3339(),
        }
    }

    fn to_text(&self) -> String {
        format!(
            "pid={}\nhost={}\nuser={}\nsince={}\n",
            self.pid, self.host, self.user, self.since
        )
    }

    fn parse(text: &str) -> Holder {
        let mut h = Holder::default();
        for line in text.lines() {
            match line.split_once('=') {
                Some(("pid", v)) => h.pid = v.trim().parse().unwrap_or(0),
                Some(("host", v)) => h.host = v.trim().to_owned(),
                Some(("user", v)) => h.user = v.trim().to_owned(),
                Some(("since", v)) => h.since = v.trim().to_owned(),
                _ => {}
            }
        }
        h
    }

    /// Whether the holder is certainly gone: same host and no such process.
    fn is_stale(&self) -> bool {
        self.host == hostname() && self.pid != 0 && !process_exists(self.pid)
    }
}

/// `REPORT.json` → `REPORT.json.lock`.
pub fn lock_path(report: &Path) -> PathBuf {
    let mut name = report.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    report.with_file_name(name)
}

/// Why the lock was not taken. Only [`LockError::Held`] is about another session; the others
/// are the file system refusing.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("{}", held_message(.report, .lock, .holder))]
    Held {
        report: PathBuf,
        lock: PathBuf,
        holder: Box<Holder>,
    },
    #[error(
        "cannot create the lock file {}: {error} (the report's folder must be writable)",
        .lock.display()
    )]
    Create { lock: PathBuf, error: io::Error },
    #[error("cannot write {}: {error}", .lock.display())]
    Write { lock: PathBuf, error: io::Error },
    #[error("cannot remove stale {}: {error}", .lock.display())]
    RemoveStale { lock: PathBuf, error: io::Error },
    #[error("{} keeps reappearing; another session is starting on the same report", .lock.display())]
    Contended { lock: PathBuf },
}

/// Who holds a live review session on `report` (a real path, see `write_target`), if anyone.
pub fn live_holder(report: &Path) -> Option<Holder> {
    let text = fs::read_to_string(lock_path(report)).ok()?;
    let holder = Holder::parse(&text);
    (!holder.is_stale()).then_some(holder)
}

impl ReportLock {
    /// Takes the lock for `report` on behalf of `user`, or says who holds it.
    pub fn acquire(report: &Path, user: &str) -> Result<ReportLock, LockError> {
        let path = lock_path(report);
        for _ in 0..2 {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    file.write_all(Holder::me(user).to_text().as_bytes())
                        .and_then(|()| file.sync_all())
                        .map_err(|error| LockError::Write {
                            lock: path.clone(),
                            error,
                        })?;
                    return Ok(ReportLock { path });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    let holder = Holder::parse(&fs::read_to_string(&path).unwrap_or_default());
                    if !holder.is_stale() {
                        return Err(LockError::Held {
                            report: report.to_path_buf(),
                            lock: path,
                            holder: Box::new(holder),
                        });
                    }
                    // The holder died without cleaning up: take the lock over.
                    fs::remove_file(&path).map_err(|error| LockError::RemoveStale {
                        lock: path.clone(),
                        error,
                    })?;
                }
                Err(error) => return Err(LockError::Create { lock: path, error }),
            }
        }
        Err(LockError::Contended { lock: path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ReportLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

fn held_message(report: &Path, lock: &Path, h: &Holder) -> String {
    format!(
        "{} is already open in another review session ({}). \
         Close that session first; if it is gone, delete {}",
        report.display(),
        h.describe(),
        lock.display()
    )
}

impl Holder {
    /// `user ana, host qc1, pid 42, since …`, escaped for the terminal.
    pub fn describe(&self) -> String {
        let who = |s: &str| {
            if s.is_empty() {
                "?".to_owned()
            } else {
                crate::escape::escape_control(s).into_owned()
            }
        };
        format!(
            "user {}, host {}, pid {}, since {}",
            who(&self.user),
            who(&self.host),
            self.pid,
            who(&self.since)
        )
    }
}

pub fn hostname() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Without /proc (not Linux) we cannot tell, so the process is assumed alive: refusing is safe.
fn process_exists(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_session_is_refused_with_holder_named() {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("ep101.json");
        let lock = ReportLock::acquire(&report, "alice").unwrap();
        assert!(dir.path().join("ep101.json.lock").exists());
        let err = ReportLock::acquire(&report, "bob").unwrap_err();
        let LockError::Held { holder, .. } = &err else {
            panic!("{err}");
        };
        assert_eq!(holder.user, "alice");
        assert_eq!(holder.pid, std::process::id());
        let text = err.to_string();
        assert!(text.contains("already open"), "{text}");
        assert!(text.contains("user alice"), "{text}");
        assert!(
            text.contains(&format!("pid {}", std::process::id())),
            "{text}"
        );
        assert!(text.contains("ep101.json.lock"), "{text}");
        drop(lock);
        assert!(!dir.path().join("ep101.json.lock").exists());
        ReportLock::acquire(&report, "bob").unwrap();
    }

    #[test]
    fn lock_of_a_dead_process_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("r.json");
        let dead = Holder {
            pid: 999_999_999,
            host: hostname(),
            user: "ghost".into(),
            since: "2026-01-01T00:00:00Z".into(),
        };
        fs::write(lock_path(&report), dead.to_text()).unwrap();
        let lock = ReportLock::acquire(&report, "alice").unwrap();
        let text = fs::read_to_string(lock.path()).unwrap();
        assert!(text.contains("user=alice"), "{text}");
    }

    #[test]
    fn lock_from_another_host_is_respected() {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("r.json");
        let remote = Holder {
            pid: 999_999_999,
            host: "other-workstation".into(),
            user: "carol".into(),
            since: "2026-01-01T00:00:00Z".into(),
        };
        fs::write(lock_path(&report), remote.to_text()).unwrap();
        let err = ReportLock::acquire(&report, "alice").unwrap_err();
        assert!(matches!(err, LockError::Held { .. }), "{err}");
        assert!(err.to_string().contains("host other-workstation"), "{err}");
    }
}
