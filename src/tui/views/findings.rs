//! Findings of the selected file or clip: severity, check id, verdict, actual vs expected.

use super::{Theme, is_focused, pane, scroll};
use crate::check::{Finding, Severity, Verdict};
use crate::escape::escape_control;
use crate::tui::model::{Model, Pane};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Rows for the findings pane: enough for the findings, at most about half the body.
pub fn height_for(model: &Model, available: u16) -> u16 {
    let n = model
        .selected_row()
        .map_or(0, |row| model.findings(row).len())
        .max(1) as u16;
    (n + 2).clamp(3, (available / 2).max(3))
}

pub fn draw(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let focused = is_focused(model, Pane::Findings);
    let Some(row) = model.selected_row() else {
        frame.render_widget(pane(" Findings ".into(), focused, theme), area);
        return;
    };
    let findings = model.findings(row);
    let title = format!(" Findings · {} ", model.title(row));
    let block = pane(title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if findings.is_empty() {
        let text = if model.is_pending(row) {
            "· waiting to be checked…"
        } else {
            "✓ no findings: every rule of the spec passes"
        };
        frame.render_widget(Paragraph::new(text).style(theme.dim()), inner);
        return;
    }
    let height = inner.height as usize;
    let offset = scroll(
        model.findings_offset.get(),
        model.finding_cursor,
        height,
        findings.len(),
    );
    model.findings_offset.set(offset);
    let check_width = findings
        .iter()
        .map(|f| f.check.chars().count())
        .max()
        .unwrap_or(0)
        .min(26);
    let lines: Vec<Line> = findings
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, f)| row_line(f, i == model.finding_cursor, check_width, theme))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "ERR",
        Severity::Warning => "WRN",
        Severity::Info => "INF",
    }
}

/// The verdict as shown: informational findings have nothing to decide.
pub fn verdict_label(f: &Finding) -> &'static str {
    match f.review.verdict {
        Verdict::Open if f.severity == Severity::Info => "-",
        Verdict::Open => "open",
        Verdict::Rejected => "REJECTED",
        Verdict::Waived => "waived",
    }
}

fn row_line<'a>(f: &Finding, selected: bool, check_width: usize, theme: &Theme) -> Line<'a> {
    let marker = if selected { "▶" } else { " " };
    let check = escape_control(&f.check);
    let mut detail = format!(
        "{} (want {})",
        escape_control(&f.actual),
        escape_control(&f.expected)
    );
    if f.stale {
        detail = format!("stale: {detail}");
    }
    let row_style = if selected {
        theme.selected()
    } else {
        theme.plain()
    };
    Line::from(vec![
        Span::raw(marker),
        Span::styled(severity_label(f.severity), theme.severity(f.severity)),
        Span::raw(" "),
        Span::styled(format!("{check:<check_width$} "), row_style),
        Span::styled(
            format!("{:<8} ", verdict_label(f)),
            theme.verdict(f.review.verdict),
        ),
        Span::raw(detail),
    ])
}
