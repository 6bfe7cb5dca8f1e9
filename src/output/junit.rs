//! JUnit XML: one testsuite per spec, one testcase per file (and per clip, before its track
//! files), failures carrying the findings, so
//! CI systems and delivery pipelines show QC results natively. A failure waived with a note does
//! not fail its testcase (it is listed in system-out): that is what the waiver means.

use super::by_clip::{self, Item};
use crate::check::{Finding, Severity, Verdict};
use crate::escape::escape_control;
use crate::report::{FileReport, Report, Status};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use std::io::Write;

/// XML 1.0 cannot carry most control characters even escaped; show them as `\x1b` instead.
/// Everything read from the report goes through this: a report is a file anyone can edit.
fn clean(text: &str) -> String {
    escape_control(text).into_owned()
}

enum Outcome {
    Passed,
    Failed(Vec<String>),
    Errored(String),
}

fn is_waived(f: &Finding) -> bool {
    f.review.verdict == Verdict::Waived && !f.review.note.trim().is_empty()
}

fn line(f: &Finding) -> String {
    let mut text = format!("{}: {}", f.check, f.message);
    if let Some(at) = &f.at {
        text.push_str(&format!(" (at {})", at.start));
    }
    let note = f.review.note_with_history();
    if f.review.verdict != Verdict::Open || !note.is_empty() {
        text.push_str(&format!(" [{}", f.review.verdict.as_str()));
        if !note.is_empty() {
            text.push_str(&format!(": {note}"));
        }
        text.push(']');
    }
    text
}

fn outcome(file: &FileReport) -> Outcome {
    let current = || file.findings.iter().filter(|f| !f.stale);
    if file.status == Status::Error {
        let why = current()
            .find(|f| f.check == crate::check::ids::FILE_READABLE)
            .map_or_else(|| "unreadable".to_owned(), |f| f.message.clone());
        return Outcome::Errored(why);
    }
    failures(&file.findings)
}

/// Failed when an error finding stands that no note waives.
fn failures(findings: &[Finding]) -> Outcome {
    let failing: Vec<String> = findings
        .iter()
        .filter(|f| !f.stale)
        .filter(|f| f.severity == Severity::Error && !is_waived(f))
        .map(|f| clean(&line(f)))
        .collect();
    if failing.is_empty() {
        Outcome::Passed
    } else {
        Outcome::Failed(failing)
    }
}

/// One testcase: a file, or a clip (its own findings; its track files are testcases of their
/// own, right after it).
struct Case<'a> {
    name: String,
    file: Option<String>,
    findings: &'a [Finding],
    outcome: Outcome,
}

fn cases<'a>(report: &'a Report) -> Vec<Case<'a>> {
    let file_case = |file: &'a FileReport| Case {
        name: clean(&file.shown_name()),
        file: Some(clean(&file.shown_path())),
        findings: &file.findings,
        outcome: outcome(file),
    };
    let mut cases = Vec::new();
    for item in by_clip::items(report) {
        match item {
            Item::File(file) => cases.push(file_case(file)),
            Item::Clip { clip, members } => {
                cases.push(Case {
                    name: clean(&format!("clip {}", clip.id)),
                    file: None,
                    findings: &clip.findings,
                    outcome: failures(&clip.findings),
                });
                cases.extend(members.into_iter().map(file_case));
            }
        }
    }
    cases
}

pub fn write_junit(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let cases = cases(report);
    let outcomes: Vec<&Outcome> = cases.iter().map(|c| &c.outcome).collect();
    let failures = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Failed(_)))
        .count();
    let errors = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Errored(_)))
        .count();
    let (tests, failures, errors) = (
        cases.len().to_string(),
        failures.to_string(),
        errors.to_string(),
    );
    let suite = clean(&report.spec.name);
    let created = clean(&report.created);
    let verdict = crate::report::SignOff::of(report);

    let mut writer = Writer::new_with_indent(out, b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    writer
        .create_element("testsuites")
        .with_attribute(("name", "dailies-qc"))
        .with_attribute(("tests", tests.as_str()))
        .with_attribute(("failures", failures.as_str()))
        .with_attribute(("errors", errors.as_str()))
        .write_inner_content(|w| {
            w.create_element("testsuite")
                .with_attribute(("name", suite.as_str()))
                .with_attribute(("tests", tests.as_str()))
                .with_attribute(("failures", failures.as_str()))
                .with_attribute(("errors", errors.as_str()))
                .with_attribute(("skipped", "0"))
                .with_attribute(("timestamp", created.as_str()))
                .write_inner_content(|w| {
                    w.create_element("properties").write_inner_content(|w| {
                        for (name, value) in [
                            ("spec.path", clean(&report.spec.path)),
                            ("spec.sha256", clean(&report.spec.sha256)),
                            ("operator", clean(&report.operator)),
                            ("verdict", verdict.as_str().to_owned()),
                            (
                                "tool",
                                clean(&format!("{} {}", report.tool.name, report.tool.version)),
                            ),
                        ] {
                            w.create_element("property")
                                .with_attribute(("name", name))
                                .with_attribute(("value", value.as_str()))
                                .write_empty()?;
                        }
                        Ok(())
                    })?;
                    for case in &cases {
                        write_case(w, &suite, case)?;
                    }
                    Ok(())
                })?;
            Ok(())
        })?;
    writeln!(writer.get_mut())
}

fn write_case<W: Write>(w: &mut Writer<W>, suite: &str, case: &Case) -> std::io::Result<()> {
    let notes: Vec<String> = case
        .findings
        .iter()
        .filter(|f| !f.stale && (f.severity != Severity::Error || is_waived(f)))
        .map(|f| clean(&format!("{} {}", f.severity.as_str(), line(f))))
        .collect();
    let mut element = w
        .create_element("testcase")
        .with_attribute(("name", case.name.as_str()))
        .with_attribute(("classname", suite));
    if let Some(path) = &case.file {
        element = element.with_attribute(("file", path.as_str()));
    }
    element.write_inner_content(|w| {
        match &case.outcome {
            Outcome::Passed => {}
            Outcome::Failed(lines) => {
                let message = format!(
                    "{} check{} failed",
                    lines.len(),
                    if lines.len() == 1 { "" } else { "s" }
                );
                w.create_element("failure")
                    .with_attribute(("message", message.as_str()))
                    .with_attribute(("type", "qc"))
                    .write_text_content(BytesText::new(&lines.join("\n")))?;
            }
            Outcome::Errored(why) => {
                let why = clean(why);
                w.create_element("error")
                    .with_attribute(("message", why.as_str()))
                    .with_attribute(("type", crate::check::ids::FILE_READABLE))
                    .write_text_content(BytesText::new(&why))?;
            }
        }
        if !notes.is_empty() {
            w.create_element("system-out")
                .write_text_content(BytesText::new(&notes.join("\n")))?;
        }
        Ok(())
    })?;
    Ok(())
}
