//! The hash formats of ASC MHL, computed the way the reference implementation (`ascmhl`)
//! writes them, every requested format in one read of the file.

use md5::Digest;
use std::fmt::Write as _;
use std::io::Read;
use std::path::Path;

/// A hash format an MHL can record. The order is `ascmhl`'s preference when it verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HashFormat {
    Md5,
    Sha1,
    Xxh128,
    Xxh3,
    Xxh64,
    Xxh32,
    C4,
}

impl HashFormat {
    /// The element name in an ASC MHL v2 file, as in `<xxh64>…</xxh64>`.
    pub fn name(self) -> &'static str {
        match self {
            HashFormat::Md5 => "md5",
            HashFormat::Sha1 => "sha1",
            HashFormat::Xxh128 => "xxh128",
            HashFormat::Xxh3 => "xxh3",
            HashFormat::Xxh64 => "xxh64",
            HashFormat::Xxh32 => "xxh32",
            HashFormat::C4 => "c4",
        }
    }

    /// The format an ASC MHL v2 element names, if it is one.
    pub fn from_v2_name(name: &str) -> Option<HashFormat> {
        Some(match name {
            "md5" => HashFormat::Md5,
            "sha1" => HashFormat::Sha1,
            "xxh128" => HashFormat::Xxh128,
            "xxh3" => HashFormat::Xxh3,
            "xxh64" => HashFormat::Xxh64,
            "xxh32" => HashFormat::Xxh32,
            "c4" => HashFormat::C4,
            _ => return None,
        })
    }

    /// Whether two spellings of a hash of this format are the same hash: hex digests ignore
    /// case (tools differ), C4 ids are case-sensitive base 58.
    pub fn same(self, a: &str, b: &str) -> bool {
        match self {
            HashFormat::C4 => a.trim() == b.trim(),
            _ => a.trim().eq_ignore_ascii_case(b.trim()),
        }
    }
}

/// Bytes read per step: small enough that every hasher of a step reads it from cache.
const CHUNK: usize = 256 * 1024;

enum Running {
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Xxh3(Box<xxhash_rust::xxh3::Xxh3>),
    Xxh128(Box<xxhash_rust::xxh3::Xxh3>),
    Xxh64(xxhash_rust::xxh64::Xxh64),
    Xxh32(xxhash_rust::xxh32::Xxh32),
    C4(sha2::Sha512),
}

impl Running {
    fn new(format: HashFormat) -> Running {
        match format {
            HashFormat::Md5 => Running::Md5(md5::Md5::new()),
            HashFormat::Sha1 => Running::Sha1(sha1::Sha1::new()),
            HashFormat::Xxh3 => Running::Xxh3(Box::default()),
            HashFormat::Xxh128 => Running::Xxh128(Box::default()),
            HashFormat::Xxh64 => Running::Xxh64(xxhash_rust::xxh64::Xxh64::new(0)),
            HashFormat::Xxh32 => Running::Xxh32(xxhash_rust::xxh32::Xxh32::new(0)),
            HashFormat::C4 => Running::C4(sha2::Sha512::new()),
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Running::Md5(h) => h.update(bytes),
            Running::Sha1(h) => h.update(bytes),
            Running::Xxh3(h) | Running::Xxh128(h) => h.update(bytes),
            Running::Xxh64(h) => h.update(bytes),
            Running::Xxh32(h) => h.update(bytes),
            Running::C4(h) => h.update(bytes),
        }
    }

    fn finish(self) -> String {
        match self {
            Running::Md5(h) => hex(&h.finalize()),
            Running::Sha1(h) => hex(&h.finalize()),
            Running::Xxh3(h) => format!("{:016x}", h.digest()),
            Running::Xxh128(h) => format!("{:032x}", h.digest128()),
            Running::Xxh64(h) => format!("{:016x}", h.digest()),
            Running::Xxh32(h) => format!("{:08x}", h.digest()),
            Running::C4(h) => c4_id(&h.finalize()),
        }
    }
}

/// Hashes everything `reader` yields in each of `formats`, reading it once.
pub fn hash_reader(
    mut reader: impl Read,
    formats: &[HashFormat],
) -> std::io::Result<Vec<(HashFormat, String)>> {
    let mut running: Vec<(HashFormat, Running)> =
        formats.iter().map(|&f| (f, Running::new(f))).collect();
    let mut buffer = vec![0u8; CHUNK];
    loop {
        let read = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let chunk = buffer.get(..read).unwrap_or_default();
        for (_, hasher) in &mut running {
            hasher.update(chunk);
        }
    }
    Ok(running.into_iter().map(|(f, h)| (f, h.finish())).collect())
}

/// Hashes the file at `path` in each of `formats`, reading it once.
/// Anything but a regular file is refused before it is opened: opening a FIFO waits for a
/// writer.
pub fn hash_file(
    path: &Path,
    formats: &[HashFormat],
) -> std::io::Result<Vec<(HashFormat, String)>> {
    if !std::fs::metadata(path)?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    hash_reader(std::fs::File::open(path)?, formats)
}

/// One hash of `bytes`.
pub fn hash_bytes(bytes: &[u8], format: HashFormat) -> String {
    let mut hasher = Running::new(format);
    hasher.update(bytes);
    hasher.finish()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// The C4 id alphabet: base 58 without 0, O, I and l.
const C4_ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// A C4 id (SMPTE ST 2114): "c4" then the SHA-512 as a big-endian number in base 58, padded
/// with the alphabet's zero (`1`) to 90 characters in all.
fn c4_id(sha512: &[u8]) -> String {
    let mut number = sha512.to_vec();
    let mut digits = Vec::with_capacity(88);
    while number.iter().any(|&b| b != 0) {
        let mut remainder = 0u32;
        for byte in &mut number {
            let value = (remainder << 8) | u32::from(*byte);
            *byte = (value / 58) as u8;
            remainder = value % 58;
        }
        digits.push(C4_ALPHABET[remainder as usize]);
    }
    digits.resize(88, b'1');
    digits.reverse();
    let mut id = String::with_capacity(90);
    id.push_str("c4");
    id.extend(digits.into_iter().map(char::from));
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values from Python's `hashlib`/`xxhash`, as `ascmhl` 1.2 writes them.
    #[test]
    fn formats_match_the_reference_encodings() {
        let all = [
            HashFormat::Md5,
            HashFormat::Sha1,
            HashFormat::Xxh128,
            HashFormat::Xxh3,
            HashFormat::Xxh64,
            HashFormat::Xxh32,
            HashFormat::C4,
        ];
        let hashes = hash_reader(&b"hi\n"[..], &all).expect("reads");
        let got: Vec<&str> = hashes.iter().map(|(_, h)| h.as_str()).collect();
        assert_eq!(
            got,
            [
                "764efa883dda1e11db47671c4a3bbd9e",
                "55ca6286e3e4f4fba5d0448333fa99fc5a404a73",
                "f4d0497cf9394caab34d1a3ab2bece70",
                "b34d1a3ab2bece70",
                "d50463dd92503d34",
                "d20fe3d3",
                "c45JwjSStebbqWE4Ukh496L9zUAZE7EbVveaDe4yzmnP5kow3C9JStUszZv73GPusuodQALjBedm4GWKA6f7zrBaKu",
            ]
        );
    }

    #[test]
    fn c4_of_a_small_number_is_padded_with_the_zero_digit() {
        let mut one = [0u8; 64];
        one[63] = 59;
        let id = c4_id(&one);
        assert_eq!(id.len(), 90);
        assert!(id.ends_with("1122"), "{id}");
        assert!(id[2..88].bytes().all(|b| b == b'1'));
    }
}
