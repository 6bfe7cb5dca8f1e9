//! Printing a report for people (text) and machines (json, csv, junit, html).

mod by_clip;
mod csv;
mod html;
mod html_media;
mod junit;
mod text;

pub use self::csv::write_csv;
pub use html::write_html;
pub use junit::write_junit;
pub use text::{write_clip_text, write_file_text, write_text};

use crate::report::Report;
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Csv,
    Junit,
    Html,
    /// One JSON object per file, one per line (`check`; with `--watch`, as each file lands).
    Jsonl,
}

pub fn write(
    report: &Report,
    format: Format,
    out: &mut dyn Write,
    color: bool,
) -> std::io::Result<()> {
    match format {
        Format::Text => write_text(report, out, color),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, report).map_err(std::io::Error::other)?;
            writeln!(out)
        }
        Format::Csv => write_csv(report, out),
        Format::Junit => write_junit(report, out),
        Format::Html => write_html(report, out),
        Format::Jsonl => {
            for file in &report.files {
                write_json_line(file, out)?;
            }
            report
                .clips
                .iter()
                .try_for_each(|clip| write_clip_line(clip, out))
        }
    }
}

/// `file` as one line of JSON: its entry in the report.
pub fn write_json_line(
    file: &crate::report::FileReport,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, file).map_err(std::io::Error::other)?;
    writeln!(out)
}

/// `file` again after a cross-file pass changed it: its entry, with `"amended": true`. A reader
/// keeps the last object of each path.
pub fn write_amended_line(
    file: &crate::report::FileReport,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    write_tagged_line(file, ("amended", serde_json::Value::Bool(true)), out)
}

/// A clip as one line of JSON: its entry in `clips[]`, with `"type": "clip"`.
pub fn write_clip_line(
    clip: &crate::report::ClipReport,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    write_tagged_line(clip, ("type", serde_json::Value::from("clip")), out)
}

fn write_tagged_line(
    value: &impl serde::Serialize,
    (key, tag): (&str, serde_json::Value),
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut object = serde_json::to_value(value).map_err(std::io::Error::other)?;
    if let Some(fields) = object.as_object_mut() {
        fields.insert(key.to_owned(), tag);
    }
    serde_json::to_writer(&mut *out, &object).map_err(std::io::Error::other)?;
    writeln!(out)
}

/// A path as the operator typed it relative to the working directory when it lies below it.
pub fn display_path(path: &str) -> String {
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| {
            std::path::Path::new(path)
                .strip_prefix(cwd)
                .ok()
                .map(|p| p.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| path.to_owned());
    crate::escape::escape_control(&shown).into_owned()
}
