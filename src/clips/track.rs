//! How a track file of a clip is checked on its own.
//!
//! An OP-Atom audio track file has no picture and the picture file no sound: the clip as a whole
//! carries the streams. So a file that belongs to a clip is checked only by the rule sections for
//! the streams it carries: no `video` rules (nor black/freeze) on a file without video, no
//! `audio` rules (nor loudness, silence, clipping) on a file without audio, and no `sync` rules
//! on a file that lacks either (`clip.sync` compares the tracks instead; a file with both, an
//! OP1a clip of one file, keeps them); whether the clip has its tracks at all is `clip.tracks`.
//! With an `audio.layout`, the layout and loudness rules go to the clip too: a programme's
//! channels may lie in several track files. This composes with kinds: the file's kind chooses
//! its rules first (`check::rules_for`), and the sections its streams cannot meet are then set
//! aside.

use crate::probe::Probe;
use crate::spec::{ClipGrouping, ClipsRules, ContentRules, Spec};
use std::borrow::Cow;

/// Whether the file will be grouped into a clip under `rules`.
pub fn is_track_file(rules: &ClipsRules, file_name: &str, probe: &Probe) -> bool {
    match rules.group {
        ClipGrouping::MaterialPackage => probe.material_package_umid.is_some(),
        ClipGrouping::Name => rules
            .name
            .as_ref()
            .is_some_and(|pattern| clip_name(&pattern.0, file_name).is_some()),
    }
}

/// The `clip` group of `pattern` on `file_name`, when it matches and is not empty.
pub(super) fn clip_name<'a>(pattern: &regex::Regex, file_name: &'a str) -> Option<&'a str> {
    let captures = pattern.captures(file_name)?;
    let name = captures.name(crate::spec::CLIP_GROUP)?.as_str();
    (!name.is_empty()).then_some(name)
}

/// `rules` without the sections a track file's streams cannot meet (see the module doc).
pub fn track_rules<'a>(rules: Cow<'a, Spec>, probe: &Probe) -> Cow<'a, Spec> {
    let (video, audio) = (probe.video.is_some(), !probe.audio.is_empty());
    let content = rules.content.as_ref();
    let layout = rules.audio.as_ref().is_some_and(|a| a.layout.is_some());
    let needs_narrowing = layout
        || (!(video && audio) && rules.sync.is_some())
        || (!video && rules.video.is_some())
        || (!audio && rules.audio.is_some())
        || content.is_some_and(|c| {
            (!video && (c.black.is_some() || c.freeze.is_some()))
                || (!audio && (c.silence.is_some() || c.clipping.is_some()))
        });
    if !needs_narrowing {
        return rules;
    }
    let mut narrowed = rules.into_owned();
    if !(video && audio) {
        narrowed.sync = None;
    }
    if !video {
        narrowed.video = None;
    }
    if !audio {
        narrowed.audio = None;
    }
    if let Some(rules) = narrowed.audio.as_mut().filter(|a| a.layout.is_some()) {
        // The clip's programmes span its track files: judged on the clip (`programmes`).
        rules.layout = None;
        rules.loudness = None;
    }
    narrowed.content = narrowed.content.take().and_then(|c| {
        let kept = ContentRules {
            black: c.black.filter(|_| video),
            freeze: c.freeze.filter(|_| video),
            silence: c.silence.filter(|_| audio),
            clipping: c.clipping.filter(|_| audio),
            levels: c.levels.filter(|_| video),
            flashes: c.flashes.filter(|_| video),
            cadence: c.cadence.filter(|_| video),
            active_picture: c.active_picture.filter(|_| video),
        };
        let any = kept.black.is_some()
            || kept.freeze.is_some()
            || kept.silence.is_some()
            || kept.clipping.is_some()
            || kept.reads_pictures()
            || kept.active_picture.is_some();
        any.then_some(kept)
    });
    Cow::Owned(narrowed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::test_support::{probe, spec};

    const RULES: &str = "name: t
video: {codec: dnxhd}
audio: {sample_rate: 48000}
sync: {max_start_offset_ms: 0}
content: {black: {max_s: 1}, silence: {max_s: 1}}
";

    #[test]
    fn a_sound_track_file_keeps_only_the_sound_rules() {
        let spec = spec(RULES);
        let sound = Probe {
            video: None,
            ..probe()
        };
        let rules = track_rules(Cow::Borrowed(&spec), &sound);
        assert!(rules.video.is_none() && rules.sync.is_none());
        assert!(rules.audio.is_some());
        let content = rules.content.as_ref().expect("silence rule kept");
        assert!(content.black.is_none() && content.silence.is_some());
    }

    #[test]
    fn a_file_with_picture_and_sound_keeps_every_rule() {
        let spec = spec(RULES);
        let rules = track_rules(Cow::Borrowed(&spec), &probe());
        assert!(matches!(rules, Cow::Borrowed(_)));
    }

    #[test]
    fn a_picture_track_file_keeps_only_the_picture_rules() {
        let spec = spec(RULES);
        let picture = Probe {
            audio: Vec::new(),
            ..probe()
        };
        let rules = track_rules(Cow::Borrowed(&spec), &picture);
        assert!(rules.audio.is_none() && rules.sync.is_none());
        assert!(rules.video.is_some());
    }
}
