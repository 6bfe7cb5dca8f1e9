//! The names the file list shows: the file name, preceded by as few parent folders as tell it
//! from other files of the same name (`A001/clip.mov`, `B002/clip.mov`), escaped so that no
//! name can drive the terminal and a name that is not UTF-8 shows its odd bytes (`clip\xff.mov`)
//! rather than a replacement character two such names would share.

use crate::escape::escape_path;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};

/// The name to show for each of `paths`, in the same order.
pub fn distinguishing_names(paths: &[PathBuf]) -> Vec<String> {
    let mut by_name: HashMap<Option<&OsStr>, Vec<usize>> = HashMap::new();
    for (i, path) in paths.iter().enumerate() {
        by_name.entry(path.file_name()).or_default().push(i);
    }
    let mut depths = vec![1; paths.len()];
    for group in by_name.values().filter(|group| group.len() > 1) {
        for (member, depth) in shortest_unique_tails(paths, group) {
            depths[member] = depth;
        }
    }
    paths
        .iter()
        .zip(depths)
        .map(|(path, depth)| escape_path(&tail(path, depth)))
        .collect()
}

/// For each of `group` (indices into `paths`), the fewest trailing components that no other
/// member shares; all of them when none suffice.
fn shortest_unique_tails(paths: &[PathBuf], group: &[usize]) -> Vec<(usize, usize)> {
    let longest = group
        .iter()
        .map(|&i| paths[i].components().count())
        .max()
        .unwrap_or(1);
    let mut unresolved: Vec<usize> = group.to_vec();
    let mut found = Vec::with_capacity(group.len());
    for depth in 2..=longest {
        let mut seen: HashMap<PathBuf, usize> = HashMap::new();
        for &i in group {
            *seen.entry(tail(&paths[i], depth)).or_default() += 1;
        }
        unresolved.retain(|&i| {
            let unique = seen.get(&tail(&paths[i], depth)) == Some(&1);
            if unique {
                found.push((i, depth));
            }
            !unique
        });
        if unresolved.is_empty() {
            break;
        }
    }
    found.extend(unresolved.into_iter().map(|i| (i, longest)));
    found
}

/// The last `depth` components of `path` (all of them, root included, when it has no more).
fn tail(path: &Path, depth: usize) -> PathBuf {
    let components: Vec<Component> = path.components().collect();
    components[components.len().saturating_sub(depth)..]
        .iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    fn names(paths: &[&[u8]]) -> Vec<String> {
        let paths: Vec<PathBuf> = paths
            .iter()
            .map(|p| PathBuf::from(OsStr::from_bytes(p)))
            .collect();
        distinguishing_names(&paths)
    }

    #[test]
    fn a_name_of_its_own_shows_alone() {
        assert_eq!(
            names(&[b"/d/A001/a.mov", b"/d/B002/b.mov"]),
            ["a.mov", "b.mov"]
        );
    }

    #[test]
    fn the_same_name_in_two_folders_shows_the_folder() {
        assert_eq!(
            names(&[b"/d/A001/clip.mov", b"/d/B002/clip.mov", b"/d/B002/x.mov"]),
            ["A001/clip.mov", "B002/clip.mov", "x.mov"]
        );
    }

    #[test]
    fn only_as_many_folders_as_tell_them_apart() {
        assert_eq!(
            names(&[
                b"/day1/A001/clip.mov",
                b"/day2/A001/clip.mov",
                b"/day2/B002/clip.mov",
            ]),
            ["day1/A001/clip.mov", "day2/A001/clip.mov", "B002/clip.mov"]
        );
        assert_eq!(
            names(&[b"/clip.mov", b"/x/y/clip.mov"]),
            ["/clip.mov", "y/clip.mov"]
        );
    }

    #[test]
    fn names_that_are_not_utf8_show_their_bytes() {
        assert_eq!(
            names(&[b"/d/clip\xff.mov", b"/d/clip\xfe.mov"]),
            ["clip\\xff.mov", "clip\\xfe.mov"]
        );
    }

    #[test]
    fn control_characters_stay_escaped() {
        assert_eq!(names(&[b"/d/a\x1b[2J.mov"]), ["a\\x1b[2J.mov"]);
    }
}
