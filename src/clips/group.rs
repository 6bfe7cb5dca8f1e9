//! Which files form a clip, and the clip's id.

use crate::report::FileReport;
use crate::spec::{ClipGrouping, ClipsRules};
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

/// One clip: its id and its members, as indices into the files grouped.
#[derive(Debug, Clone, PartialEq)]
pub struct Clip {
    pub id: String,
    /// Video tracks first, then audio tracks, each in natural name order.
    pub members: Vec<usize>,
}

/// Groups `files` by material package UMID or by the `clip` group of the name regex; clips come
/// in the order their first member does. A file with nothing to group by is in no clip.
///
/// Clip ids: by name, the regex's `clip` group. By UMID, the file-name stem the members share
/// before their track suffix (`A001C003` for `A001C003_V1.mxf` and `A001C003_A1.mxf`); when the
/// members share none, or another clip already has that id, the UMID itself.
pub fn group(rules: &ClipsRules, files: &[FileReport]) -> Vec<Clip> {
    let mut by_key: HashMap<&str, usize> = HashMap::new();
    let mut clips: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let Some(key) = key_of(rules, file) else {
            continue;
        };
        match by_key.entry(key) {
            Entry::Occupied(at) => clips[*at.get()].1.push(i),
            Entry::Vacant(slot) => {
                clips.push((slot.key(), vec![i]));
                slot.insert(clips.len() - 1);
            }
        }
    }
    let mut taken: HashSet<&str> = HashSet::new();
    clips
        .into_iter()
        .map(|(key, mut members)| {
            members.sort_by(|&a, &b| {
                let (a, b) = (&files[a], &files[b]);
                is_audio_track(a)
                    .cmp(&is_audio_track(b))
                    .then_with(|| crate::scan::natural_order(&a.path, &b.path))
            });
            let id = match rules.group {
                ClipGrouping::Name => key,
                ClipGrouping::MaterialPackage => shared_stem(files, &members)
                    .filter(|stem| !taken.contains(stem))
                    .unwrap_or(key),
            };
            taken.insert(id);
            Clip {
                id: id.to_owned(),
                members,
            }
        })
        .collect()
}

/// What ties `file` to its clip. A report written before reports kept the UMID has none; its
/// recorded clip id stands in, so regrouping such a report gives the same clips.
fn key_of<'a>(rules: &ClipsRules, file: &'a FileReport) -> Option<&'a str> {
    match rules.group {
        ClipGrouping::MaterialPackage => file
            .probe
            .as_ref()
            .and_then(|p| p.material_package_umid.as_deref())
            .or(file.clip.as_deref()),
        ClipGrouping::Name => {
            let pattern = rules.name.as_ref()?;
            super::track::clip_name(&pattern.0, file.name())
        }
    }
}

fn is_audio_track(file: &FileReport) -> bool {
    file.probe.as_ref().is_none_or(|p| p.video.is_none())
}

/// The file-name stem every member has before its track suffix (`_V1`, `.A2`, `-A10`).
fn shared_stem<'a>(files: &'a [FileReport], members: &[usize]) -> Option<&'a str> {
    let mut shared: Option<&str> = None;
    for &i in members {
        let stem = track_stem(files[i].name())?;
        match shared {
            Some(first) if first != stem => return None,
            _ => shared = Some(stem),
        }
    }
    shared
}

/// `A001C003` for `A001C003_V1.mxf`: the name before its extension and its track suffix (a
/// separator `_`, `.` or `-`, then `V` or `A` and digits), when it has one.
fn track_stem(name: &str) -> Option<&str> {
    let base = name.rsplit_once('.').map_or(name, |(base, _)| base);
    let (stem, track) = base.rsplit_once(['_', '.', '-'])?;
    let digits = track.strip_prefix(['V', 'v', 'A', 'a'])?;
    let is_track = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    (is_track && !stem.is_empty()).then_some(stem)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::{Probe, VideoStream};

    fn file(path: &str, umid: Option<&str>, video: bool) -> FileReport {
        FileReport {
            probe: Some(Probe {
                material_package_umid: umid.map(str::to_owned),
                video: video.then(VideoStream::default),
                ..Probe::default()
            }),
            ..FileReport::unchecked(std::path::Path::new(path))
        }
    }

    fn rules(yaml: &str) -> ClipsRules {
        serde_yaml::from_str(yaml).expect("clips rules")
    }

    #[test]
    fn tracks_with_one_umid_form_a_clip_named_by_their_shared_stem() {
        let files = [
            file("/m/C1_A10.mxf", Some("u1"), false),
            file("/m/C1_A2.mxf", Some("u1"), false),
            file("/m/C1_V1.mxf", Some("u1"), true),
            file("/m/other.wav", None, false),
            file("/m/X_V1.mxf", Some("u2"), true),
            file("/m/Y_A1.mxf", Some("u2"), false),
        ];
        let clips = group(&rules("group: material_package"), &files);
        assert_eq!(
            clips,
            [
                Clip {
                    id: "C1".into(),
                    members: vec![2, 1, 0]
                },
                Clip {
                    id: "u2".into(),
                    members: vec![4, 5]
                }
            ]
        );
    }

    #[test]
    fn the_stem_is_the_name_before_its_track_suffix() {
        assert_eq!(track_stem("A001C003_V1.mxf"), Some("A001C003"));
        assert_eq!(track_stem("take.2.a10.mxf"), Some("take.2"));
        assert_eq!(track_stem("B-V2"), Some("B"));
        assert_eq!(track_stem("C1_VX.mxf"), None);
        assert_eq!(track_stem("C1_V.mxf"), None);
        assert_eq!(track_stem("_A1.mxf"), None);
        assert_eq!(track_stem("clip.mxf"), None);
    }

    #[test]
    fn two_clips_with_one_stem_keep_distinct_ids() {
        let files = [
            file("/a/C1_V1.mxf", Some("u1"), true),
            file("/b/C1_V1.mxf", Some("u2"), true),
        ];
        let ids: Vec<String> = group(&rules("{}"), &files)
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(ids, ["C1", "u2"]);
    }

    #[test]
    fn by_name_the_clip_group_is_the_id() {
        let files = [
            file("/m/B_A1.mxf", Some("same"), false),
            file("/m/A_V1.mxf", Some("same"), true),
            file("/m/B_V1.mxf", Some("same"), true),
            file("/m/notes.txt", None, false),
        ];
        let clips = group(
            &rules("{group: name, name: '^(?P<clip>.+)_[VA]\\d+\\.mxf$'}"),
            &files,
        );
        let found: Vec<(&str, &[usize])> = clips
            .iter()
            .map(|c| (c.id.as_str(), c.members.as_slice()))
            .collect();
        assert_eq!(found, [("B", &[2, 0][..]), ("A", &[1][..])]);
    }
}
