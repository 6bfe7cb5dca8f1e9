//! Reading a file the tool keeps or reads as data (MHL files, cache entries), never media: it
//! must be a plain file. A FIFO under such a name would block the read until a writer comes,
//! a symlink to a device (`/dev/zero`) would never end, so neither is read.

use std::io::{Error, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// The bytes of the plain file at `path` (not a symlink, FIFO or device), at most `max` of
/// them however much the file grows while it is read; an error says which rule it broke.
pub fn read(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    let too_big = || Error::other(format!("is larger than {max} bytes"));
    let meta = std::fs::symlink_metadata(path)?;
    if !meta.is_file() {
        return Err(Error::other(
            "is not a plain file (a symlink, FIFO or device)",
        ));
    }
    if meta.len() > max {
        return Err(too_big());
    }
    // Checked again on what was opened: the name may have been swapped since.
    let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags.bits() as i32)
        .open(path)?;
    if !file.metadata()?.is_file() {
        return Err(Error::other("is not a plain file (a FIFO or device)"));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_big());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_files_within_the_cap_are_read() {
        let dir = tempfile::tempdir().expect("temp dir");
        let plain = dir.path().join("entry.json");
        std::fs::write(&plain, b"{}").expect("write");
        assert_eq!(read(&plain, 10).expect("read"), b"{}");
        assert!(read(&plain, 1).is_err(), "over the cap");
        let fifo = dir.path().join("fifo.json");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(made.success());
        assert!(read(&fifo, 10).is_err(), "a FIFO is refused, not waited on");
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&plain, &link).expect("symlink");
        assert!(read(&link, 10).is_err(), "a symlink is refused");
    }
}
