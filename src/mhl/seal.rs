//! Sealing an approved report: a new ASC MHL v2 generation in the history folder of each
//! checked file (creator dailies-qc and the operator, process `in-place`), and the chain
//! extended to list it, so the next vendor can verify what QC approved.
//!
//! The one place the tool writes next to media, and only inside `ascmhl/`. Everything is
//! checked before anything is written: the report is approved, each file still has the bytes
//! QC hashed (hashed again now), and every history's chain can be extended.

use super::Verified;
use super::hash::{self, HashFormat};
use super::history::{self, ASCMHL_FOLDER, CHAIN_FILE};
use crate::check::{Verdict, ids};
use crate::report::{FileReport, Report, SignOff};
use quick_xml::escape::escape;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The format a file no MHL listed is sealed with: `ascmhl`'s default.
const NEW_FILE_FORMAT: HashFormat = HashFormat::Xxh128;

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error(
        "the report is {verdict}, not approved: every error finding must be waived with a note \
         (and none rejected) before it is sealed"
    )]
    NotApproved { verdict: SignOff },
    #[error(
        "the report holds no MHL verification: check the media with a spec that sets \
         `integrity: {{mhl: required}}` (or if_present), review, then seal"
    )]
    NotVerified,
    #[error("{}: changed since QC ({format} was {was}, is now {now}): check it again", path.display())]
    Changed {
        path: PathBuf,
        format: &'static str,
        was: String,
        now: String,
    },
    // `error`, not `source`: the message already says it, and a source would be said twice.
    #[error("{}: cannot be hashed: {error}", path.display())]
    Unreadable {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{}: {why}", path.display())]
    Refused { path: PathBuf, why: String },
    #[error("the operator name holds {0}: give it in plain characters (--operator)")]
    Operator(String),
    #[error("cannot write {}: {error}", path.display())]
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
}

/// A generation written.
#[derive(Debug, Clone, PartialEq)]
pub struct Sealed {
    pub folder: PathBuf,
    pub generation: PathBuf,
    pub number: u32,
    pub files: usize,
}

/// Who seals, and when (passed in so the output can be pinned).
pub struct Seal<'a> {
    pub operator: &'a str,
    pub report_path: &'a Path,
    pub now: chrono::DateTime<chrono::Utc>,
}

/// One file as it goes into a generation.
struct Entry {
    relative: String,
    size: u64,
    modified: Option<String>,
    hashes: Vec<(HashFormat, String, &'static str)>,
}

/// Seals every history folder of `report`, or refuses before writing anything.
pub fn seal(report: &Report, seal: &Seal) -> Result<Vec<Sealed>, SealError> {
    if let Some(c) = seal
        .operator
        .chars()
        .find(|&c| !is_xml_char(c) || c.is_control())
    {
        return Err(SealError::Operator(describe_char(c)));
    }
    let verdict = SignOff::of(report);
    if verdict != SignOff::Approved {
        return Err(SealError::NotApproved { verdict });
    }
    let files: Vec<&FileReport> = report
        .files
        .iter()
        .filter(|f| !is_history_entry(f))
        .collect();
    if files.iter().all(|f| f.measurements.mhl.is_none()) {
        return Err(SealError::NotVerified);
    }
    let paths: Vec<PathBuf> = files.iter().map(|f| f.file_path()).collect();
    let roots: Vec<PathBuf> = report.roots.iter().map(PathBuf::from).collect();
    let history_of = history_folders(&paths, &roots);
    let mut folders: BTreeMap<PathBuf, Vec<Entry>> = BTreeMap::new();
    for (file, folder) in files.into_iter().zip(history_of) {
        let Some(verified) = &file.measurements.mhl else {
            return Err(SealError::Refused {
                path: file.file_path(),
                why: "was not verified against an MHL history in this report: check it again"
                    .into(),
            });
        };
        let entry = entry_for(file, verified, &folder)?;
        folders.entry(folder).or_default().push(entry);
    }
    // Planned under the locks: two seals of one history would otherwise both take the same
    // next number and chain, and one generation would be lost.
    let _locks = folders
        .keys()
        .map(|folder| lock_history(folder))
        .collect::<Result<Vec<_>, _>>()?;
    let plans = folders
        .into_iter()
        .map(|(folder, entries)| plan(folder, entries))
        .collect::<Result<Vec<_>, _>>()?;
    plans.into_iter().map(|p| write(p, seal)).collect()
}

/// An exclusive `flock` on a history's folder (the media folder: its `ascmhl/` may not exist
/// yet), held from planning to the chain being written. Advisory: it keeps two dailies-qc
/// seals apart; the generation file is also created exclusively, whoever else writes.
struct HistoryLock(#[allow(dead_code)] std::fs::File);

fn lock_history(folder: &Path) -> Result<HistoryLock, SealError> {
    use rustix::fs::{FlockOperation, flock};
    let refuse = |why: String| SealError::Refused {
        path: folder.to_path_buf(),
        why,
    };
    let handle =
        std::fs::File::open(folder).map_err(|e| refuse(format!("cannot be opened: {e}")))?;
    match flock(&handle, FlockOperation::NonBlockingLockExclusive) {
        Err(rustix::io::Errno::WOULDBLOCK) => Err(refuse(
            "another seal is writing this history now: try again once it is done".into(),
        )),
        // A file system without locks still has the exclusive create of the generation.
        Ok(()) | Err(_) => Ok(HistoryLock(handle)),
    }
}

/// The folder whose history each of `paths` goes into, found on disk, never taken from what
/// the report says (a handed-over report may name the card's parent, or `/`): the nearest
/// folder above the file that holds an `ascmhl/` history; for files with none, the deepest
/// folder holding all the files of their scanned root (`roots`, else their own folder) that
/// have none — the card, where the first generation belongs.
fn history_folders(paths: &[PathBuf], roots: &[PathBuf]) -> Vec<PathBuf> {
    let existing = |path: &Path| {
        path.ancestors()
            .skip(1)
            .find(|folder| folder.join(ASCMHL_FOLDER).is_dir())
            .map(Path::to_path_buf)
    };
    let group_of = |path: &Path| {
        roots
            .iter()
            .filter(|root| path.starts_with(root) && path != root.as_path())
            .max_by_key(|root| root.components().count())
            .cloned()
            .or_else(|| path.parent().map(Path::to_path_buf))
            .unwrap_or_default()
    };
    let found: Vec<Option<PathBuf>> = paths.iter().map(|p| existing(p)).collect();
    // The common folder of each group's files without a history.
    let mut common: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    for (path, _) in paths.iter().zip(&found).filter(|(_, f)| f.is_none()) {
        let parent = path.parent().unwrap_or(Path::new("")).to_path_buf();
        common
            .entry(group_of(path))
            .and_modify(|shared| *shared = shared_ancestor(shared, &parent))
            .or_insert(parent);
    }
    paths
        .iter()
        .zip(found)
        .map(|(path, found)| found.unwrap_or_else(|| common[&group_of(path)].clone()))
        .collect()
}

/// The deepest folder holding both `a` and `b`.
fn shared_ancestor(a: &Path, b: &Path) -> PathBuf {
    a.components()
        .zip(b.components())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x)
        .collect()
}

/// The entries verification added for what is not a checked file (a missing path, an MHL
/// file at fault, an absent history): nothing of theirs goes into a generation.
fn is_history_entry(file: &FileReport) -> bool {
    file.probe.is_none()
        && file.measurements.mhl.is_none()
        && file
            .findings
            .iter()
            .all(|f| f.check.starts_with("integrity."))
}

/// Hashes `file` again in the formats QC verified (or the new-file format) and says how each
/// hash enters the history: `verified`, `failed` (a waived mismatch), `original` (new file).
fn entry_for(file: &FileReport, verified: &Verified, folder: &Path) -> Result<Entry, SealError> {
    let path = file.file_path();
    let relative = path
        .strip_prefix(folder)
        .ok()
        .and_then(Path::to_str)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| SealError::Refused {
            path: path.clone(),
            why: format!(
                "not a UTF-8 path inside {}: an ASC MHL cannot list it",
                folder.display()
            ),
        })?
        .to_owned();
    if let Some(c) = relative.chars().find(|&c| !is_xml_char(c)) {
        return Err(SealError::Refused {
            path,
            why: format!(
                "its name holds {}, which XML 1.0 cannot carry: an ASC MHL cannot list it",
                describe_char(c)
            ),
        });
    }
    let recorded: Vec<(HashFormat, &str)> = verified
        .hashes
        .iter()
        .filter_map(|(name, value)| Some((HashFormat::from_v2_name(name)?, value.as_str())))
        .collect();
    let formats: Vec<HashFormat> = match recorded.is_empty() {
        true => vec![NEW_FILE_FORMAT],
        false => recorded.iter().map(|(f, _)| *f).collect(),
    };
    let unreadable = |error| SealError::Unreadable {
        path: path.clone(),
        error,
    };
    // A file no MHL lists has no hash QC compared: it goes in only while it is the file QC
    // judged (a file swapped in between would otherwise be sealed as what QC approved).
    if recorded.is_empty() {
        let now = super::FileIdentity::of(&path);
        let why = match (verified.identity, now) {
            (Some(was), Some(now)) if was == now => None,
            (None, _) => {
                Some("no MHL lists it and the report does not record which file QC judged")
            }
            (Some(_), _) => Some(
                "no MHL lists it and it is not the file QC judged (written, replaced or renamed \
                 over since)",
            ),
        };
        if let Some(why) = why {
            return Err(SealError::Refused {
                path,
                why: format!("{why}: check it again before sealing"),
            });
        }
    }
    let metadata = std::fs::metadata(&path).map_err(unreadable)?;
    let now = hash::hash_file(&path, &formats).map_err(unreadable)?;
    let failed = file.findings.iter().any(|f| {
        f.check == ids::INTEGRITY_MISMATCH && !f.stale && f.review.verdict == Verdict::Waived
    });
    let mut hashes = Vec::new();
    for (format, value) in now {
        let action = match recorded.iter().find(|(f, _)| *f == format) {
            Some((_, was)) if !format.same(was, &value) => {
                return Err(SealError::Changed {
                    path,
                    format: format.name(),
                    was: (*was).to_owned(),
                    now: value,
                });
            }
            Some(_) if failed => "failed",
            Some(_) => "verified",
            None => "original",
        };
        hashes.push((format, value, action));
    }
    Ok(Entry {
        relative,
        size: metadata.len(),
        modified: metadata.modified().ok().map(seconds_utc),
        hashes,
    })
}

/// What will be written in one folder, decided before anything is.
struct Plan {
    folder: PathBuf,
    entries: Vec<Entry>,
    number: u32,
    /// The generations the chain lists now, in its order, to be written back with the new one.
    links: Vec<Link>,
    /// The chain file's bytes as they are (`None`: there is none), put back if the new chain
    /// does not read back.
    previous_chain: Option<Vec<u8>>,
}

/// One `<hashlist>` of the chain, as written there (numbers and names are kept verbatim).
struct Link {
    sequencenr: String,
    path: String,
    c4: String,
}

fn plan(folder: PathBuf, entries: Vec<Entry>) -> Result<Plan, SealError> {
    let history_folder = folder.join(ASCMHL_FOLDER);
    let refuse = |path: &Path, why: String| SealError::Refused {
        path: path.to_path_buf(),
        why,
    };
    match std::fs::symlink_metadata(&history_folder) {
        Ok(meta) if !meta.is_dir() => {
            return Err(refuse(
                &history_folder,
                "is not a folder (a symlink or a file): refusing to write through it".into(),
            ));
        }
        Ok(_) | Err(_) => {}
    }
    let chain_path = history_folder.join(CHAIN_FILE);
    let previous_chain = match history::read_mhl_file(&chain_path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(refuse(&chain_path, format!("cannot be read: {e}"))),
    };
    let generation_files = numbered_generations(&history_folder);
    let links = match &previous_chain {
        Some(bytes) => chain_links(bytes).map_err(|why| {
            refuse(
                &chain_path,
                format!("{why}: not a chain this tool can extend"),
            )
        })?,
        // Generations without a chain (it was lost, or another tool keeps none) stay in the
        // history: the new chain lists them as they are.
        None => generation_files
            .iter()
            .map(|(number, name)| {
                let bytes = history::read_mhl_file(&history_folder.join(name)).map_err(|e| {
                    refuse(&history_folder.join(name), format!("cannot be read: {e}"))
                })?;
                Ok(Link {
                    sequencenr: number.to_string(),
                    path: name.clone(),
                    c4: hash::hash_bytes(&bytes, HashFormat::C4),
                })
            })
            .collect::<Result<_, SealError>>()?,
    };
    let last = links
        .iter()
        .filter_map(|link| link.sequencenr.trim().parse::<u32>().ok())
        .chain(generation_files.iter().map(|(number, _)| *number))
        .max()
        .unwrap_or(0);
    let number = last.checked_add(1).ok_or_else(|| {
        refuse(
            &chain_path,
            format!("holds generation {last}, the last an ASC MHL chain can number"),
        )
    })?;
    Ok(Plan {
        folder,
        entries,
        number,
        links,
        previous_chain,
    })
}

/// The `NNNN_*.mhl` files in `ascmhl/`: (number, file name), by number.
fn numbered_generations(history_folder: &Path) -> Vec<(u32, String)> {
    let mut found: Vec<(u32, String)> = std::fs::read_dir(history_folder)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_owned();
            let number = name.split('_').next()?.parse().ok()?;
            history::is_mhl(Path::new(&name)).then_some((number, name))
        })
        .collect();
    found.sort();
    found
}

/// The chain's generations, read as XML (a chain on one line, or with comments naming its
/// end tag, is as good as any), or why it cannot be extended.
fn chain_links(bytes: &[u8]) -> Result<Vec<Link>, String> {
    let root = super::xml::parse(bytes).map_err(|e| format!("line {}: {}", e.line, e.message))?;
    if root.name != "ascmhldirectory" {
        return Err(format!(
            "the root element is <{}>, not <ascmhldirectory>",
            root.name
        ));
    }
    root.children_named("hashlist")
        .map(|entry| {
            let text = |name| entry.child(name).map(|e| e.text.clone());
            match (entry.attribute("sequencenr"), text("path"), text("c4")) {
                (Some(sequencenr), Some(path), Some(c4)) => Ok(Link {
                    sequencenr: sequencenr.to_owned(),
                    path,
                    c4,
                }),
                _ => Err(format!(
                    "line {}: a chain entry needs a sequencenr, a <path> and a <c4> hash",
                    entry.line
                )),
            }
        })
        .collect()
}

/// The chain file listing `links`, laid out as `ascmhl` writes it.
fn chain_xml(links: &[Link]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <ascmhldirectory xmlns=\"urn:ASC:MHL:DIRECTORY:v2.0\">\n",
    );
    for link in links {
        let _ = write!(
            xml,
            "  <hashlist sequencenr=\"{}\">\n    <path>{}</path>\n    <c4>{}</c4>\n  </hashlist>\n",
            escape(link.sequencenr.as_str()),
            escape(link.path.as_str()),
            escape(link.c4.as_str())
        );
    }
    xml.push_str("</ascmhldirectory>\n");
    xml
}

fn write(plan: Plan, seal: &Seal) -> Result<Sealed, SealError> {
    let history_folder = plan.folder.join(ASCMHL_FOLDER);
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |error| SealError::Write { path, error }
    };
    match std::fs::create_dir(&history_folder) {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
            return Err(write_error(&history_folder)(e));
        }
        _ => {}
    }
    let folder_name = plan
        .folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "root".into());
    let name = format!(
        "{:04}_{folder_name}_{}.mhl",
        plan.number,
        seal.now.format("%Y-%m-%d_%H%M%SZ")
    );
    let generation = history_folder.join(&name);
    let bytes = generation_xml(&plan.entries, seal);
    create_new(&generation, bytes.as_bytes()).map_err(write_error(&generation))?;
    let mut links = plan.links;
    links.push(Link {
        sequencenr: plan.number.to_string(),
        path: name.clone(),
        c4: hash::hash_bytes(bytes.as_bytes(), HashFormat::C4),
    });
    let chain = chain_xml(&links);
    let chain_path = history_folder.join(CHAIN_FILE);
    let written = crate::write_target::write_atomic(&chain_path, chain.as_bytes());
    // What was written must read back as the chain it should be; otherwise the history is
    // put back as it was: a generation the chain does not list would read as tampering.
    let reads_back = || {
        history::read_mhl_file(&chain_path)
            .ok()
            .and_then(|bytes| chain_links(&bytes).ok())
            .is_some_and(|read| read.len() == links.len())
    };
    let failure = match written {
        Err(e) => Some(e),
        Ok(()) if !reads_back() => Some(std::io::Error::other(
            "the chain written does not read back",
        )),
        Ok(()) => None,
    };
    if let Some(e) = failure {
        let _ = std::fs::remove_file(&generation);
        let _ = match &plan.previous_chain {
            Some(bytes) => crate::write_target::write_atomic(&chain_path, bytes),
            None => std::fs::remove_file(&chain_path),
        };
        return Err(write_error(&chain_path)(e));
    }
    Ok(Sealed {
        folder: plan.folder,
        generation,
        number: plan.number,
        files: plan.entries.len(),
    })
}

/// A character XML 1.0 documents may hold (the `Char` production): no C0 control but tab and
/// line ends, no surrogates, not U+FFFE or U+FFFF. `ascmhl` cannot read a history with others.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// "U+001B" for messages (the character itself may be invisible or move the cursor).
fn describe_char(c: char) -> String {
    format!("the character U+{:04X}", u32::from(c))
}

/// Writes a file that must not exist yet (a generation is never replaced), synced to disk; a
/// failed write leaves nothing behind.
fn create_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if written.is_err() {
        let _ = std::fs::remove_file(path);
    }
    written
}

/// The generation, laid out as `ascmhl` 1.2 writes its own.
fn generation_xml(entries: &[Entry], seal: &Seal) -> String {
    let created = seal.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    let hashed = seal
        .now
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, false);
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<hashlist version=\"2.0\" xmlns=\"urn:ASC:MHL:v2.0\">\n",
    );
    let _ = write!(
        xml,
        "  <creatorinfo>\n    <creationdate>{created}</creationdate>\n    \
         <hostname>{}</hostname>\n    <tool version=\"{}\">{}</tool>\n    \
         <author role=\"operator\">{}</author>\n    <comment>{}</comment>\n  </creatorinfo>\n",
        escape(hostname()),
        env!("CARGO_PKG_VERSION"),
        env!("CARGO_PKG_NAME"),
        escape(seal.operator),
        escape(format!(
            "QC approved in {}",
            seal.report_path
                .to_string_lossy()
                .chars()
                .map(|c| if is_xml_char(c) { c } else { '\u{FFFD}' })
                .collect::<String>()
        )),
    );
    xml.push_str(
        "  <processinfo>\n    <process>in-place</process>\n    <ignore>\n      \
         <pattern>.DS_Store</pattern>\n      <pattern>ascmhl</pattern>\n      \
         <pattern>ascmhl/</pattern>\n    </ignore>\n  </processinfo>\n  <hashes>\n",
    );
    for entry in entries {
        let modified = entry
            .modified
            .as_deref()
            .map(|m| format!(" lastmodificationdate=\"{m}\""))
            .unwrap_or_default();
        let _ = writeln!(
            xml,
            "    <hash>\n      <path size=\"{}\"{modified}>{}</path>",
            entry.size,
            escape(entry.relative.as_str())
        );
        for (format, value, action) in &entry.hashes {
            let name = format.name();
            let _ = writeln!(
                xml,
                "      <{name} action=\"{action}\" hashdate=\"{hashed}\">{value}</{name}>"
            );
        }
        xml.push_str("    </hash>\n");
    }
    xml.push_str("  </hashes>\n</hashlist>\n");
    xml
}

fn seconds_utc(time: std::time::SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(time).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// This machine's name, as `ascmhl` records it.
fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generation_reads_back_with_its_names_and_hashes_intact() {
        let entries = [Entry {
            relative: "day 1/R&D <take 2>.mov".into(),
            size: 3,
            modified: None,
            hashes: vec![(HashFormat::Xxh64, "d50463dd92503d34".into(), "verified")],
        }];
        let seal = Seal {
            operator: "ana & bo",
            report_path: Path::new("r.json"),
            now: chrono::DateTime::UNIX_EPOCH,
        };
        let xml = generation_xml(&entries, &seal);
        let root = crate::mhl::xml::parse(xml.as_bytes()).expect("well-formed");
        let author = root
            .child("creatorinfo")
            .and_then(|c| c.child("author"))
            .expect("author");
        assert_eq!(author.text, "ana & bo");
        let hash = root
            .child("hashes")
            .and_then(|h| h.child("hash"))
            .expect("hash");
        assert_eq!(
            hash.child("path").map(|p| p.text.as_str()),
            Some("day 1/R&D <take 2>.mov")
        );
        let xxh64 = hash.child("xxh64").expect("xxh64");
        assert_eq!(xxh64.attribute("action"), Some("verified"));
        assert_eq!(xxh64.text, "d50463dd92503d34");
    }
}
