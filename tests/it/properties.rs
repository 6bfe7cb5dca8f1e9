//! Property tests: what users and files feed in (spec text, ffprobe JSON, timecodes, rates)
//! never panics, and the arithmetic on times and rates keeps its promises for every input.

use dailies_qc::check::{self, Subject};
use dailies_qc::measurements::{self, Content, Event, Loudness, Measurements};
use dailies_qc::probe::{self, Probe};
use dailies_qc::rational::Rational;
use dailies_qc::spec::{self, Spec};
use dailies_qc::timecode::{self, Timecode};
use proptest::prelude::*;
use serde_json::Value;
use std::path::Path;

/// `cases` per property: the whole file stays within a few seconds.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Spec loader

/// Spec texts with one slot, `{V}`, for a value: each slot is a real key, with the siblings a
/// valid spec needs around it, so a failure can only come from the value put there.
const SPEC_SLOTS: &[&str] = &[
    "name: {V}\n",
    "name: p\ndescription: {V}\n",
    "name: p\nfiles:\n  include: {V}\n",
    "name: p\nfiles:\n  naming: {V}\n",
    "name: p\ncontainer:\n  format: {V}\n",
    "name: p\nvideo:\n  codec: {V}\n",
    "name: p\nvideo:\n  profile: {V}\n",
    "name: p\nvideo:\n  width: {V}\n  height: 1080\n",
    "name: p\nvideo:\n  width: 1920\n  height: {V}\n",
    "name: p\nvideo:\n  frame_rate: {V}\n",
    "name: p\nvideo:\n  scan: {V}\n",
    "name: p\nvideo:\n  bit_depth: {V}\n",
    "name: p\naudio:\n  sample_rate: {V}\n",
    "name: p\naudio:\n  channels: {V}\n",
    "name: p\naudio:\n  bit_depth: {V}\n",
    "name: p\naudio:\n  loudness:\n    integrated: {V}\n    true_peak_max: -1\n",
    "name: p\naudio:\n  loudness:\n    integrated: -23\n    tolerance: {V}\n",
    "name: p\naudio:\n  loudness:\n    true_peak_max: {V}\n    lra_max: 20\n",
    "name: p\naudio:\n  loudness:\n    integrated: -23\n    lra_max: {V}\n",
    "name: p\nsync:\n  max_start_offset_ms: {V}\n",
    "name: p\nsync:\n  max_duration_delta_ms: {V}\n",
    "name: p\nsync:\n  marker:\n    audio_early_ms: {V}\n    audio_late_ms: 20\n",
    "name: p\nsync:\n  marker:\n    audio_early_ms: 20\n    audio_late_ms: 20\n    search_s: {V}\n",
    "name: p\nsync:\n  marker:\n    audio_early_ms: 20\n    audio_late_ms: 20\n    tail: {V}\n",
    "name: p\ntimecode:\n  start: {V}\n",
    "name: p\nvideo:\n  frame_rate: 29.97\ntimecode:\n  start: {V}\n",
    "name: p\nduration:\n  min: {V}\n",
    "name: p\nduration:\n  min: {V}\n  max: 10\n",
    "name: p\nduration:\n  min: 1\n  max: {V}\n",
    "name: p\ncontent:\n  black:\n    max_s: {V}\n",
    "name: p\ncontent:\n  black:\n    max_s: 1\n    luma_max: {V}\n",
    "name: p\ncontent:\n  black:\n    max_s: 1\n    ignore_head_s: {V}\n",
    "name: p\ncontent:\n  black:\n    max_s: 1\n    ignore_tail_s: {V}\n",
    "name: p\ncontent:\n  freeze:\n    max_s: {V}\n",
    "name: p\ncontent:\n  freeze:\n    max_s: 1\n    noise_db: {V}\n",
    "name: p\ncontent:\n  silence:\n    max_s: {V}\n",
    "name: p\ncontent:\n  silence:\n    max_s: 1\n    level_db: {V}\n",
    "name: p\ncontent:\n  clipping:\n    max_samples: {V}\n",
    "name: p\nseverity:\n  video.codec: {V}\n",
];

/// One YAML value written on one line: numbers of every size, timecodes and rates as people
/// mistype them, quoted text with control characters, lists and maps.
fn yaml_value() -> impl Strategy<Value = String> {
    let scalar = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        prop::num::f64::ANY.prop_map(|f| format!("{f:e}")),
        prop::num::f64::ANY.prop_map(|f| f.to_string()),
        prop::sample::select(vec![
            "0",
            "-0",
            "2e19",
            "-2e19",
            "1e308",
            "4.6e18",
            ".inf",
            "-.inf",
            ".nan",
            "null",
            "~",
            "true",
            "no",
            "''",
            "\"\"",
            "29.97",
            "23.976",
            "0.0000001",
            "1e-300",
        ])
        .prop_map(String::from),
        "[0-9]{1,3}[:;.,][0-9]{2}:[0-9]{2}[:;.,][0-9]{1,3}".prop_map(|t| format!("'{t}'")),
        "-?[0-9]{1,20}/-?[0-9]{1,20}".prop_map(|r| format!("'{r}'")),
        "[a-z][a-z0-9_.*]{0,12}",
        any::<String>().prop_map(|s| serde_json::to_string(&s).expect("a string is JSON")),
    ];
    scalar.prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec(("[a-z_]{1,8}", inner), 0..3).prop_map(|kv| {
                let pairs: Vec<String> = kv.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                format!("{{{}}}", pairs.join(", "))
            }),
        ]
    })
}

/// Text that looks like YAML often enough to reach past the syntax check.
fn yaml_like_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "(( {0,4})[a-z_]{1,10}:( [-a-z0-9.:;'\"{}\\[\\],#&*!|>%@` ]{0,16})?\n){0,8}",
        prop::collection::vec((0..SPEC_SLOTS.len(), yaml_value()), 1..3).prop_map(|parts| {
            parts
                .iter()
                .map(|(slot, value)| SPEC_SLOTS[*slot].replace("{V}", value))
                .collect::<String>()
        }),
    ]
}

/// Errors the loader does not locate yet: a second YAML document (an `a:` after an indented
/// `a:` starts one), which serde_yaml reports without a location, and an unknown key the key
/// locator cannot find again: one holding YAML punctuation (`a::`, `-x`, `x'`), or one not
/// written as a block-style `key:` line (`{x}`).
fn not_located_yet(error: &spec::SpecError, text: &str) -> bool {
    let unknown_key = error
        .message
        .split_once("unknown field `")
        .and_then(|(_, rest)| rest.rsplit_once("`, expected"))
        .map(|(key, _)| key);
    let plain = |key: &str| {
        key.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == ' ' || c == '.')
    };
    let block_line = |key: &str| {
        let written = format!("{key}:");
        text.lines().any(|l| l.trim_start().starts_with(&written))
    };
    error.message.contains("more than one document")
        || unknown_key.is_some_and(|key| !plain(key) || !block_line(key))
}

/// An error names a line of the text; when its message starts with a key path, that line is
/// where one of those keys is written (the nearest parent, when a flow mapping hides the key).
fn assert_located(text: &str, error: &spec::SpecError) {
    if error.line.is_none() && not_located_yet(error, text) {
        return;
    }
    let line = error
        .line
        .unwrap_or_else(|| panic!("no line in {error} for {text:?}"));
    // YAML also breaks lines at CR, NEL and U+2028/9, where `str::lines` does not.
    let yaml_breaks = text
        .chars()
        .filter(|c| matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'))
        .count();
    assert!(
        (1..=yaml_breaks + 2).contains(&line),
        "line {line} is outside the text: {error} for {text:?}"
    );
    let lines: Vec<&str> = text.lines().collect();
    let Some((path, _)) = error.message.split_once(": ") else {
        return;
    };
    let keys: Vec<&str> = path.split('.').collect();
    let is_key_path = keys
        .iter()
        .all(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
    // serde_yaml puts a duplicate key at the first entry of its mapping, not at the duplicate.
    let duplicate = error.message.contains("duplicate entry");
    if is_key_path && !duplicate && line <= lines.len() {
        let written = lines[line - 1];
        assert!(
            keys.iter().any(|k| written.contains(k)),
            "{error} points at {written:?}, which names none of {path}"
        );
    }
}

/// ffprobe's JSON for a real file, from tests/fixtures.
fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("JSON")
}

const FIXTURES: &[&str] = &[
    "ffprobe_bwf_51.json",
    "ffprobe_dnxhd36.json",
    "ffprobe_h264_aac.json",
    "ffprobe_prores_interlaced_in24.json",
];

/// The model of `FIXTURES[index]`.
fn fixture_probe(index: usize) -> Probe {
    let bytes = serde_json::to_vec(&fixture(FIXTURES[index])).expect("JSON");
    probe::parse_json(&bytes).expect("fixtures parse")
}

/// Every finding `check::run` gives names a real check: nothing panicked or invented an id.
fn check_all(spec: &Spec, probe: &Probe, measurements: &Measurements) {
    let findings = check::run(
        spec,
        &Subject {
            file_name: "A001C003_250101.mov",
            probe,
            measurements,
        },
    );
    for finding in &findings {
        assert!(
            check::ids::ALL.contains(&finding.check.as_str()),
            "unknown check id {}",
            finding.check
        );
    }
}

proptest! {
    #![proptest_config(config(2000))]

    #[test]
    fn spec_text_never_panics_and_errors_name_a_line(text in yaml_like_text()) {
        if let Err(error) = spec::parse(&text, Path::new("spec.yaml")) {
            assert_located(&text, &error);
        }
    }

    #[test]
    fn any_value_in_a_real_key_loads_or_names_its_line(
        slot in 0..SPEC_SLOTS.len(),
        value in yaml_value(),
        fixture in 0..FIXTURES.len(),
    ) {
        let text = SPEC_SLOTS[slot].replace("{V}", &value);
        match spec::parse(&text, Path::new("spec.yaml")) {
            Err(error) => assert_located(&text, &error),
            // A spec that loads can be checked against a real file.
            Ok(spec) => check_all(&spec, &fixture_probe(fixture), &Measurements::default()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// ffprobe JSON and the checks over it

/// How ffprobe writes a field: most numbers as text, counts as JSON numbers, two maps.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Text,
    Integer,
    Flags,
    Tags,
}

/// Fields of a stream that ffprobe writes and the model reads.
const STREAM_FIELDS: &[(&str, Kind)] = &[
    ("index", Kind::Integer),
    ("codec_type", Kind::Text),
    ("codec_name", Kind::Text),
    ("codec_tag_string", Kind::Text),
    ("profile", Kind::Text),
    ("width", Kind::Integer),
    ("height", Kind::Integer),
    ("sample_aspect_ratio", Kind::Text),
    ("display_aspect_ratio", Kind::Text),
    ("r_frame_rate", Kind::Text),
    ("avg_frame_rate", Kind::Text),
    ("field_order", Kind::Text),
    ("pix_fmt", Kind::Text),
    ("bits_per_raw_sample", Kind::Text),
    ("bits_per_sample", Kind::Integer),
    ("color_primaries", Kind::Text),
    ("sample_fmt", Kind::Text),
    ("sample_rate", Kind::Text),
    ("channels", Kind::Integer),
    ("channel_layout", Kind::Text),
    ("start_time", Kind::Text),
    ("duration", Kind::Text),
    ("nb_frames", Kind::Text),
    ("disposition", Kind::Flags),
    ("tags", Kind::Tags),
];

const FORMAT_FIELDS: &[(&str, Kind)] = &[
    ("format_name", Kind::Text),
    ("duration", Kind::Text),
    ("size", Kind::Text),
    ("bit_rate", Kind::Text),
    ("tags", Kind::Tags),
];

/// Text as ffprobe could print it for a broken or hostile file, mostly the extremes where
/// arithmetic breaks.
fn ffprobe_text() -> impl Strategy<Value = String> {
    let extreme = prop::sample::select(vec![
        "4.6e18",
        "-4.6e18",
        "2e19",
        "1e300",
        "1e309",
        "NaN",
        "inf",
        "N/A",
        "0/0",
        "1/0",
        "-9223372036854775808/-1",
        "-9223372036854775808/-9223372036854775808",
        "9223372036854775807/1",
        "1/9223372036854775807",
        "9223372036854775807",
        "18446744073709551615",
        "4294967295",
        "30000/1001",
        "60000/1001",
        "00:00:00;00",
        "23:59:59;29",
        "video",
        "audio",
        "data",
        "tmcd",
        "",
    ]);
    prop_oneof![
        4 => extreme.prop_map(String::from),
        1 => prop::num::f64::ANY.prop_map(|f| f.to_string()),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        1 => (any::<i64>(), any::<i64>()).prop_map(|(n, d)| format!("{n}/{d}")),
        1 => "[0-9]{2}[:;.,][0-9]{2}:[0-9]{2}[:;.,][0-9]{2}",
        1 => any::<String>(),
    ]
}

/// Any JSON at all, for the fields that get the wrong type.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop::num::f64::ANY.prop_map(Value::from),
        ffprobe_text().prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A value for a field of `kind`: nine times in ten of the type ffprobe writes there (so the
/// JSON reads and the model is built), else anything (so reading fails cleanly).
fn ffprobe_value(kind: Kind) -> BoxedStrategy<Value> {
    let typed = match kind {
        Kind::Text => ffprobe_text().prop_map(Value::from).boxed(),
        Kind::Integer => prop_oneof![
            any::<u32>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
        ]
        .boxed(),
        Kind::Flags => prop::collection::btree_map(
            prop::sample::select(vec!["attached_pic", "default"]),
            any::<i64>(),
            0..3,
        )
        .prop_map(|m| serde_json::json!(m))
        .boxed(),
        Kind::Tags => prop::collection::btree_map(
            prop::sample::select(vec!["timecode", "TIMECODE", "reel_name"]),
            ffprobe_text(),
            0..3,
        )
        .prop_map(|m| serde_json::json!(m))
        .boxed(),
    };
    prop_oneof![9 => typed, 1 => any_json()].boxed()
}

/// Where a value goes, (stream number or `None` for the format, field), and the value.
fn ffprobe_change() -> impl Strategy<Value = ((Option<usize>, &'static str), Value)> {
    let stream = (any::<usize>(), prop::sample::select(STREAM_FIELDS))
        .prop_map(|(i, (field, kind))| ((Some(i), field), kind));
    let format =
        prop::sample::select(FORMAT_FIELDS).prop_map(|(field, kind)| ((None, field), kind));
    prop_oneof![4 => stream, 1 => format]
        .prop_flat_map(|(position, kind)| (Just(position), ffprobe_value(kind)))
}

/// Puts `value` at `position` of an ffprobe document (a stream picked modulo their count).
fn put(doc: &mut Value, (stream, field): (Option<usize>, &str), value: Value) {
    let target = match stream {
        Some(i) => match doc["streams"].as_array_mut() {
            Some(streams) if !streams.is_empty() => {
                let n = streams.len();
                &mut streams[i % n]
            }
            _ => return,
        },
        None => &mut doc["format"],
    };
    if let Some(object) = target.as_object_mut() {
        object.insert(field.to_owned(), value);
    }
}

/// Every rule a spec can hold, so `check::run` looks at every field of the probe.
const EVERY_RULE: &str = "name: every rule
files: {naming: '^[A-Z][0-9]{3}'}
container: {format: [mov, mxf]}
video: {codec: prores, profile: HQ, width: 1920, height: 1080, frame_rate: 29.97, scan: progressive, pix_fmt: yuv422p10le, bit_depth: 10, color_primaries: bt709, color_transfer: bt709, color_space: bt709}
audio:
  codec: pcm_s24le
  sample_rate: 48000
  channels: 2
  bit_depth: 24
  loudness: {integrated: -23, tolerance: 0.5, true_peak_max: -1, lra_max: 20}
sync:
  max_start_offset_ms: 40
  max_duration_delta_ms: 80
  marker: {audio_early_ms: 10, audio_late_ms: 20, tail: true}
timecode: {start: '00:59:59;29'}
duration: {min: '00:00:01;00', max: 3600}
content:
  black: {max_s: 1, ignore_head_s: 2, ignore_tail_s: 2}
  freeze: {max_s: 1}
  silence: {max_s: 1}
  clipping: {max_samples: 0}
";

/// A time as an analyser could report it: ordinary, huge, negative, or not a number.
fn any_seconds() -> impl Strategy<Value = f64> {
    prop_oneof![
        0.0..7200.0,
        prop::num::f64::ANY,
        Just(4.6e18),
        Just(-4.6e18)
    ]
}

fn events() -> impl Strategy<Value = Option<Vec<Event>>> {
    prop::option::of(prop::collection::vec(
        (any_seconds(), any_seconds()).prop_map(|(start_s, end_s)| Event { start_s, end_s }),
        0..3,
    ))
}

/// Measurements with every figure set to whatever an analyser could have said.
fn any_measurements() -> impl Strategy<Value = Measurements> {
    let loudness = (
        prop::num::f64::ANY,
        prop::num::f64::ANY,
        prop::num::f64::ANY,
    )
        .prop_map(|(i, tp, lra)| Loudness {
            integrated_lufs: Some(i),
            true_peak_dbtp: Some(tp),
            lra_lu: Some(lra),
            ..Loudness::default()
        });
    let sync =
        (any_seconds(), any_seconds(), any_seconds(), any_seconds()).prop_map(|(o, f, to, tf)| {
            measurements::AvSync {
                marker_offset_ms: Some(o),
                marker_flash_s: Some(f),
                tail_marker_offset_ms: Some(to),
                tail_marker_flash_s: Some(tf),
                ..measurements::AvSync::default()
            }
        });
    let content = (events(), events(), events(), events(), any::<Option<u64>>()).prop_map(
        |(black, freeze, silence, clipping, clipped_samples)| Content {
            black,
            freeze,
            silence,
            clipping,
            clipped_samples,
            ..Content::default()
        },
    );
    (
        prop::option::of(loudness),
        prop::option::of(sync),
        prop::option::of(content),
    )
        .prop_map(|(loudness, sync, content)| Measurements {
            loudness,
            sync,
            content,
            ..Measurements::default()
        })
}

proptest! {
    #![proptest_config(config(2000))]

    #[test]
    fn ffprobe_fields_take_any_value_and_every_check_runs_over_the_result(
        seed in 0..FIXTURES.len(),
        changes in prop::collection::vec(ffprobe_change(), 1..5),
        measured in any_measurements(),
    ) {
        let mut doc = fixture(FIXTURES[seed]);
        for (position, value) in changes {
            put(&mut doc, position, value);
        }
        let bytes = serde_json::to_vec(&doc).expect("JSON");
        let Ok(probe) = probe::parse_json(&bytes) else {
            return Ok(());
        };
        // The last frame's timecode, when given, is a real timecode at the file's rate.
        if let (Some(end), Some(rate)) = (&probe.timecode_end, probe.frame_rate()) {
            assert_timecode_text(end, rate);
            if let Ok(end) = Timecode::parse(end) {
                prop_assert_eq!(end.validate_for_rate(rate), Ok(()));
            }
        }
        // Times the checks compute with are finite, whatever the text said.
        let times = [probe.duration_s, probe.video.as_ref().and_then(|v| v.duration_s)]
            .into_iter()
            .chain([probe.video.as_ref().and_then(|v| v.start_time_s)])
            .chain(probe.audio.iter().flat_map(|a| [a.start_time_s, a.duration_s]));
        for time in times.flatten() {
            prop_assert!(time.is_finite(), "{}", time);
        }
        let spec = spec::parse(EVERY_RULE, Path::new("every.yaml")).expect("valid spec");
        check_all(&spec, &probe, &Measurements::default());
        check_all(&spec, &probe, &measured);
    }
}

// ---------------------------------------------------------------------------------------------
// Timecode and rational arithmetic

/// A printed timecode reads back, or at rates over 100 fps (three-digit frames, which
/// `HH:MM:SS:FF` cannot hold) at least has its shape.
fn assert_timecode_text(text: &str, rate: Rational) {
    if rate.timecode_base() <= 100 {
        assert!(Timecode::parse(text).is_ok(), "{text} does not parse");
    } else {
        let shape = regex::Regex::new(r"^[0-2][0-9]:[0-5][0-9]:[0-5][0-9][:;][0-9]{2,}$");
        assert!(shape.expect("regex").is_match(text), "{text}");
    }
}

/// Any i64, with the extremes (where negation and sums overflow) as likely as the rest.
fn any_i64() -> impl Strategy<Value = i64> {
    prop_oneof![
        any::<i64>(),
        prop::sample::select(vec![
            i64::MIN,
            i64::MIN + 1,
            -1,
            0,
            1,
            i64::MAX - 1,
            i64::MAX
        ]),
    ]
}

/// The rates dailies come at.
fn common_rate() -> impl Strategy<Value = Rational> {
    prop::sample::select(vec![
        (24000, 1001),
        (24, 1),
        (25, 1),
        (30000, 1001),
        (30, 1),
        (48, 1),
        (50, 1),
        (60000, 1001),
        (60, 1),
        (120, 1),
    ])
    .prop_map(|(n, d)| Rational::new(n, d).expect("a rate"))
}

/// The rates dailies come at, and any other a file can claim.
fn rate() -> impl Strategy<Value = Rational> {
    let any_rate =
        (1i64..=i64::MAX, 1i64..=i64::MAX).prop_filter_map("a rate", |(n, d)| Rational::new(n, d));
    prop_oneof![3 => common_rate(), 1 => any_rate]
}

fn drop_frame_rate() -> impl Strategy<Value = Rational> {
    prop::sample::select(vec![(30000, 1001), (60000, 1001)])
        .prop_map(|(n, d)| Rational::new(n, d).expect("NTSC rate"))
}

/// Frames in 24 hours of timecode at `rate`.
fn frames_per_day(rate: Rational, drop_frame: bool) -> i64 {
    let base = i64::from(rate.timecode_base());
    if drop_frame {
        (base * 600 - base / 15 * 9) * 144
    } else {
        base * 86_400
    }
}

/// A timecode that addresses a real frame at `rate`.
fn valid_timecode(rate: Rational) -> impl Strategy<Value = Timecode> {
    let drop_frame = if rate.allows_drop_frame() {
        any::<bool>().boxed()
    } else {
        Just(false).boxed()
    };
    (
        0u32..24,
        0u32..60,
        0u32..60,
        0..rate.timecode_base(),
        drop_frame,
    )
        .prop_filter_map(
            "not a dropped frame number",
            move |(hours, minutes, seconds, frames, drop_frame)| {
                let tc = Timecode {
                    hours,
                    minutes,
                    seconds,
                    frames,
                    drop_frame,
                };
                tc.validate_for_rate(rate).is_ok().then_some(tc)
            },
        )
}

fn rate_and_timecode() -> impl Strategy<Value = (Rational, Timecode)> {
    rate().prop_flat_map(|r| (Just(r), valid_timecode(r)))
}

proptest! {
    #![proptest_config(config(2000))]

    #[test]
    fn timecode_text_round_trips(
        (hours, minutes, seconds, frames) in (0u32..24, 0u32..60, 0u32..60, 0u32..100),
        separator in prop::sample::select(vec![':', ';', '.', ',']),
    ) {
        let text = format!("{hours:02}:{minutes:02}:{seconds:02}{separator}{frames:02}");
        let tc = Timecode::parse(&text).expect("in range");
        prop_assert_eq!((tc.hours, tc.minutes, tc.seconds, tc.frames), (hours, minutes, seconds, frames));
        prop_assert_eq!(tc.drop_frame, separator != ':');
        let printed = tc.to_string();
        prop_assert_eq!(Timecode::parse(&printed), Ok(tc));
        prop_assert_eq!(printed, text.replace(['.', ','], ";"));
    }

    #[test]
    fn any_text_parses_to_a_timecode_that_prints_back_or_is_refused(text in "\\PC{0,14}|[0-9:;., ]{8,13}") {
        if let Ok(tc) = Timecode::parse(&text) {
            prop_assert!(tc.hours < 24 && tc.minutes < 60 && tc.seconds < 60 && tc.frames < 100);
            prop_assert_eq!(tc.to_string(), text.trim().replace(['.', ','], ";"));
        }
    }

    #[test]
    fn a_valid_timecode_is_its_own_frame_number((rate, tc) in rate_and_timecode()) {
        let frame = tc.to_frames(rate);
        prop_assert!((0..frames_per_day(rate, tc.drop_frame)).contains(&frame));
        prop_assert_eq!(Timecode::from_frames(frame, rate, tc.drop_frame), tc);
    }

    #[test]
    fn every_frame_of_the_day_has_one_valid_timecode(
        rate in rate(),
        drop_frame in any::<bool>(),
        fraction in 0.0..1.0f64,
    ) {
        let drop_frame = drop_frame && rate.allows_drop_frame();
        let day = frames_per_day(rate, drop_frame);
        let frame = ((day as f64 * fraction) as i64).min(day - 1);
        let tc = Timecode::from_frames(frame, rate, drop_frame);
        prop_assert_eq!(tc.validate_for_rate(rate), Ok(()));
        prop_assert_eq!(tc.to_frames(rate), frame);
        // The next frame is the next timecode, across drop-frame's skipped numbers.
        let next = Timecode::from_frames(frame + 1, rate, drop_frame);
        prop_assert_eq!(next.to_frames(rate), (frame + 1) % day);
    }

    #[test]
    fn drop_frame_skips_the_first_frames_of_all_but_every_tenth_minute(
        rate in drop_frame_rate(),
        minute in 0i64..1440,
    ) {
        let dropped = rate.timecode_base() / 15;
        let start = Timecode {
            hours: (minute / 60) as u32,
            minutes: (minute % 60) as u32,
            seconds: 0,
            frames: 0,
            drop_frame: true,
        };
        let first = if minute % 10 == 0 { 0 } else { dropped };
        let tc = Timecode { frames: first, ..start };
        prop_assert_eq!(tc.validate_for_rate(rate), Ok(()));
        let before = Timecode::from_frames(tc.to_frames(rate) - 1, rate, true);
        prop_assert_eq!(before.seconds, 59);
        prop_assert_eq!(before.frames, rate.timecode_base() - 1);
        if first > 0 {
            let dropped_number = Timecode { frames: first - 1, ..start };
            prop_assert!(dropped_number.validate_for_rate(rate).is_err());
        }
    }

    #[test]
    fn huge_frame_numbers_wrap_to_a_valid_timecode(
        rate in rate(),
        drop_frame in any::<bool>(),
        frame in any_i64(),
    ) {
        let tc = Timecode::from_frames(frame, rate, drop_frame);
        prop_assert_eq!(tc.validate_for_rate(rate), Ok(()));
        let day = frames_per_day(rate, drop_frame && rate.allows_drop_frame());
        prop_assert_eq!(tc.to_frames(rate), frame.rem_euclid(day));
    }

    #[test]
    fn offsets_of_any_size_agree_with_frame_arithmetic(
        (rate, start) in rate_and_timecode(),
        frames in prop_oneof![-1_000_000i64..1_000_000, any_i64()],
    ) {
        let day = frames_per_day(rate, start.drop_frame);
        let moved = start.offset_by_frames(frames, rate);
        prop_assert_eq!(moved.validate_for_rate(rate), Ok(()));
        let expected = (i128::from(start.to_frames(rate)) + i128::from(frames))
            .rem_euclid(i128::from(day));
        prop_assert_eq!(i128::from(moved.to_frames(rate)), expected);
    }

    #[test]
    fn any_seconds_locate_without_panicking(
        (rate, start) in rate_and_timecode(),
        seconds in prop_oneof![0.0..86_400.0f64, any_seconds()],
        with_start in any::<bool>(),
    ) {
        let moved = start.offset_by_seconds(seconds, rate);
        prop_assert_eq!(moved.validate_for_rate(rate), Ok(()));
        let origin = with_start.then_some(&start);
        assert_timecode_text(&timecode::locate(seconds, origin, Some(rate)), rate);
        let elapsed = timecode::locate(seconds, origin, None);
        let shape = regex::Regex::new(r"^[0-9]{2,}:[0-5][0-9]:[0-5][0-9]\.[0-9]{3}$").expect("regex");
        prop_assert!(shape.is_match(&elapsed), "{}", elapsed);
    }

    #[test]
    fn whole_seconds_move_a_timecode_by_their_exact_frame_count(
        (rate, start) in common_rate().prop_flat_map(|r| (Just(r), valid_timecode(r))),
        seconds in 0u32..100_000,
    ) {
        let exact = i128::from(seconds) * i128::from(rate.num()) / i128::from(rate.den());
        let frames = i64::try_from(exact).expect("fits");
        prop_assert_eq!(
            start.offset_by_seconds(f64::from(seconds), rate),
            start.offset_by_frames(frames, rate)
        );
    }

    #[test]
    fn duration_timecodes_are_seconds_plus_frames(
        (rate, tc) in rate_and_timecode(),
    ) {
        let seconds = tc.as_duration_seconds(rate);
        let whole = f64::from(tc.hours * 3600 + tc.minutes * 60 + tc.seconds);
        prop_assert!(seconds >= whole && seconds < whole + 1.0);
    }

    #[test]
    fn fractions_reduce_exactly_or_are_refused(num in any_i64(), den in any_i64()) {
        match Rational::new(num, den) {
            Some(r) => {
                prop_assert!(r.den() > 0);
                // Same value: num/den = r.num/r.den, cross-multiplied without overflow.
                prop_assert_eq!(i128::from(num) * i128::from(r.den()), i128::from(r.num()) * i128::from(den));
                prop_assert_eq!(gcd(r.num().unsigned_abs(), r.den().unsigned_abs()), 1);
            }
            // Refused only for 0 as denominator, or a reduced fraction that needs 2^63.
            None => prop_assert!(den == 0 || num == i64::MIN || den == i64::MIN),
        }
    }

    #[test]
    fn ffprobe_rates_round_trip_through_their_text(rate in rate()) {
        let text = format!("{}/{}", rate.num(), rate.den());
        prop_assert_eq!(Rational::parse_ffprobe(&text), Some(rate));
        let stored = serde_json::to_string(&rate).expect("serialises");
        prop_assert_eq!(serde_json::from_str::<Rational>(&stored).expect("reads back"), rate);
    }

    #[test]
    fn any_rate_text_is_a_positive_rate_or_refused(text in "\\PC{0,24}|-?[0-9]{0,20}[./]?-?[0-9]{0,20}") {
        if let Some(rate) = Rational::parse_ffprobe(&text) {
            prop_assert!(rate.num() > 0 && rate.den() > 0);
        }
        if let Ok(rate) = Rational::parse_frame_rate(&text) {
            prop_assert!(rate.num() > 0 && rate.den() > 0);
        }
    }

    #[test]
    fn ntsc_rates_written_as_decimals_are_exact(
        // Two decimals name an NTSC rate only where they do not round to a whole number.
        (base, decimals) in prop_oneof![(1i64..=1000, Just(3usize)), (6i64..=995, Just(2usize))],
    ) {
        let exact = Rational::new(base * 1000, 1001).expect("den 1001");
        let written = format!("{:.*}", decimals, exact.as_f64());
        prop_assert_eq!(Rational::parse_frame_rate(&written), Ok(exact), "{}", written);
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}
