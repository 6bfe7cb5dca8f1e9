//! The file list: selection marker, status glyph, name (with the folders that tell apart files
//! of one name; tail kept), open-failure count.

use super::theme::glyph;
use super::{Theme, fit_tail, is_focused, pane, scroll};
use crate::tui::model::{Entry, Model, Pane};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

pub fn draw(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let focused = is_focused(model, Pane::Files);
    let title = if model.visible.is_empty() {
        " Files ".to_owned()
    } else {
        format!(" Files {}/{} ", model.cursor + 1, model.visible.len())
    };
    let block = pane(title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if model.visible.is_empty() {
        let why = if model.entries.is_empty() {
            "no files yet"
        } else {
            "no file matches the filter (f) or search (/)"
        };
        frame.render_widget(Paragraph::new(why).style(theme.dim()), inner);
        return;
    }
    let height = inner.height as usize;
    let offset = scroll(
        model.files_offset.get(),
        model.cursor,
        height,
        model.visible.len(),
    );
    model.files_offset.set(offset);
    let width = inner.width as usize;
    let lines: Vec<Line> = model.visible[offset..]
        .iter()
        .take(height)
        .enumerate()
        .map(|(row, &index)| {
            let selected = offset + row == model.cursor;
            let entry = &model.entries[index];
            let prefix = crate::tui::clips::row_prefix(model, entry);
            let name = crate::tui::clips::row_name(model, entry);
            row_line(entry, (prefix, &name), selected, width, theme)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn row_line<'a>(
    entry: &Entry,
    (prefix, name): (&'static str, &str),
    selected: bool,
    width: usize,
    theme: &Theme,
) -> Line<'a> {
    let status = (!entry.is_pending()).then_some(entry.report.status);
    let open = entry.open_failures();
    let count = if open > 0 {
        format!(" {open:>2}")
    } else {
        String::new()
    };
    let name_width = width.saturating_sub(3 + count.width() + prefix.width());
    let name = fit_tail(name, name_width);
    let pad = name_width.saturating_sub(name.width());
    let marker = if selected { "▶" } else { " " };
    let name_style = if selected {
        theme.selected()
    } else {
        theme.plain()
    };
    Line::from(vec![
        Span::raw(marker),
        Span::styled(glyph(status), theme.status(status)),
        Span::raw(" "),
        Span::styled(format!("{prefix}{name}{}", " ".repeat(pad)), name_style),
        Span::styled(count, theme.alert()),
    ])
}
