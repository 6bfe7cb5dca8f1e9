//! Reading a folder's MHL history: ASC MHL v2 (`ascmhl/ascmhl_chain.xml` and the `NNNN_*.mhl`
//! generations it lists, each checked against its hash in the chain) and MHL v1 (`*.mhl`
//! files beside the media). Whatever is wrong with the history itself becomes a [`Problem`]
//! naming the MHL file and line; nothing here opens a path an MHL file names.
//!
//! A v2 generation whose bytes no longer match its c4 in the chain, or that the chain does not
//! list, is not trusted: its hashes are not used (a hash edited by hand would fail an intact
//! file), and what the other generations record is still verified. The reference `ascmhl`
//! refuses the whole history instead and verifies nothing; for QC the history's problem is
//! one finding, and the generations that hold still vouch for their files.

use super::hash::{self, HashFormat};
use super::xml::{self, Element};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

/// The folder of an ASC MHL v2 history, beside the media it covers.
pub const ASCMHL_FOLDER: &str = "ascmhl";
pub const CHAIN_FILE: &str = "ascmhl_chain.xml";
/// MHL files larger than this are refused rather than read into memory.
const MAX_MHL_BYTES: u64 = 512 * 1024 * 1024;

/// A place in an MHL file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub file: PathBuf,
    pub line: usize,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// One hash an MHL records for a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub format: HashFormat,
    pub value: String,
    pub source: Source,
}

/// The size an MHL records for a file, as written (compared as a number).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedSize {
    pub value: String,
    pub source: Source,
}

/// A file an MHL lists, at its absolute path (always inside the history's folder).
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub path: PathBuf,
    pub hashes: Vec<Recorded>,
    /// The size in bytes the list records (v1 `<size>`, v2 `<path size="…">`), compared too.
    pub size: Option<RecordedSize>,
    pub source: Source,
}

/// Something wrong with the history itself (`integrity.chain`).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub source: Source,
    pub message: String,
}

/// One generation as the chain file records it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainLink {
    pub number: u32,
    pub file_name: String,
    pub c4: String,
    /// Where the chain file lists it.
    pub line: usize,
}

/// The MHL history of one folder: everything its MHL files list, and what is wrong with them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub root: PathBuf,
    pub listed: Vec<Listed>,
    pub problems: Vec<Problem>,
    /// The v2 chain as read (empty for a v1-only folder).
    pub chain: Vec<ChainLink>,
    /// Files only untrusted generations list: neither verified nor reported unlisted or
    /// missing, since nothing trustworthy says what they should be; the generation's problem
    /// counts them.
    pub unverified: Vec<PathBuf>,
}

/// A generation that is not trusted: the problem that says why, and the files it lists.
struct Distrusted {
    problem: Problem,
    paths: Vec<PathBuf>,
}

/// Every folder under `walked` (the folders themselves included) that holds an `ascmhl/`
/// folder or `*.mhl` files, read. A folder reached twice is read once.
pub fn discover(walked: &[PathBuf]) -> Vec<History> {
    let mut histories: BTreeMap<PathBuf, History> = BTreeMap::new();
    for top in walked {
        let walker = walkdir::WalkDir::new(top)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || e.file_name() != ASCMHL_FOLDER);
        for entry in walker.filter_map(Result::ok) {
            let path = entry.path();
            if entry.file_type().is_dir() && path.join(ASCMHL_FOLDER).is_dir() {
                histories
                    .entry(path.to_path_buf())
                    .or_insert_with(|| read_v2(path));
            } else if entry.file_type().is_file() && is_mhl(path) {
                let Some(folder) = path.parent() else {
                    continue;
                };
                let history = histories
                    .entry(folder.to_path_buf())
                    .or_insert_with(|| History {
                        root: folder.to_path_buf(),
                        ..History::default()
                    });
                read_v1(path, history);
            }
        }
    }
    histories.into_values().collect()
}

/// An MHL file (v1 beside the media, v2 generations in `ascmhl/`): history, never media.
pub fn is_mhl(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("mhl"))
}

/// The ASC MHL v2 history of `root`: the chain, each generation it lists (checked against
/// the chain's hash of it), and generations the chain does not list.
pub fn read_v2(root: &Path) -> History {
    let folder = root.join(ASCMHL_FOLDER);
    let mut history = History {
        root: root.to_path_buf(),
        ..History::default()
    };
    let chain_path = folder.join(CHAIN_FILE);
    let mut chained: Vec<String> = Vec::new();
    let mut distrusted = Vec::new();
    if chain_path.exists() {
        if let Some(chain) = read_xml(&chain_path, &mut history.problems) {
            for link in chain_links(&chain, &chain_path, &mut history.problems) {
                chained.push(link.file_name.clone());
                distrusted.extend(read_generation(&folder, &link, &mut history));
                history.chain.push(link);
            }
        }
    } else {
        history.problems.push(Problem {
            source: Source {
                file: chain_path.clone(),
                line: 0,
            },
            message: format!("{CHAIN_FILE} is missing: the generations cannot be verified"),
        });
    }
    for generation in generation_files(&folder) {
        let name = generation.to_string_lossy().into_owned();
        if chained.contains(&name) {
            continue;
        }
        let path = folder.join(&generation);
        if !chain_path.exists() {
            read_hash_list(&path, root, &mut history);
            continue;
        }
        distrusted.push(Distrusted {
            paths: listed_paths(&path, root),
            problem: Problem {
                source: Source {
                    file: path,
                    line: 0,
                },
                message: format!("generation {name} is not in {CHAIN_FILE}"),
            },
        });
    }
    settle(&mut history, distrusted);
    history
}

/// Reports each untrusted generation, counting the files that it alone lists (after every
/// generation is read, since a later one may list them too), and keeps those as unverified.
fn settle(history: &mut History, distrusted: Vec<Distrusted>) {
    let trusted: BTreeSet<&PathBuf> = history.listed.iter().map(|l| &l.path).collect();
    let mut unverified = BTreeSet::new();
    for Distrusted { mut problem, paths } in distrusted {
        let alone: BTreeSet<PathBuf> = paths
            .into_iter()
            .filter(|path| !trusted.contains(path))
            .collect();
        problem.message.push_str(&match alone.len() {
            0 => "; its hashes are not used".to_owned(),
            n => {
                format!("; its hashes are not used, and {n} file(s) only it lists are not verified")
            }
        });
        history.problems.push(problem);
        unverified.extend(alone);
    }
    history.unverified = unverified.into_iter().collect();
}

/// The files a generation lists, read only to know them: what is wrong inside a generation
/// that is not trusted is moot (its problem says why it is not).
fn listed_paths(path: &Path, root: &Path) -> Vec<PathBuf> {
    let mut scratch = History {
        root: root.to_path_buf(),
        ..History::default()
    };
    read_hash_list(path, root, &mut scratch);
    scratch.listed.into_iter().map(|l| l.path).collect()
}

/// The `*.mhl` files in `ascmhl/`, by name.
fn generation_files(folder: &Path) -> Vec<std::ffi::OsString> {
    let mut names: Vec<_> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()) && is_mhl(&e.path()))
        .map(|e| e.file_name())
        .collect();
    names.sort();
    names
}

fn chain_links(chain: &Element, file: &Path, problems: &mut Vec<Problem>) -> Vec<ChainLink> {
    let mut links = Vec::new();
    let at = |line| Source {
        file: file.to_path_buf(),
        line,
    };
    for entry in chain.children_named("hashlist") {
        let number = entry.attribute("sequencenr").and_then(|n| n.parse().ok());
        let name = entry.child("path").map(|p| p.text.clone());
        let c4 = entry.child("c4").map(|c| c.text.clone());
        match (number, name, c4) {
            (Some(number), Some(file_name), Some(c4)) if is_plain_file_name(&file_name) => {
                links.push(ChainLink {
                    number,
                    file_name,
                    c4,
                    line: entry.line,
                });
            }
            (_, Some(name), _) if !is_plain_file_name(&name) => problems.push(Problem {
                source: at(entry.line),
                message: format!("generation path {name:?} is not a file name in {ASCMHL_FOLDER}/"),
            }),
            _ => problems.push(Problem {
                source: at(entry.line),
                message: "a chain entry needs a sequencenr, a <path> and a <c4> hash".into(),
            }),
        }
    }
    links
}

/// A name that stays in the folder it is joined to.
fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0'])
}

/// Reads the generation `link` names into `history` when its bytes match the chain's c4;
/// otherwise it is distrusted, and returned.
fn read_generation(folder: &Path, link: &ChainLink, history: &mut History) -> Option<Distrusted> {
    let path = folder.join(&link.file_name);
    let Ok(bytes) = read_mhl_file(&path) else {
        history.problems.push(Problem {
            source: Source {
                file: folder.join(CHAIN_FILE),
                line: link.line,
            },
            message: format!(
                "generation {} ({}) is listed in the chain but cannot be read",
                link.number, link.file_name
            ),
        });
        return None;
    };
    let root = history.root.clone();
    let actual = hash::hash_bytes(&bytes, HashFormat::C4);
    if HashFormat::C4.same(&actual, &link.c4) {
        read_hash_list(&path, &root, history);
        return None;
    }
    Some(Distrusted {
        paths: listed_paths(&path, &root),
        problem: Problem {
            source: Source {
                file: path,
                line: 0,
            },
            message: format!(
                "generation {} has changed since it was chained: {CHAIN_FILE}:{} records \
                 c4 {}, its bytes hash to {actual}",
                link.number, link.line, link.c4
            ),
        },
    })
}

/// Reads one ASC MHL v2 generation's `<hashes>` into `history`.
fn read_hash_list(path: &Path, root: &Path, history: &mut History) {
    let Some(list) = read_xml(path, &mut history.problems) else {
        return;
    };
    let at = |line| Source {
        file: path.to_path_buf(),
        line,
    };
    if !is_hash_list(&list, path, &mut history.problems) {
        return;
    }
    for entry in list
        .children_named("hashes")
        .flat_map(|h| h.children_named("hash"))
    {
        let Some(file) = entry.child("path") else {
            history.problems.push(Problem {
                source: at(entry.line),
                message: "<hash> without a <path>".into(),
            });
            continue;
        };
        let Some(absolute) = inside(root, &file.text) else {
            history.problems.push(Problem {
                source: at(file.line),
                message: format!("path {:?} leaves the folder {}", file.text, root.display()),
            });
            continue;
        };
        let mut hashes = Vec::new();
        for element in &entry.children {
            // A `failed` hash records what a verification found, not what the file should be.
            let failed = element.attribute("action") == Some("failed");
            if failed || matches!(element.name.as_str(), "path" | "previousPath") {
                continue;
            }
            match HashFormat::from_v2_name(&element.name) {
                Some(format) => hashes.push(Recorded {
                    format,
                    value: element.text.clone(),
                    source: at(element.line),
                }),
                None => history.problems.push(Problem {
                    source: at(element.line),
                    message: format!("unknown hash type <{}>", element.name),
                }),
            }
        }
        if hashes.is_empty() {
            history.problems.push(no_hash(at(entry.line), &file.text));
        }
        if let Some(previous) = entry.child("previousPath") {
            match inside(root, &previous.text) {
                Some(old) => follow_rename(&mut history.listed, &old, &absolute),
                None => history.problems.push(Problem {
                    source: at(previous.line),
                    message: format!(
                        "previous path {:?} leaves the folder {}",
                        previous.text,
                        root.display()
                    ),
                }),
            }
        }
        let size = file.attribute("size").map(|size| RecordedSize {
            value: size.trim().to_owned(),
            source: at(file.line),
        });
        history.listed.push(Listed {
            path: absolute,
            hashes,
            size,
            source: at(entry.line),
        });
    }
}

/// Whether an MHL file's root is a `<hashlist>` holding at least one `<hash>`; otherwise a
/// problem: such a file verifies nothing, and `ascmhl` refuses it too.
fn is_hash_list(root: &Element, path: &Path, problems: &mut Vec<Problem>) -> bool {
    let at = |line| Source {
        file: path.to_path_buf(),
        line,
    };
    let message = if root.name != "hashlist" {
        format!("the root element is <{}>, not <hashlist>", root.name)
    } else if !root.children.iter().any(|c| {
        c.name == "hash" || (c.name == "hashes" && c.children.iter().any(|h| h.name == "hash"))
    }) {
        "lists no file (no <hash> entry)".to_owned()
    } else {
        return true;
    };
    problems.push(Problem {
        source: at(root.line),
        message,
    });
    false
}

/// An entry with a path and nothing to verify it by (no hash element, only hashes a failed
/// verification recorded, or an MHL v1 `<size>`/`<null/>`): the file would pass unverified.
fn no_hash(source: Source, listed: &str) -> Problem {
    Problem {
        source,
        message: format!("the entry for {listed:?} records no hash to verify it by"),
    }
}

/// A generation that records a rename (`<previousPath>`, as `ascmhl create --detect_renaming`
/// writes) moves what the earlier generations list under the old name — a file, or everything
/// in a renamed folder — to the new one: the reference then verifies the file under its new
/// name and no longer expects the old one.
fn follow_rename(earlier: &mut [Listed], old: &Path, new: &Path) {
    for listed in earlier {
        if let Ok(rest) = listed.path.strip_prefix(old) {
            listed.path = if rest.as_os_str().is_empty() {
                new.to_path_buf()
            } else {
                new.join(rest)
            };
        }
    }
}

/// Reads an MHL v1 file (mediahashlist.org 1.x: `<hash><file>…</file><md5>…`) into `history`.
/// Its paths are relative to the folder it lies in.
fn read_v1(path: &Path, history: &mut History) {
    let Some(list) = read_xml(path, &mut history.problems) else {
        return;
    };
    let at = |line| Source {
        file: path.to_path_buf(),
        line,
    };
    if !is_hash_list(&list, path, &mut history.problems) {
        return;
    }
    for entry in list.children_named("hash") {
        let Some(file) = entry.child("file") else {
            history.problems.push(Problem {
                source: at(entry.line),
                message: "<hash> without a <file>".into(),
            });
            continue;
        };
        let Some(absolute) = inside(&history.root, &file.text) else {
            history.problems.push(Problem {
                source: at(file.line),
                message: format!(
                    "path {:?} leaves the folder {}",
                    file.text,
                    history.root.display()
                ),
            });
            continue;
        };
        let mut hashes = Vec::new();
        for element in &entry.children {
            match v1_hash(element) {
                V1Hash::Not => {}
                V1Hash::Hash(format, value) => hashes.push(Recorded {
                    format,
                    value,
                    source: at(element.line),
                }),
                V1Hash::Bad(message) => history.problems.push(Problem {
                    source: at(element.line),
                    message,
                }),
            }
        }
        if hashes.is_empty() {
            history.problems.push(no_hash(at(entry.line), &file.text));
        }
        let size = entry.child("size").map(|size| RecordedSize {
            value: size.text.trim().to_owned(),
            source: at(size.line),
        });
        history.listed.push(Listed {
            path: absolute,
            hashes,
            size,
            source: at(entry.line),
        });
    }
}

enum V1Hash {
    /// Not a hash (`file`, `size`, dates) or no hash (`null`: size only).
    Not,
    Hash(HashFormat, String),
    Bad(String),
}

/// A v1 hash element in the v2 spelling: `xxhash64be` is xxh64's usual hex, `xxhash64` the
/// same bytes reversed, `xxhash` an xxh32 written in decimal.
fn v1_hash(element: &Element) -> V1Hash {
    let text = element.text.trim();
    match element.name.as_str() {
        "file" | "size" | "creationdate" | "lastmodificationdate" | "hashdate" | "null" => {
            V1Hash::Not
        }
        "md5" => V1Hash::Hash(HashFormat::Md5, text.to_owned()),
        "sha1" => V1Hash::Hash(HashFormat::Sha1, text.to_owned()),
        "xxhash64be" => V1Hash::Hash(HashFormat::Xxh64, text.to_owned()),
        "xxhash64" => match u64::from_str_radix(text, 16) {
            Ok(little_endian) => V1Hash::Hash(
                HashFormat::Xxh64,
                format!("{:016x}", little_endian.swap_bytes()),
            ),
            Err(_) => V1Hash::Bad(format!("<xxhash64> {text:?} is not 16 hex digits")),
        },
        "xxhash" => match text.parse::<u32>() {
            Ok(value) => V1Hash::Hash(HashFormat::Xxh32, format!("{value:08x}")),
            Err(_) => V1Hash::Bad(format!("<xxhash> {text:?} is not a decimal xxh32")),
        },
        other => V1Hash::Bad(format!("unknown hash type <{other}>")),
    }
}

/// `relative` (an MHL path, `/`-separated) joined to `root`, or `None` when it is absolute,
/// empty or climbs out with `..`: such a path is reported, never looked at.
pub fn inside(root: &Path, relative: &str) -> Option<PathBuf> {
    if relative.contains('\0') {
        return None;
    }
    let mut path = root.to_path_buf();
    let mut any = false;
    for component in Path::new(relative).components() {
        match component {
            Component::Normal(part) => {
                path.push(part);
                any = true;
            }
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    any.then_some(path)
}

/// The bytes of an MHL file (a chain, a generation, a v1 list): a plain file of at most
/// `MAX_MHL_BYTES` ([`crate::plain_file::read`]).
pub fn read_mhl_file(path: &Path) -> std::io::Result<Vec<u8>> {
    crate::plain_file::read(path, MAX_MHL_BYTES)
}

/// The root element of the MHL file at `path`, or a problem naming the file and line.
fn read_xml(path: &Path, problems: &mut Vec<Problem>) -> Option<Element> {
    let problem = |line, message| Problem {
        source: Source {
            file: path.to_path_buf(),
            line,
        },
        message,
    };
    match read_mhl_file(path) {
        Ok(bytes) => match xml::parse(&bytes) {
            Ok(root) => Some(root),
            Err(e) => {
                problems.push(problem(e.line, e.message));
                None
            }
        },
        Err(e) => {
            problems.push(problem(0, format!("cannot be read: {e}")));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_folder() {
        let root = Path::new("/card");
        assert_eq!(
            inside(root, "A/b.mov"),
            Some(PathBuf::from("/card/A/b.mov"))
        );
        assert_eq!(inside(root, "./b.mov"), Some(PathBuf::from("/card/b.mov")));
        for escaping in ["../x.mov", "A/../../x.mov", "/etc/passwd", "", ".", "a\0b"] {
            assert_eq!(inside(root, escaping), None, "{escaping:?}");
        }
    }

    /// A v2 history with `generation` as its one generation, chained with its true c4.
    fn v2_history(generation: &str, chained_name: &str) -> (tempfile::TempDir, History) {
        v2_history_of(&[(chained_name, generation.as_bytes(), None)])
    }

    /// A v2 history of generations `NNNN_card.mhl` (file name, bytes, the c4 the chain records
    /// when not their own), each chained under the name given.
    fn v2_history_of(generations: &[(&str, &[u8], Option<&str>)]) -> (tempfile::TempDir, History) {
        let dir = tempfile::tempdir().expect("tempdir");
        let folder = dir.path().join(ASCMHL_FOLDER);
        std::fs::create_dir(&folder).expect("mkdir");
        let mut chain = String::from(
            "<?xml version=\"1.0\"?>\n<ascmhldirectory xmlns=\"urn:ASC:MHL:DIRECTORY:v2.0\">\n",
        );
        for (n, (chained_name, bytes, chained_c4)) in generations.iter().enumerate() {
            let number = n + 1;
            std::fs::write(folder.join(format!("{number:04}_card.mhl")), bytes).expect("write");
            let c4 = chained_c4.map_or_else(|| hash::hash_bytes(bytes, HashFormat::C4), Into::into);
            chain.push_str(&format!(
                "  <hashlist sequencenr=\"{number}\">\n    <path>{chained_name}</path>\n    \
                 <c4>{c4}</c4>\n  </hashlist>\n"
            ));
        }
        chain.push_str("</ascmhldirectory>\n");
        std::fs::write(folder.join(CHAIN_FILE), chain).expect("write");
        let history = read_v2(dir.path());
        (dir, history)
    }

    fn generation_listing(entries: &[(&str, &str)]) -> String {
        let mut xml =
            String::from("<hashlist version=\"2.0\" xmlns=\"urn:ASC:MHL:v2.0\">\n<hashes>\n");
        for (path, xxh64) in entries {
            xml.push_str(&format!(
                "<hash><path>{path}</path><xxh64>{xxh64}</xxh64></hash>\n"
            ));
        }
        xml.push_str("</hashes>\n</hashlist>\n");
        xml
    }

    #[test]
    fn a_generation_that_fails_its_chain_is_not_trusted() {
        let first = generation_listing(&[("a.mov", "1111111111111111")]);
        let tampered = generation_listing(&[("a.mov", "2222222222222222"), ("b.mov", "3")]);
        let wrong_c4 = hash::hash_bytes(b"the original", HashFormat::C4);
        let (dir, history) = v2_history_of(&[
            ("0001_card.mhl", first.as_bytes(), None),
            ("0002_card.mhl", tampered.as_bytes(), Some(&wrong_c4)),
        ]);
        let hashes: Vec<_> = history
            .listed
            .iter()
            .flat_map(|l| l.hashes.iter().map(|h| (l.path.clone(), h.value.clone())))
            .collect();
        assert_eq!(
            hashes,
            [(dir.path().join("a.mov"), "1111111111111111".into())]
        );
        assert_eq!(history.unverified, [dir.path().join("b.mov")]);
        let actual = hash::hash_bytes(tampered.as_bytes(), HashFormat::C4);
        assert_eq!(
            messages(&history),
            [format!(
                "0002_card.mhl:0 generation 2 has changed since it was chained: \
                 ascmhl_chain.xml:7 records c4 {wrong_c4}, its bytes hash to {actual}; \
                 its hashes are not used, and 1 file(s) only it lists are not verified"
            )]
        );
    }

    #[test]
    fn a_utf16_generation_is_read() {
        let text = format!(
            "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n{}",
            generation_listing(&[("é€.mov", "1111111111111111")])
        );
        let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let (dir, history) = v2_history_of(&[("0001_card.mhl", &bytes, None)]);
        assert_eq!(messages(&history), Vec::<String>::new());
        let listed: Vec<_> = history.listed.iter().map(|l| l.path.clone()).collect();
        assert_eq!(listed, [dir.path().join("é€.mov")]);
    }

    fn messages(history: &History) -> Vec<String> {
        history
            .problems
            .iter()
            .map(|p| {
                let name = p.source.file.file_name().unwrap_or_default();
                format!("{}:{} {}", name.to_string_lossy(), p.source.line, p.message)
            })
            .collect()
    }

    #[test]
    fn a_v2_generation_with_bad_entries_keeps_the_good_ones() {
        let generation = "<hashlist version=\"2.0\" xmlns=\"urn:ASC:MHL:v2.0\">\n<hashes>\n\
            <hash><path>ok.mov</path><xxh64>d50463dd92503d34</xxh64></hash>\n\
            <hash><path>../../etc/passwd</path><md5>0</md5></hash>\n\
            <hash><path>odd.mov</path><crc32>1</crc32><md5>00</md5></hash>\n\
            </hashes>\n</hashlist>\n";
        let (dir, history) = v2_history(generation, "0001_card.mhl");
        assert_eq!(
            messages(&history),
            [
                "0001_card.mhl:4 path \"../../etc/passwd\" leaves the folder ".to_owned()
                    + &dir.path().display().to_string(),
                "0001_card.mhl:5 unknown hash type <crc32>".to_owned(),
            ]
        );
        let listed: Vec<_> = history.listed.iter().map(|l| l.path.clone()).collect();
        assert_eq!(
            listed,
            [dir.path().join("ok.mov"), dir.path().join("odd.mov")]
        );
        assert_eq!(history.listed[1].hashes.len(), 1);
    }

    #[test]
    fn entries_and_generations_that_verify_nothing_are_problems() {
        let generation = "<hashlist version=\"2.0\" xmlns=\"urn:ASC:MHL:v2.0\">\n<hashes>\n\
            <hash><path>bare.mov</path></hash>\n\
            <hash><path>failed.mov</path><md5 action=\"failed\">00</md5></hash>\n\
            <hash><path size=\"3\">ok.mov</path><md5>00</md5></hash>\n\
            </hashes>\n</hashlist>\n";
        let (_dir, history) = v2_history(generation, "0001_card.mhl");
        assert_eq!(
            messages(&history),
            [
                "0001_card.mhl:3 the entry for \"bare.mov\" records no hash to verify it by",
                "0001_card.mhl:4 the entry for \"failed.mov\" records no hash to verify it by",
            ]
        );
        assert_eq!(
            history.listed[2].size.as_ref().map(|s| s.value.as_str()),
            Some("3")
        );
        for (generation, problem) in [
            (
                "<hashlist version=\"2.0\"><hashes/></hashlist>",
                "lists no file (no <hash> entry)",
            ),
            (
                "<ascmhldirectory/>",
                "the root element is <ascmhldirectory>, not <hashlist>",
            ),
        ] {
            let (_dir, history) = v2_history(generation, "0001_card.mhl");
            assert_eq!(messages(&history), [format!("0001_card.mhl:1 {problem}")]);
        }
    }

    #[test]
    fn a_v2_chain_naming_a_path_outside_its_folder_is_a_problem() {
        let (_dir, history) = v2_history("<hashlist/>", "../../0001_card.mhl");
        assert_eq!(
            messages(&history),
            [
                "ascmhl_chain.xml:3 generation path \"../../0001_card.mhl\" is not a file name in ascmhl/",
                "0001_card.mhl:0 generation 0001_card.mhl is not in ascmhl_chain.xml; \
                 its hashes are not used",
            ]
        );
    }

    #[test]
    fn a_broken_v2_generation_is_a_problem_with_its_line() {
        let (_dir, history) = v2_history(
            "<hashlist>\n<hashes>\n<hash>\n</hashlist>\n",
            "0001_card.mhl",
        );
        let problems = messages(&history);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("0001_card.mhl:4 broken XML"),
            "{problems:?}"
        );
    }

    #[test]
    fn v1_hashes_are_read_in_the_v2_spelling() {
        let element = |name: &str, text: &str| Element {
            name: name.into(),
            text: text.into(),
            ..Element::default()
        };
        let hash = |e| match v1_hash(&e) {
            V1Hash::Hash(format, value) => Some((format, value)),
            _ => None,
        };
        assert_eq!(
            hash(element("xxhash64", "343d5092dd6304d5")),
            Some((HashFormat::Xxh64, "d50463dd92503d34".into()))
        );
        assert_eq!(
            hash(element("xxhash", "3524256723")),
            Some((HashFormat::Xxh32, "d20fe3d3".into()))
        );
        assert!(matches!(v1_hash(&element("crc32", "0")), V1Hash::Bad(_)));
        assert!(matches!(v1_hash(&element("null", "")), V1Hash::Not));
    }
}
