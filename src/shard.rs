//! `--shard K/N`: one machine's share of a delivery. A file belongs to shard
//! `xxh3(path relative to its root) mod N + 1`, so every machine given the same roots agrees on
//! the split without talking to the others, and adding a file moves no other file.
//! The hash is xxh3 (fixed seed), not std's randomised hasher, so the split is the same on every
//! machine and every run.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Shard `index` of `count`, 1-based as on the command line (`2/3` is the second of three).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: u64,
    count: u64,
}

/// Why a `--shard` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a shard: give K/N with 1 <= K <= N, such as 2/3")]
pub struct ShardError(String);

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(text: &str) -> Result<Shard, ShardError> {
        let refuse = || ShardError(text.to_owned());
        let (index, count) = text.split_once('/').ok_or_else(refuse)?;
        let number = |part: &str| {
            // `u64::from_str` takes a leading `+`: a shard is plain digits.
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(refuse());
            }
            part.parse::<u64>().map_err(|_| refuse())
        };
        let (index, count) = (number(index)?, number(count)?);
        if index == 0 || index > count {
            return Err(refuse());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// Whether the file named `relative` (to the root it was found under) is in this share.
    pub fn holds(&self, relative: &Path) -> bool {
        let hash = xxhash_rust::xxh3::xxh3_64(relative.as_os_str().as_encoded_bytes());
        hash % self.count == self.index - 1
    }

    /// This shard's share of the files found under `roots` (the paths given on the command
    /// line).
    pub fn share_of(&self, roots: &[PathBuf]) -> Share {
        Share {
            shard: *self,
            roots: roots.iter().map(|r| normal_absolute(r)).collect(),
        }
    }
}

/// A shard with the roots its files are found under: tells whether a found path is its own.
pub struct Share {
    shard: Shard,
    roots: Vec<PathBuf>,
}

impl Share {
    pub fn holds(&self, path: &Path) -> bool {
        self.shard.holds(&relative_to_root(path, &self.roots))
    }
}

/// `path` relative to the first root that holds it; a root that is the file itself gives its
/// name, so `check a.mov` and `check folder/` split the same file the same way only when the
/// folder is the root on every machine (as in a job array, where every task gets the same
/// arguments).
fn relative_to_root(path: &Path, roots: &[PathBuf]) -> PathBuf {
    for root in roots {
        if root == path {
            return path.file_name().map(PathBuf::from).unwrap_or_default();
        }
        if let Ok(relative) = path.strip_prefix(root) {
            return relative.to_path_buf();
        }
    }
    path.to_path_buf()
}

/// The absolute path with `.` and `..` resolved by name, as the scan records found files.
fn normal_absolute(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    crate::scan::lexically_normal(&absolute)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_one_based_shards_and_refuses_the_rest() {
        assert_eq!("2/3".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
        assert_eq!(
            "1/1".parse::<Shard>().map(|s| s.to_string()),
            Ok("1/1".into())
        );
        for bad in [
            "0/3", "4/3", "3", "/3", "1/", "a/b", "+1/3", "1/0", "-1/3", " 1/3", "1/3/4",
        ] {
            assert!(bad.parse::<Shard>().is_err(), "{bad} was taken");
        }
    }

    #[test]
    fn every_path_is_in_exactly_one_shard() {
        let shards: Vec<Shard> = (1..=3).map(|k| Shard { index: k, count: 3 }).collect();
        let mut sizes = [0; 3];
        for i in 0..300 {
            let path = PathBuf::from(format!("day1/A{i:03}C001.mov"));
            let holders: Vec<usize> = (0..3).filter(|&s| shards[s].holds(&path)).collect();
            assert_eq!(holders.len(), 1, "{}", path.display());
            sizes[holders[0]] += 1;
        }
        // A fair hash: no shard is starved.
        assert!(sizes.iter().all(|&n| n > 70), "{sizes:?}");
    }

    #[test]
    fn the_split_is_fixed_across_runs_and_machines() {
        // xxh3 with the default seed: these must never change, or machines disagree.
        let shard = |name: &str| {
            (1..=4)
                .find(|&k| Shard { index: k, count: 4 }.holds(Path::new(name)))
                .unwrap_or(0)
        };
        let split: Vec<u64> = ["a.mov", "b.mov", "c.mov", "d/e.mxf"]
            .iter()
            .map(|n| shard(n))
            .collect();
        assert_eq!(split, [2, 3, 1, 2]);
    }

    #[test]
    fn paths_are_taken_relative_to_their_root() {
        let roots = [PathBuf::from("/media/day1"), PathBuf::from("/other/x.mov")];
        assert_eq!(
            relative_to_root(Path::new("/media/day1/A/b.mov"), &roots),
            PathBuf::from("A/b.mov")
        );
        assert_eq!(
            relative_to_root(Path::new("/other/x.mov"), &roots),
            PathBuf::from("x.mov")
        );
        assert_eq!(
            normal_absolute(Path::new("/a/./b/../c")),
            PathBuf::from("/a/c")
        );
    }
}
