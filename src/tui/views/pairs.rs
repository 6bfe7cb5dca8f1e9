//! The detail pane's lines for double system and conform: a sound file's slate (scene, take,
//! roll), note and track names, and the files the cross-file passes paired with this one.

use crate::escape::escape_control;
use crate::report::FileReport;
use ratatui::text::Line;

pub fn lines(report: &FileReport, lines: &mut Vec<Line>) {
    let paired_from = report.paired.len();
    let rows = crate::pairing::rows(report);
    let first_pair = rows.len() - paired_from;
    for (i, (label, text)) in rows.into_iter().enumerate() {
        // A pair is where `o` goes.
        let key = if i >= first_pair { " (o)" } else { "" };
        lines.push(Line::raw(format!(
            "{label:<9}{}{key}",
            escape_control(&text)
        )));
    }
}
