//! What a run decided, in a form two runs can be compared by: per file its status and findings,
//! per clip its status, members and findings. Reviews, timestamps and the order of files are
//! left out; paths are shown below a root so differences read short.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

/// The verdicts of one run, keyed by file path (below the root) and by clip id.
#[derive(Debug, Default, PartialEq)]
pub struct Verdicts {
    pub files: BTreeMap<String, Value>,
    pub clips: BTreeMap<String, Value>,
}

impl Verdicts {
    /// The verdicts of a JSON report (`files[]` and `clips[]`), paths shown below `root`.
    pub fn of_report(report: &Value, root: &Path) -> Verdicts {
        let entries = |key: &str| report[key].as_array().cloned().unwrap_or_default();
        Verdicts::of_entries(&entries("files"), &entries("clips"), root)
    }

    /// The verdicts of report entries: file entries and clip entries.
    pub fn of_entries(files: &[Value], clips: &[Value], root: &Path) -> Verdicts {
        let files = files
            .iter()
            .map(|f| (below(root, text(&f["path"])), file_verdict(f)))
            .collect();
        let clips = clips
            .iter()
            .map(|c| (text(&c["id"]).to_owned(), clip_verdict(c, root)))
            .collect();
        Verdicts { files, clips }
    }
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or("<missing>")
}

/// `path` without the `root/` it starts with.
pub fn below(root: &Path, path: &str) -> String {
    let root = format!("{}/", root.display());
    path.strip_prefix(&root).unwrap_or(path).to_owned()
}

fn file_verdict(file: &Value) -> Value {
    json!({"status": file["status"], "findings": findings(&file["findings"])})
}

fn clip_verdict(clip: &Value, root: &Path) -> Value {
    let members: Vec<String> = clip["members"]
        .as_array()
        .map(|m| m.iter().map(|p| below(root, text(p))).collect())
        .unwrap_or_default();
    json!({
        "status": clip["status"],
        "members": members,
        "findings": findings(&clip["findings"]),
    })
}

/// The findings without their reviews, in a fixed order.
fn findings(findings: &Value) -> Vec<Value> {
    let mut kept: Vec<Value> = findings
        .as_array()
        .map(|all| {
            all.iter()
                .map(|f| {
                    json!({
                        "check": f["check"], "severity": f["severity"],
                        "expected": f["expected"], "actual": f["actual"],
                        "message": f["message"], "at": f["at"],
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    kept.sort_by_key(Value::to_string);
    kept
}

/// Every way `actual` differs from `expected`, one line each, prefixed with `label`.
pub fn differences(label: &str, expected: &Verdicts, actual: &Verdicts) -> Vec<String> {
    let mut lines = compare(label, "file", &expected.files, &actual.files);
    lines.extend(compare(label, "clip", &expected.clips, &actual.clips));
    lines
}

fn compare(
    label: &str,
    what: &str,
    expected: &BTreeMap<String, Value>,
    actual: &BTreeMap<String, Value>,
) -> Vec<String> {
    let mut lines = Vec::new();
    for (key, want) in expected {
        match actual.get(key) {
            None => lines.push(format!("{label}: {what} {key} missing ({})", brief(want))),
            Some(got) if got != want => {
                let (mut got_shown, mut want_shown) = (brief(got), brief(want));
                if got_shown == want_shown {
                    // Only a finding's text differs: show the findings whole.
                    got_shown += &format!(" {}", got["findings"]);
                    want_shown += &format!(" {}", want["findings"]);
                }
                lines.push(format!(
                    "{label}: {what} {key}: {got_shown}, expected {want_shown}"
                ));
            }
            Some(_) => {}
        }
    }
    for (key, got) in actual {
        if !expected.contains_key(key) {
            lines.push(format!("{label}: {what} {key} unexpected ({})", brief(got)));
        }
    }
    lines
}

/// `fail [sync.sound_missing/error, …]`, plus the members of a clip.
fn brief(verdict: &Value) -> String {
    let checks: Vec<String> = verdict["findings"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|f| format!("{}/{}", text(&f["check"]), text(&f["severity"])))
                .collect()
        })
        .unwrap_or_default();
    let mut shown = format!("{} [{}]", text(&verdict["status"]), checks.join(", "));
    if let Some(members) = verdict["members"].as_array() {
        let members: Vec<&str> = members.iter().map(text).collect();
        shown += &format!(" members [{}]", members.join(", "));
    }
    shown
}
