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
pub use text::{write_file_text, write_text};

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
        Format::Jsonl => report
            .files
            .iter()
            .try_for_each(|file| write_json_line(file, out)),
    }
}

/// `file` as one line of JSON.
pub fn write_json_line(
    file: &crate::report::FileReport,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, file).map_err(std::io::Error::other)?;
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
