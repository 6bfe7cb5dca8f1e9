//! Turning the paths on the command line into the list of media files to check: folders walked
//! recursively (symlink loops detected), only names matching the include globs taken, explicitly
//! named files always taken, natural sort order ("A2" before "A10"), and each file once however
//! many ways it was named (`one/../one/x.mov`, two symlinks, a folder and a file in it).
//! FIFOs, sockets and devices are reported, never opened: reading a FIFO waits for a writer.

use crate::mhl::history::ASCMHL_FOLDER;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::collections::{HashMap, HashSet};
use std::fs::{FileType, Metadata};
use std::path::{Component, Path, PathBuf};

/// Media extensions taken when the spec has no `files.include`.
pub const DEFAULT_EXTENSIONS: &[&str] = &[
    "mov", "mxf", "mp4", "m4v", "mkv", "wav", "bwf", "aif", "aiff", "flac", "mp3", "m4a", "ts",
];

#[derive(Debug, Default)]
pub struct Scan {
    pub files: Vec<PathBuf>,
    /// Paths that could not be read (missing, permission denied, symlink loop) or are not
    /// regular files (FIFO, socket, device), with why.
    pub problems: Vec<(PathBuf, String)>,
    /// The folders the files were found in: each folder walked, and the folder of each file
    /// named on its own. Folder-wide checks (an MHL history) look no higher than these.
    pub roots: Vec<PathBuf>,
}

/// Builds the include matcher: the spec's globs, or the default extensions. Case-insensitive.
pub fn include_set(globs: Option<&[String]>) -> GlobSet {
    let defaults: Vec<String> = DEFAULT_EXTENSIONS
        .iter()
        .map(|e| format!("*.{e}"))
        .collect();
    let patterns = globs.unwrap_or(&defaults);
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        // Specs validate their globs on load; an invalid one here is simply skipped.
        if let Ok(glob) = GlobBuilder::new(pattern).case_insensitive(true).build() {
            builder.add(glob);
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

/// Why a path of this type cannot be checked (`not a regular file (FIFO)`), or `None` for
/// regular files and folders.
pub fn special_file_problem(file_type: &FileType) -> Option<String> {
    special_file_kind(file_type).map(|kind| format!("not a regular file ({kind})"))
}

#[cfg(unix)]
fn special_file_kind(file_type: &FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_fifo() {
        Some("FIFO")
    } else if file_type.is_socket() {
        Some("socket")
    } else if file_type.is_char_device() {
        Some("character device")
    } else if file_type.is_block_device() {
        Some("block device")
    } else {
        None
    }
}

#[cfg(not(unix))]
fn special_file_kind(_: &FileType) -> Option<&'static str> {
    None
}

/// A file found, with what identifies it on disk.
struct Found {
    path: PathBuf,
    id: Option<FileId>,
}

pub fn scan(paths: &[PathBuf], include: &GlobSet) -> Scan {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let mut roots = Vec::new();
    for path in paths {
        let path = tidy(path);
        match std::fs::metadata(&path) {
            Err(e) => problems.push((path, e.to_string())),
            Ok(meta) if meta.is_dir() => {
                walk(&path, include, &mut found, &mut problems);
                roots.push(path);
            }
            Ok(meta) => match special_file_problem(&meta.file_type()) {
                Some(why) => problems.push((path, why)),
                None => {
                    roots.extend(path.parent().map(Path::to_path_buf));
                    found.push(Found {
                        id: FileId::of(&meta),
                        path,
                    });
                }
            },
        }
    }
    roots.sort();
    roots.dedup();
    let mut reported = HashSet::new();
    problems.retain(|(path, _)| reported.insert(path.clone()));
    Scan {
        files: once_each(found),
        problems,
        roots,
    }
}

fn walk(
    dir: &Path,
    include: &GlobSet,
    found: &mut Vec<Found>,
    problems: &mut Vec<(PathBuf, String)>,
) {
    // An `ascmhl/` folder holds the MHL history of the media beside it, never media.
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !(e.file_type().is_dir() && e.file_name() == ASCMHL_FOLDER)
        });
    for entry in walker {
        match entry {
            Ok(entry) => {
                // With follow_links, the type (and metadata) is the symlink target's.
                let file_type = entry.file_type();
                let name = entry.file_name();
                let hidden = name.as_encoded_bytes().starts_with(b".");
                // MHL v1 files sit beside the media they list; they are history, not media,
                // whatever the include globs take.
                let history = crate::mhl::history::is_mhl(Path::new(name));
                if file_type.is_dir() || hidden || history || !include.is_match(Path::new(name)) {
                    continue;
                }
                if let Some(why) = special_file_problem(&file_type) {
                    problems.push((entry.into_path(), why));
                } else if file_type.is_file() {
                    let id = entry.metadata().ok().and_then(|meta| FileId::of(&meta));
                    found.push(Found {
                        path: entry.into_path(),
                        id,
                    });
                }
            }
            Err(e) => {
                let path = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| dir.to_path_buf());
                let why = if e.loop_ancestor().is_some() {
                    "symlink loop (skipped)".to_owned()
                } else {
                    e.io_error()
                        .map_or_else(|| e.to_string(), |io| io.to_string())
                };
                problems.push((path, why));
            }
        }
    }
}

/// The order files are listed in everywhere: natural ("A2" before "A10") and, as a file
/// browser lists them, regardless of case ("a002.mov" between "A001.MOV" and "A003.MOV"); case
/// only breaks ties.
pub fn natural_order(a: &str, b: &str) -> std::cmp::Ordering {
    natord::compare_ignore_case(a, b).then_with(|| natord::compare(a, b))
}

/// Natural order, one entry per file: of the paths reaching one file, the first in order stays.
fn once_each(mut found: Vec<Found>) -> Vec<PathBuf> {
    found.sort_by(|a, b| {
        natural_order(&a.path.to_string_lossy(), &b.path.to_string_lossy())
            .then_with(|| a.path.cmp(&b.path))
    });
    found.dedup_by(|a, b| a.path == b.path);
    // Paths to one inode are one file only when they resolve to one path (a symlink, `..`):
    // hard links are names of their own, each judged under its name. The canonical path is
    // looked up only for paths sharing an inode.
    let mut kept: HashMap<FileId, Vec<PathBuf>> = HashMap::new();
    found
        .into_iter()
        .filter(|f| {
            let Some(id) = f.id else {
                return true;
            };
            let same = kept.entry(id).or_default();
            let canonical = |p: &Path| std::fs::canonicalize(p).ok();
            let new_name = same.is_empty() || {
                let this = canonical(&f.path);
                this.is_some() && same.iter().all(|k| canonical(k) != this)
            };
            if new_name {
                same.push(f.path.clone());
            }
            new_name
        })
        .map(|f| f.path)
        .collect()
}

/// The absolute path with `.` and `..` resolved by name, so `one/../one/x.mov` reads as
/// `one/x.mov`. Where a symlink makes `..` lead elsewhere (`link/../x.mov` is next to the
/// link's target), the path stays as written: the other spelling would name another file.
fn tidy(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let lexical = lexically_normal(&absolute);
    let same_file = || {
        let id = |p: &Path| std::fs::metadata(p).ok().and_then(|m| FileId::of(&m));
        id(&lexical).is_some_and(|lexical_id| id(&absolute) == Some(lexical_id))
    };
    if lexical == absolute || same_file() {
        lexical
    } else {
        absolute
    }
}

/// `path` with `.` and `..` resolved by name, without asking the file system.
pub(crate) fn lexically_normal(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}

/// What makes two paths the same file: device and inode, where the platform has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct FileId {
    device: u64,
    inode: u64,
}

impl FileId {
    #[cfg(unix)]
    fn of(meta: &Metadata) -> Option<FileId> {
        use std::os::unix::fs::MetadataExt;
        Some(FileId {
            device: meta.dev(),
            inode: meta.ino(),
        })
    }

    #[cfg(not(unix))]
    fn of(_: &Metadata) -> Option<FileId> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn names_sort_naturally_whatever_their_case() {
        let mut names = vec![
            "A010.MOV", "b002.mov", "a002.mov", "A001.MOV", "B001.mov", "a002.MOV",
        ];
        names.sort_by(|a, b| natural_order(a, b));
        assert_eq!(
            names,
            [
                "A001.MOV", "a002.MOV", "a002.mov", "A010.MOV", "B001.mov", "b002.mov"
            ]
        );
    }

    #[test]
    fn walks_filters_and_sorts_naturally() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("sub")).unwrap();
        for name in [
            "A10.mov",
            "A2.MOV",
            "notes.txt",
            ".hidden.mov",
            "sub/B1.mxf",
        ] {
            fs::write(root.join(name), b"x").unwrap();
        }
        let found = scan(&[root.to_path_buf()], &include_set(None));
        let names: Vec<String> = found
            .files
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["A2.MOV", "A10.mov", "sub/B1.mxf"]);
        assert!(found.problems.is_empty());
    }

    #[test]
    fn history_folders_are_skipped_and_the_folders_found_in_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("card/ascmhl")).unwrap();
        fs::create_dir_all(root.join("loose")).unwrap();
        for name in [
            "card/a.mov",
            "card/ascmhl/0001_card.mhl",
            "card/A001_2026-12-01.MHL",
            "loose/b.mov",
        ] {
            fs::write(root.join(name), b"x").unwrap();
        }
        let found = scan(
            &[root.join("card"), root.join("loose/b.mov")],
            &include_set(Some(&["*".into()])),
        );
        assert_eq!(
            found.files,
            vec![root.join("card/a.mov"), root.join("loose/b.mov")]
        );
        assert_eq!(found.roots, vec![root.join("card"), root.join("loose")]);
    }

    #[test]
    fn explicit_files_always_taken_and_missing_reported() {
        let dir = tempfile::tempdir().unwrap();
        let txt = dir.path().join("notes.txt");
        fs::write(&txt, b"x").unwrap();
        let found = scan(
            &[txt.clone(), dir.path().join("gone.mov")],
            &include_set(Some(&["*.mxf".into()])),
        );
        assert_eq!(found.files, vec![txt]);
        assert_eq!(found.problems.len(), 1);
    }

    fn mkfifo(path: &Path) {
        let made = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .expect("mkfifo");
        assert!(made.success(), "mkfifo {}", path.display());
    }

    #[test]
    fn dot_and_dot_dot_name_the_file_once_without_them() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("one")).unwrap();
        fs::write(root.join("one/x.mov"), b"x").unwrap();
        let found = scan(
            &[
                root.join("one/../one/x.mov"),
                root.join("one/./x.mov"),
                root.join("one/x.mov"),
                root.join("one/.."),
            ],
            &include_set(None),
        );
        assert_eq!(found.files, vec![root.join("one/x.mov")]);
        assert!(found.problems.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn dot_dot_after_a_symlink_keeps_the_path_as_written() {
        // `a/link/../x.mov` is `elsewhere/x.mov` to the system, not `a/x.mov`.
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("a")).unwrap();
        fs::create_dir_all(root.join("elsewhere/dir")).unwrap();
        fs::write(root.join("a/x.mov"), b"a").unwrap();
        fs::write(root.join("elsewhere/x.mov"), b"elsewhere").unwrap();
        std::os::unix::fs::symlink(root.join("elsewhere/dir"), root.join("a/link")).unwrap();
        let written = root.join("a/link/../x.mov");
        let found = scan(std::slice::from_ref(&written), &include_set(None));
        assert_eq!(found.files, vec![written.clone()]);
        assert_eq!(fs::read(&found.files[0]).unwrap(), b"elsewhere");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_reached_twice_is_taken_once_under_its_first_name() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("clips")).unwrap();
        fs::write(root.join("clips/b.mov"), b"x").unwrap();
        fs::write(root.join("clips/c.mov"), b"other").unwrap();
        std::os::unix::fs::symlink(root.join("clips/b.mov"), root.join("clips/a.mov")).unwrap();
        std::os::unix::fs::symlink(root.join("clips/b.mov"), root.join("clips/d.mov")).unwrap();
        let clips = root.join("clips");
        let found = scan(
            &[
                clips.clone(),
                clips.join("d.mov"),
                clips.clone(),
                clips.join("c.mov"),
            ],
            &include_set(None),
        );
        assert_eq!(found.files, vec![clips.join("a.mov"), clips.join("c.mov")]);
    }

    #[cfg(unix)]
    #[test]
    fn special_files_in_a_walked_folder_are_problems() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("a.mov"), b"x").unwrap();
        mkfifo(&root.join("pipe.mov"));
        mkfifo(&root.join("pipe.txt"));
        mkfifo(&root.join(".hidden.mov"));
        let _socket = std::os::unix::net::UnixListener::bind(root.join("socket.mxf")).unwrap();
        std::os::unix::fs::symlink(root.join("pipe.mov"), root.join("to-pipe.mov")).unwrap();
        let found = scan(&[root.to_path_buf()], &include_set(None));
        assert_eq!(found.files, vec![root.join("a.mov")]);
        let fifo = "not a regular file (FIFO)".to_owned();
        assert_eq!(
            found.problems,
            vec![
                (root.join("pipe.mov"), fifo.clone()),
                (
                    root.join("socket.mxf"),
                    "not a regular file (socket)".into()
                ),
                (root.join("to-pipe.mov"), fifo),
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_named_fifo_is_a_problem_whatever_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("notes.txt");
        mkfifo(&fifo);
        let found = scan(std::slice::from_ref(&fifo), &include_set(None));
        assert!(found.files.is_empty());
        assert_eq!(
            found.problems,
            vec![(fifo, "not a regular file (FIFO)".to_owned())]
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_is_reported_not_followed_forever() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("a")).unwrap();
        fs::write(dir.path().join("a/x.mov"), b"x").unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("a/loop")).unwrap();
        let found = scan(&[dir.path().to_path_buf()], &include_set(None));
        assert_eq!(found.files.len(), 1);
        assert!(found.problems.iter().any(|(_, why)| why.contains("loop")));
    }
}
