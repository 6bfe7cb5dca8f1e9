//! Turning the paths on the command line into the list of media files to check: folders walked
//! recursively (symlink loops detected), only names matching the include globs taken, explicitly
//! named files always taken, natural sort order ("A2" before "A10"), no duplicates.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};

/// Media extensions taken when the spec has no `files.include`.
pub const DEFAULT_EXTENSIONS: &[&str] = &[
    "mov", "mxf", "mp4", "m4v", "mkv", "wav", "bwf", "aif", "aiff", "flac", "mp3", "m4a", "ts",
];

#[derive(Debug, Default)]
pub struct Scan {
    pub files: Vec<PathBuf>,
    /// Paths that could not be read (missing, permission denied, symlink loop), with why.
    pub problems: Vec<(PathBuf, String)>,
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

pub fn scan(paths: &[PathBuf], include: &GlobSet) -> Scan {
    let mut result = Scan::default();
    for path in paths {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        match std::fs::metadata(&absolute) {
            Err(e) => result.problems.push((absolute, e.to_string())),
            Ok(meta) if meta.is_dir() => walk(&absolute, include, &mut result),
            Ok(_) => result.files.push(absolute),
        }
    }
    result
        .files
        .sort_by(|a, b| natord::compare(&a.to_string_lossy(), &b.to_string_lossy()));
    result.files.dedup();
    result
}

fn walk(dir: &Path, include: &GlobSet, result: &mut Scan) {
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let name = entry.file_name();
                let hidden = name.to_string_lossy().starts_with('.');
                if entry.file_type().is_file() && !hidden && include.is_match(Path::new(name)) {
                    result.files.push(entry.into_path());
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
                result.problems.push((path, why));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

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
