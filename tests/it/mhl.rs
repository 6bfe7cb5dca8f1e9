//! `integrity.mhl`: verifying media against MHL histories made by the ASC's reference
//! implementation, `ascmhl` (PyPI), and against MHL v1 files written here.

use crate::common::*;
use crate::mhl_common::*;
use std::process::Command;

#[test]
#[ignore = "needs ascmhl (the ASC MHL reference tool): run by .ci/run"]
fn every_hash_format_the_reference_writes_verifies() {
    let dir = temp_dir();
    let card = card(dir.path());
    let formats = ["md5", "sha1", "xxh64", "xxh3", "xxh128", "c4"];
    let mut args = vec!["create", s(&card)];
    for format in formats {
        args.extend(["-h", format]);
    }
    let (code, text) = ascmhl(&args);
    assert_eq!(code, 0, "{text}");
    let out = check_json(&spec(dir.path(), "required"), &[&card]);
    let report = out.json();
    assert_eq!(integrity_findings(&report), [], "{}", out.stdout);
    assert_eq!(out.code, 0, "{}", out.stdout);
    // The hashes recorded for the seal are the reference's, format by format.
    let generation = std::fs::read_dir(card.join("ascmhl"))
        .expect("ascmhl/")
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with("0001_"))
        .expect("generation 1");
    let xml = std::fs::read_to_string(generation.path()).expect("read generation");
    let index = index_of(&report, "A001C002.mov");
    let hashes = &report["files"][index]["measurements"]["mhl"]["hashes"];
    for format in formats {
        let ours = hashes[format].as_str().expect("hash recorded");
        assert!(
            xml.contains(&format!(">{ours}</{format}>")),
            "{format} {ours}"
        );
    }
    assert_eq!(
        report["files"][index]["measurements"]["mhl"]["history"],
        s(&card)
    );
}

#[test]
#[ignore = "needs ascmhl (the ASC MHL reference tool): run by .ci/run"]
fn a_flipped_byte_a_deleted_and_an_added_file_are_findings() {
    let dir = temp_dir();
    let card = card(dir.path());
    let (code, text) = ascmhl(&["create", s(&card), "-h", "xxh64"]);
    assert_eq!(code, 0, "{text}");
    let before = std::fs::read_to_string(card.join("ascmhl/ascmhl_chain.xml")).expect("chain");
    flip_a_byte(&card.join("A001C002.mov"));
    std::fs::remove_file(card.join("sound/T001.wav")).expect("delete");
    std::fs::copy(card.join("A001C001.mov"), card.join("A001C003.mov")).expect("add");
    let out = check_json(&spec(dir.path(), "required"), &[&card]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let report = out.json();
    assert_eq!(
        integrity_findings(&report),
        [
            triple("A001C002.mov", "integrity.mismatch", "error"),
            triple("A001C003.mov", "integrity.unlisted", "warning"),
            triple("T001.wav", "integrity.missing", "error"),
        ]
    );
    let mismatch = finding(
        &report,
        index_of(&report, "A001C002.mov"),
        "integrity.mismatch",
    );
    let (expected, actual) = (
        mismatch["expected"].as_str().expect("expected"),
        mismatch["actual"].as_str().expect("actual"),
    );
    assert_ne!(expected, actual);
    assert_eq!((expected.len(), actual.len()), (16, 16), "{mismatch:#}");
    let message = mismatch["message"].as_str().expect("message");
    assert!(
        message.contains(expected) && message.contains(actual) && message.contains(":"),
        "{message}"
    );
    let missing = &report["files"][index_of(&report, "T001.wav")];
    assert_eq!(missing["path"], s(&card.join("sound/T001.wav")));
    assert_eq!(missing["status"], "fail");
    // Verifying wrote nothing next to the media.
    let after = std::fs::read_to_string(card.join("ascmhl/ascmhl_chain.xml")).expect("chain");
    assert_eq!(before, after);
    assert_eq!(
        std::fs::read_dir(card.join("ascmhl")).expect("ls").count(),
        2
    );
}

#[test]
#[ignore = "needs ascmhl (the ASC MHL reference tool): run by .ci/run"]
fn a_generation_changed_after_it_was_chained_is_a_chain_finding() {
    let dir = temp_dir();
    let card = card(dir.path());
    assert_eq!(ascmhl(&["create", s(&card), "-h", "md5"]).0, 0);
    assert_eq!(ascmhl(&["create", s(&card), "-h", "xxh64"]).0, 0);
    let second = std::fs::read_dir(card.join("ascmhl"))
        .expect("ascmhl/")
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with("0002_"))
        .expect("generation 2")
        .path();
    let mut xml = std::fs::read_to_string(&second).expect("read");
    xml.push_str("<!-- edited by hand -->\n");
    std::fs::write(&second, xml).expect("write");
    let out = check_json(&spec(dir.path(), "required"), &[&card]);
    assert_eq!(out.code, 1);
    let report = out.json();
    let name = second.file_name().and_then(|n| n.to_str()).expect("name");
    assert_eq!(
        integrity_findings(&report),
        [triple(name, "integrity.chain", "error")]
    );
    let chain = finding(&report, index_of(&report, name), "integrity.chain");
    assert!(
        chain["message"]
            .as_str()
            .is_some_and(|m| m.contains("changed since it was chained")),
        "{chain:#}"
    );
}

#[test]
fn a_folder_without_history_fails_only_when_one_is_required() {
    let dir = temp_dir();
    let card = card(dir.path());
    let out = check_json(&spec(dir.path(), "if_present"), &[&card]);
    assert_eq!(integrity_findings(&out.json()), []);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let out = check_json(&spec(dir.path(), "required"), &[&card]);
    assert_eq!(out.code, 1);
    let report = out.json();
    assert_eq!(
        integrity_findings(&report),
        [triple("ascmhl", "integrity.no_mhl", "error")]
    );
    let entry = &report["files"][index_of(&report, "/ascmhl")];
    assert_eq!(entry["path"], s(&card.join("ascmhl")));
    assert!(
        entry["findings"][0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("3 media file(s)")),
        "{entry:#}"
    );
}

#[test]
#[ignore = "needs ascmhl (the ASC MHL reference tool): run by .ci/run"]
fn the_scanner_takes_nothing_from_the_history_folder() {
    let dir = temp_dir();
    let card = card(dir.path());
    assert_eq!(ascmhl(&["create", s(&card), "-h", "xxh64"]).0, 0);
    let spec = write_spec(
        dir.path(),
        "name: everything\nfiles:\n  include: ['*']\nintegrity:\n  mhl: required\n",
    );
    let report = check_json(&spec, &[&card]).json();
    let paths: Vec<&str> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert_eq!(paths.len(), 3, "{paths:?}");
    assert!(paths.iter().all(|p| !p.contains("/ascmhl")), "{paths:?}");
}

/// An MHL v1 file as older offload tools write it (mediahashlist.org 1.1).
fn v1_mhl(entries: &[(&str, &str, &str)]) -> String {
    v1_mhl_declared("UTF-8", entries)
}

/// The text of an MHL v1 file whose XML declaration names `encoding`.
fn v1_mhl_declared(encoding: &str, entries: &[(&str, &str, &str)]) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"{encoding}\"?>\n<hashlist version=\"1.1\">\n  \
         <creatorinfo><name>DIT</name><tool>offload 1.0</tool></creatorinfo>\n",
    );
    for (file, element, value) in entries {
        xml.push_str(&format!(
            "  <hash>\n    <file>{file}</file>\n    \
             <lastmodificationdate>2026-11-30T09:00:00Z</lastmodificationdate>\n    \
             <{element}>{value}</{element}>\n    <hashdate>2026-11-30T10:00:00Z</hashdate>\n  </hash>\n"
        ));
    }
    xml.push_str("</hashlist>\n");
    xml
}

fn hashes_of(report: &serde_json::Value, name: &str) -> serde_json::Value {
    report["files"][index_of(report, name)]["measurements"]["mhl"]["hashes"].clone()
}

#[test]
#[ignore = "needs ascmhl (the ASC MHL reference tool): run by .ci/run"]
fn an_mhl_v1_file_is_verified_in_each_of_its_spellings() {
    let dir = temp_dir();
    let card = card(dir.path());
    // First learn the files' hashes from a run with the reference's v2 history.
    assert_eq!(
        ascmhl(&["create", s(&card), "-h", "md5", "-h", "xxh64"]).0,
        0
    );
    let report = check_json(&spec(dir.path(), "required"), &[&card]).json();
    let one = hashes_of(&report, "A001C001.mov");
    let two = hashes_of(&report, "A001C002.mov");
    let wav = hashes_of(&report, "T001.wav");
    std::fs::remove_dir_all(card.join("ascmhl")).expect("rm ascmhl");
    let xxh64 = |h: &serde_json::Value| h["xxh64"].as_str().expect("xxh64").to_owned();
    let little_endian = u64::from_str_radix(&xxh64(&two), 16)
        .expect("hex")
        .swap_bytes();
    let mhl = v1_mhl(&[
        ("A001C001.mov", "md5", one["md5"].as_str().expect("md5")),
        ("A001C002.mov", "xxhash64", &format!("{little_endian:016x}")),
        ("sound/T001.wav", "xxhash64be", &xxh64(&wav)),
    ]);
    std::fs::write(card.join("A001_offload.mhl"), mhl).expect("write v1");
    let out = check_json(&spec(dir.path(), "required"), &[&card]);
    assert_eq!(integrity_findings(&out.json()), [], "{}", out.stdout);
    assert_eq!(out.code, 0);

    flip_a_byte(&card.join("sound/T001.wav"));
    let report = check_json(&spec(dir.path(), "required"), &[&card]).json();
    assert_eq!(
        integrity_findings(&report),
        [triple("T001.wav", "integrity.mismatch", "error")]
    );
    let message = finding(&report, index_of(&report, "T001.wav"), "integrity.mismatch")["message"]
        .as_str()
        .expect("message")
        .to_owned();
    assert!(message.contains("A001_offload.mhl:19"), "{message}");
}

/// `text` in UTF-16LE with a byte order mark, as Windows tools write "Unicode".
fn utf16le_with_bom(text: &str) -> Vec<u8> {
    std::iter::once('\u{feff}')
        .chain(text.chars())
        .collect::<String>()
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect()
}

#[test]
fn mhl_v1_files_in_utf16_and_iso_8859_15_are_decoded_as_declared() {
    let dir = temp_dir();
    let card = card(dir.path());
    // A name whose bytes differ in each encoding: the MHL only matches the file once decoded.
    let accented = "Scène_€1.mov";
    std::fs::rename(card.join("A001C001.mov"), card.join(accented)).expect("rename");
    let md5 = |relative: &str| {
        let bytes = std::fs::read(card.join(relative)).expect("read media");
        dailies_qc::mhl::hash::hash_bytes(&bytes, dailies_qc::mhl::hash::HashFormat::Md5)
    };
    let hashes = [accented, "A001C002.mov", "sound/T001.wav"].map(|n| (n, md5(n)));
    let entries = |wrong: Option<&str>| -> Vec<(&str, &str, String)> {
        hashes
            .iter()
            .map(|(name, md5)| {
                let value = if wrong == Some(*name) {
                    "0".repeat(32)
                } else {
                    md5.clone()
                };
                (*name, "md5", value)
            })
            .collect()
    };
    let text = |encoding: &str, wrong: Option<&str>| {
        let entries = entries(wrong);
        let borrowed: Vec<_> = entries
            .iter()
            .map(|(n, e, v)| (*n, *e, v.as_str()))
            .collect();
        v1_mhl_declared(encoding, &borrowed)
    };
    let latin9 = text("ISO-8859-15", None);
    let (latin9, _, unmappable) = encoding_rs::ISO_8859_15.encode(&latin9);
    assert!(!unmappable && std::str::from_utf8(&latin9).is_err());
    std::fs::write(card.join("offload_latin9.mhl"), &latin9).expect("write");
    let utf16 = card.join("offload_utf16.mhl");
    std::fs::write(&utf16, utf16le_with_bom(&text("UTF-16", None))).expect("write");
    let out = check_json(&spec(dir.path(), "required"), &[&card]);
    assert_eq!(integrity_findings(&out.json()), [], "{}", out.stdout);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let report = out.json();
    assert_eq!(hashes_of(&report, accented)["md5"], hashes[0].1.as_str());

    // A wrong hash in the UTF-16 file is found on its line; a declaration that contradicts the
    // byte order mark is a problem with the file.
    std::fs::write(&utf16, utf16le_with_bom(&text("UTF-16", Some(accented)))).expect("write");
    std::fs::write(
        card.join("contradicted.mhl"),
        utf16le_with_bom(&text("ISO-8859-15", None)),
    )
    .expect("write");
    let out = check_json(&spec(dir.path(), "required"), &[&card]);
    assert_eq!(out.code, 1);
    let report = out.json();
    assert_eq!(
        integrity_findings(&report),
        [
            triple(accented, "integrity.mismatch", "error"),
            triple("contradicted.mhl", "integrity.chain", "error"),
        ],
        "{}",
        out.stdout
    );
    let mismatch = finding(&report, index_of(&report, accented), "integrity.mismatch");
    let message = mismatch["message"].as_str().expect("message");
    assert!(message.contains("offload_utf16.mhl:7"), "{message}");
    let chain = finding(
        &report,
        index_of(&report, "contradicted.mhl"),
        "integrity.chain",
    );
    assert_eq!(
        chain["message"],
        "contradicted.mhl:1: cannot be decoded: read as UTF-16LE by its byte order mark, \
         but its XML declaration says \"ISO-8859-15\""
    );
}

#[test]
fn malformed_mhl_files_are_findings_naming_file_and_line() {
    let dir = temp_dir();
    let card = card(dir.path());
    // Outside the card, a FIFO: reading it would hang the run.
    let trap = dir.path().join("trap.mov");
    let made = Command::new("mkfifo").arg(&trap).status().expect("mkfifo");
    assert!(made.success());
    std::fs::write(
        card.join("broken.mhl"),
        "<?xml version=\"1.0\"?>\n<hashlist version=\"1.1\">\n  <hash>\n    <file>A001C001.mov\n  </hash>\n</hashlist>\n",
    )
    .expect("write");
    std::fs::write(
        card.join("unknown.mhl"),
        v1_mhl(&[("A001C001.mov", "crc32", "12345678")]),
    )
    .expect("write");
    std::fs::write(
        card.join("escape.mhl"),
        v1_mhl(&[("../trap.mov", "md5", "d41d8cd98f00b204e9800998ecf8427e")]),
    )
    .expect("write");
    let out = check_json(&spec(dir.path(), "required"), &[&card]);
    let report = out.json();
    let chain = |name: &str| {
        finding(&report, index_of(&report, name), "integrity.chain")["message"]
            .as_str()
            .expect("message")
            .to_owned()
    };
    let broken = chain("broken.mhl");
    assert!(broken.starts_with("broken.mhl:5: broken XML"), "{broken}");
    assert_eq!(
        chain("unknown.mhl"),
        "unknown.mhl:7: unknown hash type <crc32>"
    );
    let escape = chain("escape.mhl");
    assert!(
        escape.starts_with("escape.mhl:5: path \"../trap.mov\" leaves the folder"),
        "{escape}"
    );
    assert!(
        report["files"]
            .as_array()
            .expect("files")
            .iter()
            .all(|f| !f["path"].as_str().is_some_and(|p| p.ends_with("trap.mov")))
    );
    assert_eq!(out.code, 1);
}

#[test]
#[ignore = "needs ascmhl (the ASC MHL reference tool): run by .ci/run"]
fn the_review_screen_receives_the_integrity_findings() {
    use dailies_qc::tui::update::Msg;
    let dir = temp_dir();
    let card = card(dir.path());
    assert_eq!(ascmhl(&["create", s(&card), "-h", "xxh64"]).0, 0);
    std::fs::remove_file(card.join("A001C001.mov")).expect("delete");
    std::fs::copy(card.join("A001C002.mov"), card.join("A001C003.mov")).expect("add");
    let spec = dailies_qc::spec::load(&spec(dir.path(), "required")).expect("spec");
    let (events, received) = std::sync::mpsc::channel();
    let options = dailies_qc::engine::Options::default();
    let job = dailies_qc::tui::jobs::spawn(spec, vec![card.clone()], options, events)
        .expect("checks start");
    let mut last: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for message in received.iter() {
        match message {
            Msg::Checked(report) => {
                let checks = report.findings.iter().map(|f| f.check.clone()).collect();
                last.insert(report.name().to_owned(), checks);
            }
            Msg::ChecksDone => break,
            _ => {}
        }
    }
    job.join().expect("checks end");
    assert!(
        last["A001C003.mov"].contains(&"integrity.unlisted".to_owned()),
        "{last:?}"
    );
    assert!(
        last["A001C001.mov"].contains(&"integrity.missing".to_owned()),
        "{last:?}"
    );
}

#[test]
#[ignore = "needs ascmhl (the ASC MHL reference tool): run by .ci/run"]
fn a_generation_the_chain_lists_but_that_is_gone_names_the_chain_line() {
    let dir = temp_dir();
    let card = card(dir.path());
    assert_eq!(ascmhl(&["create", s(&card), "-h", "xxh64"]).0, 0);
    let first = std::fs::read_dir(card.join("ascmhl"))
        .expect("ascmhl/")
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with("0001_"))
        .expect("generation 1");
    std::fs::remove_file(first.path()).expect("delete");
    let out = check_json(&spec(dir.path(), "required"), &[&card]);
    assert_eq!(out.code, 1);
    let report = out.json();
    let message = finding(
        &report,
        index_of(&report, "ascmhl_chain.xml"),
        "integrity.chain",
    )["message"]
        .as_str()
        .expect("message")
        .to_owned();
    let name = first.file_name().to_string_lossy().into_owned();
    assert_eq!(
        message,
        format!(
            "ascmhl/ascmhl_chain.xml:3: generation 1 ({name}) is listed in the chain but cannot be read"
        )
    );
}

#[test]
#[ignore = "needs ascmhl (the ASC MHL reference tool): run by .ci/run"]
fn a_file_renamed_in_the_history_is_verified_under_its_new_name() {
    let dir = temp_dir();
    let card = card(dir.path());
    assert_eq!(ascmhl(&["create", s(&card), "-h", "xxh64"]).0, 0);
    std::fs::rename(card.join("A001C002.mov"), card.join("A001C002_v2.mov")).expect("rename");
    // The reference records the rename in generation 2 (`<previousPath>`) and then agrees the
    // folder is whole.
    let (code, text) = ascmhl(&["create", "-dr", s(&card), "-h", "xxh64"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("renamed"), "{text}");
    assert_eq!(ascmhl(&["diff", s(&card)]).0, 0);
    let out = check_json(&spec(dir.path(), "required"), &[&card]);
    assert_eq!(integrity_findings(&out.json()), [], "{}", out.stdout);
    assert_eq!(out.code, 0, "{}", out.stdout);

    // Under its new name it is held to every hash recorded for it, the old name's included.
    flip_a_byte(&card.join("A001C002_v2.mov"));
    let out = check_json(&spec(dir.path(), "required"), &[&card]);
    let report = out.json();
    assert_eq!(
        integrity_findings(&report),
        [triple("A001C002_v2.mov", "integrity.mismatch", "error")]
    );
    let mismatches = report["files"][index_of(&report, "A001C002_v2.mov")]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["check"] == "integrity.mismatch")
        .count();
    assert_eq!(
        mismatches, 1,
        "both generations record the same hash: one finding"
    );
}

#[test]
#[ignore = "needs ascmhl (the ASC MHL reference tool): run by .ci/run"]
fn merge_keeps_the_folder_entries_of_reports_that_record_no_folders() {
    let dir = temp_dir();
    let card = card(dir.path());
    assert_eq!(ascmhl(&["create", s(&card), "-h", "xxh64"]).0, 0);
    std::fs::remove_file(card.join("sound/T001.wav")).expect("delete");
    let report = dir.path().join("r.json");
    let out = run(&[
        "check".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        "-o".as_ref(),
        report.as_os_str(),
        "--spec".as_ref(),
        spec(dir.path(), "required").as_os_str(),
        card.as_os_str(),
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    // As a report saved before reports recorded their folders.
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).expect("report")).expect("JSON");
    assert!(json["roots"].is_array(), "the report records its folders");
    json.as_object_mut().expect("object").remove("roots");
    std::fs::write(&report, json.to_string()).expect("write");
    let merged = run(&["merge".as_ref(), report.as_os_str()]);
    assert_eq!(merged.code, 0, "{}", merged.stderr);
    assert_eq!(
        integrity_findings(&merged.json()),
        [triple("T001.wav", "integrity.missing", "error")]
    );
    assert!(
        merged.stderr.contains("MHL histories were not read again"),
        "{}",
        merged.stderr
    );
}

/// The generation of `card`'s history whose name starts with `prefix` (`0002_`).
fn generation_file(card: &std::path::Path, prefix: &str) -> std::path::PathBuf {
    std::fs::read_dir(card.join("ascmhl"))
        .expect("ascmhl/")
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .expect("generation")
        .path()
}

/// `xml` with the first digit of the hash recorded for `name` changed.
fn edit_hash(xml: &str, name: &str) -> String {
    let listed = xml.find(&format!(">{name}</path>")).expect("listed");
    let close = listed + xml[listed..].find("</xxh64>").expect("hash");
    let start = listed + xml[listed..close].rfind('>').expect("hash text") + 1;
    let digit = if xml[start..].starts_with('0') {
        "1"
    } else {
        "0"
    };
    format!("{}{digit}{}", &xml[..start], &xml[start + 1..])
}

#[test]
#[ignore = "needs ascmhl (the ASC MHL reference tool): run by .ci/run"]
fn a_generation_that_fails_its_chain_is_not_trusted_and_the_others_still_verify() {
    let dir = temp_dir();
    let card = card(dir.path());
    assert_eq!(ascmhl(&["create", s(&card), "-h", "xxh64"]).0, 0);
    std::fs::copy(card.join("A001C001.mov"), card.join("A001C003.mov")).expect("add");
    let (code, text) = ascmhl(&["create", s(&card), "-h", "xxh64"]);
    assert_eq!(code, 0, "{text}");
    // Generation 2 edited by hand: the hash of a clip generation 1 lists too, and of the clip
    // only generation 2 lists. Both clips are intact.
    let second = generation_file(&card, "0002_");
    let xml = std::fs::read_to_string(&second).expect("read");
    let edited = edit_hash(&edit_hash(&xml, "A001C001.mov"), "A001C003.mov");
    assert_ne!(xml, edited);
    std::fs::write(&second, edited).expect("write");
    // The reference refuses the whole history.
    let (code, text) = ascmhl(&["diff", s(&card)]);
    assert_ne!(code, 0, "{text}");
    assert!(text.contains("Modified ASC MHL manifest"), "{text}");

    let out = check_json(&spec(dir.path(), "required"), &[&card]);
    assert_eq!(out.code, 1);
    let report = out.json();
    let name = second.file_name().and_then(|n| n.to_str()).expect("name");
    assert_eq!(
        integrity_findings(&report),
        [triple(name, "integrity.chain", "error")],
        "{}",
        out.stdout
    );
    let chain = std::fs::read_to_string(card.join("ascmhl/ascmhl_chain.xml")).expect("chain");
    let entry_line = chain
        .lines()
        .position(|l| l.contains(name))
        .expect("chained");
    let message = finding(&report, index_of(&report, name), "integrity.chain")["message"]
        .as_str()
        .expect("message")
        .to_owned();
    assert!(
        message.starts_with(&format!(
            "ascmhl/{name}: generation 2 has changed since it was chained: \
             ascmhl_chain.xml:{entry_line} records c4 "
        )) && message
            .ends_with("; its hashes are not used, and 1 file(s) only it lists are not verified"),
        "{message}"
    );
    // The clip generation 1 lists is verified against it; the one only generation 2 lists is
    // neither verified nor reported unlisted.
    assert!(hashes_of(&report, "A001C001.mov")["xxh64"].is_string());
    assert!(hashes_of(&report, "A001C003.mov").is_null());

    // Generation 1 still catches a changed clip.
    flip_a_byte(&card.join("A001C002.mov"));
    let report = check_json(&spec(dir.path(), "required"), &[&card]).json();
    assert_eq!(
        integrity_findings(&report),
        [
            triple("A001C002.mov", "integrity.mismatch", "error"),
            triple(name, "integrity.chain", "error"),
        ]
    );
}

/// History files that are FIFOs (reading one waits for a writer forever) or nest elements
/// thousands deep (a stack overflow in a worker thread) are findings; the run ends with its
/// report.
#[test]
fn hostile_history_files_are_findings_not_hangs_or_crashes() {
    let dir = temp_dir();
    let card = card(dir.path());
    let history = card.join("ascmhl");
    std::fs::create_dir(&history).expect("mkdir");
    for name in ["ascmhl_chain.xml", "0001_A001_2026-12-01_120000Z.mhl"] {
        let made = Command::new("mkfifo")
            .arg(history.join(name))
            .status()
            .expect("mkfifo");
        assert!(made.success());
    }
    let depth = 5000;
    let nested = format!(
        "<hashlist>{}{}</hashlist>",
        "<a>".repeat(depth),
        "</a>".repeat(depth)
    );
    std::fs::write(card.join("deep.mhl"), nested).expect("write");

    let out = check_json(&spec(dir.path(), "required"), &[&card]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = out.json();
    let text = report.to_string();
    assert!(text.contains("is not a plain file"), "{report:#}");
    let deep = finding(&report, index_of(&report, "deep.mhl"), "integrity.chain")["message"]
        .as_str()
        .expect("message")
        .to_owned();
    assert!(deep.contains("nested deeper than 64 levels"), "{deep}");
}

/// Entries that verify nothing are chain problems (a v1 entry with only a size, or `<null/>`),
/// a v1 size the file does not have is a mismatch, and a listed file that is now a folder is
/// missing: none of them lets the file pass unverified.
#[test]
fn entries_that_verify_nothing_and_wrong_sizes_are_findings() {
    let dir = temp_dir();
    let card = card(dir.path());
    let clip = card.join("A001C001.mov");
    let size = std::fs::metadata(&clip).expect("clip").len();
    let md5 = dailies_qc::mhl::hash::hash_file(&clip, &[dailies_qc::mhl::hash::HashFormat::Md5])
        .expect("md5")[0]
        .1
        .clone();
    std::fs::create_dir(card.join("A001C003.mov")).expect("a folder where a clip was");
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<hashlist version=\"1.1\">\n\
         <hash><file>A001C001.mov</file><size>{}</size><md5>{md5}</md5></hash>\n\
         <hash><file>A001C002.mov</file><size>5</size><null/></hash>\n\
         <hash><file>A001C003.mov</file><size>5</size><md5>{md5}</md5></hash>\n\
         <hash><file>sound/T001.wav</file><md5>{md5}</md5></hash>\n</hashlist>\n",
        size + 1
    );
    std::fs::write(card.join("A001.mhl"), xml).expect("write");
    let out = check_json(&spec(dir.path(), "required"), &[&card]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = out.json();
    let mismatch = finding(
        &report,
        index_of(&report, "A001C001.mov"),
        "integrity.mismatch",
    );
    assert_eq!(mismatch["actual"], format!("{size} bytes"), "{mismatch:#}");
    let chain = finding(&report, index_of(&report, "A001.mhl"), "integrity.chain");
    assert!(
        chain["message"]
            .as_str()
            .expect("message")
            .contains("the entry for \"A001C002.mov\" records no hash to verify it by"),
        "{chain:#}"
    );
    let folder = finding(
        &report,
        index_of(&report, "A001C003.mov"),
        "integrity.missing",
    );
    assert_eq!(folder["actual"], "a folder", "{folder:#}");
}
