//! Rule sets by kind of file: which of a spec's `kinds` selects a file, and the rules it is
//! checked against. A dailies folder mixes picture, sound and track files; one rule set for all
//! would fail every sound file on every picture rule.

use super::{Finding, ids};
use crate::probe::Probe;
use crate::spec::{Kind, KindMatch, Spec, StreamType};
use std::borrow::Cow;

/// What a file is checked against.
#[derive(Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "one short-lived value per file; boxing would only add an allocation"
)]
pub enum Selection<'a> {
    /// These rules; `kind` names the kind that selected the file (`None`: the top-level rules,
    /// when the spec has no kinds or none selects the file).
    Rules {
        kind: Option<&'a str>,
        rules: Cow<'a, Spec>,
    },
    /// No kind selects the file and the spec has no rules of its own: it is not checked.
    NotChecked,
}

/// The first kind whose match holds selects the file; else the spec's top-level rules apply.
pub fn rules_for<'a>(spec: &'a Spec, file_name: &str, probe: &Probe) -> Selection<'a> {
    let Some(kinds) = spec.kinds.as_deref() else {
        return Selection::Rules {
            kind: None,
            rules: Cow::Borrowed(spec),
        };
    };
    match kinds
        .iter()
        .find(|k| selects(&k.selector, file_name, probe))
    {
        Some(kind) => Selection::Rules {
            kind: Some(kind.name.as_str()),
            rules: Cow::Owned(spec.for_kind(kind)),
        },
        None if spec.has_default_rules() => Selection::Rules {
            kind: None,
            rules: Cow::Borrowed(spec),
        },
        None => Selection::NotChecked,
    }
}

/// The one finding of a file no kind selects: information, never a failure (no severity
/// override applies to it).
pub fn not_checked(kinds: &[Kind]) -> Finding {
    let names: Vec<&str> = kinds.iter().map(|k| k.name.as_str()).collect();
    Finding::fail(ids::FILE_KIND, "kind", names.join(" or "), "no kind")
        .with_severity(super::Severity::Info)
        .with_message(format!(
            "not checked: no kind of the spec ({}) selects this file",
            names.join(", ")
        ))
}

fn selects(selector: &KindMatch, file_name: &str, probe: &Probe) -> bool {
    let named = selector.include.as_ref().is_none_or(|globs| {
        let globs: Vec<String> = globs.iter().map(|g| g.0.clone()).collect();
        crate::scan::include_set(Some(&globs)).is_match(file_name)
    });
    let carries = |stream: &StreamType| match stream {
        StreamType::Video => probe.video.is_some(),
        StreamType::Audio => !probe.audio.is_empty(),
    };
    named && selector.has.iter().all(carries) && !selector.lacks.iter().any(carries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::test_support::{probe, spec};

    const KINDS: &str = "name: t
video: {codec: prores}
kinds:
  - name: picture
    match: {include: ['*.MOV'], has: [video]}
    video: {codec: dnxhd}
  - name: sound
    match: {has: [audio], lacks: [video]}
    audio: {sample_rate: 96000}
";

    fn sound_only() -> Probe {
        Probe {
            video: None,
            ..probe()
        }
    }

    fn selected<'a>(selection: &'a Selection) -> (Option<&'a str>, &'a Spec) {
        match selection {
            Selection::Rules { kind, rules } => (*kind, rules),
            Selection::NotChecked => panic!("expected rules"),
        }
    }

    #[test]
    fn the_first_matching_kind_wins_and_replaces_only_the_sections_it_names() {
        let spec = spec(KINDS);
        let selection = rules_for(&spec, "a.mov", &probe());
        let (kind, rules) = selected(&selection);
        assert_eq!(kind, Some("picture"));
        let codec = rules.video.as_ref().and_then(|v| v.codec.as_ref());
        assert_eq!(codec.map(|c| c.describe()), Some("dnxhd".to_owned()));

        let selection = rules_for(&spec, "a.wav", &sound_only());
        let (kind, rules) = selected(&selection);
        assert_eq!(kind, Some("sound"));
        assert!(rules.video.is_some(), "inherited from the top level");
        assert!(rules.audio.is_some());
    }

    #[test]
    fn a_file_no_kind_selects_gets_the_top_level_rules() {
        let spec = spec(KINDS);
        let selection = rules_for(&spec, "a.mxf", &probe());
        assert_eq!(selected(&selection).0, None);
    }

    #[test]
    fn without_top_level_rules_an_unselected_file_is_not_checked() {
        let spec = spec(
            "name: t\nkinds:\n  - name: sound\n    match: {lacks: [video]}\n    audio: {channels: 1}\n",
        );
        assert!(matches!(
            rules_for(&spec, "a.mov", &probe()),
            Selection::NotChecked
        ));
        let finding = not_checked(spec.kinds.as_deref().unwrap_or_default());
        assert_eq!(finding.severity, crate::check::Severity::Info);
        assert_eq!(finding.check, "file.kind");
    }

    #[test]
    fn a_spec_without_kinds_is_its_own_rules() {
        let spec = spec("name: t\n");
        assert!(matches!(
            rules_for(&spec, "a.mov", &probe()),
            Selection::Rules {
                kind: None,
                rules: Cow::Borrowed(_)
            }
        ));
    }
}
