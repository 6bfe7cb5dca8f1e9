//! HTML, CSV and JUnit exports, sign-off and merge, from real reports of real media; each
//! export is parsed back (csv crate, quick-xml) rather than string-matched where possible.
//! Hostile text (formulas, control characters, markup) in every exporter, text included.

use crate::common::*;
use dailies_qc::check::{At, Finding, Verdict};
use dailies_qc::output::Format;
use dailies_qc::report::{FileReport, Report, SpecInfo, Status};
use dailies_qc::synth::Clip;
use std::path::{Path, PathBuf};

const HOSTILE: &str = "<img src=x onerror=alert(1)>.mov";
const QUOTED: &str = "take \"2\", final.mov";
const SPEC: &str = "name: Export <test> & co\nvideo:\n  frame_rate: 24\n";

/// A checked folder: three failing files (frame rate), report at `dir/report.json`.
fn checked_report(dir: &Path) -> PathBuf {
    let media = dir.join("media");
    std::fs::create_dir(&media).expect("mkdir");
    let first = make_clip(&Clip::small(1.0), &media.join("A001.mov"));
    std::fs::copy(&first, media.join(HOSTILE)).expect("copy");
    std::fs::copy(&first, media.join(QUOTED)).expect("copy");
    let spec = write_spec(dir, SPEC);
    let report = dir.join("report.json");
    let outcome = check_to_json_file(&report, &spec, &media);
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    report
}

/// Sets the review of the first finding of the file whose name ends with `name`.
fn review(report: &Path, name: &str, verdict: &str, note: &str) {
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report).expect("read")).expect("json");
    let i = index_of(&json, name);
    json["files"][i]["findings"][0]["review"] = serde_json::json!({
        "verdict": verdict, "note": note, "operator": "Ana", "at": "2026-11-29T02:00:00+00:00"
    });
    std::fs::write(report, serde_json::to_string_pretty(&json).expect("json")).expect("write");
}

fn export(report: &Path, format: &str) -> String {
    let outcome = run(&[
        "export".as_ref(),
        report.as_os_str(),
        "--format".as_ref(),
        format.as_ref(),
    ]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    outcome.stdout
}

#[test]
fn html_is_self_contained_escaped_and_shows_waivers() {
    let dir = temp_dir();
    let report = checked_report(dir.path());
    review(&report, HOSTILE, "waived", "client OK <b>& signed</b>");
    review(&report, QUOTED, "rejected", "re-export at 24");
    let html = export(&report, "html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<img"), "media names must stay text");
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;.mov"),
        "escaped name"
    );
    assert!(
        html.contains("client OK &lt;b&gt;&amp; signed&lt;&#x2f;b&gt;"),
        "escaped note"
    );
    assert!(html.contains("Export &lt;test&gt; &amp; co"));
    assert!(
        html.contains(r#"<tr class="waived">"#),
        "waived rows are marked"
    );
    assert!(html.contains("REJECTED"), "overall sign-off shown");
    assert!(html.contains("@media print"), "print stylesheet");
    for external in ["src=\"http", "href=\"http", "<link", "@import"] {
        assert!(!html.contains(external), "no network: found {external}");
    }
    // One section per file, every finding listed.
    assert_eq!(html.matches(r#"<section class="file""#).count(), 3);
    assert_eq!(
        html.matches("<td class=\"check\">video.frame_rate</td>")
            .count(),
        3
    );
}

#[test]
fn csv_round_trips_one_row_per_finding() {
    let dir = temp_dir();
    let report = checked_report(dir.path());
    let note = "line one\nline \"two\", with comma";
    review(&report, QUOTED, "waived", note);
    let text = export(&report, "csv");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .expect("headers")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(
        headers,
        [
            "file", "status", "check", "severity", "expected", "actual", "timecode", "verdict",
            "note", "operator", "time"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 3);
    let quoted = rows
        .iter()
        .find(|r| r[0].ends_with(QUOTED))
        .expect("quoted file row");
    assert_eq!(&quoted[7], "waived");
    assert_eq!(&quoted[8], note);
    assert_eq!(&quoted[9], "Ana");
    assert!(rows.iter().any(|r| r[0].ends_with(HOSTILE)));
}

/// (testcase name, has failure, has error) for every testcase, and the suite attributes.
const XML_1_0: quick_xml::XmlVersion = quick_xml::XmlVersion::Implicit1_0;

type Case = (String, bool, bool);

fn parse_junit(xml: &str) -> (Vec<Case>, Vec<(String, String)>) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut cases: Vec<Case> = Vec::new();
    let mut suite = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "testsuite" => {
                    for a in e.attributes() {
                        let a = a.expect("attribute");
                        suite.push((
                            a.key.as_ref().to_owned(),
                            a.normalized_value(XML_1_0).expect("value").into_owned(),
                        ));
                    }
                }
                "testcase" => {
                    let name = e
                        .attributes()
                        .map(|a| a.expect("attribute"))
                        .find(|a| a.key.as_ref() == "name")
                        .expect("name")
                        .normalized_value(XML_1_0)
                        .expect("value")
                        .into_owned();
                    cases.push((name, false, false));
                }
                "failure" => cases.last_mut().expect("in a testcase").1 = true,
                "error" => cases.last_mut().expect("in a testcase").2 = true,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    (cases, suite)
}

#[test]
fn junit_has_a_testcase_per_file_and_waivers_pass() {
    let dir = temp_dir();
    let report = checked_report(dir.path());
    std::fs::write(dir.path().join("media/broken.mov"), b"not a movie").expect("write");
    // Re-check so the broken file is in the report.
    let spec = dir.path().join("spec.yaml");
    check_to_json_file(&report, &spec, &dir.path().join("media"));
    review(&report, HOSTILE, "waived", "accepted by the client");
    let (cases, suite) = parse_junit(&export(&report, "junit"));
    assert_eq!(cases.len(), 4);
    let attr = |k: &str| {
        suite
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .expect(k)
    };
    assert_eq!(attr("name"), "Export <test> & co");
    assert_eq!(attr("tests"), "4");
    assert_eq!(attr("failures"), "2");
    assert_eq!(attr("errors"), "1");
    let case = |name: &str| cases.iter().find(|c| c.0 == name).expect(name).clone();
    assert_eq!(
        case(HOSTILE),
        (HOSTILE.to_owned(), false, false),
        "waived with a note passes"
    );
    assert_eq!(case(QUOTED), (QUOTED.to_owned(), true, false));
    assert_eq!(case("broken.mov"), ("broken.mov".to_owned(), false, true));
}

#[test]
fn signoff_follows_the_reviews() {
    let dir = temp_dir();
    let report = checked_report(dir.path());
    let verdict = |path: &Path| {
        let merged = run(&["merge".as_ref(), path.as_os_str()]);
        assert_eq!(merged.code, 0, "{}", merged.stderr);
        merged.json()["verdict"]
            .as_str()
            .expect("verdict")
            .to_owned()
    };
    assert_eq!(verdict(&report), "incomplete");
    for name in ["A001.mov", HOSTILE, QUOTED] {
        review(&report, name, "waived", "client accepts 25");
    }
    assert_eq!(verdict(&report), "approved");
    review(&report, QUOTED, "rejected", "");
    assert_eq!(verdict(&report), "rejected");
    assert!(export(&report, "html").contains("REJECTED"));
}

#[test]
fn empty_report_exports_cleanly() {
    let dir = temp_dir();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    let spec = write_spec(dir.path(), "name: nothing here\n");
    let report = dir.path().join("r.json");
    let outcome = check_to_json_file(&report, &spec, &empty);
    assert_eq!(outcome.code, 1, "an empty delivery is not a pass");
    assert!(outcome.stderr.contains("no media files found"));
    assert!(export(&report, "html").contains("No files were checked"));
    assert_eq!(export(&report, "csv").lines().count(), 1, "header only");
    let (cases, suite) = parse_junit(&export(&report, "junit"));
    assert!(cases.is_empty());
    assert!(suite.contains(&("tests".to_owned(), "0".to_owned())));
}

#[test]
fn merge_combines_machines_and_refuses_other_specs() {
    let dir = temp_dir();
    let one = dir.path().join("one");
    let two = dir.path().join("two");
    std::fs::create_dir_all(&one).expect("mkdir");
    std::fs::create_dir_all(&two).expect("mkdir");
    let a = checked_report(&one);
    let b = checked_report(&two);
    review(&a, QUOTED, "rejected", "wrong rate");
    let out = dir.path().join("all.json");
    let merged = run(&[
        "merge".as_ref(),
        a.as_os_str(),
        b.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(merged.code, 0, "{}", merged.stderr);
    let all: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("read")).expect("json");
    assert_eq!(all["schema"], "dailies-qc/report@2");
    assert_eq!(all["summary"]["files"], 6);
    assert_eq!(all["summary"]["fail"], 6);
    assert_eq!(all["verdict"], "rejected");
    let i = index_of(&all, &format!("one/media/{QUOTED}"));
    assert_eq!(
        all["files"][i]["findings"][0]["review"]["note"],
        "wrong rate"
    );

    // Same files again (a re-run on the same machine): no duplicates, reviews kept.
    let again = run(&["merge".as_ref(), a.as_os_str(), a.as_os_str()]);
    assert_eq!(again.json()["summary"]["files"], 3);

    // Another spec: refused with both names.
    let other = dir.path().join("other.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&b).expect("read")).expect("json");
    json["spec"]["sha256"] = "f".repeat(64).into();
    std::fs::write(&other, json.to_string()).expect("write");
    let refused = run(&["merge".as_ref(), a.as_os_str(), other.as_os_str()]);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("same spec"), "{}", refused.stderr);
    assert!(refused.stderr.contains("other.json"), "{}", refused.stderr);
}

// ---------------------------------------------------------------------------------------------
// Hostile text: every exporter escapes control characters and markup, and the CSV neutralises
// formulas. Reports are built in memory: what matters is the text in them, not the media.

/// A spreadsheet formula, a terminal colour escape, the bell, CR, tab, NUL, a noncharacter
/// XML 1.0 cannot hold, and markup.
const HOSTILE_TEXT: &str = "=cmd|' /C calc'!A0\x1b[31m\x07\r\t\0\u{ffff}<script>";
/// The same as every exporter shows it.
const HOSTILE_SHOWN: &str = "=cmd|' /C calc'!A0\\x1b[31m\\x07\\r\\t\\x00\\u{ffff}<script>";

/// One failing file named with `HOSTILE_TEXT` (no folder, so its path starts with `=`), whose
/// findings carry hostile notes, a measured value with a unit and a plain negative number.
/// The rest is hostile too (a report is a file anyone can edit): check id, place, timestamp.
fn hostile_report() -> Report {
    let mut waived = Finding::fail(
        "audio.loudness.integrated",
        "loudness",
        "-23.0 LUFS ±0.5 LU",
        "-24.3 LUFS",
    );
    waived.review.verdict = Verdict::Waived;
    waived.review.note = format!("{HOSTILE_TEXT}\nsecond line");
    waived.review.operator = Some(format!("@{HOSTILE_TEXT}"));
    let mut open = Finding::fail("video.frame_rate", "frame rate", "24", "25");
    open.review.note = "-23.5".to_owned();
    open.check.push_str(HOSTILE_TEXT);
    open.at = Some(At {
        start: format!("10:00:00:00{HOSTILE_TEXT}"),
        end: None,
    });
    let files = vec![FileReport {
        path: format!("{HOSTILE_TEXT}.mov"),
        path_raw: None,
        size: Some(1),
        mtime: None,
        status: Status::Fail,
        kind: None,
        timecode_source: None,
        timecode_rate: None,
        clip: None,
        sound_roll: None,
        paired: Vec::new(),
        probe: None,
        measurements: Default::default(),
        findings: vec![waived, open],
    }];
    let spec = SpecInfo {
        name: format!("+{HOSTILE_TEXT}"),
        path: format!("-{HOSTILE_TEXT}.yaml"),
        sha256: "0".repeat(64),
    };
    let mut report = Report::new(spec, format!("{HOSTILE_TEXT}op"), files);
    report.created.push_str(HOSTILE_TEXT);
    report.tool.version.push_str(HOSTILE_TEXT);
    report
}

fn exported(format: Format) -> String {
    let mut out = Vec::new();
    dailies_qc::output::write(&hostile_report(), format, &mut out, false).expect("export");
    String::from_utf8(out).expect("UTF-8")
}

/// No control character (or XML-illegal noncharacter) but the line breaks the format itself
/// (or a note) puts there.
fn assert_no_raw_controls(text: &str) {
    let raw = |c: char| (c.is_control() && c != '\n') || matches!(c, '\u{fffe}' | '\u{ffff}');
    if let Some(c) = text.chars().find(|&c| raw(c)) {
        panic!("raw {c:?} in:\n{text}");
    }
}

#[test]
fn csv_neutralises_formulas_and_escapes_controls() {
    let text = exported(Format::Csv);
    assert_no_raw_controls(&text);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 2);
    for cell in rows.iter().flat_map(|r| r.iter()) {
        let plain_number = cell.parse::<f64>().is_ok() && !cell.contains(['e', 'E', 'n', 'N']);
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']) || plain_number,
            "{cell:?} could run as a formula"
        );
    }
    let waived = &rows[0];
    assert_eq!(&waived[0], format!("'{HOSTILE_SHOWN}.mov"));
    assert_eq!(
        &waived[4], "'-23.0 LUFS ±0.5 LU",
        "a number with a unit is text"
    );
    assert_eq!(&waived[5], "'-24.3 LUFS");
    assert_eq!(&waived[8], format!("'{HOSTILE_SHOWN}\nsecond line"));
    assert_eq!(&waived[9], format!("'@{HOSTILE_SHOWN}"));
    assert_eq!(&rows[1][8], "-23.5", "a plain number stays a number");
}

#[test]
fn html_escapes_controls_and_markup() {
    let html = exported(Format::Html);
    assert_no_raw_controls(&html);
    assert!(!html.contains("<script"), "markup stays text");
    let shown = "=cmd|&#x27; &#x2f;C calc&#x27;!A0\\x1b[31m\\x07\\r\\t\\x00\\u{ffff}&lt;script&gt;";
    assert!(html.contains(&format!("{shown}.mov")), "file name");
    assert!(
        html.contains(&format!("{shown}\nsecond line")),
        "note keeps its line break"
    );
    assert!(html.contains(&format!("+{shown}")), "spec name");
    assert!(html.contains(&format!("{shown}op")), "operator");
}

#[test]
fn junit_is_well_formed_with_controls_escaped() {
    let xml = exported(Format::Junit);
    assert_no_raw_controls(&xml);
    assert!(!xml.contains("<script"), "markup stays text");
    let (cases, suite) = parse_junit(&xml);
    // A testcase is named by the last path component: the `/` in `/C calc` starts it.
    let path = format!("{HOSTILE_SHOWN}.mov");
    let name = path.rsplit('/').next().expect("a component");
    assert_eq!(cases, [(name.to_owned(), true, false)]);
    let as_attribute = path
        .replace('\'', "&apos;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    assert!(xml.contains(&format!("file=\"{as_attribute}\"")), "{xml}");
    assert!(suite.contains(&("name".to_owned(), format!("+{HOSTILE_SHOWN}"))));
    assert!(xml.contains("\\x1b[31m\\x07\\r\\t\\x00\\u{ffff}&lt;script&gt;\\nsecond line"));
}

#[test]
fn text_escapes_controls() {
    let text = exported(Format::Text);
    assert_no_raw_controls(&text);
    assert!(text.contains(&format!("+{HOSTILE_SHOWN}")), "{text}");
    assert!(text.contains(&format!("{HOSTILE_SHOWN}.mov")), "{text}");
}
