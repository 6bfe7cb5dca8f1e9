//! Where an output goes, decided before anything is written.
//!
//! A path may name a regular file (replaced atomically: temp file beside the *real* file, fsync,
//! rename), a symlink (followed: the link stays and the file it points to is replaced), a FIFO or
//! a character device (written into as a stream, never replaced), or `-` (standard output).
//! Directories, block devices and sockets are refused. Nothing here ever turns a symlink, a FIFO
//! or a device into a regular file.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Symlinks followed before giving up (Linux's own limit is 40).
const MAX_SYMLINK_HOPS: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `-`: standard output.
    Stdout,
    /// A FIFO or character device: opened and written into, never replaced.
    Stream(PathBuf),
    /// A regular file, existing or not, at its real location (symlinks resolved).
    File(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("{}: is a directory", .0.display())]
    Directory(PathBuf),
    #[error("{}: is a {kind}; refusing to write to it", .path.display())]
    Special { path: PathBuf, kind: &'static str },
    #[error("{}: too many levels of symbolic links", .0.display())]
    SymlinkLoop(PathBuf),
    // `error`, not `source`: the message already says it, and a source would be said twice.
    #[error("{}: {error}", .path.display())]
    Io { path: PathBuf, error: io::Error },
}

/// A file's identity (device, inode): two paths name the same file when their ids match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    /// The id of the file `path` leads to (symlinks followed), if it exists.
    pub fn of(path: &Path) -> Option<FileId> {
        fs::metadata(path).ok().map(|m| FileId {
            dev: m.dev(),
            ino: m.ino(),
        })
    }
}

impl Target {
    /// Decides how `path` is written. Follows symlinks (also dangling ones: the file is created
    /// where the link points) and resolves the folder, so two spellings of one file resolve
    /// to the same target.
    pub fn resolve(path: &Path) -> Result<Target, TargetError> {
        if path.as_os_str() == "-" {
            return Ok(Target::Stdout);
        }
        let real = real_path(path)?;
        let meta = match fs::metadata(&real) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Target::File(real)),
            Err(error) => return Err(TargetError::Io { path: real, error }),
        };
        let kind = meta.file_type();
        if kind.is_dir() {
            Err(TargetError::Directory(real))
        } else if kind.is_file() {
            Ok(Target::File(real))
        } else if kind.is_fifo() || kind.is_char_device() {
            Ok(Target::Stream(real))
        } else {
            let kind = if kind.is_block_device() {
                "block device"
            } else if kind.is_socket() {
                "socket"
            } else {
                "special file"
            };
            Err(TargetError::Special { path: real, kind })
        }
    }

    /// The real path written to (`None` for standard output).
    pub fn path(&self) -> Option<&Path> {
        match self {
            Target::Stdout => None,
            Target::Stream(path) | Target::File(path) => Some(path),
        }
    }

    /// The regular file this target would replace, if one exists now.
    pub fn existing_file(&self) -> Option<&Path> {
        match self {
            Target::File(path) if path.is_file() => Some(path),
            _ => None,
        }
    }

    /// Whether writing here would write over the file at `other` (same device and inode).
    pub fn is_same_file_as(&self, other: &Path) -> bool {
        match (self.path().and_then(FileId::of), FileId::of(other)) {
            (Some(mine), Some(theirs)) => mine == theirs,
            _ => false,
        }
    }

    /// Writes `bytes`: atomically for a file, straight in for a stream or standard output
    /// (a closed standard output, `| head`, is not an error).
    pub fn write(&self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Target::Stdout => match io::stdout().lock().write_all(bytes) {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                other => other,
            },
            Target::Stream(path) => OpenOptions::new()
                .write(true)
                .open(path)
                .and_then(|mut stream| stream.write_all(bytes)),
            Target::File(path) => write_atomic(path, bytes),
        }
    }
}

/// `path` made absolute with every symlink of its last component followed and its folder
/// canonicalised. A dangling link resolves to the missing file it names.
fn real_path(path: &Path) -> Result<PathBuf, TargetError> {
    let io_error = |path: &Path| {
        let path = path.to_path_buf();
        move |error| TargetError::Io { path, error }
    };
    let mut current = std::path::absolute(path).map_err(io_error(path))?;
    let mut hops = 0;
    loop {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                hops += 1;
                if hops > MAX_SYMLINK_HOPS {
                    return Err(TargetError::SymlinkLoop(path.to_path_buf()));
                }
                let link = fs::read_link(&current).map_err(io_error(&current))?;
                // A relative link is relative to the folder holding it; an absolute one replaces.
                current = match current.parent() {
                    Some(folder) => folder.join(link),
                    None => link,
                };
            }
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::NotFound => break,
            Err(error) => {
                return Err(TargetError::Io {
                    path: current,
                    error,
                });
            }
        }
    }
    match (current.parent(), current.file_name()) {
        (Some(folder), Some(name)) => match fs::canonicalize(folder) {
            Ok(folder) => Ok(folder.join(name)),
            // A missing folder fails when the file is written, with the path as given.
            Err(_) => Ok(current),
        },
        _ => Ok(current),
    }
}

/// Writes `bytes` to the regular file at `path` atomically: a temp file in the same folder,
/// fsync, rename over `path`, fsync the folder. A crash leaves the old or the new content,
/// never half. The replaced file's permissions are kept.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let folder = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other(format!("{} is not a file path", path.display())))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}.tmp", std::process::id()));
    let temp = folder.join(temp_name);
    let mode = fs::metadata(path).ok().map(|m| m.permissions().mode());
    let result = (|| {
        let mut options = OpenOptions::new();
        options.write(true).create(true).truncate(true);
        if let Some(mode) = mode {
            options.mode(mode & 0o7777);
        }
        let mut file = options.open(&temp)?;
        if let Some(mode) = mode {
            // The umask narrowed the mode given to open: set it exactly.
            file.set_permissions(fs::Permissions::from_mode(mode & 0o7777))?;
        }
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)?;
        // Make the rename itself durable.
        if let Ok(d) = File::open(&folder) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn mkfifo(path: &Path) {
        let status = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .expect("mkfifo runs");
        assert!(status.success());
    }

    #[test]
    fn a_symlink_is_followed_and_stays_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.json");
        symlink("real.json", &link).unwrap();
        let target = Target::resolve(&link).unwrap();
        assert_eq!(target, Target::File(fs::canonicalize(&real).unwrap()));
        target.write(b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
    }

    #[test]
    fn a_dangling_symlink_creates_the_file_it_names() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link.json");
        symlink(dir.path().join("made.json"), &link).unwrap();
        Target::resolve(&link).unwrap().write(b"x").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("made.json")).unwrap(),
            "x"
        );
    }

    #[test]
    fn two_spellings_of_one_file_resolve_alike() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("one")).unwrap();
        symlink(dir.path().join("one"), dir.path().join("alias")).unwrap();
        let a = Target::resolve(&dir.path().join("one/r.json")).unwrap();
        let b = Target::resolve(&dir.path().join("alias/../one/r.json")).unwrap();
        let c = Target::resolve(&dir.path().join("alias/r.json")).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
    }

    #[test]
    fn a_symlink_loop_is_an_error_not_a_hang() {
        let dir = tempfile::tempdir().unwrap();
        symlink("b", dir.path().join("a")).unwrap();
        symlink("a", dir.path().join("b")).unwrap();
        let err = Target::resolve(&dir.path().join("a")).unwrap_err();
        assert!(matches!(err, TargetError::SymlinkLoop(_)), "{err}");
    }

    #[test]
    fn a_fifo_is_written_into_and_stays_a_fifo() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("out.fifo");
        mkfifo(&fifo);
        let target = Target::resolve(&fifo).unwrap();
        assert!(matches!(target, Target::Stream(_)));
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read(fifo).unwrap())
        };
        target.write(b"report").unwrap();
        assert_eq!(reader.join().unwrap(), b"report");
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    }

    #[test]
    fn a_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            Target::resolve(dir.path()),
            Err(TargetError::Directory(_))
        ));
    }

    #[test]
    fn dash_is_standard_output() {
        assert_eq!(Target::resolve(Path::new("-")).unwrap(), Target::Stdout);
    }

    #[test]
    fn replacing_a_file_keeps_its_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        Target::resolve(&path).unwrap().write(b"new").unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o640
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
    }

    #[test]
    fn same_file_is_told_by_inode() {
        let dir = tempfile::tempdir().unwrap();
        let media = dir.path().join("a.mov");
        fs::write(&media, "m").unwrap();
        symlink(&media, dir.path().join("link.mov")).unwrap();
        let target = Target::resolve(&dir.path().join("link.mov")).unwrap();
        assert!(target.is_same_file_as(&media));
        let other = Target::resolve(&dir.path().join("b.json")).unwrap();
        assert!(!other.is_same_file_as(&media));
    }
}
